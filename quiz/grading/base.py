"""Types shared by every grader: the grade, its state, the credits that explain it, authoring errors.

Nothing here knows about Django, the database or how a quiz is delivered. The helpers at the bottom
(``graded``, ``incomplete``, ``is_number``, ``string_items``, ``percent``, ``signed``) are small
conveniences the grader modules use so that they all clamp, round and word things the same way.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

# Moodle's question_state::graded_state_for_fraction() allows the same kind of slack for floating-point
# rounding: a fraction within EPSILON of 1 counts as right, within EPSILON of 0 as wrong.
EPSILON = 1e-6


class State(StrEnum):
    """How a response turned out, in the four words a learner sees."""

    CORRECT = "correct"
    PARTIAL = "partially_correct"
    INCORRECT = "incorrect"
    INCOMPLETE = "incomplete"


class Outcome(StrEnum):
    """What happened to one part of the key, as a stable code that feedback is built from.

    Feedback reads the stored credits' outcomes; it never works the answer out again, so it always
    says what the grade counted.
    """

    RIGHT_PICK = "right_pick"  # chose / ticked / judged / matched this rightly (full credit for it)
    PARTIAL_PICK = "partial_pick"  # chose an option worth part of the marks
    WRONG_PICK = "wrong_pick"  # chose / ticked / judged / matched this wrongly; a distractor region marked
    MISSED = "missed"  # a right option left unticked
    UNANSWERED = "unanswered"  # a statement or stem left without an answer
    DONT_KNOW = "dont_know"  # "don't know" to a true/false statement
    RIGHT_NEIGHBOUR = "right_neighbour"  # an item followed by the item that comes next in the key
    WRONG_NEIGHBOUR = "wrong_neighbour"  # an item followed by one that does not come next
    HIT = "hit"  # a hotspot target marked (each mark counts for one target at most)
    NOT_HIT = "not_hit"  # a hotspot target left unmarked
    EXTRA_MARK = "extra_mark"  # a hotspot mark outside every region, or a second mark on a marked target
    MATCHED_ANSWER = "matched_answer"  # free text matching an accepted answer
    NEAR_ANSWER = "near_answer"  # free text matching an accepted answer but for a small spelling slip


@dataclass(frozen=True)
class Credit:
    """One thing that earned or lost credit.

    ``key`` is the stable key of the option / statement / stem / item / zone / accepted answer concerned
    (``""`` only where nothing in the key is concerned, such as a hotspot mark outside every zone).
    ``fraction`` is its contribution to the score before clamping; it may be negative.
    ``reason`` is a short plain-English explanation, e.g. "ticked a wrong option (-0.5)".
    ``outcome`` says what happened to it, as a stable code (``Outcome``).
    """

    key: str
    fraction: float
    reason: str
    outcome: Outcome


@dataclass(frozen=True)
class Grade:
    """The result of grading one response: a fraction of the marks in [0, 1], a state, and the credits."""

    fraction: float
    state: State
    credits: tuple[Credit, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"A grade's fraction must be within [0, 1], not {self.fraction!r}.")


class AuthoringError(ValueError):
    """A question key that cannot be graded fairly. ``problems`` are plain sentences for an educator."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__(" ".join(self.problems) or "The question is not set up correctly.")


class Grader(Protocol):
    """What every grader module provides. The modules themselves satisfy this protocol."""

    KIND: str
    VERSION: int

    def validate(self, key: Any) -> list[str]:
        """Problems an educator must fix before the key can be used; an empty list means it is fine."""
        ...

    def grade(self, key: Any, response: Any) -> Grade:
        """Grade a learner's response. Never raises on any response; may assume ``validate(key) == []``."""
        ...


def state_for(fraction: float) -> State:
    """CORRECT for 1, INCORRECT for 0 (or less), PARTIAL in between, with EPSILON of slack for rounding."""
    if fraction >= 1.0 - EPSILON:
        return State.CORRECT
    if fraction <= EPSILON:
        return State.INCORRECT
    return State.PARTIAL


def clamp(fraction: float) -> float:
    """Bring a raw score into [0, 1], snapping values within EPSILON of either end to exactly 0 or 1.

    Snapping means a grade whose state is CORRECT always has fraction 1.0 and one that is INCORRECT
    always has 0.0, even when adding up weights such as 1/3 + 1/3 + 1/3 leaves a rounding crumb.
    Anything that is not a finite number (which a validated key cannot produce) counts as 0.
    """
    if not is_number(fraction):
        return 0.0
    if fraction >= 1.0 - EPSILON:
        return 1.0
    if fraction <= EPSILON:
        return 0.0
    return float(fraction)


def graded(raw_fraction: float, credits: Iterable[Credit]) -> Grade:
    """A finished grade: the raw score clamped into [0, 1], with the matching state."""
    fraction = clamp(raw_fraction)
    return Grade(fraction=fraction, state=state_for(fraction), credits=tuple(credits))


def incomplete() -> Grade:
    """The grade for a response with nothing gradable in it."""
    return Grade(fraction=0.0, state=State.INCOMPLETE, credits=())


def is_number(value: object) -> bool:
    """True for an int or a finite float (booleans are not numbers here)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def is_key(value: object) -> bool:
    """True for a usable key: a non-empty string."""
    return isinstance(value, str) and value != ""


def duplicates(keys: Iterable[str]) -> list[str]:
    """The keys that appear more than once, each reported once, in order of first repeat."""
    seen: set[str] = set()
    repeated: list[str] = []
    for key in keys:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def string_items(value: object) -> list[str]:
    """Read a learner's "list of keys" defensively.

    A lone string is one key (never a sequence of characters). Any other iterable contributes the
    strings in it, in order, without repeats; everything else in it is ignored. A mapping or anything
    that cannot be iterated gives no keys. This never raises.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping | bytes | bytearray) or not isinstance(value, Iterable):
        return []
    try:
        items = list(value)
    except Exception:  # learner data: an iterable that fails part-way means "nothing chosen"
        return []
    keys: list[str] = []
    for item in items:
        if isinstance(item, str) and item not in keys:
            keys.append(item)
    return keys


def percent(fraction: float) -> str:
    """0.5 -> "50%", 1/3 -> "33.33%": how fractions are written for educators."""
    if not is_number(fraction):
        return repr(fraction)
    return f"{round(fraction * 100, 2):g}%"


def signed(fraction: float) -> str:
    """0.5 -> "+0.5", -0.25 -> "-0.25": how a credit's contribution is written in its reason."""
    return f"{round(fraction, 4):+g}"
