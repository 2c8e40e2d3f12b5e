"""Calibration under certainty-based marking: how often a learner was right at each level of certainty they
chose, against the chance of being right each level is the best bet for; and an attempt's summary marks.

Plain Python, no Django, so the same numbers serve one attempt, one learner across cases and an educator's
cohort on a quiz: the caller gathers the answers, this module counts.

Source: Moodle's ``qbehaviour_deferredcbm::summarise_usage`` and ``calculate_bonus``
(moodle/moodle ``question/behaviour/deferredcbm/behaviour.php``), with the levels' optimal ranges from
``question_cbm::$lowlimit``/``$highlimit`` (``question/engine/lib.php``, here ``behaviours.CBM_OPTIMAL_RANGE``):

* per level: the number of answers, and the accuracy = sum(weight x grader's fraction) / sum(weight), where
  the weight is the question's marks (1 when not given); a partly right answer counts as its fraction;
* the judgement: below the level's range is over-confident (only "a bit" while
  ``(accuracy - lower limit)² x answers <= 0.5``, Moodle's rough test of significance), above it
  under-confident (the same test against the upper limit), inside it about right;
* the whole: accuracy = sum(weight x fraction) / sum(weight), ignoring certainty; average CBM mark =
  sum(weight x adjusted fraction) / sum(weight), from -6 to 3; CBM bonus = 0.1 x (average CBM mark - the
  most a learner of that accuracy could expect with one fixed level). Questions not answered count in the
  weights with no marks, as in Moodle.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quiz.behaviours import CBM_OPTIMAL_RANGE, DEFAULT_CERTAINTY, Certainty, adjust_fraction

#: Moodle's tolerance at the range's edges (``0.0000005``) and its threshold of "more than a bit" (``0.5``).
_EDGE = 0.0000005
_SIGNIFICANT = 0.5


@dataclass(frozen=True)
class LevelCalibration:
    """One level of certainty: how often the answers given at it were right, against its optimal range."""

    certainty: Certainty
    answers: int
    #: Answers right, a partly right one counting as its fraction (weighted by marks when weights are given).
    right: float
    #: ``right`` over the answers (weighted), 0 to 1; None when no answer was given at this level.
    accuracy: float | None
    optimal_low: float
    optimal_high: float
    judgement: str

    @property
    def label(self) -> str:
        return self.certainty.label

    @property
    def accuracy_percent(self) -> float | None:
        return None if self.accuracy is None else round(self.accuracy * 100, 1)

    @property
    def optimal_low_percent(self) -> float:
        return round(self.optimal_low * 100, 1)

    @property
    def optimal_width_percent(self) -> float:
        return round((self.optimal_high - self.optimal_low) * 100, 1)

    @property
    def range_in_words(self) -> str:
        """The chance of being right the level suits, as the certainty's explanation gives it."""
        low, high = round(self.optimal_low * 100), round(self.optimal_high * 100)
        if low == 0:
            return f"below {high} %"
        if high == 100:
            return f"above {low} %"
        return f"{low} to {high} %"


def _judgement(accuracy: float | None, answers: int, low: float, high: float) -> str:
    if accuracy is None:
        return "no answers"
    if accuracy < low - _EDGE:
        return "over-confident" if (accuracy - low) ** 2 * answers > _SIGNIFICANT else "a bit over-confident"
    if accuracy > high + _EDGE:
        return "under-confident" if (accuracy - high) ** 2 * answers > _SIGNIFICANT else "a bit under-confident"
    return "about right"


def _level(answer: Sequence) -> Certainty:
    return Certainty(answer[0]) if answer[0] else DEFAULT_CERTAINTY


def _weight(answer: Sequence) -> float:
    return float(answer[2]) if len(answer) > 2 else 1.0


def calibrate(answers: Iterable[Sequence]) -> list[LevelCalibration]:
    """Per level of certainty, low to high, how often the answers given at it were right.

    ``answers``: ``(certainty, fraction)`` pairs, or ``(certainty, fraction, weight)`` to weight each answer by
    its question's marks as Moodle does; ``fraction`` is the grader's, 0 to 1, before any certainty. A missing
    certainty counts as low (Moodle's default). Every level is listed, with ``accuracy`` None when unused.
    """
    answers_by_level: dict[Certainty, list[Sequence]] = {level: [] for level in Certainty}
    for answer in answers:
        answers_by_level[_level(answer)].append(answer)
    levels = []
    for level, given in answers_by_level.items():
        weight = sum(_weight(a) for a in given)
        right = sum(_weight(a) * float(a[1]) for a in given)
        accuracy = right / weight if weight > 0 else None
        low, high = CBM_OPTIMAL_RANGE[level]
        levels.append(
            LevelCalibration(
                certainty=level,
                answers=len(given),
                right=round(right, 6),
                accuracy=accuracy,
                optimal_low=low,
                optimal_high=high,
                judgement=_judgement(accuracy, len(given), low, high),
            )
        )
    return levels


@dataclass(frozen=True)
class CertaintySummary:
    """An attempt's (or any set of answers') certainty-based marks, Moodle's "Average CBM mark" and "Accuracy"."""

    questions: int
    #: Share right ignoring certainty, weighted by marks: 0 to 1.
    accuracy: float
    #: Certainty-based marks per mark available: -6 to 3 (1 = every answer right at low certainty).
    average_cbm_mark: float
    #: Moodle's CBM bonus for telling reliable answers from unreliable ones (``calculate_bonus``).
    bonus: float
    levels: list[LevelCalibration]

    @property
    def accuracy_percent(self) -> float:
        return round(self.accuracy * 100, 1)

    @property
    def bonus_percent(self) -> float:
        return round(self.bonus * 100, 1)

    @property
    def answered(self) -> int:
        return sum(level.answers for level in self.levels)


def expected_for_accuracy(accuracy: float) -> float:
    """The best average CBM mark a learner of this accuracy could expect choosing one level for every answer."""
    return max(accuracy * adjust_fraction(1, level) + (1 - accuracy) * adjust_fraction(0, level) for level in Certainty)


def summarise(answers: Iterable[Sequence]) -> CertaintySummary | None:
    """The certainty-based summary of ``(certainty, fraction, weight)`` answers (weight = the question's marks);
    ``fraction`` None for a question not answered. None when there is nothing to count (no weight at all)."""
    answers = list(answers)
    total_weight = sum(_weight(a) for a in answers)
    if total_weight <= 0:
        return None
    given = [a for a in answers if a[1] is not None]
    raw = sum(_weight(a) * float(a[1]) for a in given)
    cbm = sum(_weight(a) * adjust_fraction(float(a[1]), a[0]) for a in given)
    accuracy = raw / total_weight
    average = cbm / total_weight
    return CertaintySummary(
        questions=len(answers),
        accuracy=accuracy,
        average_cbm_mark=average,
        bonus=0.1 * (average - expected_for_accuracy(accuracy)),
        levels=calibrate(given),
    )
