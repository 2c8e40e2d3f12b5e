"""Multiple true/false: (right - penalty x wrong) / n, with "don't know" scoring nothing either way."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.multiple_true_false import Statement, TrueFalseKey, grade, validate

STATEMENTS = (
    Statement("s1", True),
    Statement("s2", False),
    Statement("s3", True),
    Statement("s4", False),
)
KEY = TrueFalseKey(statements=STATEMENTS, penalty=0.5)
NO_PENALTY = TrueFalseKey(statements=STATEMENTS, penalty=0.0)
FULL_PENALTY = TrueFalseKey(statements=STATEMENTS, penalty=1.0)

ALL_RIGHT = {"s1": "true", "s2": "false", "s3": "true", "s4": "false"}
THREE_RIGHT_ONE_WRONG = {"s1": "true", "s2": "false", "s3": "true", "s4": "true"}
TWO_RIGHT_TWO_WRONG = {"s1": "true", "s2": "false", "s3": "false", "s4": "true"}


@pytest.mark.parametrize(
    ("key", "response", "fraction", "state"),
    [
        pytest.param(KEY, ALL_RIGHT, 1.0, State.CORRECT, id="all right"),
        pytest.param(KEY, THREE_RIGHT_ONE_WRONG, 0.625, State.PARTIAL, id="3 right 1 wrong, penalty 0.5"),
        pytest.param(KEY, TWO_RIGHT_TWO_WRONG, 0.25, State.PARTIAL, id="2 right 2 wrong, penalty 0.5"),
        pytest.param(
            KEY, {"s1": "true", "s2": "true", "s3": "false", "s4": "true"}, 0.0, State.INCORRECT, id="clamped at 0"
        ),
        pytest.param(
            KEY,
            {"s1": "true", "s2": "false", "s3": "dont_know", "s4": "dont_know"},
            0.5,
            State.PARTIAL,
            id="don't know costs nothing",
        ),
        pytest.param(KEY, {"s1": "true"}, 0.25, State.PARTIAL, id="unanswered statements score 0"),
        pytest.param(KEY, dict.fromkeys(ALL_RIGHT, "dont_know"), 0.0, State.INCORRECT, id="all don't know"),
        pytest.param(NO_PENALTY, TWO_RIGHT_TWO_WRONG, 0.5, State.PARTIAL, id="penalty 0"),
        pytest.param(FULL_PENALTY, THREE_RIGHT_ONE_WRONG, 0.5, State.PARTIAL, id="penalty 1"),
        pytest.param(KEY, {"s1": " TRUE ", "s2": "False"}, 0.5, State.PARTIAL, id="case and spaces ignored"),
        pytest.param(KEY, {}, 0.0, State.INCOMPLETE, id="nothing answered"),
        pytest.param(KEY, None, 0.0, State.INCOMPLETE, id="None"),
        pytest.param(KEY, {"s1": "maybe", "zz": "true", 3: "false"}, 0.0, State.INCOMPLETE, id="garbage only"),
        pytest.param(KEY, {"s1": True, "s2": None, "s3": ["true"]}, 0.0, State.INCOMPLETE, id="garbage values"),
        pytest.param(KEY, {"s1": "true", "s2": 0}, 0.25, State.PARTIAL, id="garbage value ignored"),
        pytest.param(KEY, "true", 0.0, State.INCOMPLETE, id="garbage: a string"),
        pytest.param(KEY, [("s1", "true")], 0.0, State.INCOMPLETE, id="garbage: a list of pairs"),
    ],
)
def test_grade(key: TrueFalseKey, response: object, fraction: float, state: State) -> None:
    result = grade(key, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


def test_credits_explain_each_statement() -> None:
    result = grade(KEY, {"s1": "true", "s2": "true", "s3": "dont_know"})
    assert result.credits == (
        Credit("s1", 0.25, "judged correctly (+0.25)", Outcome.RIGHT_PICK),
        Credit("s2", -0.125, "answered 'true' but the statement is false (-0.125)", Outcome.WRONG_PICK),
        Credit("s3", 0.0, "answered don't know (no credit, no penalty)", Outcome.DONT_KNOW),
        Credit("s4", 0.0, "not answered", Outcome.UNANSWERED),
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(TrueFalseKey((), 0.5), "at least one statement", id="no statements"),
        pytest.param(TrueFalseKey(STATEMENTS, 1.5), "150%", id="penalty above 100%"),
        pytest.param(TrueFalseKey(STATEMENTS, -0.25), "between 0%", id="negative penalty"),
        pytest.param(TrueFalseKey(STATEMENTS, "half"), "penalty", id="penalty not a number"),  # type: ignore[arg-type]
        pytest.param(
            TrueFalseKey((Statement("s1", True), Statement("s1", False)), 0.0),
            "'s1' is used more than once",
            id="duplicate key",
        ),
        pytest.param(
            TrueFalseKey((Statement("s1", "yes"),), 0.0),  # type: ignore[arg-type]
            "true or false",
            id="truth not a bool",
        ),
        pytest.param(TrueFalseKey((Statement("", True),), 0.0), "needs a key", id="blank key"),
        pytest.param({"s1": True}, "not a multiple true/false key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: TrueFalseKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("key", [KEY, NO_PENALTY, FULL_PENALTY, TrueFalseKey((Statement("only", False),), 0.0)])
def test_validate_accepts_good_keys(key: TrueFalseKey) -> None:
    assert validate(key) == []
