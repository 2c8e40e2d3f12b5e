"""The form a learner fills in at one step, with a part for each question.

Nothing in the form reveals the key. Values in the HTML are opaque tokens derived from the attempt,
never option keys or positions (an ordering question's keys would otherwise give the order away);
``raw_responses`` turns the posted tokens back into the stable keys that are stored.
"""

import random
from dataclasses import dataclass, field

from django import forms
from django.utils.crypto import salted_hmac

from quiz.models import Attempt, Option, Question

Kind = Question.Kind

TRUE_FALSE_CHOICES = [("true", "True"), ("false", "False"), ("dont_know", "Don’t know")]
MAX_MARKS = 20

SCORING_HELP = {
    Kind.SINGLE_BEST: "Choose the one best answer.",
    Kind.MULTIPLE_RESPONSE: "Select all that apply. Each right tick earns marks; wrong ticks cost marks.",
    Kind.MULTIPLE_TRUE_FALSE: "Mark each statement true or false. Each right answer earns marks; "
    "“Don’t know” scores nothing.",
    Kind.MATCHING: "Match each item to one option; options may be used more than once. Marks for each right match.",
    Kind.ORDERING: "Give each item a different position, 1 first. Marks for each item followed by the right one.",
    Kind.HOTSPOT: "Mark the place or places on the image, by clicking or tapping it, or choose regions from the "
    "list. Marks for each right place; extra marks lower the score.",
    Kind.FREE_TEXT: "Type a short answer. Spelling and capitals are treated kindly.",
}


def token(attempt: Attempt, question: Question, key: str) -> str:
    """An opaque, per-attempt stand-in for a stable key, safe to put in the page."""
    return salted_hmac("quiz.option", f"{attempt.token}:{question.pk}:{key}").hexdigest()[:12]


def presented_order(attempt: Attempt, question: Question, keys: list[str]) -> list[str]:
    """The order an ordering question's items are shown in: shuffled per attempt.

    The shuffle is seeded from the attempt's own random seed and the server's secret key, neither of
    which reaches the browser, so the shown order cannot be undone into the key. Every order is equally
    likely, the right one included: were it never shown, the order missing from a few attempts' pages
    would be the answer. The form makes each position an explicit choice, so an answer in the shown
    order is a deliberate one (``quiz.keys.grader_response``).
    """
    seed = salted_hmac("quiz.ordering-shuffle", f"{attempt.seed}:{question.pk}", algorithm="sha256").digest()
    shuffled = list(keys)
    random.Random(seed).shuffle(shuffled)
    return shuffled


@dataclass
class QuestionPart:
    """One question as the form shows it: the question and the names of its fields."""

    question: Question
    number: int
    field_names: list[str] = field(default_factory=list)
    # Ordering: items in the order shown. Hotspot: the figure rendition the image input uses.
    items: list[Option] = field(default_factory=list)
    image: object = None
    marks: list[tuple[float, float]] = field(default_factory=list)

    @property
    def scoring_help(self) -> str:
        return SCORING_HELP[self.question.kind]

    @property
    def prefix(self) -> str:
        return f"q{self.question.pk}"


