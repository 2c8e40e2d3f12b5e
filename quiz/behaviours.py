"""How an attempt runs: how many tries a step allows, what an extra try costs, when feedback is shown.

Moodle keeps question *behaviours* (deferred feedback, interactive with several tries, certainty-based
marking, ...) apart from question *types*; so does this module. The graders never know the behaviour.
A quiz chooses one (its mode and settings); its rules are copied onto the attempt when it starts
(``Attempt.rules``), so an attempt always finishes under the rules it began with, whatever the quiz
is changed to meanwhile. Views, templates and selectors ask the attempt's behaviour ("may the learner
try again?", "show feedback now?") instead of comparing modes.

A new behaviour is a subclass here and an entry in ``BEHAVIOURS``.

Certainty-based marking (CBM, Gardner-Medwin) follows Moodle's ``question_cbm`` helper
(question/engine/lib.php) and its behaviours ``qbehaviour_deferredcbm`` and ``qbehaviour_immediatecbm``:
the learner says how sure they are of each answer, and the mark depends on it (``adjust_fraction``).
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar


class Certainty(IntEnum):
    """How sure a learner says they are of an answer: Moodle's C=1, C=2, C=3 (``question_cbm::LOW/MED/HIGH``).

    Stored as these numbers on a response, so they read the same as Moodle's.
    """

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return CERTAINTY_LABELS[self]


CERTAINTY_LABELS = {Certainty.LOW: "Low", Certainty.MEDIUM: "Medium", Certainty.HIGH: "High"}

#: What a right answer (grader's fraction 1) and a wrong one (fraction 0) are worth, in multiples of the question's
#: marks: ``question_cbm::$rightscore`` and ``$wrongscore`` (Gardner-Medwin's scheme, 1/0, 2/-2, 3/-6).
CBM_RIGHT = {Certainty.LOW: 1, Certainty.MEDIUM: 2, Certainty.HIGH: 3}
CBM_WRONG = {Certainty.LOW: 0, Certainty.MEDIUM: -2, Certainty.HIGH: -6}

#: The chance of being right for which each level earns the most on average: ``question_cbm::$lowlimit`` and
#: ``$highlimit`` (below 67 %, 67 to 80 %, above 80 %). At exactly 2/3 low and medium both expect 2/3 of a mark;
#: at 0.8 medium and high both expect 1.2.
CBM_OPTIMAL_RANGE = {
    Certainty.LOW: (0.0, 2 / 3),
    Certainty.MEDIUM: (2 / 3, 0.8),
    Certainty.HIGH: (0.8, 1.0),
}

#: What Moodle assumes when no certainty was given (``question_cbm::default_certainty``).
DEFAULT_CERTAINTY = Certainty.LOW

#: Moodle's threshold below which a fraction counts as wrong (``adjust_fraction``: ``$fraction <= 0.00000005``).
_WRONG_BELOW = 0.00000005


def adjust_fraction(fraction: float, certainty: int | None) -> float:
    """The grader's fraction adjusted for the learner's certainty: ``question_cbm::adjust_fraction``.

    Wrong (a fraction of 0 or less): 0, -2 or -6 at low, medium, high certainty. Right or partly right:
    1, 2 or 3 times the fraction. A missing certainty counts as low, as in Moodle.
    """
    level = Certainty(certainty) if certainty else DEFAULT_CERTAINTY
    if fraction <= _WRONG_BELOW:
        return float(CBM_WRONG[level])
    return CBM_RIGHT[level] * fraction


@dataclass(frozen=True)
class Behaviour:
    """The rules of one attempt. ``tries`` per step; ``penalty``: fraction of a question lost per extra try."""

    tries: int = 1
    penalty: float = 0.0

    name: ClassVar[str] = ""
    #: Feedback and the published reasoning after each step (else only once the attempt is over).
    feedback_after_each_step: ClassVar[bool] = False
    #: The question's hint after a wrong try.
    shows_hints: ClassVar[bool] = False
    #: "Show the answer" after a try, giving up the remaining tries.
    learner_may_give_up: ClassVar[bool] = False
    #: The learner says how sure they are of each answer, and the mark depends on it (certainty-based marking).
    uses_certainty: ClassVar[bool] = False

    def may_try_again(self, tries_used: int) -> bool:
        return tries_used < self.tries

    def try_mark(self, try_number: int, fraction: float, marks: float) -> float:
        """Marks one try is worth: the grader's fraction less the penalty for each try before it, never below 0."""
        return round(max(0.0, fraction - self.penalty * (try_number - 1)) * float(marks), 6)

    def earning_try(self, tries: "list[tuple[int, float]]") -> int | None:
        """The try a question's mark comes from, of its tries (try number, grader's fraction); None without one.

        The best try after its penalty. On a tie, the one the grader scored higher (right on the second try
        says more than partly right on the first, for the same mark), then the first of them; when no try
        earned anything, the last (the learner's final answer).
        """

        def rank(item: tuple[int, float]) -> tuple[float, float, int]:
            try_number, fraction = item
            worth = self.try_mark(try_number, fraction, 1)
            return (worth, fraction, -try_number if worth > 0 else try_number)

        return max(tries, key=rank)[0] if tries else None

    def question_mark(self, tries: "list[tuple[int, float]]", marks: float, certainty: int | None = None) -> float:
        """Marks earned on one question from its tries, (try number, grader's fraction): the best try,
        less the penalty for each try before it (``earning_try``). ``certainty`` counts only under
        certainty-based marking (``CertaintyBased``)."""
        earning = self.earning_try(tries)
        if earning is None:
            return 0.0
        return self.try_mark(earning, dict(tries)[earning], marks)

    @property
    def penalty_in_words(self) -> str:
        """What an extra try costs, as a learner reads it: "each extra try costs a third of the question's marks".

        A quarter, a third, a half and all of the marks are named (a third is stored as 0.333); any other
        penalty is given as a percentage.
        """
        if self.penalty <= 0:
            return "extra tries cost no marks"
        for value, words in ((1 / 4, "a quarter"), (1 / 3, "a third"), (1 / 2, "half"), (1, "all")):
            if abs(self.penalty - value) < 0.005:
                return f"each extra try costs {words} of the question's marks"
        return f"each extra try costs {round(self.penalty * 100, 1):g}% of the question's marks"

    def rules(self) -> dict[str, Any]:
        """What an attempt stores, to run under these rules to its end."""
        return {"behaviour": self.name, "tries": self.tries, "penalty": self.penalty}


