"""Short free text: matched against the accepted answers, forgiving case, accents, spelling and small typos.

Raw response (``RAW_VERSION`` 1): ``{"text": "<what the learner typed, stripped>"}``.
"""

from django import forms

from quiz.grading import Outcome, free_text
from quiz.kinds.base import (
    ANSWERS,
    PERCENT,
    AnalysisRow,
    QuestionKind,
    ShareGroup,
    ShareLine,
    question_settings,
    shares_of_100,
)
from quiz.models import AcceptedAnswer

#: The distractor-table row of a text that matched no accepted answer (not a slug, so never an answer's key).
NO_ACCEPTED_ANSWER = "(none)"


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
        # The grader's credits name the accepted answer it matched, if any, and whether only allowing for a slip.
        outcomes = self.outcomes(question, raw, response)
        matched = [a for a in answers if a.key in outcomes]
        for answer in matched:
            judged = "right" if answer.fraction >= 1 else "partly right" if answer.fraction > 0 else "wrong"
            slip = ", allowing for a slip in spelling" if Outcome.NEAR_ANSWER in outcomes[answer.key] else ""
            feedback.note(
                answer, answer.fraction > 0, f"Your answer matched “{answer.text}”{slip}: {judged}.", subject=""
            )
        return matched or answers[:1]

    def analysis_rows(self, question):
        """Each accepted answer matched (right when it earns full marks; one worth 0 is an anticipated wrong
        answer, a distractor), then every other answer together (``NO_ACCEPTED_ANSWER``)."""
        answers = sorted(question.accepted_answers.all(), key=lambda a: (-a.fraction, a.key))
        return [
            *(AnalysisRow(a.key, f"“{a.text}”", a.fraction >= 1) for a in answers),
            AnalysisRow(NO_ACCEPTED_ANSWER, "No accepted answer", False, authored=False),
        ]

    def analysis_choices(self, question, raw, response):
        """The accepted answer the stored credits say the text matched (exactly or but for a slip); else none."""
        if not self.grader_response(question, raw):
            return frozenset()
        outcomes = self.outcomes(question, raw, response)
        matched = {
            key for key, codes in outcomes.items() if Outcome.MATCHED_ANSWER in codes or Outcome.NEAR_ANSWER in codes
        }
        return frozenset(matched or {NO_ACCEPTED_ANSWER})

    def share_groups(self, question, responses, attempt=None):
        """The share whose answer matched each accepted answer (as graded then), and the share of other answers.

        What those other answers were is not shown: typed text could tell who wrote it.
        """
        if not responses:
            return []
        answers = sorted(question.accepted_answers.all(), key=lambda a: -a.fraction)
        counts = dict.fromkeys([a.key for a in answers], 0)
        other = 0
        for response in responses:
            credits = response.credits if isinstance(response.credits, list) else []
            matched = {c.get("key") for c in credits if isinstance(c, dict)}
            key = next((a.key for a in answers if a.key in matched), None)
            if key is None:
                other += 1
            else:
                counts[key] += 1
        shares = shares_of_100([*counts.values(), other])
        lines = []
        for number, (answer, share) in enumerate(zip(answers, shares, strict=False)):
            if not counts[answer.key] and number:
                continue  # a synonym nobody gave: its line would only say 0 %
            right = True if answer.fraction >= 1 else False if answer.fraction <= 0 else None
            verdict = {True: "right", False: "wrong", None: "partly right"}[right]
            lines.append(ShareLine(f"{share}{PERCENT} answered “{answer.text}” ({verdict})", share, right))
        lines.append(ShareLine(f"{shares[-1]}{PERCENT} gave other answers", shares[-1], False))
        return [ShareGroup("", tuple(lines))]


KIND = FreeText()
