"""Extended matching: the score is the share of stems matched to their right choice."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.matching import MatchingKey, Stem, grade, validate

KEY = MatchingKey(
    stems=(Stem("q1", "A"), Stem("q2", "B"), Stem("q3", "A"), Stem("q4", "C")),
    choices=("A", "B", "C", "D", "E"),
)


@pytest.mark.parametrize(
    ("response", "fraction", "state"),
    [
        pytest.param({"q1": "A", "q2": "B", "q3": "A", "q4": "C"}, 1.0, State.CORRECT, id="all right"),
        pytest.param({"q1": "A", "q2": "B", "q3": "A", "q4": "D"}, 0.75, State.PARTIAL, id="three of four"),
        pytest.param({"q1": "A"}, 0.25, State.PARTIAL, id="unanswered stems score 0"),
        pytest.param({"q1": "B", "q2": "A", "q3": "E", "q4": "A"}, 0.0, State.INCORRECT, id="all wrong"),
        pytest.param({"q1": "A", "q2": "Z"}, 0.25, State.PARTIAL, id="unknown choice ignored"),
        pytest.param({}, 0.0, State.INCOMPLETE, id="nothing answered"),
        pytest.param(None, 0.0, State.INCOMPLETE, id="None"),
        pytest.param({"q1": "Z", "zz": "A"}, 0.0, State.INCOMPLETE, id="garbage only"),
        pytest.param({"q1": ["A"], "q2": 2, "q3": None}, 0.0, State.INCOMPLETE, id="garbage values"),
        pytest.param({"q1": "a"}, 0.0, State.INCOMPLETE, id="choice keys are exact"),
        pytest.param([("q1", "A")], 0.0, State.INCOMPLETE, id="garbage: a list of pairs"),
        pytest.param("A", 0.0, State.INCOMPLETE, id="garbage: a string"),
    ],
)
def test_grade(response: object, fraction: float, state: State) -> None:
    result = grade(KEY, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


def test_credits_explain_each_stem() -> None:
    assert grade(KEY, {"q1": "A", "q2": "C", "q3": "nonsense"}).credits == (
        Credit("q1", 0.25, "matched correctly (+0.25)", Outcome.RIGHT_PICK),
        Credit("q2", 0.0, "matched to 'C', which is not the right choice", Outcome.WRONG_PICK),
        Credit("q3", 0.0, "not answered", Outcome.UNANSWERED),
        Credit("q4", 0.0, "not answered", Outcome.UNANSWERED),
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(MatchingKey((Stem("q1", "A"),), ("A", "B")), "at least two stems", id="one stem"),
        pytest.param(MatchingKey((Stem("q1", "A"), Stem("q2", "A")), ("A",)), "at least two choices", id="one choice"),
        pytest.param(
            MatchingKey((Stem("q1", "A"), Stem("q2", "X")), ("A", "B")),
            "'X', which is not one of the choices",
            id="answer not a choice",
        ),
        pytest.param(
            MatchingKey((Stem("q1", "A"), Stem("q1", "B")), ("A", "B")),
            "'q1' is used more than once",
            id="duplicate stem key",
        ),
        pytest.param(
            MatchingKey((Stem("q1", "A"), Stem("q2", "B")), ("A", "B", "A")),
            "'A' is listed more than once",
            id="duplicate choice",
        ),
        pytest.param(MatchingKey((Stem("q1", "A"), Stem("", "B")), ("A", "B")), "needs a key", id="blank stem key"),
        pytest.param({"q1": "A"}, "not an extended matching key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: MatchingKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


def test_validate_accepts_a_good_key() -> None:
    assert validate(KEY) == []