class StepForm(forms.Form):
    try_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, attempt: Attempt, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        self.parts: list[QuestionPart] = []
        for number, question in enumerate(questions, start=1):
            part = QuestionPart(question, number)
            getattr(self, f"_add_{question.kind}")(part)
            self.parts.append(part)

    # --- building the fields, one method per kind -------------------------------------------

    def _field(self, part: QuestionPart, suffix: str, form_field: forms.Field) -> str:
        name = f"{part.prefix}-{suffix}" if suffix else part.prefix
        self.fields[name] = form_field
        part.field_names.append(name)
        return name

    def _options(self, part: QuestionPart) -> list[Option]:
        return sorted(part.question.options.all(), key=lambda o: o.position)

    def _choices(self, part: QuestionPart, options) -> list[tuple[str, str]]:
        return [(token(self.attempt, part.question, o.key), o.text) for o in options]

    def _add_single_best(self, part):
        self._field(
            part,
            "",
            forms.ChoiceField(
                label="Your answer",
                choices=self._choices(part, self._options(part)),
                widget=forms.RadioSelect,
                required=False,
            ),
        )

    def _add_multiple_response(self, part):
        self._field(
            part,
            "",
            forms.MultipleChoiceField(
                label="Your answer",
                choices=self._choices(part, self._options(part)),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
        )

    def _add_multiple_true_false(self, part):
        for option in self._options(part):
            self._field(
                part,
                token(self.attempt, part.question, option.key),
                forms.ChoiceField(
                    label=option.text, choices=TRUE_FALSE_CHOICES, widget=forms.RadioSelect, required=False
                ),
            )

    def _add_matching(self, part):
        options = self._options(part)
        choices = [("", "Choose…"), *self._choices(part, [o for o in options if not o.match_key])]
        for stem in (o for o in options if o.match_key):
            self._field(
                part,
                token(self.attempt, part.question, stem.key),
                forms.ChoiceField(label=stem.text, choices=choices, required=False),
            )

    def _add_ordering(self, part):
        options = {o.key: o for o in self._options(part)}
        part.items = [options[key] for key in presented_order(self.attempt, part.question, list(options))]
        positions = [("", "Position…")] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
        for item in part.items:
            self._field(
                part,
                token(self.attempt, part.question, item.key),
                forms.ChoiceField(label=item.text, choices=positions, required=False),
            )

    def _add_hotspot(self, part):
        zones = sorted(part.question.zones.all(), key=lambda z: z.label)
        self._field(
            part,
            "regions",
            forms.MultipleChoiceField(
                label="Or choose regions from this list",
                choices=[(token(self.attempt, part.question, z.key), z.label) for z in zones],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
        )
        part.image = hotspot_image(part.question)
        part.marks = self._posted_marks(part)

    def _add_free_text(self, part):
        self._field(
            part,
            "",
            forms.CharField(
                label="Your answer",
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            ),
        )

    # --- hotspot marks ------------------------------------------------------------------------

    def _posted_marks(self, part: QuestionPart) -> list[tuple[float, float]]:
        """Marks already placed (hidden inputs), plus a click on the image when JavaScript is off."""
        if not self.is_bound:
            return []
        if self.data.get("clear") == part.prefix:
            return []
        marks = []
        for value in self.data.getlist(f"{part.prefix}-mark"):
            try:
                x, y = (float(v) for v in value.split(","))
            except ValueError:
                continue
            if 0 <= x <= 1 and 0 <= y <= 1:
                marks.append((round(x, 4), round(y, 4)))
        click_x, click_y = self.data.get(f"{part.prefix}-click.x"), self.data.get(f"{part.prefix}-click.y")
        if part.image and click_x is not None and click_y is not None:
            try:
                x, y = int(click_x) / part.image.width, int(click_y) / part.image.height
            except ValueError:
                x = y = 0
            # (0, 0) is what a browser posts when the image is activated from the keyboard: no position.
            if (x, y) != (0, 0) and 0 <= x <= 1 and 0 <= y <= 1:
                marks.append((round(x, 4), round(y, 4)))
        return marks[:MAX_MARKS]

    def placing_mark(self) -> bool:
        """Whether this POST only places or clears a mark (no JavaScript), rather than submitting."""
        return "clear" in self.data or any(f"{part.prefix}-click.x" in self.data for part in self.parts)

    def full_clean(self):
        if self.is_bound and self.placing_mark():
            # Placing a mark is not a submission: keep what was typed, show no errors, check nothing.
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    # --- showing the previous try again ---------------------------------------------------------

    def fill_from_responses(self, responses) -> None:
        """Pre-fill the form with the learner's previous try, so they can change what was wrong."""
        raw_by_question = {r.question_id: r.raw for r in responses}
        for part in self.parts:
            raw = raw_by_question.get(part.question.pk)
            if not isinstance(raw, dict):
                continue
            question = part.question

            def tok(key, question=question):
                return token(self.attempt, question, key)

            match question.kind:
                case Kind.SINGLE_BEST if raw.get("choice"):
                    self.initial[part.prefix] = tok(raw["choice"])
                case Kind.MULTIPLE_RESPONSE:
                    self.initial[part.prefix] = [tok(k) for k in raw.get("ticked") or []]
                case Kind.MULTIPLE_TRUE_FALSE:
                    for key, value in (raw.get("answers") or {}).items():
                        self.initial[f"{part.prefix}-{tok(key)}"] = value
                case Kind.MATCHING:
                    for stem, choice in (raw.get("matches") or {}).items():
                        self.initial[f"{part.prefix}-{tok(stem)}"] = tok(choice) if choice else ""
                case Kind.ORDERING:
                    for position, key in enumerate(raw.get("order") or [], start=1):
                        self.initial[f"{part.prefix}-{tok(key)}"] = str(position)
                case Kind.HOTSPOT:
                    part.marks = [tuple(m) for m in raw.get("marks") or []]
                    self.initial[f"{part.prefix}-regions"] = [tok(k) for k in raw.get("regions") or []]
                case Kind.FREE_TEXT:
                    self.initial[part.prefix] = raw.get("text") or ""

    # --- reading the answers back ---------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        for part in self.parts:
            problem = self._missing_answer(part, cleaned)
            if problem:
                self.add_error(part.field_names[0], problem)
        return cleaned

    def _missing_answer(self, part: QuestionPart, cleaned) -> str:
        kind = part.question.kind
        values = [cleaned.get(name) for name in part.field_names]
        if kind == Kind.ORDERING:
            chosen = [v for v in values if v]
            if len(chosen) != len(values) or len(set(chosen)) != len(chosen):
                return f"Give every item a different position, from 1 to {len(values)}."
            return ""
        if kind == Kind.HOTSPOT:
            return "" if part.marks or values[0] else "Mark the image, or choose at least one region from the list."
        if not any(values):
            return {
                Kind.MULTIPLE_TRUE_FALSE: "Answer at least one statement (“Don’t know” counts).",
                Kind.MATCHING: "Match at least one item.",
            }.get(kind, "Answer this question before submitting.")
        return ""

    def raw_responses(self) -> dict[int, dict]:
        """Question id -> the raw answer, in stable keys, as it is stored."""
        return {part.question.pk: self._raw(part) for part in self.parts}

    def _raw(self, part: QuestionPart) -> dict:
        question = part.question
        by_token = {token(self.attempt, question, o.key): o.key for o in question.options.all()}
        values = {name: self.cleaned_data.get(name) for name in part.field_names}
        match question.kind:
            case Kind.SINGLE_BEST:
                return {"choice": by_token.get(values[part.prefix])}
            case Kind.MULTIPLE_RESPONSE:
                return {"ticked": sorted(by_token[t] for t in values[part.prefix] or [] if t in by_token)}
            case Kind.MULTIPLE_TRUE_FALSE:
                return {"answers": {by_token[n.split("-", 1)[1]]: v for n, v in values.items() if v}}
            case Kind.MATCHING:
                return {"matches": {by_token[n.split("-", 1)[1]]: by_token.get(v) for n, v in values.items() if v}}
            case Kind.ORDERING:
                positions = {by_token[n.split("-", 1)[1]]: int(v) for n, v in values.items() if v}
                return {
                    "order": sorted(positions, key=positions.get),
                    "presented": [item.key for item in part.items],
                }
            case Kind.HOTSPOT:
                zones = {token(self.attempt, question, z.key): z.key for z in question.zones.all()}
                regions = [zones[t] for t in values[f"{part.prefix}-regions"] or [] if t in zones]
                return {"marks": [list(mark) for mark in part.marks], "regions": sorted(regions)}
            case Kind.FREE_TEXT:
                return {"text": (values[part.prefix] or "").strip()}
        return {}


HOTSPOT_IMAGE_WIDTH = 640


def hotspot_image(question: Question):
    """The JPEG rendition a hotspot question shows: about 640 pixels wide, so it fits without scaling."""
    return question.figure.fallback(max_width=HOTSPOT_IMAGE_WIDTH) if question.figure else None
