"""Ordering: the learner drags items (e.g. steps of a management plan) into the right sequence.

The rule in words
    Look at each item in the learner's order except the last. It earns one credit if the item placed
    straight after it is the item that comes straight after it in the key. The score is the credits
    divided by (number of items - 1). So getting a run of steps in the right sequence earns credit
    even if the run is in the wrong place: with the key A B C D, the order B C D A scores 2/3 (B-C and
    C-D are right, D-A is not).

    If the learner's order is exactly the order the items were shown in, the list was not touched and
    the question is incomplete (so the presented order should never be the right order; the quiz
    should reshuffle if it is). An order that is not a rearrangement of exactly the key's items is
    also treated as incomplete.

Where it comes from
    This is the "Relative to the next item (excluding last)" grading type of Moodle's Ordering
    question (qtype_ordering): for each item but the last, a point if the next item is the right one,
    out of n - 1. Moodle offers it alongside absolute-position and longest-subset gradings; it was
    chosen here because one misplaced step costs at most two credits instead of shifting every item
    after it.

Authoring checks: at least three items, each a non-empty key, none repeated.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .base import Credit, Grade, Outcome, duplicates, graded, incomplete, is_key, signed

__all__ = ["KIND", "VERSION", "OrderingKey", "OrderingResponse", "grade", "validate"]

KIND = "ordering"
VERSION = 2  # 2: credits carry an outcome code


@dataclass(frozen=True)
class OrderingKey:
    """The item keys in the right order."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class OrderingResponse:
    """The learner's order, and the order the items were shown in (to tell an untouched list apart)."""

    order: tuple[str, ...]
    presented: tuple[str, ...]


def validate(key: OrderingKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, OrderingKey):
        return ["This is not an ordering key."]
    items = tuple(key.items)
    problems: list[str] = []
    if len(items) < 3:
        problems.append("Add at least three items to put in order.")
    for position, item in enumerate(items, start=1):
        if not is_key(item):
            problems.append(f"Item {position} needs a key (a short name such as 'step1').")
    for repeated in duplicates(item for item in items if is_key(item)):
        problems.append(f"Each item needs its own key, but '{repeated}' is used more than once.")
    return problems


def grade(key: OrderingKey, response: object) -> Grade:
    """Score pairs of neighbours placed as in the key, out of n - 1. ``response`` is an OrderingResponse."""
    if not isinstance(response, OrderingResponse):
        return incomplete()
    order = _string_tuple(response.order)
    if order is None or sorted(order) != sorted(key.items):
        return incomplete()
    if order == _string_tuple(response.presented):
        return incomplete()

    follows = dict(zip(key.items, key.items[1:], strict=False))
    share = 1.0 / (len(key.items) - 1)
    right = 0
    credits: list[Credit] = []
    for item, next_item in zip(order, order[1:], strict=False):
        if follows.get(item) == next_item:
            right += 1
            credits.append(
                Credit(
                    item,
                    share,
                    f"'{next_item}' rightly comes straight after '{item}' ({signed(share)})",
                    Outcome.RIGHT_NEIGHBOUR,
                )
            )
        else:
            reason = f"'{next_item}' should not come straight after '{item}'"
            credits.append(Credit(item, 0.0, reason, Outcome.WRONG_NEIGHBOUR))
    return graded(right / (len(key.items) - 1), credits)


def _string_tuple(value: object) -> tuple[str, ...] | None:
    """The value as a tuple of strings, or None if it is not a sequence of strings (a lone string is not)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return None
    try:
        items = tuple(value)
    except Exception:  # learner data: an iterable that fails part-way is not an order
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return items
