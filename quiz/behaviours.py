"""How an attempt runs: how many tries a step allows, what an extra try costs, when feedback is shown.

Moodle keeps question *behaviours* (deferred feedback, interactive with several tries, certainty-based
marking, ...) apart from question *types*; so does this module. The graders never know the behaviour.
A quiz chooses one (its mode and settings); its rules are copied onto the attempt when it starts
(``Attempt.rules``), so an attempt always finishes under the rules it began with, whatever the quiz
is changed to meanwhile. Views, templates and selectors ask the attempt's behaviour ("may the learner
try again?", "show feedback now?") instead of comparing modes.

A new behaviour is a subclass here and an entry in ``BEHAVIOURS``.
"""

from dataclasses import dataclass
from typing import Any, ClassVar


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

    def question_mark(self, tries: "list[tuple[int, float]]", marks: float) -> float:
        """Marks earned on one question from its tries, (try number, grader's fraction): the best try,
        less the penalty for each try before it (``earning_try``)."""
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


BEHAVIOURS: dict[str, type[Behaviour]] = {cls.name: cls for cls in (Practice, Exam)}


def for_quiz(quiz) -> Behaviour:
    """The behaviour a quiz's settings choose, for an attempt starting now."""
    if quiz.mode == Exam.name:
        return Exam()
    return Practice(tries=max(1, int(quiz.max_tries)), penalty=float(quiz.penalty_per_try))


def from_rules(rules: dict[str, Any]) -> Behaviour:
    """The behaviour an attempt stored when it started."""
    behaviour = BEHAVIOURS[rules["behaviour"]]
    if behaviour is Exam:
        return Exam()
    return behaviour(tries=max(1, int(rules["tries"])), penalty=float(rules["penalty"]))
