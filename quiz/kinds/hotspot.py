"""Image hotspot: the learner marks points on a figure, with the mouse, a tap or the keyboard.

Marks are placed on the image itself. With JavaScript (``static/js/hotspot.js``) a click or tap places a
mark in the page, and a keyboard user moves a crosshair over the image with the arrow keys and places a mark
with Enter or Space. Without JavaScript, clicking the image posts its position (an image input) and the page
comes back with the mark placed. Placed marks travel in hidden inputs and are read from the POST here.

Nothing on the page names the zones before the step is finished: their labels are for the feedback. While a
question asks about a figure, every page of the attempt gives that figure a text alternative that names the
image without its findings (``figure_alt_text``); the descriptive one comes back once the step is finished.
(WCAG 2.2, 1.1.1, allows this for tests: the text alternative identifies the image.)

Raw response (``RAW_VERSION`` 1): ``{"marks": [[x, y], ...], "regions": ["<zone key>", ...]}``: the marks in
fractions of the image's width and height (0 to 1, four decimals), and, sorted, the zones picked from the list
of named regions that the page used to offer as a keyboard alternative. That list named the answer, so it is
no longer shown and new answers pick no regions; older answers keep theirs and are graded with them, and a
form filled in again from one carries them (in hidden inputs) until the learner clears their marks.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from cases.models import Figure
from quiz.grading import Outcome, hotspot
from quiz.grading.base import is_number, string_items
from quiz.kinds.base import ZONES, AnalysisRow, QuestionKind
from quiz.models import Question, Zone

MAX_MARKS = 20
IMAGE_WIDTH = 640


def image(question):
    """The JPEG rendition the question shows: about 640 pixels wide, so it fits without scaling."""
    return question.figure.fallback(max_width=IMAGE_WIDTH) if question.figure else None


def image_size(question) -> tuple[int, int] | None:
    """The figure's size in pixels, which the grader measures its margin and the zones' tap size with."""
    figure = question.figure if question.figure_id else None
    if figure is None or not figure.width or not figure.height:
        return None
    return (figure.width, figure.height)


def identifying_alt_text(figure) -> str:
    """A text alternative that names the image without its findings: for while a question asks about them.

    The educator's ``assessed_alt_text``, or else the modality and body site, e.g. 'Radiograph of the left elbow'.
    """
    if figure.assessed_alt_text.strip():
        return figure.assessed_alt_text.strip()
    what = "Image" if figure.modality == figure.Modality.OTHER else figure.get_modality_display()
    site = figure.body_site.strip()
    text = f"{what} of the {site[:1].lower()}{site[1:]}" if site else what
    return f"{text} (an illustration, not the patient's image)" if figure.is_illustration else text


_ASSESSED = "_hotspot_assessed_figure_ids"


def assessed_figure_ids(attempt) -> frozenset[int]:
    """The figures that a hotspot question of a step not finished yet asks about, or that such a step shows
    beside it (another view of the same findings would give the answer away just as well).

    Every step before the attempt's current position is finished (committed), and every step once the attempt
    is. Withdrawn questions and steps ask nothing. Read once per attempt object (one query), so a page costs the
    same however many figures it shows.
    """
    cached = getattr(attempt, _ASSESSED, None)
    if cached is None:
        if attempt.is_finished:
            cached = frozenset()
        else:
            figures = figures_assessed_from(attempt.quiz_id, attempt.current_position)
            cached = frozenset(figures.values_list("pk", flat=True))
        setattr(attempt, _ASSESSED, cached)
    return cached


def figures_assessed_from(quiz_id: int, position: int):
    """The figures a hotspot question asks about, or its step shows, in the quiz's steps from ``position`` on."""
    questions = Question.objects.filter(
        step__quiz_id=quiz_id,
        step__position__gte=position,
        step__withdrawn=False,
        withdrawn=False,
        kind=Question.Kind.HOTSPOT,
        figure__isnull=False,
    )
    return Figure.objects.filter(
        Q(hotspot_questions__in=questions) | Q(revealed_by_steps__questions__in=questions)
    ).distinct()


