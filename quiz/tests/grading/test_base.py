"""The shared types and the registry."""

import pytest

from quiz import grading
from quiz.grading import GRADERS, AuthoringError, Credit, Grade, Outcome, State, get_grader, require_valid, state_for
from quiz.grading.base import clamp, percent, signed, string_items
from quiz.grading.single_best import Option, SingleBestKey

KINDS = [
    "single_best",
    "multiple_response",
    "multiple_true_false",
    "matching",
    "ordering",
    "hotspot",
    "free_text",
]


@pytest.mark.parametrize(
    ("fraction", "state"),
    [
        (1.0, State.CORRECT),
        (0.9999999, State.CORRECT),
        (0.0, State.INCORRECT),
        (0.0000001, State.INCORRECT),
        (-0.5, State.INCORRECT),
        (0.5, State.PARTIAL),
        (0.999, State.PARTIAL),
        (0.001, State.PARTIAL),
    ],
)
def test_state_for(fraction: float, state: State) -> None:
    assert state_for(fraction) == state


@pytest.mark.parametrize(
    ("raw", "fraction"),
    [
        (1.5, 1.0),
        (-0.5, 0.0),
        (0.25, 0.25),
        (1 / 3 + 1 / 3 + 1 / 3 - 1e-12, 1.0),
        (1e-12, 0.0),
        (float("nan"), 0.0),
        (float("inf"), 0.0),
    ],
)
def test_clamp(raw: float, fraction: float) -> None:
    assert clamp(raw) == fraction


def test_state_values_are_the_agreed_strings() -> None:
    assert [state.value for state in State] == ["correct", "partially_correct", "incorrect", "incomplete"]


def test_grade_refuses_a_fraction_outside_0_1() -> None:
    with pytest.raises(ValueError):
        Grade(fraction=1.5, state=State.CORRECT, credits=())


def test_grade_and_credit_are_frozen() -> None:
    credit = Credit("a", 0.5, "ticked a right option (+0.5)", Outcome.RIGHT_PICK)
    with pytest.raises(AttributeError):
        credit.fraction = 1.0  # type: ignore[misc]


def test_authoring_error_carries_problems() -> None:
    error = AuthoringError(["Add at least two options.", "Give the best answer a weight of 100%."])
    assert isinstance(error, ValueError)
    assert error.problems == ["Add at least two options.", "Give the best answer a weight of 100%."]
    assert "Add at least two options." in str(error)


@pytest.mark.parametrize(
    ("value", "keys"),
    [
        (["a", "b", "a"], ["a", "b"]),
        ("ab", ["ab"]),
        (("a", 1, None, b"b"), ["a"]),
        ({"a": True}, []),
        (None, []),
        (42, []),
        (b"ab", []),
        (iter(["x"]), ["x"]),
    ],
)
def test_string_items(value: object, keys: list[str]) -> None:
    assert string_items(value) == keys


@pytest.mark.parametrize(("fraction", "text"), [(0.5, "50%"), (1 / 3, "33.33%"), (-1.0, "-100%"), (0.4, "40%")])
def test_percent(fraction: float, text: str) -> None:
    assert percent(fraction) == text


@pytest.mark.parametrize(("fraction", "text"), [(0.5, "+0.5"), (-0.5, "-0.5"), (0.25, "+0.25"), (1 / 3, "+0.3333")])
def test_signed(fraction: float, text: str) -> None:
    assert signed(fraction) == text


def test_registry_lists_every_kind() -> None:
    assert sorted(GRADERS) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_grader_keeps_to_the_interface(kind: str) -> None:
    grader = get_grader(kind)
    assert grader.KIND == kind
    assert isinstance(grader.VERSION, int) and grader.VERSION >= 1
    assert callable(grader.validate) and callable(grader.grade)
    assert grader.__doc__ and "Where it comes from" in grader.__doc__


@pytest.mark.parametrize("kind", KINDS)
def test_each_validate_rejects_a_key_of_the_wrong_type(kind: str) -> None:
    assert get_grader(kind).validate(object()) != []


def test_get_grader_unknown_kind() -> None:
    with pytest.raises(KeyError, match="essay"):
        get_grader("essay")


def test_require_valid() -> None:
    require_valid("single_best", SingleBestKey((Option("a", 1.0), Option("b", 0.0))))
    with pytest.raises(AuthoringError) as raised:
        require_valid("single_best", SingleBestKey((Option("a", 0.5),)))
    assert any("at least two options" in problem for problem in raised.value.problems)


def test_package_docstring_explains_the_contract() -> None:
    doc = grading.__doc__ or ""
    for phrase in ("Django", "practice or exam", "VERSION"):
        assert phrase in doc
