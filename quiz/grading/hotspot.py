"""Hotspot: the learner marks places on an image (e.g. the calcified lesion on a radiograph).

The rule in words
    The educator draws zones on the image. Some are targets (``correct=True``); the others are
    labelled distractor regions, there so that the keyboard / screen-reader alternative can offer a
    list of named regions to pick from. The learner places marks by clicking, or picks regions from
    that list; each picked region counts as one mark placed inside that zone (and only that zone).

    A target is hit when a mark lies inside it. Each mark can hit only one target and each target
    counts once, and the marks are shared out among the targets in the way that gives the most hits
    (a maximum bipartite matching), so overlapping targets are never a disadvantage. The score is

        hits / max(number of targets, number of marks)

    so scattering extra marks does not pay: with two targets, two good marks score 100%, but the same
    two plus two stray marks score 50%. Clicks outside the image (coordinates outside 0..1) are
    ignored, and so are picked regions that are not zones; a region picked twice counts once. No
    marks and no regions means the question is incomplete.

    Tolerance: a mark also lands in a zone when it lies within ``HotspotKey.tolerance`` of the zone's
    edge (0 unless the key says otherwise, which is Moodle's rule). The site's questions use
    ``MARK_TOLERANCE`` (2.5% of the image's width): the outer edge of the ring drawn for a mark on the
    640-pixel image the question shows (radius 12 pixels plus half its 8-pixel outline = 16 pixels), so
    a tap whose ring visibly touches a zone counts for it. The distance is measured in fractions of the
    image's width both across and down (``HotspotKey.image_size`` gives the aspect ratio), so the margin
    is round in pixels, as the ring is. Circles are the exception: their distance is measured in the
    circle's own coordinate space (see Coordinates), in which their radius is given.

Where it comes from
    This follows Moodle's Drag and drop markers question (qtype_ddmarker), which divides the number
    of drop zones hit by the larger of the number of zones and the number of markers placed, exactly
    so that placing extra markers does not pay. Moodle shares marks out among zones greedily; we use
    a proper matching, which never gives fewer hits.

Coordinates
    All coordinates are fractions of the image: x from 0 (left edge) to 1 (right edge), y from 0
    (top) to 1 (bottom). ``Rect(x, y, width, height)`` has its top-left corner at (x, y).
    ``Circle(cx, cy, r)`` measures r as a fraction of the image width and tests distance in these
    fractional units, i.e. it assumes a square coordinate space: on a square image it is a true
    circle; on a non-square image the same zone is an ellipse in pixels, and the front end must draw
    it that way. ``Polygon(points)`` lists its corners in order and is tested by ray casting.
    A point exactly on the boundary of any shape counts as inside (the learner gets the benefit of
    the doubt).

Authoring checks: at least one target zone, unique zone keys, every coordinate within the image,
shapes with a real size (positive width, height and radius; a polygon needs at least three distinct
corners, a non-zero area and edges that do not cross), a tolerance from 0 to ``MAX_TOLERANCE``.
When the key gives the image's size, each zone must also be big enough to tap on a phone: where the
image is shown ``PHONE_WIDTH`` (375) CSS pixels wide (or its own width, if narrower), the area a mark
counts in (the zone's bounding box plus the tolerance all round) must be at least ``MIN_TAP_SIZE``
(24) CSS pixels each way, the minimum target size of WCAG 2.2 (success criterion 2.5.8).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from .base import Credit, Grade, Outcome, duplicates, graded, incomplete, is_key, is_number, signed, string_items

__all__ = [
    "KIND",
    "MARK_TOLERANCE",
    "MAX_TOLERANCE",
    "MIN_TAP_SIZE",
    "PHONE_WIDTH",
    "VERSION",
    "Circle",
    "HotspotKey",
    "HotspotResponse",
    "Polygon",
    "Rect",
    "Shape",
    "Zone",
    "grade",
    "validate",
]

KIND = "hotspot"
VERSION = 3  # 2: credits carry an outcome code; 3: a mark within the key's tolerance of a zone lands in it

# How far outside a zone's edge a mark still lands in it, as a fraction of the image's width: the outer
# radius of the ring drawn for a mark (16 pixels) on the 640-pixel image a question shows. Keys get it from
# the question kind (quiz.kinds.hotspot); a key that does not say has no tolerance.
MARK_TOLERANCE = 16 / 640
MAX_TOLERANCE = 0.1  # a wider margin would let one mark hit zones far apart

# Zones must be big enough to tap on a phone: at least MIN_TAP_SIZE CSS pixels each way (WCAG 2.2's 2.5.8,
# target size minimum) where the image is shown PHONE_WIDTH CSS pixels wide (a 375-pixel-wide phone).
PHONE_WIDTH = 375
MIN_TAP_SIZE = 24

# How close (in image fractions) a point must be to a shape's boundary to count as on it; this absorbs
# floating-point rounding, so that a click exactly on the drawn outline is always inside.
_EDGE_TOLERANCE = 1e-12

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle with its top-left corner at (x, y)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float) -> bool:
        """True if (x, y) is inside the rectangle or on its edge."""
        return (
            self.x - _EDGE_TOLERANCE <= x <= self.x + self.width + _EDGE_TOLERANCE
            and self.y - _EDGE_TOLERANCE <= y <= self.y + self.height + _EDGE_TOLERANCE
        )

    def centre(self) -> Point:
        """The middle of the rectangle."""
        return (self.x + self.width / 2, self.y + self.height / 2)

    def distance(self, x: float, y: float, aspect: float = 1.0) -> float:
        """How far (x, y) is from the rectangle, in image widths (down is scaled by ``aspect``); 0 inside."""
        dx = max(self.x - x, 0.0, x - (self.x + self.width))
        dy = max(self.y - y, 0.0, y - (self.y + self.height))
        return math.hypot(dx, dy * aspect)

    def extent(self) -> Point:
        """The width and height of the rectangle, in fractions of the image's width and height."""
        return (self.width, self.height)

    def problems(self) -> list[str]:
        """What is wrong with the rectangle's coordinates, in an educator's words."""
        if not all(is_number(value) for value in (self.x, self.y, self.width, self.height)):
            return ["its position and size must be numbers"]
        problems: list[str] = []
        if self.width <= 0 or self.height <= 0:
            problems.append("the rectangle needs a width and a height greater than zero")
        right, bottom = self.x + self.width, self.y + self.height
        if not (0 <= self.x and 0 <= self.y and right <= 1 + _EDGE_TOLERANCE and bottom <= 1 + _EDGE_TOLERANCE):
            problems.append("the rectangle must lie within the image")
        return problems


