"""Multiple response (select all that apply): a checkbox per option; the ticked options' weights add up.

Raw response (``RAW_VERSION`` 1): ``{"ticked": ["<option key>", ...]}``, sorted; empty when nothing was ticked.
"""

from django import forms

from quiz.grading import Outcome, multiple_response
from quiz.grading.options import Option as GradingOption
from quiz.kinds.base import (
    OPTIONS,
    PERCENT,
    AnalysisRow,
    QuestionKind,
    ShareGroup,
    ShareLine,
    share_percent,
    sorted_options,
)


class MultipleResponse(QuestionKind):
    name = multiple_response.KIND
    RAW_VERSION = 1
    rows = OPTIONS
    option_fields = ("weight", "pinned")
    shuffles = (OPTIONS,)
    sample_options = (("a", 1, None, ""), ("b", -1, None, ""))
    scoring_help = "Select all that apply. Each right tick earns marks; wrong ticks cost marks."
    scoring_rule = (
        "Adds up the weights of the ticked options, between 0 and 1. Right options' weights must add up to 1; wrong "
        "options need negative weights, so that ticking every box scores 0 or less."
    )

    def add_fields(self, form, part):
        form.add_field(
            part,
            "",
            forms.MultipleChoiceField(
                label="Your answer",
                choices=form.choices(part, self.shown_options(form.attempt, part.question)),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
        )

    def fill_initial(self, form, part, raw):
        form.initial[part.prefix] = [form.token(part.question, k) for k in raw.get("ticked") or []]

    def raw_response(self, form, part, values):
        by_token = form.keys_by_token(part.question, part.question.options.all())
        return {"ticked": sorted(by_token[t] for t in values[part.prefix] or [] if t in by_token)}

    def grading_key(self, question, rows=None):
        options = sorted(self.saved_rows(question) if rows is None else rows, key=lambda o: o.position)
        return multiple_response.MultipleResponseKey(
            options=tuple(GradingOption(o.key, float(o.weight)) for o in options)
        )

    def grader_response(self, question, raw):
        ticked = raw.get("ticked") if isinstance(raw, dict) else None
        return tuple(ticked) if isinstance(ticked, list) else ()

    def correct_response(self, question, attempt):
        return {"ticked": [o.key for o in sorted_options(question) if o.weight > 0]}

    def describe(self, question, raw, feedback, response):
        options = self.shown_options(feedback.attempt, question)
        ticked = set(raw.get("ticked") or [])
        feedback.your_answer = [o.text for o in options if o.key in ticked]
        feedback.expected_answer = [o.text for o in options if o.weight > 0]
        outcomes = self.outcomes(question, raw, response)
        relevant = []
        for option in options:
            got = outcomes.get(option.key, [])
            if Outcome.RIGHT_PICK in got:
                feedback.note(option, True, "You ticked this: right.")
            elif Outcome.WRONG_PICK in got:
                feedback.note(option, False, "You ticked this: wrong.")
            elif Outcome.MISSED in got or option.weight > 0:  # (nothing ticked at all: no credits)
                feedback.note(option, False, "You did not tick this: it was right.")
            else:
                # Left unticked, rightly: said in a line, but its key points are not quoted (nothing to explain).
                feedback.note(option, True, "You did not tick this: right to leave it.")
                continue
            relevant.append(option)
        return relevant

    def analysis_rows(self, question):
        """Each option ticked; right when its weight is positive."""
        return [AnalysisRow(o.key, o.text, o.weight > 0) for o in sorted_options(question)]

    def analysis_choices(self, question, raw, response):
        ticked = raw.get("ticked") if isinstance(raw, dict) else None
        return frozenset(k for k in ticked if isinstance(k, str)) if isinstance(ticked, list) else frozenset()

    def share_groups(self, question, responses, attempt=None):
        """The share ticking each option. Learners tick several, so the shares do not add up to 100."""
        if not responses:
            return []
        ticked = [set(r.raw.get("ticked") or []) if isinstance(r.raw, dict) else set() for r in responses]
        lines = []
        for option in self.shown_options(attempt, question):
            share = share_percent(sum(1 for keys in ticked if option.key in keys), len(responses))
            right = option.weight > 0
            text = f"“{option.text}”: ticked by {share}{PERCENT}" + (" (a right option)" if right else "")
            lines.append(ShareLine(text, share, right))
        return [ShareGroup("", tuple(lines))]


KIND = MultipleResponse()
