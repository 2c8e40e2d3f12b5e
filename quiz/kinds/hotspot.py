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

from django import forms
from django.db.models import Q

from cases.models import Figure
from quiz.grading import Outcome, hotspot
from quiz.kinds.base import ZONES, QuestionKind
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
            questions = Question.objects.filter(
                step__quiz_id=attempt.quiz_id,
                step__position__gte=attempt.current_position,
                step__withdrawn=False,
                withdrawn=False,
                kind=Question.Kind.HOTSPOT,
                figure__isnull=False,
            )
            figures = Figure.objects.filter(
                Q(hotspot_questions__in=questions) | Q(revealed_by_steps__questions__in=questions)
            )
            cached = frozenset(figures.values_list("pk", flat=True))
        setattr(attempt, _ASSESSED, cached)
    return cached


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


def posted_regions(form, part) -> list[str]:
    """Regions an earlier answer picked from the former list (their tokens), carried until marks are cleared."""
    if not form.is_bound or form.data.get("clear") == part.prefix:
        return []
    return form.data.getlist(f"{part.prefix}-regions")[:MAX_MARKS]


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
        # Only for answers that picked regions from the former list (see the module docstring): the page draws
        # them as hidden inputs, never as a list, and the choices carry no labels.
        form.add_field(
            part,
            "regions",
            forms.MultipleChoiceField(
                label="Regions picked in an earlier answer",
                choices=form.choices(part, part.question.zones.all(), label=lambda z: ""),
                widget=forms.MultipleHiddenInput,
                required=False,
            ),
        )
        part.image = image(part.question)
        part.marks = posted_marks(form, part)
        part.regions = posted_regions(form, part)

    def fill_initial(self, form, part, raw):
        part.marks = [tuple(m) for m in raw.get("marks") or []]
        part.regions = [form.token(part.question, k) for k in raw.get("regions") or []]
        form.initial[f"{part.prefix}-regions"] = part.regions

    def missing_answer(self, part, values):
        return "" if part.marks or values[0] else self.missing_message

    def raw_response(self, form, part, values):
        zones = form.keys_by_token(part.question, part.question.zones.all())
        regions = [zones[t] for t in values[f"{part.prefix}-regions"] or [] if t in zones]
        return {"marks": [list(mark) for mark in part.marks], "regions": sorted(regions)}

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
                feedback.note(zone, hit, "You marked it: right." if hit else "You missed it.", subject=zone.label)
            elif Outcome.WRONG_PICK in got:
                feedback.note(zone, False, "You marked it: wrong.", subject=zone.label)
            else:
                continue
            relevant.append(zone)
        return relevant


KIND = Hotspot()
