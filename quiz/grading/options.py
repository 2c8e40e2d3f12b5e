"""The option shared by single best answer and multiple response questions, and the checks both apply to it.

An option is one line the learner can choose, with a stable key and a weight: the fraction of the
marks it is worth when chosen. The two question kinds differ only in which weights they allow, so
each passes its own range to ``option_problems``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .base import duplicates, is_key, is_number, percent


@dataclass(frozen=True)
class Option:
    """One choosable option: its stable key and the fraction of the marks it is worth when chosen."""

    key: str
    weight: float


def option_problems(options: Sequence[object], lowest: float, highest: float) -> list[str]:
    """Problems with the options themselves: wrong types, missing or repeated keys, weights out of range."""
    problems: list[str] = []
    for position, option in enumerate(options, start=1):
        if not isinstance(option, Option):
            problems.append(f"Option {position} is not an option (it has no key and weight).")
        elif not is_key(option.key):
            problems.append(f"Option {position} needs a key (a short name such as 'a').")
        elif not is_number(option.weight):
            problems.append(f"Option '{option.key}' needs a weight given as a number.")
        elif not lowest <= option.weight <= highest:
            problems.append(
                f"Option '{option.key}' has a weight of {percent(option.weight)}; "
                f"weights must be between {percent(lowest)} and {percent(highest)}."
            )
    keys = [option.key for option in options if isinstance(option, Option) and is_key(option.key)]
    for key in duplicates(keys):
        problems.append(f"Each option needs its own key, but '{key}' is used more than once.")
    return problems


def weights(options: Sequence[object]) -> list[float]:
    """The usable weights among the options (for checks that add them up)."""
    return [option.weight for option in options if isinstance(option, Option) and is_number(option.weight)]
