"""Multiple response: the learner ticks any number of options; the score adds up the weights of those ticked.

The rule in words
    Each option carries a weight between -100% and +100%. The right options have positive weights
    that add up to exactly 100%; wrong options have negative weights. The score is the sum of the
    weights of the options ticked, kept within 0% and 100%. Ticking the same option twice counts once;
    ticking nothing leaves the question incomplete.

    So that guessing does not pay, the wrong options' negative weights must add up to at least -100%:
    then ticking every box scores 0%. The educator is told what ticking every box would score if not.

Where it comes from
    This is Moodle's Multiple choice question with "Multiple answers allowed": each choice has a
    grade that may be negative, the learner's grade is the total of the grades of the choices ticked,
    clamped to 0..100%, and Moodle refuses to save the question unless the positive grades add up to
    100%. Moodle's help text explains that wrong choices carry negative grades "so that choosing ALL
    the options will not necessarily result in good grade"; here that advice becomes a rule (the
    "every box scores 0%" check is ours, not Moodle's).

Authoring checks: at least two options, unique keys, weights between -100% and 100%, positive
weights adding up to exactly 100% (within 1e-6), at least one negative weight, and all weights
together adding up to 0% or less.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .base import EPSILON, Credit, Grade, Outcome, graded, incomplete, percent, signed, string_items
from .options import Option, option_problems, weights

__all__ = ["KIND", "VERSION", "MultipleResponseKey", "Option", "grade", "validate"]

KIND = "multiple_response"
VERSION = 2  # 2: credits carry an outcome code


@dataclass(frozen=True)
class MultipleResponseKey:
    """The options in the order the educator wrote them (the order does not affect grading)."""

    options: tuple[Option, ...]


def validate(key: MultipleResponseKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, MultipleResponseKey):
        return ["This is not a multiple response key."]
    options: Sequence[object] = tuple(key.options)
    problems: list[str] = []
    if len(options) < 2:
        problems.append("Add at least two options, so that there is something to choose between.")
    problems.extend(option_problems(options, lowest=-1.0, highest=1.0))

    usable = weights(options)
    positive_total = math.fsum(weight for weight in usable if weight > 0)
    if abs(positive_total - 1.0) > EPSILON:
        problems.append(
            f"The right options' weights add up to {percent(positive_total)}; they must add up to exactly 100%, "
            "so that ticking all the right options and nothing else scores full marks."
        )
    if not any(weight < 0 for weight in usable):
        problems.append("Give the wrong options negative weights; with none, ticking every box would score full marks.")
    else:
        every_box = math.fsum(usable)
        if every_box > EPSILON:
            problems.append(
                f"Ticking every box would score {percent(every_box)}: "
                "give the wrong options negative weights that add up to at least -100%."
            )
    return problems


def grade(key: MultipleResponseKey, response: object) -> Grade:
    """Add up the weights of the ticked options. ``response`` is an iterable of ticked option keys.

    Unknown keys and anything that is not a string are ignored; a lone string is read as one key.
    """
    ticked = set(string_items(response))
    chosen = [option for option in key.options if option.key in ticked]
    if not chosen:
        return incomplete()
    credits: list[Credit] = []
    for option in key.options:
        if option.key in ticked:
            outcome = Outcome.RIGHT_PICK if option.weight > 0 else Outcome.WRONG_PICK
            credits.append(Credit(option.key, option.weight, _reason(option.weight), outcome))
        elif option.weight > 0:
            credits.append(Credit(option.key, 0.0, "left a right option unticked", Outcome.MISSED))
    return graded(math.fsum(option.weight for option in chosen), credits)


def _reason(weight: float) -> str:
    if weight > 0:
        return f"ticked a right option ({signed(weight)})"
    if weight < 0:
        return f"ticked a wrong option ({signed(weight)})"
    return "ticked an option worth nothing (0)"
