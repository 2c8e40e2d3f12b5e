"""Ordering: the options are items, saved in the right order; learners see them shuffled and number them.

Raw response (``RAW_VERSION`` 1): ``{"order": ["<item key>", ...], "presented": ["<item key>", ...]}``: the
items in the order the learner gave, and the order they were shown in (kept for the record).
"""

import random

from django import forms
from django.utils.crypto import salted_hmac

from quiz.grading import Outcome, ordering
from quiz.kinds.base import OPTIONS, AnalysisRow, QuestionKind, sorted_options


def presented_order(attempt, question, keys: list[str]) -> list[str]:
    """The order the items are shown in: shuffled per attempt.

    The shuffle is seeded from the attempt's own random seed and the server's secret key, neither of
    which reaches the browser, so the shown order cannot be undone into the key. Every order is equally
    likely, the right one included: were it never shown, the order missing from a few attempts' pages
    would be the answer. The form makes each position an explicit choice, so an answer in the shown
    order is a deliberate one (``Ordering.grader_response``).
    """
    seed = salted_hmac("quiz.ordering-shuffle", f"{attempt.seed}:{question.pk}", algorithm="sha256").digest()
    shuffled = list(keys)
    random.Random(seed).shuffle(shuffled)
    return shuffled


class Ordering(QuestionKind):
    name = ordering.KIND
    RAW_VERSION = 1
    rows = OPTIONS
    option_fields = ()
    # The items are shuffled by ``presented_order``, not drawn into ``Attempt.orders``: their authored order is
    # the key, so no attempt may fall back to it (as shuffled options do when an attempt has no stored order).
    shuffles = ()
    sample_options = (("a", 0, None, ""), ("b", 0, None, ""), ("c", 0, None, ""))
    scoring_help = "Give each item a different position, 1 first. Marks for each item followed by the right one."
    scoring_rule = (
        "Enter the items in the CORRECT order (positions 1, 2, 3...); learners see them shuffled. Each item followed "
        "by the right item earns a share; a list left untouched is not an answer."
    )

    def add_fields(self, form, part):
        options = {o.key: o for o in sorted_options(part.question)}
        part.items = [options[key] for key in presented_order(form.attempt, part.question, list(options))]
        positions = [("", "Position…")] + [(str(n), str(n)) for n in range(1, len(options) + 1)]
        for item in part.items:
            form.add_field(
                part,
                form.token(part.question, item.key),
                forms.ChoiceField(label=item.text, choices=positions, required=False),
            )

    def fill_initial(self, form, part, raw):
        for position, key in enumerate(raw.get("order") or [], start=1):
            form.initial[f"{part.prefix}-{form.token(part.question, key)}"] = str(position)

    def missing_answer(self, part, values):
        chosen = [v for v in values if v]
        if len(chosen) != len(values) or len(set(chosen)) != len(chosen):
            return f"Give every item a different position, from 1 to {len(values)}."
        return ""

    def raw_response(self, form, part, values):
        by_token = form.keys_by_token(part.question, part.question.options.all())
        positions = {by_token[n.split("-", 1)[1]]: int(v) for n, v in values.items() if v}
        return {"order": sorted(positions, key=positions.get), "presented": [item.key for item in part.items]}

    def grading_key(self, question, rows=None):
        options = sorted(self.saved_rows(question) if rows is None else rows, key=lambda o: o.position)
        return ordering.OrderingKey(items=tuple(o.key for o in options))

    def grader_response(self, question, raw):
        # The shown order ("presented") is kept with the answer for the record, but not given to the grader: its
        # "untouched list" rule is for drag-and-drop, where leaving the list as shown is no answer. Here the
        # learner picks every position from an empty list, so an answer in the shown order is deliberate, and the
        # shown order may be the right one (presented_order).
        order = raw.get("order") if isinstance(raw, dict) else None
        return ordering.OrderingResponse(order=tuple(order) if isinstance(order, list) else (), presented=())

    def correct_response(self, question, attempt):
        keys = [o.key for o in sorted_options(question)]
        return {"order": keys, "presented": presented_order(attempt, question, keys)}

    def describe(self, question, raw, feedback, response):
        options = {o.key: o for o in question.options.all()}
        given = [k for k in raw.get("order") or [] if k in options]
        feedback.your_answer = [options[k].text for k in given]
        correct = sorted_options(question)
        feedback.expected_answer = [o.text for o in correct]
        # Where the learner put each item against where it belongs. Neither right nor wrong on its own: the grade
        # counts items followed by the right one, so an item in its place can still earn nothing (and the reverse).
        # An item in its place without feedback of its own gets no line: the lists above already say it.
        placed = {key: number for number, key in enumerate(given, start=1)}
        for number, option in enumerate(correct, start=1):
            put = placed.get(option.key)
            if put == number and not option.feedback:
                continue
            if put == number:
                feedback.note(option, None, f"You put this {_ordinal(number)}, where it belongs.")
            elif put is None:
                feedback.note(option, None, f"You did not place this: it comes {_ordinal(number)}.")
            else:
                feedback.note(option, None, f"You put this {_ordinal(put)}: it comes {_ordinal(number)}.")
        return correct

    # Item analysis: one row per adjacent pair ("a>b": b placed straight after a), not per item and position.
    # The grade counts right adjacent pairs (``quiz.grading.ordering``), so each right pair's row explains part
    # of the mark and its correlation says whether strong learners get that link of the sequence; a wrong pair
    # many learners make ("discharge straight after diagnosis") names the misunderstood link to teach. A table
    # of positions would have n x n rows and would call a right run shifted by one place wrong everywhere.

    def analysis_rows(self, question):
        """Each pair of neighbours in the key, right; wrong pairs get rows when learners make them."""
        items = sorted_options(question)
        return [
            AnalysisRow(f"{a.key}>{b.key}", f"{a.text}, then {b.text}", True)
            for a, b in zip(items, items[1:], strict=False)
        ]

    def analysis_choices(self, question, raw, response):
        """The neighbours the learner placed: right pairs as the stored credits counted them (``RIGHT_NEIGHBOUR``),
        the others from the order given. An order the grader did not take (no credits) chose nothing."""
        outcomes = self.outcomes(question, raw, response)
        if not outcomes:
            return frozenset()
        order = [k for k in self.grader_response(question, raw).order if isinstance(k, str)]
        follows = dict(zip(order, order[1:], strict=False))
        keyed = {o.key for o in question.options.all()}
        return frozenset(
            f"{item}>{follows[item]}"
            for item, codes in outcomes.items()
            if item in follows
            and item in keyed
            and follows[item] in keyed
            and (Outcome.RIGHT_NEIGHBOUR in codes or Outcome.WRONG_NEIGHBOUR in codes)
        )

    def analysis_label(self, question, key):
        texts = {o.key: o.text for o in question.options.all()}
        first, _, then = key.partition(">")
        return f"{texts.get(first, first)}, then {texts.get(then, then)}"


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(number, f"number {number}")


KIND = Ordering()