@dataclass(frozen=True)
class Circle:
    """A circle centred on (cx, cy); r is a fraction of the image width (square coordinate space)."""

    cx: float
    cy: float
    r: float

    def contains(self, x: float, y: float) -> bool:
        """True if (x, y) is inside the circle or on its edge."""
        return math.hypot(x - self.cx, y - self.cy) <= self.r + _EDGE_TOLERANCE

    def centre(self) -> Point:
        """The centre of the circle."""
        return (self.cx, self.cy)

    def distance(self, x: float, y: float, aspect: float = 1.0) -> float:
        """How far (x, y) is from the circle, in the circle's own square coordinate space; 0 inside.

        ``aspect`` is not used: the radius, like the distance, is measured in those units.
        """
        return max(math.hypot(x - self.cx, y - self.cy) - self.r, 0.0)

    def extent(self) -> Point:
        """The width and height of the circle's bounding box, in fractions of the image's width and height."""
        return (2 * self.r, 2 * self.r)

    def problems(self) -> list[str]:
        """What is wrong with the circle's coordinates, in an educator's words."""
        if not all(is_number(value) for value in (self.cx, self.cy, self.r)):
            return ["its centre and radius must be numbers"]
        problems: list[str] = []
        if not (0 <= self.cx <= 1 and 0 <= self.cy <= 1):
            problems.append("the circle's centre must lie within the image")
        if not 0 < self.r <= 1:
            problems.append("the circle needs a radius greater than zero and no wider than the image")
        return problems


