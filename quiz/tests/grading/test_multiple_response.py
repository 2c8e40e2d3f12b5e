"""Multiple response: the score adds up the weights of the ticked options, clamped to [0, 1]."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.multiple_response import MultipleResponseKey, Option, grade, validate

KEY = MultipleResponseKey(
    options=(
        Option("a", 0.5),
        Option("b", 0.5),
        Option("c", -0.5),
        Option("d", -0.5),
        Option("e", 0.0),
    )
)

THIRDS = MultipleResponseKey(
    options=(
        Option("r1", 1 / 3),
        Option("r2", 1 / 3),
        Option("r3", 1 / 3),
        Option("w1", -1.0),
    )
)


@pytest.mark.parametrize(
    ("key", "response", "fraction", "state"),
    [
        pytest.param(KEY, ["a", "b"], 1.0, State.CORRECT, id="all right options"),
        pytest.param(KEY, ["a", "b", "e"], 1.0, State.CORRECT, id="plus a neutral option"),
        pytest.param(KEY, ["a"], 0.5, State.PARTIAL, id="half the right options"),
        pytest.param(KEY, ["a", "b", "c"], 0.5, State.PARTIAL, id="right options plus a wrong one"),
        pytest.param(KEY, ["a", "c"], 0.0, State.INCORRECT, id="right and wrong cancel out"),
        pytest.param(KEY, ["c"], 0.0, State.INCORRECT, id="negative total clamps to 0"),
        pytest.param(KEY, ["a", "b", "c", "d", "e"], 0.0, State.INCORRECT, id="ticking every box"),
        pytest.param(KEY, ["e"], 0.0, State.INCORRECT, id="only a neutral option"),
        pytest.param(KEY, [], 0.0, State.INCOMPLETE, id="nothing ticked"),
        pytest.param(KEY, None, 0.0, State.INCOMPLETE, id="None"),
        pytest.param(KEY, ["zz", 3, None], 0.0, State.INCOMPLETE, id="garbage only"),
        pytest.param(KEY, ("a", "zz", 7, ["b"]), 0.5, State.PARTIAL, id="garbage ignored"),
        pytest.param(KEY, ["a", "a"], 0.5, State.PARTIAL, id="ticking twice counts once"),
        pytest.param(KEY, "a", 0.5, State.PARTIAL, id="a lone string is one key"),
        pytest.param(KEY, "ab", 0.0, State.INCOMPLETE, id="a string is not a list of characters"),
        pytest.param(KEY, {"a": True, "b": True}, 0.0, State.INCOMPLETE, id="garbage: a mapping"),
        pytest.param(KEY, 42, 0.0, State.INCOMPLETE, id="garbage: a number"),
        pytest.param(KEY, iter(["a", "b"]), 1.0, State.CORRECT, id="any iterable"),
        pytest.param(THIRDS, ["r1", "r2", "r3"], 1.0, State.CORRECT, id="thirds add up to 1"),
        pytest.param(THIRDS, ["r1", "r2"], 2 / 3, State.PARTIAL, id="two thirds"),
        pytest.param(THIRDS, ["r1", "r2", "r3", "w1"], 0.0, State.INCORRECT, id="thirds plus -1"),
    ],
)
def test_grade(key: MultipleResponseKey, response: object, fraction: float, state: State) -> None:
    result = grade(key, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


def test_credits_explain_each_tick_and_each_missed_right_option() -> None:
    assert grade(KEY, ["a", "c", "e"]).credits == (
        Credit("a", 0.5, "ticked a right option (+0.5)", Outcome.RIGHT_PICK),
        Credit("b", 0.0, "left a right option unticked", Outcome.MISSED),
        Credit("c", -0.5, "ticked a wrong option (-0.5)", Outcome.WRONG_PICK),
        Credit("e", 0.0, "ticked an option worth nothing (0)", Outcome.WRONG_PICK),
    )


EVERY_BOX_PROBLEM = (
    "Ticking every box would score 40%: give the wrong options negative weights that add up to at least -100%."
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(
            MultipleResponseKey((Option("a", 0.5), Option("b", 0.5), Option("c", -0.6))),
            EVERY_BOX_PROBLEM,
            id="ticking every box pays",
        ),
        pytest.param(
            MultipleResponseKey((Option("a", 0.4), Option("b", 0.4), Option("c", -1.0))),
            "add up to 80%",
            id="right weights short of 100%",
        ),
        pytest.param(
            MultipleResponseKey((Option("a", 0.7), Option("b", 0.7), Option("c", -1.0), Option("d", -1.0))),
            "add up to 140%",
            id="right weights over 100%",
        ),
        pytest.param(
            MultipleResponseKey((Option("a", 0.5), Option("b", 0.5), Option("c", 0.0))),
            "negative weights",
            id="no negative weight",
        ),
        pytest.param(
            MultipleResponseKey((Option("a", 1.0), Option("b", -1.5))),
            "between -100% and 100%",
            id="weight below -100%",
        ),
        pytest.param(MultipleResponseKey((Option("a", 1.0),)), "at least two options", id="one option"),
        pytest.param(
            MultipleResponseKey((Option("a", 1.0), Option("a", -1.0))), "'a' is used more than once", id="duplicate"
        ),
        pytest.param(["a", "b"], "not a multiple response key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: MultipleResponseKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


def test_validate_phrases_the_every_box_problem_exactly() -> None:
    key = MultipleResponseKey((Option("a", 0.5), Option("b", 0.5), Option("c", -0.6)))
    assert validate(key) == [EVERY_BOX_PROBLEM]


@pytest.mark.parametrize("key", [KEY, THIRDS])
def test_validate_accepts_good_keys(key: MultipleResponseKey) -> None:
    assert validate(key) == []
