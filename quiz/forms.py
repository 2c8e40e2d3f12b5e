"""The form a learner fills in at one step, with a part for each question.

Nothing in the form reveals the key. Values in the HTML are opaque tokens derived from the attempt,
never option keys or positions (the keys of items to put in order would otherwise give the order away);
``raw_responses`` turns the posted tokens back into the stable keys that are stored. What each question
kind draws and stores is its kind module's business (``quiz.kinds``).
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.crypto import salted_hmac

from quiz.behaviours import CBM_RIGHT, CBM_WRONG, Certainty
from quiz.kinds import QuestionKind, get_kind
from quiz.models import Attempt, Option, Question


def _marks_in_words(multiple: int) -> str:
    if multiple == 0:
        return "no marks"
    if multiple > 0:
        return "the question's marks" if multiple == 1 else f"{multiple} times its marks"
    return f"loses {-multiple} times its marks"


#: The certainty choices as a learner reads them: the level, and what it costs (``behaviours.CBM_RIGHT/WRONG``).
CERTAINTY_CHOICES = [
    (
        str(level.value),
        f"{level.label}: right earns {_marks_in_words(CBM_RIGHT[level])}; wrong "
        + ("earns no marks" if CBM_WRONG[level] == 0 else _marks_in_words(CBM_WRONG[level])),
    )
    for level in Certainty
]


def token(attempt: Attempt, question: Question, key: str) -> str:
    """An opaque, per-attempt stand-in for a stable key, safe to put in the page."""
    return salted_hmac("quiz.option", f"{attempt.token}:{question.pk}:{key}").hexdigest()[:12]


@dataclass
class QuestionPart:
    """One question as the form shows it: the question and the names of its fields."""

    question: Question
    number: int
    field_names: list[str] = field(default_factory=list)
    # What some kinds show besides their fields: items in the order shown, the figure rendition an image
    # input uses, and the marks already placed on it.
    items: list[Option] = field(default_factory=list)
    image: object = None
    marks: list[tuple[float, float]] = field(default_factory=list)
    # Under certainty-based marking: the name of the field saying how sure the learner is (kept apart from the
    # kind's fields, which the kind reads its answer from).
    certainty_field: str = ""

    @property
    def kind(self) -> QuestionKind:
        return get_kind(self.question.kind)

    @property
    def scoring_help(self) -> str:
        return self.kind.scoring_help

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
            part.kind.add_fields(self, part)
            if attempt.behaviour.uses_certainty:
                self.add_certainty_field(part)
            self.parts.append(part)

    def add_certainty_field(self, part: QuestionPart) -> None:
        """How sure the learner is of their answer to this question: required, low, medium or high."""
        part.certainty_field = f"{part.prefix}-certainty"
        self.fields[part.certainty_field] = forms.TypedChoiceField(
            label=f"How sure are you of your answer to question {part.number}?",
            choices=CERTAINTY_CHOICES,
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            error_messages={
                "required": f"Say how sure you are of your answer to question {part.number}: low, medium or high.",
                "invalid_choice": f"Choose low, medium or high for question {part.number}.",
            },
        )

    # --- what the kinds build their fields with -------------------------------------------------

    def token(self, question: Question, key: str) -> str:
        return token(self.attempt, question, key)

    def add_field(self, part: QuestionPart, suffix: str, form_field: forms.Field) -> str:
        name = f"{part.prefix}-{suffix}" if suffix else part.prefix
        self.fields[name] = form_field
        part.field_names.append(name)
        return name

    def choices(self, part: QuestionPart, rows, label=lambda row: row.text) -> list[tuple[str, str]]:
        """Choices for rows (options, zones), valued by token."""
        return [(self.token(part.question, row.key), label(row)) for row in rows]

    def keys_by_token(self, question: Question, rows) -> dict[str, str]:
        """Token -> stable key, to read posted values back."""
        return {self.token(question, row.key): row.key for row in rows}

    # --- placing marks without JavaScript -------------------------------------------------------

    def placing_mark(self) -> bool:
        """Whether this POST only places or clears a mark (no JavaScript), rather than submitting."""
        return "clear" in self.data or any(part.kind.places_mark(self.data, part) for part in self.parts)

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
        certainty_by_question = {r.question_id: getattr(r, "certainty", None) for r in responses}
        for part in self.parts:
            raw = raw_by_question.get(part.question.pk)
            if isinstance(raw, dict):
                part.kind.fill_initial(self, part, raw)
            if part.certainty_field and certainty_by_question.get(part.question.pk):
                self.initial[part.certainty_field] = str(certainty_by_question[part.question.pk])

    def posted_data(self) -> dict:
        """What a browser posts for the form as pre-filled: for the load benchmark and tests."""
        data = dict(self.initial)
        for part in self.parts:
            data.update(part.kind.posted_extra(part))
        return data

    # --- reading the answers back ---------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        for part in self.parts:
            problem = part.kind.missing_answer(part, [cleaned.get(name) for name in part.field_names])
            if problem:
                self.add_error(part.field_names[0], problem)
        return cleaned

    def certainties(self) -> dict[int, int]:
        """Question id -> how sure the learner said they were (``behaviours.Certainty``); empty without CBM."""
        return {
            part.question.pk: self.cleaned_data[part.certainty_field]
            for part in self.parts
            if part.certainty_field and self.cleaned_data.get(part.certainty_field)
        }

    def raw_responses(self) -> dict[int, dict]:
        """Question id -> the raw answer, in stable keys, as it is stored."""
        return {
            part.question.pk: part.kind.raw_response(
                self, part, {name: self.cleaned_data.get(name) for name in part.field_names}
            )
            for part in self.parts
        }