def figure_alt_text(figure, attempt=None) -> str:
    """The figure's text alternative on a page of this attempt: one that only names the image while a hotspot
    question of a step not yet finished asks about it (so the text does not give the answer away), else the
    descriptive one. Without an attempt, the descriptive one."""
    if attempt is not None and figure.pk in assessed_figure_ids(attempt):
        return identifying_alt_text(figure)
    return figure.alt_text


def zone_shape(zone: Zone):
    """The grader's shape for a zone; raises ValueError with an educator-readable message."""
    coordinates = zone.coordinates
    try:
        if zone.shape == Zone.Shape.RECTANGLE:
            x, y, width, height = (float(v) for v in coordinates)
            return hotspot.Rect(x, y, width, height)
        if zone.shape == Zone.Shape.CIRCLE:
            cx, cy, r = (float(v) for v in coordinates)
            return hotspot.Circle(cx, cy, r)
        if zone.shape == Zone.Shape.POLYGON:
            return hotspot.Polygon(tuple((float(x), float(y)) for x, y in coordinates))
    except (TypeError, ValueError):
        pass
    examples = {"rect": "[x, y, width, height]", "circle": "[x, y, radius]", "polygon": "[[x, y], [x, y], [x, y]]"}
    raise ValueError(
        f"Zone '{zone.key}': the coordinates {coordinates!r} do not fit a {zone.get_shape_display().lower()}; "
        f"write them as {examples.get(zone.shape, 'numbers')}, each between 0 and 1."
    )


def posted_marks(form, part) -> list[tuple[float, float]]:
    """Marks already placed (hidden inputs), plus a click on the image when JavaScript is off."""
    if not form.is_bound:
        return []
    if form.data.get("clear") == part.prefix:
        return []
    marks = []
    for value in form.data.getlist(f"{part.prefix}-mark"):
        try:
            x, y = (float(v) for v in value.split(","))
        except ValueError:
            continue
        if 0 <= x <= 1 and 0 <= y <= 1:
            marks.append((round(x, 4), round(y, 4)))
    click_x, click_y = form.data.get(f"{part.prefix}-click.x"), form.data.get(f"{part.prefix}-click.y")
    if part.image and click_x is not None and click_y is not None:
        try:
            x, y = int(click_x) / part.image.width, int(click_y) / part.image.height
        except (ValueError, OverflowError):  # a hand-made POST: no position
            x = y = 0
        # (0, 0) is what a browser posts when the image is activated from the keyboard: no position.
        if (x, y) != (0, 0) and 0 <= x <= 1 and 0 <= y <= 1:
            marks.append((round(x, 4), round(y, 4)))
    return marks[:MAX_MARKS]


# --- The finished step's figure: the targets, and the learner's marks as the grade counted them ---------------

HIT, MISS, UNJUDGED = "hit", "miss", ""
# The ring drawn for a mark in the review, as a fraction of the image's width: a little wider than the one the step
# draws (radius 12 pixels on the IMAGE_WIDTH-pixel image, templates/quiz/_hotspot.html), to hold a tick.
MARK_RING = 15 / IMAGE_WIDTH
# The numbers drawn beside targets and marks, as a fraction of the image's width: about 14 pixels high where the
# image is shown on a phone.
LABEL_SIZE = 0.042
# How many steps the search for a pairing of marks with stored credits may take (``pair_with_credits``).
PAIRING_BUDGET = 20_000


@dataclass
class ReviewTarget:
    """A target as the finished step's figure shows it: numbered, found or missed as the stored grade says."""

    number: int
    zone: Zone
    found: bool
    found_by: int | None = None  # the number of the mark the grade counted for it, when that can be told
    by_region: bool = False  # counted for a region picked from the former list

    @property
    def name(self) -> str:
        return f"Target {self.number} ({self.zone.label})"

    @property
    def text(self) -> str:
        if self.found_by is not None:
            return f"{self.name}: found by your mark {self.found_by}"
        if self.by_region:
            return f"{self.name}: found by the region you picked from the list"
        return f"{self.name}: {'found' if self.found else 'missed'}"