@dataclass(frozen=True)
class Polygon:
    """A polygon with its corners listed in order (either direction)."""

    points: tuple[Point, ...]

    def contains(self, x: float, y: float) -> bool:
        """True if (x, y) is inside the polygon (even-odd ray casting) or on one of its edges."""
        return self._on_edge(x, y) or self._ray_cast(x, y)

    def centre(self) -> Point:
        """A point inside the polygon: its centroid when that is inside, otherwise a found interior point.

        The centroid of a concave shape (say a crescent) can fall outside it. Then a horizontal line
        is drawn halfway across the widest gap between the corners' heights; it crosses the polygon
        in one or more spans, and the middle of the widest span is inside.
        """
        centroid = self._centroid()
        if centroid is not None and self._ray_cast(*centroid) and not self._on_edge(*centroid):
            return centroid
        heights = sorted({y for _, y in self.points})
        gaps = [(upper - lower, (lower + upper) / 2) for lower, upper in zip(heights, heights[1:], strict=False)]
        if not gaps:
            return self.points[0]
        _, y = max(gaps)
        crossings = sorted(self._crossings(y))
        spans = [(crossings[i + 1] - crossings[i], crossings[i]) for i in range(0, len(crossings) - 1, 2)]
        if not spans:
            return self.points[0]
        width, left = max(spans)
        return (left + width / 2, y)

    def distance(self, x: float, y: float, aspect: float = 1.0) -> float:
        """How far (x, y) is from the polygon, in image widths (down is scaled by ``aspect``); 0 inside."""
        if self.contains(x, y):
            return 0.0
        point = (x, y * aspect)
        return min(
            _segment_distance(point, (x1, y1 * aspect), (x2, y2 * aspect)) for (x1, y1), (x2, y2) in self._edges()
        )

    def extent(self) -> Point:
        """The width and height of the polygon's bounding box, in fractions of the image's width and height."""
        xs, ys = [x for x, _ in self.points], [y for _, y in self.points]
        return (max(xs) - min(xs), max(ys) - min(ys))

    def problems(self) -> list[str]:
        """What is wrong with the polygon's corners, in an educator's words."""
        if not isinstance(self.points, tuple | list) or not all(_is_point(point) for point in self.points):
            return ["every corner must be a pair of numbers (x, y)"]
        points = [(x, y) for x, y in self.points]
        if len(points) < 3:
            return ["a polygon needs at least three corners"]
        problems: list[str] = []
        if not all(0 <= x <= 1 and 0 <= y <= 1 for x, y in points):
            problems.append("every corner must lie within the image")
        if len(set(points)) < len(points):
            problems.append("the polygon uses the same corner twice")
        elif self._edges_cross():
            problems.append("the polygon's outline crosses itself; redraw it so that no edges cross")
        elif abs(self._signed_area()) <= _EDGE_TOLERANCE:
            problems.append("the polygon has no area (its corners lie on one line)")
        return problems

    def _edges(self) -> list[tuple[Point, Point]]:
        return [(self.points[i - 1], self.points[i]) for i in range(len(self.points))]

    def _on_edge(self, x: float, y: float) -> bool:
        return any(_on_segment((x, y), start, end) for start, end in self._edges())

    def _crossings(self, y: float) -> list[float]:
        """The x positions where the horizontal line at height y crosses an edge (half-open rule)."""
        xs: list[float] = []
        for (x1, y1), (x2, y2) in self._edges():
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
        return xs

    def _ray_cast(self, x: float, y: float) -> bool:
        """Even-odd rule: a ray from (x, y) to the right crosses the outline an odd number of times."""
        return sum(1 for crossing in self._crossings(y) if x < crossing) % 2 == 1

    def _signed_area(self) -> float:
        return math.fsum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in self._edges()) / 2

    def _centroid(self) -> Point | None:
        area = self._signed_area()
        if area == 0:
            return None
        cross = [(x1 * y2 - x2 * y1, x1 + x2, y1 + y2) for (x1, y1), (x2, y2) in self._edges()]
        cx = math.fsum(c * sx for c, sx, _ in cross) / (6 * area)
        cy = math.fsum(c * sy for c, _, sy in cross) / (6 * area)
        return (cx, cy)

    def _edges_cross(self) -> bool:
        """True if two edges that are not neighbours touch or cross."""
        edges = self._edges()
        count = len(edges)
        for i in range(count):
            for j in range(i + 1, count):
                if j == i + 1 or (i == 0 and j == count - 1):
                    continue  # neighbours share a corner
                if _segments_touch(*edges[i], *edges[j]):
                    return True
        return False


Shape = Rect | Circle | Polygon


@dataclass(frozen=True)
class Zone:
    """A labelled region of the image: a target if ``correct``, otherwise a distractor region."""

    key: str
    shape: Shape
    correct: bool


@dataclass(frozen=True)
class HotspotKey:
    """The zones, targets and distractors together (their order does not affect grading).

    ``tolerance``: how far outside a zone (in fractions of the image's width) a mark still lands in it.
    ``image_size``: the image's (width, height) in pixels, when known: it sets the aspect ratio the
    tolerance is measured with, and lets ``validate`` check that each zone is big enough to tap on a phone.
    """

    zones: tuple[Zone, ...]
    tolerance: float = 0.0
    image_size: tuple[float, float] | None = None


