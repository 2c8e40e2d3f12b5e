"""Single best answer: one radio button per option; the chosen option's weight is the score.

Raw response (``RAW_VERSION`` 1): ``{"choice": "<option key>"}``; ``{"choice": null}`` when nothing was chosen.
"""

from django import forms

from quiz.grading import Outcome, single_best
from quiz.grading.options import Option as GradingOption
from quiz.kinds.base import (
    OPTIONS,
    PERCENT,
    AnalysisRow,
    QuestionKind,
    ShareGroup,
    ShareLine,
    shares_of_100,
    sorted_options,
)


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
            got = outcomes[chosen.key]
            if Outcome.RIGHT_PICK in got:
                feedback.note(chosen, True, "You chose this: right.")
            elif Outcome.PARTIAL_PICK in got:
                feedback.note(chosen, None, "You chose this: partly right.")
            else:
                feedback.note(chosen, False, "You chose this.")
        for option in options:
            if option.weight == best and option is not chosen:
                feedback.note(option, None, "The best answer.")
        return [chosen] if chosen else [o for o in options if o.weight == best]

    def analysis_rows(self, question):
        """Each option; right when it carries the best weight (a part-credit option counts as a distractor)."""
        options = sorted_options(question)
        best = max((o.weight for o in options), default=0)
        return [AnalysisRow(o.key, o.text, best > 0 and o.weight == best) for o in options]

    def analysis_choices(self, question, raw, response):
        choice = raw.get("choice") if isinstance(raw, dict) else None
        return frozenset([choice]) if isinstance(choice, str) and choice else frozenset()

    def share_groups(self, question, responses, attempt=None):
        """The share choosing each option; the shares add up to 100."""
        choices = [r.raw.get("choice") if isinstance(r.raw, dict) else None for r in responses]
        # Worked out in the authored order, so that a tie is rounded the same way for every learner.
        authored = sorted_options(question)
        counts = [choices.count(o.key) for o in authored]
        if not any(counts):
            return []
        shares = dict(zip([o.key for o in authored], shares_of_100(counts), strict=True))
        best = max(o.weight for o in authored)
        lines = []
        for option in self.shown_options(attempt, question):
            share = shares[option.key]
            right = True if option.weight == best else False if option.weight <= 0 else None  # None: part credit
            text = f"{share}{PERCENT} chose “{option.text}”" + (", the best answer" if right else "")
            lines.append(ShareLine(text, share, right))
        return [ShareGroup("", tuple(lines))]


KIND = SingleBest()
