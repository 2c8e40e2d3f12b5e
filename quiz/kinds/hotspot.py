"""Image hotspot: the learner marks points on a figure, or (keyboard, screen reader) picks regions from a list.

Without JavaScript, clicking the image posts its position (an image input) and the page comes back with the
mark placed; placed marks travel in hidden inputs. The form's fields are only the list of regions; the marks
are read from the POST here.

Raw response (``RAW_VERSION`` 1): ``{"marks": [[x, y], ...], "regions": ["<zone key>", ...]}``: the marks in
fractions of the image's width and height (0 to 1, four decimals), and the zones picked from the list, sorted.
"""

from django import forms

from quiz.grading import Outcome, hotspot
from quiz.kinds.base import ZONES, QuestionKind
from quiz.models import Zone

MAX_MARKS = 20
IMAGE_WIDTH = 640


def image(question):
    """The JPEG rendition the question shows: about 640 pixels wide, so it fits without scaling."""
    return question.figure.fallback(max_width=IMAGE_WIDTH) if question.figure else None


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
    scoring_help = (
        "Mark the place or places on the image, by clicking or tapping it, or choose regions from the list. Marks "
        "for each right place; extra marks lower the score."
    )
    scoring_rule = (
        "Draw zones on the figure. Score = correct zones marked ÷ the larger of (correct zones, marks placed), so "
        "scattering marks does not pay. Wrong zones are offered in the keyboard list as distractors."
    )

    def add_fields(self, form, part):
        zones = sorted(part.question.zones.all(), key=lambda z: z.label)
        form.add_field(
            part,
            "regions",
            forms.MultipleChoiceField(
                label="Or choose regions from this list",
                choices=form.choices(part, zones, label=lambda z: z.label),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
        )
        part.image = image(part.question)
        part.marks = posted_marks(form, part)

    def fill_initial(self, form, part, raw):
        part.marks = [tuple(m) for m in raw.get("marks") or []]
        form.initial[f"{part.prefix}-regions"] = [form.token(part.question, k) for k in raw.get("regions") or []]

    def missing_answer(self, part, values):
        return "" if part.marks or values[0] else "Mark the image, or choose at least one region from the list."

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
        return hotspot.HotspotKey(zones=tuple(hotspot.Zone(z.key, zone_shape(z), z.correct) for z in zones))

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
