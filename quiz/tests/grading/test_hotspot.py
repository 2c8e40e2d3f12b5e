"""Hotspot: hits / max(targets, marks), with marks shared out among targets by a maximum matching."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.hotspot import Circle, HotspotKey, HotspotResponse, Polygon, Rect, Zone, grade, validate

LESION = Zone("lesion", Rect(0.1, 0.1, 0.2, 0.2), correct=True)  # x and y from 0.1 to 0.3
NODE = Zone("node", Circle(0.7, 0.7, 0.1), correct=True)
SPLEEN = Zone("spleen", Polygon(((0.5, 0.4), (0.6, 0.6), (0.4, 0.6))), correct=False)
RIB = Zone("rib", Rect(0.0, 0.85, 0.5, 0.1), correct=False)
KEY = HotspotKey(zones=(LESION, NODE, SPLEEN, RIB))

IN_LESION = (0.2, 0.2)
IN_NODE = (0.7, 0.7)
IN_SPLEEN = (0.5, 0.55)
NOWHERE = (0.9, 0.1)

# Two overlapping targets: a mark at (0.35, 0.35) is in both, a mark at (0.2, 0.2) only in the first.
# Giving the shared mark to the first target (as a greedy rule would) leaves the second unmarked.
OVERLAPPING = HotspotKey(
    zones=(
        Zone("first", Rect(0.1, 0.1, 0.4, 0.4), correct=True),
        Zone("second", Rect(0.3, 0.3, 0.4, 0.4), correct=True),
    )
)


def marks(*points: tuple[float, float], regions: tuple[str, ...] = ()) -> HotspotResponse:
    return HotspotResponse(marks=points, regions=regions)


@pytest.mark.parametrize(
    ("key", "response", "fraction", "state"),
    [
        pytest.param(KEY, marks(IN_LESION, IN_NODE), 1.0, State.CORRECT, id="both targets"),
        pytest.param(KEY, marks(IN_LESION), 0.5, State.PARTIAL, id="one of two targets"),
        pytest.param(KEY, marks(IN_LESION, IN_NODE, NOWHERE), 2 / 3, State.PARTIAL, id="one stray mark"),
        pytest.param(KEY, marks(IN_LESION, IN_NODE, NOWHERE, IN_SPLEEN), 0.5, State.PARTIAL, id="two stray marks"),
        pytest.param(KEY, marks(IN_LESION, (0.25, 0.25)), 0.5, State.PARTIAL, id="two marks in one target"),
        pytest.param(KEY, marks(IN_SPLEEN), 0.0, State.INCORRECT, id="only a distractor"),
        pytest.param(KEY, marks(NOWHERE), 0.0, State.INCORRECT, id="only outside every zone"),
        pytest.param(KEY, marks((0.1, 0.1)), 0.5, State.PARTIAL, id="rectangle corner counts as inside"),
        pytest.param(KEY, marks((0.8, 0.7)), 0.5, State.PARTIAL, id="circle edge counts as inside"),
        pytest.param(KEY, marks((0.81, 0.7)), 0.0, State.INCORRECT, id="just outside the circle"),
        pytest.param(KEY, marks(regions=("lesion", "node")), 1.0, State.CORRECT, id="regions from the list"),
        pytest.param(KEY, marks(IN_NODE, regions=("lesion",)), 1.0, State.CORRECT, id="a click and a region"),
        pytest.param(KEY, marks(regions=("lesion", "spleen")), 0.5, State.PARTIAL, id="a target and a distractor"),
        pytest.param(KEY, marks(regions=("lesion", "lesion")), 0.5, State.PARTIAL, id="a region picked twice"),
        pytest.param(KEY, marks(regions=("rib",)), 0.0, State.INCORRECT, id="distractor region"),
        pytest.param(OVERLAPPING, marks((0.35, 0.35), (0.2, 0.2)), 1.0, State.CORRECT, id="overlap needs matching"),
        pytest.param(OVERLAPPING, marks((0.35, 0.35)), 0.5, State.PARTIAL, id="one mark in two targets"),
        pytest.param(KEY, marks(), 0.0, State.INCOMPLETE, id="no marks"),
        pytest.param(KEY, marks((1.5, 0.2), (-0.1, 0.5)), 0.0, State.INCOMPLETE, id="clicks outside the image"),
        pytest.param(KEY, marks(regions=("nope",)), 0.0, State.INCOMPLETE, id="unknown region"),
        pytest.param(
            KEY,
            HotspotResponse(marks=(("a", "b"), None, (1, 2, 3), (float("nan"), 0.2), "xy"), regions=(None, 3)),  # type: ignore[arg-type]
            0.0,
            State.INCOMPLETE,
            id="garbage marks and regions",
        ),
        pytest.param(
            KEY,
            HotspotResponse(marks=([0.2, 0.2], ("x", 1)), regions="node"),  # type: ignore[arg-type]
            1.0,
            State.CORRECT,
            id="lists as points, a lone region string",
        ),
        pytest.param(KEY, HotspotResponse(marks=None, regions=None), 0.0, State.INCOMPLETE, id="None inside"),  # type: ignore[arg-type]
        pytest.param(KEY, [IN_LESION, IN_NODE], 0.0, State.INCOMPLETE, id="garbage: a bare list"),
        pytest.param(KEY, None, 0.0, State.INCOMPLETE, id="None"),
    ],
)
def test_grade(key: HotspotKey, response: object, fraction: float, state: State) -> None:
    result = grade(key, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


def test_credits_explain_targets_and_extra_marks() -> None:
    result = grade(KEY, marks(IN_LESION, (0.25, 0.25), IN_SPLEEN, NOWHERE))
    assert result.credits == (
        Credit("lesion", 0.25, "marked this target (+0.25)", Outcome.HIT),
        Credit("node", 0.0, "this target was not marked", Outcome.NOT_HIT),
        Credit("lesion", 0.0, "an extra mark on a target that was already marked", Outcome.EXTRA_MARK),
        Credit("spleen", 0.0, "marked a region that is not a target", Outcome.WRONG_PICK),
        Credit("", 0.0, "a mark outside every labelled region", Outcome.EXTRA_MARK),
    )


DIAMOND = Polygon(((0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5)))
U_SHAPE = Polygon(((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.9, 1.0), (0.9, 0.1), (0.1, 0.1), (0.1, 1.0), (0.0, 1.0)))


@pytest.mark.parametrize(
    ("shape", "point", "inside"),
    [
        pytest.param(Rect(0.1, 0.1, 0.2, 0.2), (0.2, 0.2), True, id="rect inside"),
        pytest.param(Rect(0.1, 0.1, 0.2, 0.2), (0.3, 0.3), True, id="rect corner"),
        pytest.param(Rect(0.1, 0.1, 0.2, 0.2), (0.31, 0.2), False, id="rect outside"),
        pytest.param(Circle(0.5, 0.5, 0.1), (0.5, 0.6), True, id="circle edge"),
        pytest.param(Circle(0.5, 0.5, 0.1), (0.58, 0.58), False, id="circle outside"),
        pytest.param(DIAMOND, (0.5, 0.5), True, id="diamond centre"),
        pytest.param(DIAMOND, (0.2, 0.5), True, id="ray through a corner"),
        pytest.param(DIAMOND, (0.75, 0.25), True, id="diamond edge"),
        pytest.param(DIAMOND, (0.5, 0.0), True, id="diamond corner"),
        pytest.param(DIAMOND, (0.9, 0.1), False, id="diamond outside"),
        pytest.param(U_SHAPE, (0.5, 0.5), False, id="inside the hollow of a U"),
        pytest.param(U_SHAPE, (0.05, 0.5), True, id="in the arm of a U"),
        pytest.param(U_SHAPE, (0.5, 0.1), True, id="on the U's inner edge"),
    ],
)
def test_contains(shape: Rect | Circle | Polygon, point: tuple[float, float], inside: bool) -> None:
    assert shape.contains(*point) is inside


@pytest.mark.parametrize(
    ("shape", "centre"),
    [
        pytest.param(Rect(0.1, 0.2, 0.4, 0.2), (0.3, 0.3), id="rect"),
        pytest.param(Circle(0.4, 0.6, 0.1), (0.4, 0.6), id="circle"),
        pytest.param(DIAMOND, (0.5, 0.5), id="convex polygon uses its centroid"),
    ],
)
def test_centre(shape: Rect | Circle | Polygon, centre: tuple[float, float]) -> None:
    assert shape.centre() == pytest.approx(centre)


def test_centre_of_a_concave_polygon_is_inside_it() -> None:
    x, y = U_SHAPE.centre()
    assert U_SHAPE.contains(x, y)
    assert not U_SHAPE.contains(0.5, 0.5)  # where the centroid would be


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(HotspotKey((SPLEEN, RIB)), "at least one zone as a target", id="no target"),
        pytest.param(HotspotKey(()), "at least one zone as a target", id="no zones"),
        pytest.param(HotspotKey((LESION, Zone("lesion", Circle(0.5, 0.5, 0.1), False))), "'lesion' is used", id="dup"),
        pytest.param(
            HotspotKey((Zone("z", Rect(0.8, 0.1, 0.3, 0.1), True),)), "must lie within the image", id="rect overflows"
        ),
        pytest.param(HotspotKey((Zone("z", Rect(0.1, 0.1, 0.0, 0.1), True),)), "width and a height", id="flat rect"),
        pytest.param(HotspotKey((Zone("z", Circle(0.5, 0.5, 0.0), True),)), "radius", id="zero radius"),
        pytest.param(HotspotKey((Zone("z", Circle(1.2, 0.5, 0.1), True),)), "centre must lie", id="centre outside"),
        pytest.param(
            HotspotKey((Zone("z", Polygon(((0.1, 0.1), (0.5, 0.5))), True),)), "at least three corners", id="2 corners"
        ),
        pytest.param(
            HotspotKey((Zone("z", Polygon(((0.1, 0.1), (0.2, 0.2), (0.3, 0.3))), True),)), "no area", id="collinear"
        ),
        pytest.param(
            HotspotKey((Zone("z", Polygon(((0.1, 0.1), (0.9, 0.9), (0.9, 0.1), (0.1, 0.9))), True),)),
            "crosses itself",
            id="bow tie",
        ),
        pytest.param(
            HotspotKey((Zone("z", Polygon(((0.1, 0.1), (0.5, 0.1), (0.1, 0.1), (0.3, 0.5))), True),)),
            "same corner twice",
            id="repeated corner",
        ),
        pytest.param(
            HotspotKey((Zone("z", Polygon(((0.1, 0.1), (1.5, 0.1), (0.3, 0.5))), True),)),
            "within the image",
            id="corner outside",
        ),
        pytest.param(HotspotKey((Zone("z", "circle", True),)), "needs a shape", id="not a shape"),  # type: ignore[arg-type]
        pytest.param(HotspotKey((Zone("", Circle(0.5, 0.5, 0.1), True),)), "needs a key", id="blank key"),
        pytest.param((LESION,), "not a hotspot key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: HotspotKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("key", [KEY, OVERLAPPING, HotspotKey((Zone("u", U_SHAPE, True), Zone("d", DIAMOND, False)))])
def test_validate_accepts_good_keys(key: HotspotKey) -> None:
    assert validate(key) == []
