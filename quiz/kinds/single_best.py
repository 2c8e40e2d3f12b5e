"""Single best answer: one radio button per option; the chosen option's weight is the score.

Raw response (``RAW_VERSION`` 1): ``{"choice": "<option key>"}``; ``{"choice": null}`` when nothing was chosen.
"""

from django import forms

from quiz.grading import Outcome, single_best
from quiz.grading.options import Option as GradingOption
from quiz.kinds.base import OPTIONS, QuestionKind, sorted_options


class SingleBest(QuestionKind):
    name = single_best.KIND
    RAW_VERSION = 1
    rows = OPTIONS
    option_fields = ("weight", "pinned")
    shuffles = (OPTIONS,)
    sample_options = (("a", 1, None, ""), ("b", 0, None, ""))
    scoring_help = "Choose the one best answer."
    scoring_rule = (
        "Scores the weight of the chosen option: give the best answer weight 1, others 0 (or partial credit such as "
        "0.5)."
    )

    def add_fields(self, form, part):
        form.add_field(
            part,
            "",
            forms.ChoiceField(
                label="Your answer",
                choices=form.choices(part, self.shown_options(form.attempt, part.question)),
                widget=forms.RadioSelect,
                required=False,
            ),
        )

    def fill_initial(self, form, part, raw):
        if raw.get("choice"):
            form.initial[part.prefix] = form.token(part.question, raw["choice"])

    def raw_response(self, form, part, values):
        by_token = form.keys_by_token(part.question, part.question.options.all())
        return {"choice": by_token.get(values[part.prefix])}

    def grading_key(self, question, rows=None):
        options = sorted(self.saved_rows(question) if rows is None else rows, key=lambda o: o.position)
        return single_best.SingleBestKey(options=tuple(GradingOption(o.key, float(o.weight)) for o in options))

    def grader_response(self, question, raw):
        return raw.get("choice") if isinstance(raw, dict) else None

    def correct_response(self, question, attempt):
        return {"choice": max(sorted_options(question), key=lambda o: o.weight).key}

    def describe(self, question, raw, feedback, response):
        options = self.shown_options(feedback.attempt, question)
        outcomes = self.outcomes(question, raw, response)
        chosen = next((o for o in options if o.key in outcomes), None)
        feedback.your_answer = [chosen.text] if chosen else []
        best = max((o.weight for o in options), default=0)
        feedback.expected_answer = [o.text for o in options if o.weight == best]
        if chosen:
            right = Outcome.RIGHT_PICK in outcomes[chosen.key]
            feedback.note(chosen, right, "Your answer: right." if right else "Your answer: not the best one.")
        for option in options:
            if option.weight == best and option is not chosen:
                feedback.note(option, None, "The best answer.")
        return [chosen] if chosen else [o for o in options if o.weight == best]


KIND = SingleBest()