@dataclass
class ReviewMark:
    """One of the learner's marks, numbered in the order they placed them, and what the grade counted it for.

    ``verdict``: HIT, MISS, or UNJUDGED when the marks can not be paired with the stored grade.
    ``target``: for a hit, the target it found; for a miss, a target another mark had already found.
    ``region``: for a miss, the region that is not a target it landed on.
    """

    number: int
    x: float
    y: float
    verdict: str = UNJUDGED
    target: ReviewTarget | None = None
    region: Zone | None = None

    @property
    def text(self) -> str:
        name = f"Mark {self.number}"
        if self.verdict == HIT and self.target:
            return f"{name}: found target {self.target.number}"
        if self.verdict != MISS:
            return name
        if self.target:
            return f"{name}: a second mark on target {self.target.number}, which counts once"
        if self.region:
            return f"{name}: not on a target (on the region “{self.region.label}”)"
        return f"{name}: not on a target"


@dataclass
class ReviewRegion:
    """A region an older answer picked from the former list, and the target it is, if it is one."""

    zone: Zone
    target: ReviewTarget | None = None

    @property
    def text(self) -> str:
        verdict = f"target {self.target.number}" if self.target else "not a target"
        return f"You picked “{self.zone.label}” from the list: {verdict}"


@dataclass(frozen=True)
class SvgShape:
    """An outline to draw in the figure's SVG: a rect, an ellipse or a polygon, with its attributes in pixels."""

    tag: str
    attributes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DrawnZone:
    number: int  # 0 for a region that is not a target (drawn without a number)
    found: bool
    shape: SvgShape
    label_x: str
    label_y: str
    label_anchor: str  # the number's SVG text-anchor: "end" left of the zone, "start" right of it


@dataclass(frozen=True)
class DrawnMark:
    number: int
    verdict: str
    x: str
    y: str
    radius: str
    symbol: str  # an SVG path: a tick inside the ring for a hit, a cross (no ring) for a miss
    label_x: str
    label_y: str


@dataclass(frozen=True)
class FigureDrawing:
    """The finished step's figure drawn on an image of the given size (pixels, as the SVG's viewBox)."""

    width: int
    height: int
    font_size: str
    targets: list[DrawnZone]
    wrong_regions: list[DrawnZone]
    marks: list[DrawnMark]


