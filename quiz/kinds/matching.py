"""Matching (extended matching): options with a ``match_key`` are stems, the others the choices they match.

Raw response (``RAW_VERSION`` 1): ``{"matches": {"<stem key>": "<choice key>", ...}}``, with only the stems the
learner matched.
"""

from django import forms

from quiz.grading import Outcome, matching
from quiz.kinds.base import OPTIONS, AnalysisRow, QuestionKind, sorted_options


class Matching(QuestionKind):
    name = matching.KIND
    RAW_VERSION = 1
    rows = OPTIONS
    option_fields = ("match_key", "pinned")
    # Stems and choices are shuffled apart: a stem never lands among the choices.
    shuffles = ("stems", "choices")
    sample_options = (("x", 0, None, ""), ("y", 0, None, ""), ("s1", 0, None, "x"), ("s2", 0, None, "y"))
    scoring_help = "Match each item to one option; options may be used more than once. Marks for each right match."
    scoring_rule = (
        "Stems are options with a matching choice key; choices are options without one. Score = stems matched "
        "correctly ÷ stems."
    )
    missing_message = "Match at least one item."

    def option_groups(self, question):
        options = sorted_options(question)
        return {"stems": [o for o in options if o.match_key], "choices": [o for o in options if not o.match_key]}

    def add_fields(self, form, part):
        shown = self.shown_options(form.attempt, part.question, "choices")
        choices = [("", "Choose…"), *form.choices(part, shown)]
        for stem in self.shown_options(form.attempt, part.question, "stems"):
            form.add_field(
                part,
                form.token(part.question, stem.key),
                forms.ChoiceField(label=stem.text, choices=choices, required=False),
            )

    def fill_initial(self, form, part, raw):
        for stem, choice in (raw.get("matches") or {}).items():
            form.initial[f"{part.prefix}-{form.token(part.question, stem)}"] = (
                form.token(part.question, choice) if choice else ""
            )

    def raw_response(self, form, part, values):
        by_token = form.keys_by_token(part.question, part.question.options.all())
        return {"matches": {by_token[n.split("-", 1)[1]]: by_token.get(v) for n, v in values.items() if v}}

    def grading_key(self, question, rows=None):
        options = sorted(self.saved_rows(question) if rows is None else rows, key=lambda o: o.position)
        return matching.MatchingKey(
            stems=tuple(matching.Stem(o.key, o.match_key) for o in options if o.match_key),
            choices=tuple(o.key for o in options if not o.match_key),
        )

    def grader_response(self, question, raw):
        matches = raw.get("matches") if isinstance(raw, dict) else None
        return matches if isinstance(matches, dict) else {}

    def correct_response(self, question, attempt):
        return {"matches": {o.key: o.match_key for o in sorted_options(question) if o.match_key}}

    def describe(self, question, raw, feedback, response):
        matches = raw.get("matches") or {}
        choices = {o.key: o.text for o in self.option_groups(question)["choices"]}
        stems = self.shown_options(feedback.attempt, question, "stems")
        outcomes = self.outcomes(question, raw, response)
        for stem in stems:
            given = matches.get(stem.key)
            feedback.your_answer.append(f"{stem.text} → {choices.get(given, 'not matched')}")
            feedback.expected_answer.append(f"{stem.text} → {choices.get(stem.match_key, stem.match_key)}")
            right = Outcome.RIGHT_PICK in outcomes.get(stem.key, [])
            if given in choices:
                verdict = f"You matched this to {choices[given]}: {'right' if right else 'wrong'}."
            else:
                verdict = f"You did not match this: it goes with {choices.get(stem.match_key, stem.match_key)}."
            feedback.note(stem, right, verdict)
        return stems

    def analysis_rows(self, question):
        """Each stem against each choice ("stem:choice"), stem by stem: which match each stem drew.

        Per stem, not per choice: a choice can be right for one stem and wrong for another, so only the pair says
        which confusion to teach against. Unchosen wrong pairs are not flagged: an extended matching list offers
        every choice to every stem, and most are meant to go unchosen.
        """
        groups = self.option_groups(question)
        return [
            AnalysisRow(f"{stem.key}:{choice.key}", f"{stem.text} → {choice.text}", choice.key == stem.match_key, False)
            for stem in groups["stems"]
            for choice in groups["choices"]
        ]

    def analysis_choices(self, question, raw, response):
        matches = self.grader_response(question, raw)
        return frozenset(
            f"{stem}:{choice}" for stem, choice in matches.items() if isinstance(stem, str) and isinstance(choice, str)
        )


KIND = Matching()
