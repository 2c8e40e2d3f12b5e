"""Single best answer: the score is the chosen option's weight."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.single_best import Option, SingleBestKey, grade, validate

KEY = SingleBestKey(
    options=(
        Option("a", 0.0),
        Option("b", 1.0),
        Option("c", 0.5),
        Option("d", 0.0),
    )
)


@pytest.mark.parametrize(
    ("response", "fraction", "state"),
    [
        pytest.param("b", 1.0, State.CORRECT, id="best answer"),
        pytest.param("c", 0.5, State.PARTIAL, id="partly right option"),
        pytest.param("a", 0.0, State.INCORRECT, id="wrong option"),
        pytest.param(None, 0.0, State.INCOMPLETE, id="nothing chosen"),
        pytest.param("", 0.0, State.INCOMPLETE, id="empty string"),
        pytest.param("z", 0.0, State.INCOMPLETE, id="unknown key"),
        pytest.param("B", 0.0, State.INCOMPLETE, id="keys are exact"),
        pytest.param(["b"], 0.0, State.INCOMPLETE, id="garbage: a list"),
        pytest.param({"b": 1}, 0.0, State.INCOMPLETE, id="garbage: a dict"),
        pytest.param(2, 0.0, State.INCOMPLETE, id="garbage: a number"),
        pytest.param(b"b", 0.0, State.INCOMPLETE, id="garbage: bytes"),
    ],
)
def test_grade(response: object, fraction: float, state: State) -> None:
    result = grade(KEY, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


@pytest.mark.parametrize(
    ("response", "credits"),
    [
        ("b", (Credit("b", 1.0, "chose the best answer", Outcome.RIGHT_PICK),)),
        ("c", (Credit("c", 0.5, "chose a partly right option (50%)", Outcome.PARTIAL_PICK),)),
        ("a", (Credit("a", 0.0, "chose a wrong option", Outcome.WRONG_PICK),)),
        (None, ()),
    ],
)
def test_credits(response: object, credits: tuple[Credit, ...]) -> None:
    assert grade(KEY, response).credits == credits


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(SingleBestKey((Option("a", 1.0),)), "at least two options", id="one option"),
        pytest.param(SingleBestKey(()), "at least two options", id="no options"),
        pytest.param(
            SingleBestKey((Option("a", 1.0), Option("a", 0.0))), "'a' is used more than once", id="duplicate key"
        ),
        pytest.param(SingleBestKey((Option("a", 1.0), Option("b", 1.5))), "weight of 150%", id="weight above 100%"),
        pytest.param(SingleBestKey((Option("a", 1.0), Option("b", -0.5))), "between 0% and 100%", id="negative weight"),
        pytest.param(SingleBestKey((Option("a", 0.5), Option("b", 0.0))), "weight of 100%", id="no best answer"),
        pytest.param(SingleBestKey((Option("", 1.0), Option("b", 0.0))), "needs a key", id="blank key"),
        pytest.param(
            SingleBestKey((Option("a", 1.0), Option("b", "half"))),  # type: ignore[arg-type]
            "as a number",
            id="weight not a number",
        ),
        pytest.param(SingleBestKey((Option("a", 1.0), "b")), "not an option", id="not an option"),  # type: ignore[arg-type]
        pytest.param(("a", "b"), "not a single best answer key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: SingleBestKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


def test_validate_accepts_a_good_key() -> None:
    assert validate(KEY) == []