@dataclass
class FigureReview:
    """What the figure of a finished hotspot step shows: every target, numbered, and the learner's marks.

    Built from the stored grade (``Hotspot.figure_review``). ``wrong_regions``: regions that are not targets
    which the grade says were marked (the others are not drawn). ``judged`` is False when the marks could not
    be paired with the stored credits (the zones were changed after the answer was graded and it has not been
    regraded yet): the marks are drawn without a verdict, and the targets still say what the grade counted.
    """

    figure_label: str
    targets: list[ReviewTarget]
    marks: list[ReviewMark] = field(default_factory=list)
    regions: list[ReviewRegion] = field(default_factory=list)
    wrong_regions: list[Zone] = field(default_factory=list)
    judged: bool = True

    @property
    def misses(self) -> list[ReviewMark]:
        return [m for m in self.marks if m.verdict == MISS]

    @property
    def alt_text(self) -> str:
        """The text alternative of the drawing, e.g. 'Figure 1C with the 5 target areas outlined and your 4 marks:
        3 on targets, 1 not.'"""
        count = len(self.targets)
        areas = "the target area" if count == 1 else f"the {count} target areas"
        text = f"Figure {self.figure_label} with {areas} outlined"
        marks = len(self.marks)
        hits = sum(1 for m in self.marks if m.verdict == HIT)
        if not marks and self.regions:
            picked = len(self.regions)
            text += f"; you picked {picked} region{'s' if picked != 1 else ''} from a list instead of placing marks"
        elif not marks:
            text += "; you placed no marks"
        elif not self.judged:
            text += f" and your {marks} mark{'s' if marks != 1 else ''}"
        elif marks == 1:
            text += f" and your mark, {'on a target' if hits else 'not on a target'}"
        elif hits == marks:
            text += f" and your {marks} marks, all on targets"
        elif hits == 0:
            text += f" and your {marks} marks, none on a target"
        else:
            text += f" and your {marks} marks: {hits} on {'a target' if hits == 1 else 'targets'}, {marks - hits} not"
        text += "."
        if self.wrong_regions:
            regions = len(self.wrong_regions)
            text += (
                " The region you marked that is not a target is outlined faintly."
                if regions == 1
                else f" The {regions} regions you marked that are not targets are outlined faintly."
            )
        return text

    def drawing(self, width: int, height: int) -> FigureDrawing:
        """The drawing in the pixels of an image of this size (its SVG overlay's viewBox)."""
        font = LABEL_SIZE * width
        ring = MARK_RING * width

        def zone(number: int, review_zone: Zone, found: bool) -> DrawnZone | None:
            try:
                shape = zone_shape(review_zone)
            except ValueError:
                return None
            svg, (left, top, right, _) = _svg_shape(shape, width, height)
            # The number sits left of the zone's top edge (marks have theirs on the right), or right of the zone
            # at the image's left edge.
            label_y = min(max(top + font * 0.75, font), height - font * 0.25)
            if left - font * 0.9 >= 0:
                return DrawnZone(number, found, svg, _px(left - font * 0.2), _px(label_y), "end")
            return DrawnZone(number, found, svg, _px(right + font * 0.2), _px(label_y), "start")

        targets = [zone(t.number, t.zone, t.found) for t in self.targets]
        wrong = [zone(0, z, False) for z in self.wrong_regions]
        marks = []
        for mark in self.marks:
            x, y = mark.x * width, mark.y * height
            if mark.verdict == MISS:
                k = ring * 0.8
                symbol = (
                    f"M{_px(x - k)} {_px(y - k)}L{_px(x + k)} {_px(y + k)}"
                    f"M{_px(x + k)} {_px(y - k)}L{_px(x - k)} {_px(y + k)}"
                )
            elif mark.verdict == HIT:
                symbol = (
                    f"M{_px(x - ring * 0.5)} {_px(y + ring * 0.02)}L{_px(x - ring * 0.12)} {_px(y + ring * 0.42)}"
                    f"L{_px(x + ring * 0.52)} {_px(y - ring * 0.4)}"
                )
            else:
                symbol = ""
            # The number to the right of the mark, or to its left near the image's right edge.
            label_x = x + ring * 1.25 if x + ring * 1.25 + font <= width else x - ring * 1.25 - font * 0.6
            label_y = min(max(y - ring * 0.6, font), height - font * 0.25)
            marks.append(
                DrawnMark(mark.number, mark.verdict, _px(x), _px(y), _px(ring), symbol, _px(label_x), _px(label_y))
            )
        return FigureDrawing(
            width=width,
            height=height,
            font_size=_px(font),
            targets=[t for t in targets if t is not None],
            wrong_regions=[w for w in wrong if w is not None],
            marks=marks,
        )


def _px(value: float) -> str:
    return f"{value:.1f}"


def _svg_shape(shape, width: int, height: int) -> tuple[SvgShape, tuple[float, float, float, float]]:
    """A grader's shape as an SVG outline on an image of this size, and its bounding box (left, top, right,
    bottom) in pixels. A circle's radius is a fraction of the width in both directions (see the grader), so
    on an image that is not square it is an ellipse."""
    if isinstance(shape, hotspot.Rect):
        x, y, w, h = shape.x * width, shape.y * height, shape.width * width, shape.height * height
        attributes = (("x", _px(x)), ("y", _px(y)), ("width", _px(w)), ("height", _px(h)))
        return SvgShape("rect", attributes), (x, y, x + w, y + h)
    if isinstance(shape, hotspot.Circle):
        cx, cy, rx, ry = shape.cx * width, shape.cy * height, shape.r * width, shape.r * height
        attributes = (("cx", _px(cx)), ("cy", _px(cy)), ("rx", _px(rx)), ("ry", _px(ry)))
        return SvgShape("ellipse", attributes), (cx - rx, cy - ry, cx + rx, cy + ry)
    points = [(x * width, y * height) for x, y in shape.points]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    attributes = (("points", " ".join(f"{_px(x)},{_px(y)}" for x, y in points)),)
    return SvgShape("polygon", attributes), (min(xs), min(ys), max(xs), max(ys))


