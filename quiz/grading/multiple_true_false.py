"""Multiple true/false: the learner judges each statement true or false, or says "don't know".

The rule in words
    Each of the n statements is worth 1/n of the marks. A right judgement earns that share; a wrong
    judgement loses ``penalty`` times that share (penalty 0 = no deduction, 1 = a wrong answer cancels
    a right one). "Don't know" and leaving a statement unanswered earn nothing and lose nothing. So
    the score is (right - penalty x wrong) / n, kept within 0% and 100%. If no statement is answered
    at all the question is incomplete; answering every statement "don't know" is a complete answer
    that scores 0%.

Where it comes from
    This is the "Subpoints with deduction" scoring of the Multiple True/False question type for
    Moodle (qtype_mtf, ETH Zurich): subpoints for each correct row, and a deduction for each wrong row
    "as a fraction of the points the item would get", set between 0 and 1. With penalty 0 it is that
    plugin's plain "Subpoints" scoring. The "don't know" answer, which lets a learner avoid the
    deduction honestly instead of guessing, is the convention of negatively marked true/false papers
    in medical examinations.

Responses map each statement's key to "true", "false" or "dont_know" (surrounding spaces and
capital letters are ignored). Any other value, or a missing key, means the statement was not answered.

Authoring checks: at least one statement, unique keys, each statement marked true or false, and a
penalty between 0% and 100%.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .base import Credit, Grade, Outcome, duplicates, graded, incomplete, is_key, is_number, percent, signed

__all__ = ["DONT_KNOW", "FALSE", "KIND", "TRUE", "VERSION", "Statement", "TrueFalseKey", "grade", "validate"]

KIND = "multiple_true_false"
VERSION = 2  # 2: credits carry an outcome code

TRUE = "true"
FALSE = "false"
DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Statement:
    """One statement to judge: its stable key and whether it is true."""

    key: str
    is_true: bool


@dataclass(frozen=True)
class TrueFalseKey:
    """The statements, and the fraction of one statement's credit lost for a wrong answer (0..1)."""

    statements: tuple[Statement, ...]
    penalty: float


def validate(key: TrueFalseKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, TrueFalseKey):
        return ["This is not a multiple true/false key."]
    statements = tuple(key.statements)
    problems: list[str] = []
    if not statements:
        problems.append("Add at least one statement to judge.")
    for position, statement in enumerate(statements, start=1):
        if not isinstance(statement, Statement):
            problems.append(f"Statement {position} is not a statement (it has no key and answer).")
        elif not is_key(statement.key):
            problems.append(f"Statement {position} needs a key (a short name such as 's1').")
        elif not isinstance(statement.is_true, bool):
            problems.append(f"Say whether statement '{statement.key}' is true or false.")
    keys = [s.key for s in statements if isinstance(s, Statement) and is_key(s.key)]
    for repeated in duplicates(keys):
        problems.append(f"Each statement needs its own key, but '{repeated}' is used more than once.")
    if not is_number(key.penalty):
        problems.append("Give the penalty for a wrong answer as a number between 0% and 100%.")
    elif not 0.0 <= key.penalty <= 1.0:
        problems.append(
            f"The penalty for a wrong answer is {percent(key.penalty)} of a statement's credit; "
            "it must be between 0% (no deduction) and 100% (a wrong answer cancels a right one)."
        )
    return problems


def grade(key: TrueFalseKey, response: object) -> Grade:
    """Score (right - penalty x wrong) / n. ``response`` maps statement keys to "true"/"false"/"dont_know"."""
    if not isinstance(response, Mapping):
        return incomplete()
    count = len(key.statements)
    share = 1.0 / count
    right = 0
    wrong = 0
    answered = 0
    credits: list[Credit] = []
    for statement in key.statements:
        answer = _read_answer(response, statement.key)
        if answer is None:
            credits.append(Credit(statement.key, 0.0, "not answered", Outcome.UNANSWERED))
            continue
        answered += 1
        if answer == DONT_KNOW:
            credits.append(Credit(statement.key, 0.0, "answered don't know (no credit, no penalty)", Outcome.DONT_KNOW))
        elif (answer == TRUE) == statement.is_true:
            right += 1
            credits.append(Credit(statement.key, share, f"judged correctly ({signed(share)})", Outcome.RIGHT_PICK))
        else:
            wrong += 1
            loss = -key.penalty * share
            truth = TRUE if statement.is_true else FALSE
            credits.append(
                Credit(
                    statement.key,
                    loss,
                    f"answered '{answer}' but the statement is {truth} ({signed(loss)})",
                    Outcome.WRONG_PICK,
                )
            )
    if answered == 0:
        return incomplete()
    return graded((right - key.penalty * wrong) / count, credits)


def _read_answer(response: Mapping[object, object], statement_key: str) -> str | None:
    """The learner's answer to one statement: TRUE, FALSE, DONT_KNOW, or None when not answered."""
    try:
        value = response.get(statement_key)
    except Exception:  # learner data: a mapping that cannot be read counts as unanswered
        return None
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    if value in (TRUE, FALSE, DONT_KNOW):
        return value
    return None
