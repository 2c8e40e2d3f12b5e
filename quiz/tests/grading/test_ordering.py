"""Ordering: Moodle's "relative to the next item (excluding last)" rule, out of n - 1."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.ordering import OrderingKey, OrderingResponse, grade, validate

KEY = OrderingKey(items=("a", "b", "c", "d", "e"))
PRESENTED = ("e", "c", "a", "d", "b")


def shown(*order: str) -> OrderingResponse:
    return OrderingResponse(order=order, presented=PRESENTED)


@pytest.mark.parametrize(
    ("response", "fraction", "state"),
    [
        pytest.param(shown("a", "b", "c", "d", "e"), 1.0, State.CORRECT, id="right order"),
        pytest.param(shown("b", "c", "d", "e", "a"), 0.75, State.PARTIAL, id="a run in the wrong place"),
        pytest.param(shown("a", "b", "c", "e", "d"), 0.5, State.PARTIAL, id="last two swapped"),
        pytest.param(shown("a", "c", "b", "d", "e"), 0.25, State.PARTIAL, id="middle two swapped"),
        pytest.param(shown("e", "d", "c", "b", "a"), 0.0, State.INCORRECT, id="reversed"),
        pytest.param(shown(*PRESENTED), 0.0, State.INCOMPLETE, id="untouched list"),
        pytest.param(shown("a", "b", "c", "d"), 0.0, State.INCOMPLETE, id="an item missing"),
        pytest.param(shown("a", "a", "b", "c", "d"), 0.0, State.INCOMPLETE, id="an item repeated"),
        pytest.param(shown("a", "b", "c", "d", "z"), 0.0, State.INCOMPLETE, id="an unknown item"),
        pytest.param(shown(), 0.0, State.INCOMPLETE, id="empty order"),
        pytest.param(OrderingResponse(order=None, presented=PRESENTED), 0.0, State.INCOMPLETE, id="order None"),  # type: ignore[arg-type]
        pytest.param(OrderingResponse(order="abcde", presented=PRESENTED), 0.0, State.INCOMPLETE, id="order a string"),  # type: ignore[arg-type]
        pytest.param(OrderingResponse(order=(1, 2, 3, 4, 5), presented=PRESENTED), 0.0, State.INCOMPLETE, id="numbers"),  # type: ignore[arg-type]
        pytest.param(
            OrderingResponse(order=["a", "b", "c", "d", "e"], presented=list(PRESENTED)),  # type: ignore[arg-type]
            1.0,
            State.CORRECT,
            id="lists are fine",
        ),
        pytest.param(
            OrderingResponse(order=("b", "c", "d", "e", "a"), presented=None),  # type: ignore[arg-type]
            0.75,
            State.PARTIAL,
            id="presented unknown",
        ),
        pytest.param(("a", "b", "c", "d", "e"), 0.0, State.INCOMPLETE, id="garbage: a bare tuple"),
        pytest.param(None, 0.0, State.INCOMPLETE, id="None"),
    ],
)
def test_grade(response: object, fraction: float, state: State) -> None:
    result = grade(KEY, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


def test_credits_explain_each_neighbour() -> None:
    assert grade(OrderingKey(("a", "b", "c")), OrderingResponse(("c", "a", "b"), ("b", "c", "a"))).credits == (
        Credit("c", 0.0, "'a' should not come straight after 'c'", Outcome.WRONG_NEIGHBOUR),
        Credit("a", 0.5, "'b' rightly comes straight after 'a' (+0.5)", Outcome.RIGHT_NEIGHBOUR),
    )


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(OrderingKey(("a", "b")), "at least three items", id="two items"),
        pytest.param(OrderingKey(("a", "b", "a")), "'a' is used more than once", id="duplicate item"),
        pytest.param(OrderingKey(("a", "", "c")), "needs a key", id="blank item"),
        pytest.param(("a", "b", "c"), "not an ordering key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: OrderingKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


def test_validate_accepts_a_good_key() -> None:
    assert validate(KEY) == []