def _reading_order(zone: Zone):
    """Zones by label with numbers in order ('mass 2' before 'mass 10'), then by key."""
    parts = re.split(r"(\d+)", zone.label.lower())
    return ([int(part) if index % 2 else part for index, part in enumerate(parts)], zone.key)


def graded_marks(raw: dict) -> list[tuple[float, float]]:
    """The marks of a raw response that the grader reads: pairs of numbers within the image, in order."""
    marks = raw.get("marks") if isinstance(raw, dict) else None
    return [
        (float(mark[0]), float(mark[1]))
        for mark in marks or []
        if isinstance(mark, list | tuple)
        and len(mark) == 2
        and all(is_number(value) and 0 <= value <= 1 for value in mark)
    ]


def pair_with_credits(landed: list[set[str]], credits: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The stored credit each mark earned, as (outcome, zone key), or None when no pairing accounts for them all.

    ``landed``: for each mark (the points, then the picked regions, as the grader reads them), the keys of the
    zones it lands in. ``credits``: the stored credits, (zone key, outcome), in the order the grader wrote them:
    one for each target, hit or not, then one for each mark that hit none, in the marks' order.

    A credit names a zone, not a mark, so which mark earned it is worked out backwards: each hit target gets a
    mark that lands in it, and each of the later credits, in turn, a mark that fits it (outside every zone, on
    the region that is not a target, or on the target found already). The earliest marks go to the targets,
    as in the grader's matching. Where a mark lands is the grader's rule; whether it hit, only the credits say.
    """
    hits = [key for key, outcome in credits if outcome == Outcome.HIT]
    misses = [(outcome, key) for key, outcome in credits if outcome in (Outcome.EXTRA_MARK, Outcome.WRONG_PICK)]
    if len(landed) != len(hits) + len(misses):
        return None
    budget = [PAIRING_BUDGET]

    def fits(zones: set[str], outcome: str, key: str) -> bool:
        return key in zones if key or outcome == Outcome.WRONG_PICK else not zones

    def search(index: int, chosen: tuple[int, ...]) -> dict[str, int] | None:
        budget[0] -= 1
        given = index - len(chosen)  # marks given to the misses so far
        if budget[0] < 0 or len(chosen) > len(hits) or given > len(misses):
            return None
        if index == len(landed):
            return _match(hits, chosen, landed)
        if any(key in landed[index] for key in hits):
            found = search(index + 1, (*chosen, index))
            if found is not None:
                return found
        if given < len(misses) and fits(landed[index], *misses[given]):
            return search(index + 1, chosen)
        return None

    matched = search(0, ())
    if matched is None:
        return None
    by_mark = {mark: key for key, mark in matched.items()}
    unmatched = iter(misses)
    return [(Outcome.HIT, by_mark[i]) if i in by_mark else next(unmatched) for i in range(len(landed))]


def _match(targets: list[str], marks: tuple[int, ...], landed: list[set[str]]) -> dict[str, int] | None:
    """Each target paired with a mark of its own that lands in it (augmenting paths), or None if that can not be."""
    owner: dict[int, str] = {}

    def claim(target: str, seen: set[int]) -> bool:
        for mark in marks:
            if target in landed[mark] and mark not in seen:
                seen.add(mark)
                if mark not in owner or claim(owner[mark], seen):
                    owner[mark] = target
                    return True
        return False

    if all(claim(target, set()) for target in targets):
        return {target: mark for mark, target in owner.items()}
    return None


#: The distractor-table row of a mark outside every zone (not a slug, so never a zone's key).
OUTSIDE_EVERY_ZONE = "(outside)"


class Hotspot(QuestionKind):
    name = hotspot.KIND
    RAW_VERSION = 1
    rows = ZONES

    def add_sample_rows(self, question):
        return [
            Zone.objects.create(question=question, key="z", label="Top left", shape="rect",
                                coordinates=[0, 0, 0.5, 0.5], correct=True),
            Zone.objects.create(question=question, key="w", label="Bottom right", shape="rect",
                                coordinates=[0.5, 0.5, 0.5, 0.5], correct=False),
        ]  # fmt: skip

    needs_figure = True
    form_template = "quiz/_hotspot.html"
    missing_message = "Place at least one mark on the image."
    scoring_help = (
        "Mark the place or places on the image. Each right place earns its share of the marks; marks beyond the "
        "number of places lower the score."
    )
    scoring_rule = (
        "Draw zones on the figure. Score = correct zones marked ÷ the larger of (correct zones, marks placed), so "
        "scattering marks does not pay. A mark counts for a zone when it lands inside it or within "
        f"{hotspot.MARK_TOLERANCE:.1%} of the image's width of its edge (where the ring drawn for the mark "
        "touches it). Zones that are not targets get their own feedback when a learner marks them. Learners see "
        "the zones' labels only in the feedback. Each zone must be big enough to tap on a phone: at least "
        f"{hotspot.MIN_TAP_SIZE} pixels each way, that margin included, where the image is {hotspot.PHONE_WIDTH} "
        "pixels wide."
    )

    def add_fields(self, form, part):
        # Marks only. Answers stored before the list of regions was withdrawn keep their regions and are graded
        # with them (see the module docstring), but a new answer can pick none: the page offers no list, and a
        # posted region is ignored, so the former list's tokens score nothing.
        # A hidden field the form can hang the question's errors on ("place at least one mark").
        form.add_field(part, "marked", forms.CharField(required=False, widget=forms.HiddenInput))
        part.image = image(part.question)
        part.marks = posted_marks(form, part)

    def fill_initial(self, form, part, raw):
        part.marks = [tuple(m) for m in raw.get("marks") or []]

    def missing_answer(self, part, values):
        return "" if part.marks else self.missing_message

    def raw_response(self, form, part, values):
        return {"marks": [list(mark) for mark in part.marks], "regions": []}

    def places_mark(self, data, part):
        return f"{part.prefix}-click.x" in data

    def posted_extra(self, part):
        return {f"{part.prefix}-mark": [f"{x},{y}" for x, y in part.marks]}

    def grading_key(self, question, rows=None):
        zones = self.saved_rows(question) if rows is None else rows
        return hotspot.HotspotKey(
            zones=tuple(hotspot.Zone(z.key, zone_shape(z), z.correct) for z in zones),
            tolerance=hotspot.MARK_TOLERANCE,
            image_size=image_size(question),
        )

    def grader_response(self, question, raw):
        raw = raw if isinstance(raw, dict) else {}
        marks = tuple(tuple(mark) for mark in raw.get("marks") or () if isinstance(mark, list | tuple))
        regions = raw.get("regions")
        return hotspot.HotspotResponse(marks=marks, regions=tuple(regions) if isinstance(regions, list) else ())

    def correct_response(self, question, attempt):
        targets = [z for z in question.zones.all() if z.correct]
        return {"marks": [list(zone_shape(z).centre()) for z in targets], "regions": []}

    def describe(self, question, raw, feedback, response):
        """Each target as the grade counted it (a mark in two overlapping targets counts for one), and each
        region that is not a target where the grade says it was marked."""
        zones = sorted(question.zones.all(), key=lambda z: z.label)
        marks = [m for m in raw.get("marks") or [] if isinstance(m, list) and len(m) == 2]
        regions = set(raw.get("regions") or [])
        feedback.marks = marks
        feedback.figure_review = self.figure_review(question, raw, response)
        outcomes = self.outcomes(question, raw, response)
        parts = []
        if marks:
            parts.append(f"{len(marks)} mark{'s' if len(marks) != 1 else ''} on the image")
        parts += [f"Region: {z.label}" for z in zones if z.key in regions]
        feedback.your_answer = parts
        feedback.expected_answer = [z.label for z in zones if z.correct]
        relevant = []
        for zone in zones:
            got = outcomes.get(zone.key, set())
            if zone.correct:
                hit = Outcome.HIT in got
                feedback.note(
                    zone,
                    hit,
                    "You marked this: right." if hit else "You did not mark this: it should have been marked.",
                    subject=zone.label,
                )
            elif Outcome.WRONG_PICK in got:
                feedback.note(zone, False, "You marked this: wrong.", subject=zone.label)
            else:
                continue
            relevant.append(zone)
        return relevant

    def analysis_rows(self, question):
        """Each zone marked (targets right, other zones distractors), then a mark outside every zone."""
        zones = sorted(question.zones.all(), key=_reading_order)
        return [
            *(AnalysisRow(z.key, z.label, z.correct) for z in zones),
            AnalysisRow(OUTSIDE_EVERY_ZONE, "Marked outside every zone", False, authored=False),
        ]

    def analysis_choices(self, question, raw, response):
        """The zones the stored credits say were marked: targets hit, other zones marked, marks outside them all.

        A second mark on a target already hit adds nothing: the target is counted once.
        """
        chosen = set()
        for key, outcome in self.stored_credits(question, raw if isinstance(raw, dict) else {}, response):
            if outcome in (Outcome.HIT, Outcome.WRONG_PICK) and key:
                chosen.add(key)
            elif outcome == Outcome.EXTRA_MARK and not key:
                chosen.add(OUTSIDE_EVERY_ZONE)
        return frozenset(chosen)

    def stored_credits(self, question, raw, response) -> list[tuple[str, str]]:
        """The stored credits as (zone key, outcome), in the grader's order; graded again in memory only for
        responses stored before credits carried outcome codes, as ``outcomes`` does."""
        credits = response.credits if response is not None and isinstance(response.credits, list) else []
        credits = [c for c in credits if isinstance(c, dict)]
        if any("outcome" not in c for c in credits):
            grade = self.grader.grade(self.grading_key(question), self.grader_response(question, raw))
            return [(c.key, str(c.outcome)) for c in grade.credits]
        return [(str(c.get("key", "")), str(c["outcome"])) for c in credits if c.get("outcome")]

    def figure_review(self, question, raw, response) -> FigureReview:
        """What the finished step's figure shows: the targets, numbered, found or missed as the stored grade
        says, and each mark with the credit it earned (``pair_with_credits``)."""
        raw = raw if isinstance(raw, dict) else {}
        zones = list(question.zones.all())
        by_key = {z.key: z for z in zones}
        credits = self.stored_credits(question, raw, response)
        found = {key for key, outcome in credits if outcome == Outcome.HIT}
        targets = [
            ReviewTarget(number, zone, zone.key in found)
            for number, zone in enumerate(sorted((z for z in zones if z.correct), key=_reading_order), start=1)
        ]
        target_of = {t.zone.key: t for t in targets}
        marked_wrong = {key for key, outcome in credits if outcome == Outcome.WRONG_PICK}
        review = FigureReview(
            figure_label=question.figure.label if question.figure_id else "",
            targets=targets,
            wrong_regions=sorted((z for z in zones if not z.correct and z.key in marked_wrong), key=_reading_order),
        )
        points = graded_marks(raw)
        regions = [key for key in string_items(raw.get("regions") or []) if key in by_key]
        review.marks = [ReviewMark(number, x, y) for number, (x, y) in enumerate(points, start=1)]
        review.regions = [ReviewRegion(by_key[key], target_of.get(key)) for key in regions]
        try:
            key = self.grading_key(question, zones)
        except ValueError:  # a zone the grader can not read: nothing was graded against this key
            review.judged = False
            return review
        marks = [*points, *regions]
        # The grader's own rule for where a mark lands (its tolerance included), so the drawing and the grade
        # can not disagree about it; whether a mark hit comes only from the stored credits.
        landed = [{z.key for z in key.zones if hotspot._lands_in(mark, z, key)} for mark in marks]
        pairing = pair_with_credits(landed, credits)
        if pairing is None:
            review.judged = False
            return review
        for index, (outcome, zone_key) in enumerate(pairing):
            target = target_of.get(zone_key)
            if index >= len(points):
                if outcome == Outcome.HIT and target:
                    target.by_region = True
                continue
            mark = review.marks[index]
            mark.verdict = HIT if outcome == Outcome.HIT else MISS
            if outcome == Outcome.HIT and target:
                target.found_by = mark.number
            mark.target = target
            mark.region = by_key.get(zone_key) if outcome == Outcome.WRONG_PICK else None
        return review


KIND = Hotspot()
