"""Multiple true/false: each option is a statement, answered true, false or "don't know".

Raw response (``RAW_VERSION`` 1): ``{"answers": {"<option key>": "true" | "false" | "dont_know", ...}}``,
with only the statements the learner answered.
"""

from django import forms

from quiz.grading import Outcome, multiple_true_false
from quiz.kinds.base import OPTIONS, QuestionKind, question_settings, sorted_options

CHOICES = [("true", "True"), ("false", "False"), ("dont_know", "Don’t know")]
LABELS = dict(CHOICES)


class MultipleTrueFalse(QuestionKind):
    name = multiple_true_false.KIND
    RAW_VERSION = 1
    rows = OPTIONS
    option_fields = ("is_true", "pinned")
    shuffles = (OPTIONS,)
    sample_options = (("a", 0, True, ""), ("b", 0, False, ""))
    scoring_help = "Mark each statement true or false. Each right answer earns marks; “Don’t know” scores nothing."
    scoring_rule = (
        "Each statement earns an equal share for a right true/false answer; “don’t know” scores 0. Optional penalty "
        'for a wrong answer in the settings, e.g. {"penalty": 0.5}.'
    )
    missing_message = "Answer at least one statement (“Don’t know” counts)."

    def add_fields(self, form, part):
        for option in self.shown_options(form.attempt, part.question):
            form.add_field(
                part,
                form.token(part.question, option.key),
                forms.ChoiceField(label=option.text, choices=CHOICES, widget=forms.RadioSelect, required=False),
            )

    def fill_initial(self, form, part, raw):
        for key, value in (raw.get("answers") or {}).items():
            form.initial[f"{part.prefix}-{form.token(part.question, key)}"] = value

    def raw_response(self, form, part, values):
        by_token = form.keys_by_token(part.question, part.question.options.all())
        return {"answers": {by_token[n.split("-", 1)[1]]: v for n, v in values.items() if v}}

    def grading_key(self, question, rows=None):
        options = sorted(self.saved_rows(question) if rows is None else rows, key=lambda o: o.position)
        return multiple_true_false.TrueFalseKey(
            statements=tuple(multiple_true_false.Statement(o.key, bool(o.is_true)) for o in options),
            penalty=float(question_settings(question).get("penalty", 0)),
        )

    def grader_response(self, question, raw):
        answers = raw.get("answers") if isinstance(raw, dict) else None
        return answers if isinstance(answers, dict) else {}

    def correct_response(self, question, attempt):
        return {"answers": {o.key: "true" if o.is_true else "false" for o in sorted_options(question)}}

    def describe(self, question, raw, feedback, response):
        answers = raw.get("answers") or {}
        options = self.shown_options(feedback.attempt, question)
        outcomes = self.outcomes(question, raw, response)
        for option in options:
            given = answers.get(option.key)
            feedback.your_answer.append(f"{option.text}: {LABELS.get(given, 'not answered')}")
            feedback.expected_answer.append(f"{option.text}: {'True' if option.is_true else 'False'}")
            got = outcomes.get(option.key, [])
            said = LABELS.get(given, "nothing")
            if Outcome.RIGHT_PICK in got:
                feedback.note(option, True, f"You said {said}: right.")
            elif Outcome.WRONG_PICK in got:
                feedback.note(option, False, f"You said {said}: wrong.")
            else:  # "don't know", or not answered
                feedback.note(option, None, f"You said {said}.")
        return options


KIND = MultipleTrueFalse()