@dataclass(frozen=True)
class Practice(Behaviour):
    """Several tries per step, a penalty for each extra one, a hint after a wrong try, feedback after each step."""

    tries: int = 3
    penalty: float = 1 / 3

    name: ClassVar[str] = "practice"
    feedback_after_each_step: ClassVar[bool] = True
    shows_hints: ClassVar[bool] = True
    learner_may_give_up: ClassVar[bool] = True


@dataclass(frozen=True)
class Exam(Behaviour):
    """One try per step, no penalty, no hint; feedback once the attempt is over (when the quiz allows)."""

    name: ClassVar[str] = "exam"


@dataclass(frozen=True)
class CertaintyBased(Behaviour):
    """Certainty-based marking with feedback at the end: Moodle's ``qbehaviour_deferredcbm``.

    One try per step, no penalty, no hint. With each answer the learner says how sure they are (low, medium,
    high), and the question's mark is its marks times ``adjust_fraction``: right 1, 2 or 3 times the marks,
    wrong 0, -2 or -6 times. As in Moodle a question's mark ranges from -6 to 3 times its marks, and the total
    is read against the marks for every answer right at low certainty (100 %; up to 300 %). Feedback comes once
    the attempt is over, when the quiz's review setting allows, as for an exam.
    """

    name: ClassVar[str] = "cbm"
    uses_certainty: ClassVar[bool] = True

    def try_mark(self, try_number: int, fraction: float, marks: float, certainty: int | None = None) -> float:
        """Marks one try is worth at the certainty given with it (there is one try, so no penalty)."""
        return round(adjust_fraction(fraction, certainty) * float(marks), 6)

    def question_mark(self, tries: "list[tuple[int, float]]", marks: float, certainty: int | None = None) -> float:
        """The question's certainty-based mark: its one try adjusted for ``certainty``; 0 when not answered
        (Moodle leaves a question not answered without a mark)."""
        earning = self.earning_try(tries)
        if earning is None:
            return 0.0
        return self.try_mark(earning, dict(tries)[earning], marks, certainty)

    def rules(self) -> dict[str, Any]:
        return {**super().rules(), "certainty": True}


@dataclass(frozen=True)
class PracticeCertainty(CertaintyBased):
    """A practice attempt in which the learner turned certainty on: Moodle's ``qbehaviour_immediatecbm``.

    Moodle has no behaviour that combines several tries with certainty (``interactive`` has tries,
    ``immediatecbm`` has certainty and one submission per question), and for good reason: after "not quite
    yet" a second answer's certainty no longer says how sure the learner was. So practice with certainty is
    immediate CBM: one try per step, marked for certainty, with feedback and the published reasoning straight
    after each step (no hint, nothing to give up). The quiz's tries and penalty do not apply.
    """

    name: ClassVar[str] = "practice_cbm"
    feedback_after_each_step: ClassVar[bool] = True


BEHAVIOURS: dict[str, type[Behaviour]] = {cls.name: cls for cls in (Practice, Exam, CertaintyBased, PracticeCertainty)}


def for_quiz(quiz, *, certainty: bool = False) -> Behaviour:
    """The behaviour a quiz's settings choose, for an attempt starting now.

    ``certainty``: the learner asked to say how sure they are in a practice attempt; granted only when the
    quiz allows it (``Quiz.practice_certainty``).
    """
    if quiz.mode == Exam.name:
        return Exam()
    if quiz.mode == CertaintyBased.name:
        return CertaintyBased()
    if certainty and getattr(quiz, "practice_certainty", False):
        return PracticeCertainty()
    return Practice(tries=max(1, int(quiz.max_tries)), penalty=float(quiz.penalty_per_try))


def from_rules(rules: dict[str, Any]) -> Behaviour:
    """The behaviour an attempt stored when it started."""
    behaviour = BEHAVIOURS[rules["behaviour"]]
    if behaviour in (Exam, CertaintyBased, PracticeCertainty):
        return behaviour()
    return behaviour(tries=max(1, int(rules["tries"])), penalty=float(rules["penalty"]))