@dataclass(frozen=True)
class HotspotResponse:
    """Points the learner clicked (image fractions) and zone keys picked from the accessible list."""

    marks: tuple[Point, ...]
    regions: tuple[str, ...]


def validate(key: HotspotKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, HotspotKey):
        return ["This is not a hotspot key."]
    zones = tuple(key.zones)
    problems: list[str] = []
    for position, zone in enumerate(zones, start=1):
        if not isinstance(zone, Zone):
            problems.append(f"Zone {position} is not a zone (it needs a key, a shape and whether it is a target).")
            continue
        name = f"Zone '{zone.key}'" if is_key(zone.key) else f"Zone {position}"
        if not is_key(zone.key):
            problems.append(f"Zone {position} needs a key (a short name such as 'lesion').")
        if not isinstance(zone.correct, bool):
            problems.append(f"{name}: say whether it is a target or a distractor region.")
        if isinstance(zone.shape, Rect | Circle | Polygon):
            problems.extend(f"{name}: {problem}." for problem in zone.shape.problems())
        else:
            problems.append(f"{name} needs a shape: a rectangle, a circle or a polygon.")
    tolerance = key.tolerance
    if not is_number(tolerance) or not 0 <= tolerance <= MAX_TOLERANCE:
        problems.append(f"The margin around zones must be a number from 0 to {MAX_TOLERANCE} of the image's width.")
        tolerance = 0.0
    size = key.image_size
    if size is not None and not _is_size(size):
        problems.append("The image's size must be a width and a height in pixels, both greater than zero.")
    elif size is not None:
        for position, zone in enumerate(zones, start=1):
            if isinstance(zone, Zone) and isinstance(zone.shape, Rect | Circle | Polygon) and not zone.shape.problems():
                name = f"Zone '{zone.key}'" if is_key(zone.key) else f"Zone {position}"
                problems.extend(f"{name}: {problem}." for problem in _tap_size_problems(zone.shape, tolerance, size))
    if not any(isinstance(zone, Zone) and zone.correct is True for zone in zones):
        problems.append("Mark at least one zone as a target; otherwise there is nothing to find.")
    for repeated in duplicates(zone.key for zone in zones if isinstance(zone, Zone) and is_key(zone.key)):
        problems.append(f"Each zone needs its own key, but '{repeated}' is used more than once.")
    return problems


def grade(key: HotspotKey, response: object) -> Grade:
    """Score hits / max(targets, marks), sharing marks out among targets to get the most hits."""
    if not isinstance(response, HotspotResponse):
        return incomplete()
    zones_by_key = {zone.key: zone for zone in key.zones}
    points = _usable_points(response.marks)
    regions = [region for region in string_items(response.regions) if region in zones_by_key]
    if not points and not regions:
        return incomplete()

    targets = [zone for zone in key.zones if zone.correct]
    marks: list[Point | str] = [*points, *regions]
    reachable = [[index for index, mark in enumerate(marks) if _lands_in(mark, zone, key)] for zone in targets]
    matched = _maximum_matching(reachable)  # target index -> mark index
    denominator = max(len(targets), len(marks))
    share = 1.0 / denominator

    credits: list[Credit] = []
    for index, target in enumerate(targets):
        if index in matched:
            credits.append(Credit(target.key, share, f"marked this target ({signed(share)})", Outcome.HIT))
        else:
            credits.append(Credit(target.key, 0.0, "this target was not marked", Outcome.NOT_HIT))
    used_marks = set(matched.values())
    for index, mark in enumerate(marks):
        if index not in used_marks:
            credits.append(_extra_mark_credit(mark, key))
    return graded(len(matched) / denominator, credits)


def _usable_points(value: object) -> list[Point]:
    """The clicked points that are pairs of numbers within the image; everything else is ignored."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return []
    try:
        candidates = list(value)
    except Exception:  # learner data: an iterable that fails part-way holds no points
        return []
    points: list[Point] = []
    for candidate in candidates:
        if _is_point(candidate):
            x, y = candidate[0], candidate[1]
            if 0 <= x <= 1 and 0 <= y <= 1:
                points.append((float(x), float(y)))
    return points


def _is_point(value: object) -> TypeGuard[Sequence[float]]:
    """True for a pair of finite numbers, written as a tuple or a list."""
    return isinstance(value, tuple | list) and len(value) == 2 and is_number(value[0]) and is_number(value[1])


def _lands_in(mark: Point | str, zone: Zone, key: HotspotKey) -> bool:
    """A clicked point lands in every zone that contains it, or whose edge is within the key's tolerance;
    a picked region lands only in its own zone."""
    if isinstance(mark, str):
        return mark == zone.key
    if zone.shape.contains(*mark):
        return True
    return key.tolerance > 0 and zone.shape.distance(*mark, _aspect(key)) <= key.tolerance + _EDGE_TOLERANCE


def _aspect(key: HotspotKey) -> float:
    """The image's height over its width (1 when the key does not give its size)."""
    if key.image_size is None or not _is_size(key.image_size):
        return 1.0
    width, height = key.image_size
    return height / width


