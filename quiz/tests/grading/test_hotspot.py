"""Hotspot: hits / max(targets, marks), with marks shared out among targets by a maximum matching; a mark
within the key's margin of a zone lands in it; zones must be big enough to tap on a phone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.grading import Credit, Outcome, State
from quiz.grading.hotspot import (
    MARK_TOLERANCE,
    MIN_TAP_SIZE,
    PHONE_WIDTH,
    Circle,
    HotspotKey,
    HotspotResponse,
    Polygon,
    Rect,
    Zone,
    grade,
    validate,
)
from quiz.tests.grading.test_properties import PROPERTY_SETTINGS, hotspot_cases

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


# Tolerance: a mark near a zone's edge lands in it ----------------------------------------------------------

# The site's margin (2.5% of the image's width) on a 1200 × 900 image: down the image, 0.025 of the width is
# 0.025 / 0.75 = 0.0333 of the height, so the margin is round in pixels (30 pixels on this image).
SITE_TOLERANCE = MARK_TOLERANCE
WIDE_IMAGE = (1200, 900)
TRIANGLE = Zone("triangle", Polygon(((0.5, 0.4), (0.6, 0.6), (0.4, 0.6))), correct=True)


def with_margin(*zones: Zone, image_size: tuple[float, float] | None = WIDE_IMAGE) -> HotspotKey:
    return HotspotKey(zones=zones, tolerance=SITE_TOLERANCE, image_size=image_size)


@pytest.mark.parametrize(
    ("key", "point", "fraction"),
    [
        # LESION's right edge is at x = 0.3.
        pytest.param(with_margin(LESION), (0.32, 0.2), 1.0, id="right of a rectangle, within the margin"),
        pytest.param(with_margin(LESION), (0.33, 0.2), 0.0, id="right of a rectangle, beyond the margin"),
        pytest.param(HotspotKey((LESION,)), (0.32, 0.2), 0.0, id="no margin unless the key gives one (Moodle)"),
        # Its bottom edge is at y = 0.3: 0.03 of the height is 27 pixels, 0.0225 of the width.
        pytest.param(with_margin(LESION), (0.2, 0.33), 1.0, id="below a rectangle, margin in pixels"),
        pytest.param(with_margin(LESION, image_size=None), (0.2, 0.33), 0.0, id="without the image's size"),
        pytest.param(with_margin(LESION), (0.2, 0.335), 0.0, id="below a rectangle, beyond the margin"),
        # Past a corner the margin is round: 0.02 across and 0.025 down (0.01875 of the width) is 0.0274 away.
        pytest.param(with_margin(LESION), (0.318, 0.318), 1.0, id="past a corner, within the margin"),
        pytest.param(with_margin(LESION), (0.32, 0.325), 0.0, id="past a corner, beyond the margin"),
        # NODE is a circle of radius 0.1 around (0.7, 0.7).
        pytest.param(with_margin(NODE), (0.81, 0.7), 1.0, id="just outside a circle"),
        pytest.param(with_margin(NODE), (0.825, 0.7), 1.0, id="circle edge plus the whole margin"),
        pytest.param(with_margin(NODE), (0.83, 0.7), 0.0, id="beyond a circle's margin"),
        # TRIANGLE's bottom edge is at y = 0.6; its sloping sides run up to (0.5, 0.4).
        pytest.param(with_margin(TRIANGLE), (0.5, 0.63), 1.0, id="below a polygon, within the margin"),
        pytest.param(with_margin(TRIANGLE), (0.5, 0.64), 0.0, id="below a polygon, beyond the margin"),
        pytest.param(with_margin(TRIANGLE), (0.43, 0.5), 1.0, id="beside a sloping edge, within the margin"),
        pytest.param(with_margin(TRIANGLE), (0.41, 0.5), 0.0, id="beside a sloping edge, beyond the margin"),
    ],
)
def test_a_mark_within_the_margin_of_a_zone_lands_in_it(key: HotspotKey, point: tuple[float, float], fraction: float):
    assert grade(key, marks(point)).fraction == fraction


def test_the_site_margin_is_the_outer_edge_of_a_drawn_mark() -> None:
    # The ring drawn for a mark has radius 12 and an 8-pixel outline on the 640-pixel image the page shows.
    assert MARK_TOLERANCE == pytest.approx((12 + 8 / 2) / 640)


def test_one_mark_in_the_margins_of_two_targets_counts_for_one() -> None:
    key = with_margin(Zone("left", Rect(0.1, 0.1, 0.2, 0.2), True), Zone("right", Rect(0.34, 0.1, 0.2, 0.2), True))
    assert grade(key, marks((0.32, 0.2))).fraction == 0.5
    assert grade(key, marks((0.32, 0.2), (0.4, 0.2))).fraction == 1.0


def test_a_mark_in_the_margin_of_a_distractor_is_a_wrong_pick() -> None:
    key = with_margin(LESION, Zone("rib", Rect(0.5, 0.5, 0.2, 0.2), False))
    result = grade(key, marks((0.48, 0.6)))
    assert result.fraction == 0.0
    assert Credit("rib", 0.0, "marked a region that is not a target", Outcome.WRONG_PICK) in result.credits


def test_a_mark_inside_a_target_and_in_the_margin_of_a_distractor_counts_for_the_target() -> None:
    key = with_margin(LESION, Zone("rib", Rect(0.31, 0.1, 0.2, 0.2), False))
    assert grade(key, marks((0.3, 0.2))).fraction == 1.0


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(HotspotKey((LESION,), tolerance=-0.01), "margin around zones", id="negative margin"),
        pytest.param(HotspotKey((LESION,), tolerance=0.2), "margin around zones", id="margin too wide"),
        pytest.param(HotspotKey((LESION,), tolerance=float("nan")), "margin around zones", id="NaN margin"),
        pytest.param(HotspotKey((LESION,), tolerance="wide"), "margin around zones", id="margin not a number"),  # type: ignore[arg-type]
        pytest.param(HotspotKey((LESION,), image_size=(0, 900)), "image's size", id="no width"),
        pytest.param(HotspotKey((LESION,), image_size=("a", 1)), "image's size", id="size not numbers"),  # type: ignore[arg-type]
    ],
)
def test_validate_reports_a_bad_margin_or_image_size(key: HotspotKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


# Zones big enough to tap on a phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "tolerance", "image_size", "too_small"),
    [
        # Shown 375 pixels wide; with the site's margin (9.4 pixels at that width) on every side.
        pytest.param(Rect(0.5, 0.5, 0.01, 0.05), SITE_TOLERANCE, WIDE_IMAGE, True, id="22.5 px across"),
        pytest.param(Rect(0.5, 0.5, 0.015, 0.02), SITE_TOLERANCE, WIDE_IMAGE, False, id="24.4 × 24.4 px"),
        pytest.param(Rect(0.5, 0.5, 0.05, 0.01), SITE_TOLERANCE, WIDE_IMAGE, True, id="21.6 px down"),
        pytest.param(Circle(0.5, 0.5, 0.005), SITE_TOLERANCE, WIDE_IMAGE, True, id="small circle"),
        pytest.param(Circle(0.5, 0.5, 0.02), SITE_TOLERANCE, WIDE_IMAGE, False, id="circle, 25.3 px down"),
        pytest.param(
            Polygon(((0.5, 0.5), (0.51, 0.5), (0.505, 0.6))), SITE_TOLERANCE, WIDE_IMAGE, True, id="thin polygon"
        ),
        # Without a margin the zone itself must be 24 pixels each way: 0.064 of 375 pixels.
        pytest.param(Rect(0.5, 0.1, 0.06, 0.2), 0.0, WIDE_IMAGE, True, id="no margin: 22.5 px"),
        pytest.param(Rect(0.5, 0.1, 0.064, 0.2), 0.0, WIDE_IMAGE, False, id="no margin: 24 px"),
        pytest.param(Rect(0.5, 0.1, 0.2, 0.08), 0.0, WIDE_IMAGE, True, id="no margin: 22.5 px down (4:3)"),
        # An image narrower than 375 pixels is shown at its own width.
        pytest.param(Rect(0.5, 0.1, 0.07, 0.2), 0.0, (300, 300), True, id="narrow image: 21 px"),
        pytest.param(Rect(0.5, 0.1, 0.08, 0.2), 0.0, (300, 300), False, id="narrow image: 24 px"),
        # A key without the image's size (as in Moodle's tests) is not checked.
        pytest.param(Rect(0.5, 0.5, 0.001, 0.001), 0.0, None, False, id="size unknown"),
    ],
)
def test_zones_too_small_to_tap_on_a_phone_are_refused(shape, tolerance, image_size, too_small: bool) -> None:
    key = HotspotKey((Zone("spot", shape, True),), tolerance=tolerance, image_size=image_size)
    problems = validate(key)
    if too_small:
        assert len(problems) == 1, problems
        assert problems[0].startswith("Zone 'spot': it is too small to tap on a phone")
        assert "at least 24 pixels each way" in problems[0]
    else:
        assert problems == []


def test_the_refusal_says_how_big_the_zone_is_on_a_phone() -> None:
    key = HotspotKey((Zone("spot", Rect(0.5, 0.5, 0.01, 0.05), True),), tolerance=SITE_TOLERANCE, image_size=WIDE_IMAGE)
    assert validate(key) == [
        "Zone 'spot': it is too small to tap on a phone: where the image is 375 pixels wide, a mark counts in an "
        "area of about 22 × 32 pixels (the zone and a margin of 9 pixels around it); draw it bigger, so that this "
        "area is at least 24 pixels each way."
    ]


def test_size_constants_follow_wcag_target_size_on_a_small_phone() -> None:
    assert (PHONE_WIDTH, MIN_TAP_SIZE) == (375, 24)


@PROPERTY_SETTINGS
@given(hotspot_cases(), st.sampled_from([None, (1200, 900), (640, 960), (300, 300)]))
def test_a_margin_never_lowers_a_score(case, image_size) -> None:
    """Every mark that lands in a zone without the margin still does with it; the key still scores 1."""
    key, response = case
    wider = HotspotKey(key.zones, tolerance=MARK_TOLERANCE, image_size=image_size)
    assert grade(wider, response).fraction >= grade(key, response).fraction - 1e-12
    centres = HotspotResponse(marks=tuple(zone.shape.centre() for zone in key.zones if zone.correct), regions=())
    assert grade(wider, centres).fraction == 1.0
