"""Short free text: matched against the accepted answers, forgiving case, accents, spelling and small typos.

Raw response (``RAW_VERSION`` 1): ``{"text": "<what the learner typed, stripped>"}``.
"""

from django import forms

from quiz.grading import free_text
from quiz.kinds.base import ANSWERS, QuestionKind, question_settings
from quiz.models import AcceptedAnswer


class FreeText(QuestionKind):
    name = free_text.KIND
    RAW_VERSION = 1
    rows = ANSWERS

    def add_sample_rows(self, question):
        return [AcceptedAnswer.objects.create(question=question, key="v", text="Virchow", fraction=1)]

    scoring_help = "Type a short answer. Spelling and capitals are treated kindly."
    scoring_rule = (
        "Matched against the accepted answers after ignoring case, accents, punctuation and British/American "
        'spelling; small typos are accepted unless the settings say {"typo_tolerance": false}.'
    )

    def add_fields(self, form, part):
        form.add_field(
            part,
            "",
            forms.CharField(
                label="Your answer",
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            ),
        )

    def fill_initial(self, form, part, raw):
        form.initial[part.prefix] = raw.get("text") or ""

    def raw_response(self, form, part, values):
        return {"text": (values[part.prefix] or "").strip()}

    def grading_key(self, question, rows=None):
        answers = self.saved_rows(question) if rows is None else rows
        return free_text.FreeTextKey(
            answers=tuple(free_text.AcceptedAnswer(a.key, a.text, float(a.fraction)) for a in answers),
            typo_tolerance=bool(question_settings(question).get("typo_tolerance", True)),
        )

    def grader_response(self, question, raw):
        return (raw.get("text") if isinstance(raw, dict) else None) or ""

    def correct_response(self, question, attempt):
        return {"text": next(a.text for a in question.accepted_answers.all() if a.fraction == 1)}

    def describe(self, question, raw, feedback, response):
        text = raw.get("text") or ""
        answers = sorted(question.accepted_answers.all(), key=lambda a: -a.fraction)
        feedback.your_answer = [text] if text else []
        feedback.expected_answer = [answers[0].text] if answers else []
        # The grader's credits name the accepted answer it matched, if any.
        matched_keys = {c.get("key") for c in (response.credits if response else []) if c.get("key")}
        matched = [a for a in answers if a.key in matched_keys]
        for answer in matched:
            feedback.note(answer, answer.fraction > 0, f"Your answer matched “{answer.text}”.", subject="")
        return matched or answers[:1]


KIND = FreeText()