def _is_size(value: object) -> bool:
    """True for a (width, height) pair of positive finite numbers."""
    return _is_point(value) and value[0] > 0 and value[1] > 0


def _tap_size_problems(shape: Shape, tolerance: float, image_size: Sequence[float]) -> list[str]:
    """Whether the area a mark lands in is too small to tap where the image is shown on a phone."""
    width, height = image_size
    shown = min(PHONE_WIDTH, width)  # CSS pixels; a narrower image is not enlarged
    aspect = height / width
    zone_across, zone_down = shape.extent()
    across = (zone_across + 2 * tolerance) * shown
    if isinstance(shape, Circle):  # its margin, like its radius, is a fraction of the height going down
        down = (zone_down + 2 * tolerance) * aspect * shown
    else:
        down = (zone_down * aspect + 2 * tolerance) * shown
    if min(across, down) >= MIN_TAP_SIZE - _EDGE_TOLERANCE:
        return []
    return [
        f"it is too small to tap on a phone: where the image is {shown:g} pixels wide, a mark counts in an area "
        f"of about {int(across)} × {int(down)} pixels (the zone and a margin of {tolerance * shown:.0f} pixels "
        f"around it); draw it bigger, so that this area is at least {MIN_TAP_SIZE} pixels each way"
    ]


def _maximum_matching(reachable: Sequence[Sequence[int]]) -> dict[int, int]:
    """Pair targets with distinct marks so that as many targets as possible get one (augmenting paths).

    ``reachable[t]`` lists the marks inside target t. Returns {target index: mark index}.
    """
    owner: dict[int, int] = {}  # mark index -> target index

    def claim(target: int, visited: set[int]) -> bool:
        for mark in reachable[target]:
            if mark in visited:
                continue
            visited.add(mark)
            if mark not in owner or claim(owner[mark], visited):
                owner[mark] = target
                return True
        return False

    for target in range(len(reachable)):
        claim(target, set())
    return {target: mark for mark, target in owner.items()}


def _extra_mark_credit(mark: Point | str, key: HotspotKey) -> Credit:
    """Explain a mark that hit no target: it earns nothing and, beyond the number of targets, lowers the score."""
    inside = [zone for zone in key.zones if _lands_in(mark, zone, key)]
    if not inside:
        return Credit("", 0.0, "a mark outside every labelled region", Outcome.EXTRA_MARK)
    distractors = [zone for zone in inside if not zone.correct]
    if distractors:
        return Credit(distractors[0].key, 0.0, "marked a region that is not a target", Outcome.WRONG_PICK)
    return Credit(inside[0].key, 0.0, "an extra mark on a target that was already marked", Outcome.EXTRA_MARK)


def _on_segment(point: Point, start: Point, end: Point) -> bool:
    """True if the point lies on the segment from start to end (within _EDGE_TOLERANCE)."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    if abs(_cross(start, end, point)) > _EDGE_TOLERANCE:
        return False
    return (
        min(ax, bx) - _EDGE_TOLERANCE <= px <= max(ax, bx) + _EDGE_TOLERANCE
        and min(ay, by) - _EDGE_TOLERANCE <= py <= max(ay, by) + _EDGE_TOLERANCE
    )


def _segment_distance(point: Point, start: Point, end: Point) -> float:
    """The distance from the point to the nearest point of the segment from start to end."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _cross(origin: Point, a: Point, b: Point) -> float:
    """The z component of (a - origin) x (b - origin): positive if origin, a, b turn anticlockwise."""
    return (a[0] - origin[0]) * (b[1] - origin[1]) - (a[1] - origin[1]) * (b[0] - origin[0])


def _segments_touch(a: Point, b: Point, c: Point, d: Point) -> bool:
    """True if segment a-b and segment c-d cross or touch."""
    d1, d2 = _cross(c, d, a), _cross(c, d, b)
    d3, d4 = _cross(a, b, c), _cross(a, b, d)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return _on_segment(a, c, d) or _on_segment(b, c, d) or _on_segment(c, a, b) or _on_segment(d, a, b)
