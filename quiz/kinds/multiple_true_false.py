"""Multiple true/false: each option is a statement, answered true, false or "don't know".

Raw response (``RAW_VERSION`` 1): ``{"answers": {"<option key>": "true" | "false" | "dont_know", ...}}``,
with only the statements the learner answered.
"""

from django import forms

from quiz.grading import Outcome, multiple_true_false
from quiz.kinds.base import (
    OPTIONS,
    PERCENT,
    AnalysisRow,
    QuestionKind,
    ShareGroup,
    ShareLine,
    question_settings,
    shares_of_100,
    sorted_options,
)

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
            feedback.your_answer.append(_answered(option.text, LABELS.get(given, "not answered")))
            feedback.expected_answer.append(_answered(option.text, "True" if option.is_true else "False"))
            got = outcomes.get(option.key, [])
            said = LABELS.get(given, "nothing").lower()
            truth = "true" if option.is_true else "false"
            if Outcome.RIGHT_PICK in got:
                feedback.note(option, True, f"You said {said}: right.")
            elif Outcome.WRONG_PICK in got:
                feedback.note(option, False, f"You said {said}: wrong.")
            elif Outcome.DONT_KNOW in got:
                feedback.note(option, None, f"You said you did not know: it is {truth}.")
            else:
                feedback.note(option, None, f"You did not answer this: it is {truth}.")
        return options

    def analysis_rows(self, question):
        """Each statement answered true, and answered false ("statement:true", "statement:false"); "don't know"
        is no answer to analyse (it scores nothing either way)."""
        return [
            AnalysisRow(f"{o.key}:{value}", _answered(o.text, LABELS[value]), (value == "true") == bool(o.is_true))
            for o in sorted_options(question)
            for value in ("true", "false")
        ]

    def analysis_choices(self, question, raw, response):
        answers = raw.get("answers") if isinstance(raw, dict) else None
        if not isinstance(answers, dict):
            return frozenset()
        return frozenset(f"{k}:{v}" for k, v in answers.items() if v in ("true", "false"))

    def share_groups(self, question, responses, attempt=None):
        """Per statement, the shares answering true, false and don't know (of those who answered it): 100 each."""
        answers = [r.raw.get("answers") if isinstance(r.raw, dict) else None for r in responses]
        answers = [a for a in answers if isinstance(a, dict)]
        groups = []
        for option in self.shown_options(attempt, question):
            given = [a.get(option.key) for a in answers]
            counts = [given.count(value) for value, _ in CHOICES]
            if not any(counts):
                continue
            lines = []
            for (value, label), share in zip(CHOICES, shares_of_100(counts), strict=True):
                right = None if value == "dont_know" else (value == "true") == bool(option.is_true)
                text = f"{share}{PERCENT} said {label.lower()}" + (" (right)" if right else "")
                lines.append(ShareLine(text, share, right))
            groups.append(ShareGroup(option.text, tuple(lines)))
        return groups


def _answered(statement: str, answer: str) -> str:
    """A statement and its answer on one line: "Statement: True", or "A sentence. — True" after a full stop."""
    return f"{statement} — {answer}" if statement.rstrip().endswith((".", "?", "!")) else f"{statement}: {answer}"


KIND = MultipleTrueFalse()
