"""Extended matching: the learner matches each stem (e.g. a vignette) to one choice from a shared list.

The rule in words
    Each stem has one right choice. Choices may be used for more than one stem, or not at all. The
    score is the number of stems matched to their right choice divided by the number of stems; stems
    left unanswered, or answered with something that is not one of the choices, score nothing. If no
    stem is answered the question is incomplete.

Where it comes from
    This is how Moodle grades its Matching question: every sub-question counts equally and the grade
    is the number right over the number of sub-questions, with no deduction for wrong matches. It is
    also the usual marking of extended matching items in medical examinations (one mark per stem,
    choices reusable). Moodle's editing form has asked for at least two questions and three answers
    (newer versions for one and two); here an extended matching set needs at least two stems and two
    choices.

Authoring checks: at least two stems, unique stem keys, at least two choices, no choice listed twice,
and every stem's answer among the choices.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .base import Credit, Grade, Outcome, duplicates, graded, incomplete, is_key, signed

__all__ = ["KIND", "VERSION", "MatchingKey", "Stem", "grade", "validate"]

KIND = "matching"
VERSION = 2  # 2: credits carry an outcome code


@dataclass(frozen=True)
class Stem:
    """One stem to match: its stable key and the key of its right choice."""

    key: str
    answer: str


@dataclass(frozen=True)
class MatchingKey:
    """The stems, and the keys of the shared choices (the order of either does not affect grading)."""

    stems: tuple[Stem, ...]
    choices: tuple[str, ...]


def validate(key: MatchingKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, MatchingKey):
        return ["This is not an extended matching key."]
    stems = tuple(key.stems)
    choices = tuple(key.choices)
    problems: list[str] = []
    if len(stems) < 2:
        problems.append("Add at least two stems to match.")
    if len(choices) < 2:
        problems.append("Add at least two choices to match the stems to.")
    for position, choice in enumerate(choices, start=1):
        if not is_key(choice):
            problems.append(f"Choice {position} needs a key (a short name such as 'A').")
    for repeated in duplicates(choice for choice in choices if is_key(choice)):
        problems.append(f"The choice '{repeated}' is listed more than once; list each choice once.")
    for position, stem in enumerate(stems, start=1):
        if not isinstance(stem, Stem):
            problems.append(f"Stem {position} is not a stem (it has no key and answer).")
        elif not is_key(stem.key):
            problems.append(f"Stem {position} needs a key (a short name such as '1').")
        elif stem.answer not in choices:
            problems.append(f"The answer to stem '{stem.key}' is '{stem.answer}', which is not one of the choices.")
    for repeated in duplicates(stem.key for stem in stems if isinstance(stem, Stem) and is_key(stem.key)):
        problems.append(f"Each stem needs its own key, but '{repeated}' is used more than once.")
    return problems


def grade(key: MatchingKey, response: object) -> Grade:
    """Score the share of stems matched correctly. ``response`` maps stem keys to choice keys."""
    if not isinstance(response, Mapping):
        return incomplete()
    choices = set(key.choices)
    share = 1.0 / len(key.stems)
    right = 0
    answered = 0
    credits: list[Credit] = []
    for stem in key.stems:
        chosen = _read_choice(response, stem.key)
        if chosen not in choices:
            credits.append(Credit(stem.key, 0.0, "not answered", Outcome.UNANSWERED))
            continue
        answered += 1
        if chosen == stem.answer:
            right += 1
            credits.append(Credit(stem.key, share, f"matched correctly ({signed(share)})", Outcome.RIGHT_PICK))
        else:
            reason = f"matched to '{chosen}', which is not the right choice"
            credits.append(Credit(stem.key, 0.0, reason, Outcome.WRONG_PICK))
    if answered == 0:
        return incomplete()
    return graded(right / len(key.stems), credits)


def _read_choice(response: Mapping[object, object], stem_key: str) -> str | None:
    """The choice key given for one stem, or None if there is no usable answer."""
    try:
        value = response.get(stem_key)
    except Exception:  # learner data: a mapping that cannot be read counts as unanswered
        return None
    return value if isinstance(value, str) else None
