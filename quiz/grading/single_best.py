"""Single best answer: the learner chooses one option and scores that option's weight.

The rule in words
    Every option carries a weight between 0% and 100%. The learner chooses one option and the score
    is the weight of the option chosen: 100% for the best answer, 0% for a wrong one, and anything in
    between for an answer the educator judges partly right. Choosing nothing (or something that is not
    one of the options) leaves the question incomplete.

Where it comes from
    This is Moodle's Multiple choice question with "One answer only": each choice has a grade, the
    learner receives the grade of the choice picked, and Moodle will not save the question unless one
    choice is worth 100%, so that full marks are possible. Moodle also allows negative grades on
    single-answer choices; we do not, because a single best answer question offers no way to hedge,
    so a penalty would only punish guessing that the format already makes costly.

Authoring checks: at least two options, unique keys, weights between 0% and 100%, and at least one
option worth 100%.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .base import EPSILON, Credit, Grade, Outcome, State, graded, incomplete, is_number, percent, state_for
from .options import Option, option_problems

__all__ = ["KIND", "VERSION", "Option", "SingleBestKey", "grade", "validate"]

KIND = "single_best"
VERSION = 2  # 2: credits carry an outcome code


@dataclass(frozen=True)
class SingleBestKey:
    """The options in the order the educator wrote them (the order does not affect grading)."""

    options: tuple[Option, ...]


def validate(key: SingleBestKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, SingleBestKey):
        return ["This is not a single best answer key."]
    options: Sequence[object] = tuple(key.options)
    problems: list[str] = []
    if len(options) < 2:
        problems.append("Add at least two options, so that there is something to choose between.")
    problems.extend(option_problems(options, lowest=0.0, highest=1.0))
    best = [
        option
        for option in options
        if isinstance(option, Option) and is_number(option.weight) and abs(option.weight - 1.0) <= EPSILON
    ]
    if not best:
        problems.append("Give the best answer a weight of 100%; otherwise no learner can get full marks.")
    return problems


def grade(key: SingleBestKey, response: object) -> Grade:
    """Score the chosen option's weight. ``response`` is the chosen option's key, or None."""
    if not isinstance(response, str):
        return incomplete()
    for option in key.options:
        if option.key == response:
            credit = Credit(option.key, option.weight, _reason(option.weight), _outcome(option.weight))
            return graded(option.weight, [credit])
    return incomplete()


def _outcome(weight: float) -> Outcome:
    return {State.CORRECT: Outcome.RIGHT_PICK, State.PARTIAL: Outcome.PARTIAL_PICK}.get(
        state_for(weight), Outcome.WRONG_PICK
    )


def _reason(weight: float) -> str:
    match state_for(weight):
        case State.CORRECT:
            return "chose the best answer"
        case State.INCORRECT:
            return "chose a wrong option"
        case _:
            return f"chose a partly right option ({percent(weight)})"
