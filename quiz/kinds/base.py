"""What a question kind means on the Django side: the hooks every kind module fills in.

A kind module (one per kind, beside its grader in ``quiz.grading``) subclasses ``QuestionKind`` once and
is listed in the registry (``quiz.kinds``). Everything the rest of the quiz app needs to know about a
kind is asked of it: the step form, the admin, the bridge to the grader (``quiz.keys``) and the
feedback (``quiz.selectors``) hold no per-kind code of their own.

The raw response is what is stored for one try (``Response.raw``): plain JSON in stable keys, never in
option positions or page tokens. Each kind's docstring declares its shape, and ``RAW_VERSION`` says
which shape it is, so that a later change of shape can tell old responses from new ones.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac

from quiz.grading import Grader, State, get_grader
from quiz.models import Attempt, Option, Question

# The child rows a kind's key is made of: options, zones or accepted answers (the ``quiz.keys.grading_key``
# argument names, and the admin inlines' formsets).
OPTIONS, ZONES, ANSWERS = "options", "zones", "answers"


def sorted_options(question: Question) -> list[Option]:
    """A question's options in their authored order (for items to put in order, the right order).

    Learners may see them in another order: see ``QuestionKind.shown_options``.
    """
    return sorted(question.options.all(), key=lambda o: o.position)


def shuffled_keys(options: Sequence[Option], rng: random.Random) -> list[str]:
    """The options' keys in a random order, pinned options ("None of these") kept at their authored place."""
    loose = [o.key for o in options if not o.pinned]
    rng.shuffle(loose)
    drawn = iter(loose)
    return [o.key if o.pinned else next(drawn) for o in options]


def stored_order(attempt: Attempt | None, question: Question, group: str) -> list[str]:
    """The keys of one group of a question's options in the order drawn for the attempt ([] when none was)."""
    orders = getattr(attempt, "orders", None)
    entry = orders.get(str(question.pk)) if isinstance(orders, dict) else None
    keys = entry.get(group) if isinstance(entry, dict) else None
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def question_settings(question: Question) -> dict:
    """The question's knobs (``Question.settings``), or none when they are not a JSON object."""
    return question.settings if isinstance(question.settings, dict) else {}


class QuestionKind:
    """One kind of question. Subclasses set the attributes and override the hooks their kind needs.

    ``form`` below is the learner's ``quiz.forms.StepForm`` and ``part`` its ``QuestionPart`` for one
    question; the form offers ``form.token(question, key)`` (an opaque stand-in for a stable key, safe
    to put in the page), ``form.add_field(part, suffix, field)`` and ``form.choices(part, rows)``.
    """

    #: The ``Question.Kind`` value, which is also the grader's ``KIND``.
    name: str = ""
    #: Which shape of raw response this kind stores (declared in the kind module's docstring).
    RAW_VERSION: int = 1
    #: The child rows the key is made of: ``OPTIONS``, ``ZONES`` or ``ANSWERS``. The admin refuses the others.
    rows: str = OPTIONS
    #: Whether the question needs a figure (``Question.figure``) to be answered.
    needs_figure: bool = False
    #: What the learner reads under the question: how to answer and how it is scored.
    scoring_help: str = ""
    #: What the educator reads in the admin: how the key is written and how answers are scored.
    scoring_rule: str = ""
    #: A template drawing the question's fields, when the default (each field in turn) will not do.
    form_template: str = ""
    #: What the learner is told when they submit without answering.
    missing_message: str = "Answer this question before submitting."

    #: The option fields the kind's key uses, beside key, position, text and feedback (shown in the admin).
    option_fields: tuple[str, ...] = ()
    #: The groups of options (``option_groups``) each attempt shows in an order of its own, drawn when it
    #: starts and kept in ``Attempt.orders``. Empty: the options are shown in their authored order.
    shuffles: tuple[str, ...] = ()
    #: A small valid key for sample questions (tests, the benchmark): options as (key, weight, is true, match key).
    sample_options: tuple[tuple[str, float, bool | None, str], ...] = ()

    def add_sample_rows(self, question: Question) -> list:
        """Give a new sample question a small valid key; returns the rows made (to link key points to)."""
        return [
            Option.objects.create(
                question=question,
                key=key,
                position=n,
                text=f"Option {key}",
                weight=weight,
                is_true=is_true,
                match_key=match_key,
                feedback="Because.",
            )  # fmt: skip
            for n, (key, weight, is_true, match_key) in enumerate(self.sample_options, start=1)
        ]

    def __repr__(self) -> str:
        return f"<question kind {self.name}>"

    @property
    def label(self) -> str:
        return Question.Kind(self.name).label

    @property
    def grader(self) -> Grader:
        return get_grader(self.name)

    def saved_rows(self, question: Question) -> list:
        """The question's saved (prefetched) child rows of the kind this kind uses."""
        related = {OPTIONS: "options", ZONES: "zones", ANSWERS: "accepted_answers"}[self.rows]
        return list(getattr(question, related).all())

    # --- the order options are shown in ---------------------------------------------------------

    def option_groups(self, question: Question) -> dict[str, list[Option]]:
        """The question's options, in authored order, in the groups that are shuffled apart (``shuffles``)."""
        return {OPTIONS: sorted_options(question)}

    def draw_order(self, question: Question, rng: random.Random) -> dict[str, list[str]]:
        """A new attempt's order for the question: each shuffled group's keys, pinned options left in place.

        What ``Attempt.orders`` keeps for the question, e.g. ``{"options": ["c", "a", "b"]}``.
        """
        groups = self.option_groups(question)
        return {group: shuffled_keys(groups[group], rng) for group in self.shuffles}

    def shown_options(self, attempt: Attempt | None, question: Question, group: str = OPTIONS) -> list[Option]:
        """One group of the question's options in the order this attempt shows them.

        The order drawn when the attempt began (``Attempt.orders``), so a reload, another try, the committed
        step and the review all show the same one and grading never sees it. Options added since come last,
        in authored order, and removed ones are skipped. Without a stored order, one drawn from the attempt's
        seed; without an attempt (an educator's look at the question), the authored order.
        """
        options = self.option_groups(question)[group]
        if group not in self.shuffles:
            return options
        drawn = stored_order(attempt, question, group)
        if not drawn and attempt is not None:
            # No order stored (a question added after the attempt began, or an attempt from before orders were
            # drawn): one drawn from the attempt's never-shown seed, the same on every page of the attempt.
            seed = salted_hmac("quiz.option-order", f"{attempt.seed}:{question.pk}:{group}", algorithm="sha256")
            drawn = shuffled_keys(options, random.Random(seed.digest()))
        unshown = {o.key: o for o in options}
        shown = [unshown.pop(key) for key in drawn if key in unshown]
        return shown + [o for o in options if o.key in unshown]

    # --- the learner's step form ----------------------------------------------------------------

    def add_fields(self, form, part) -> None:
        """Add the question's field(s) to the step form (``form.add_field``), and whatever ``part`` shows."""
        raise NotImplementedError

    def fill_initial(self, form, part, raw: dict) -> None:
        """Pre-fill the form (``form.initial``, or ``part``) from a previous try's raw response."""
        raise NotImplementedError

    def missing_answer(self, part, values: list) -> str:
        """Why the cleaned values (in ``part.field_names`` order) are no answer at all; "" when they are one."""
        return "" if any(values) else self.missing_message

    def raw_response(self, form, part, values: dict[str, Any]) -> dict:
        """The raw response to store, from the cleaned values (field name -> value) of the question's fields."""
        raise NotImplementedError

    def places_mark(self, data, part) -> bool:
        """Whether this POST only places a mark on the question's figure (no JavaScript), not submitting."""
        return False

    def posted_extra(self, part) -> dict:
        """What the page posts for this question beyond its form fields (inputs its template draws)."""
        return {}

    # --- the grader ---------------------------------------------------------------------------

    def grading_key(self, question: Question, rows: Sequence | None = None) -> Any:
        """The grader's key from the question and its child rows (default: its saved ones).

        The rows may be unsaved model instances, so the admin can check a question before saving it.
        Raises ValueError, with a message for the educator, when a row can not be read.
        """
        raise NotImplementedError

    def grader_response(self, question: Question, raw: Any) -> Any:
        """What the grader reads, from a stored raw response. Unexpected shapes read as no answer."""
        raise NotImplementedError

    def correct_response(self, question: Question, attempt) -> dict:
        """A raw response that the key scores 1 (for the load benchmark and tests)."""
        raise NotImplementedError

    # --- feedback -----------------------------------------------------------------------------

    def describe(self, question: Question, raw: dict, feedback, response) -> list:
        """Fill in ``feedback`` (a ``quiz.selectors.QuestionFeedback``) for the learner's last raw response.

        ``response`` is the last stored ``Response``, or None. What the learner did comes from the raw
        answer; how it was judged comes from the stored grade (``outcomes``), never worked out again.
        Options are listed in the order the attempt (``feedback.attempt``) showed them (``shown_options``).
        Returns the rows (options, zones, answers) whose key points are quoted back to the learner.
        """
        raise NotImplementedError

    def outcomes(self, question: Question, raw: dict, response) -> dict[str, list[str]]:
        """Key of an option, zone or answer -> the outcomes (``quiz.grading.Outcome``) its stored credits record.

        Responses stored before credits carried outcome codes (grader version 1) are graded again in memory,
        with the same result, until ``manage.py regrade`` stores their codes.
        """
        credits = response.credits if response is not None and isinstance(response.credits, list) else []
        if any(isinstance(c, dict) and "outcome" not in c for c in credits):
            grade = self.grader.grade(self.grading_key(question), self.grader_response(question, raw))
            credits = [{"key": c.key, "outcome": str(c.outcome)} for c in grade.credits]
        outcomes: dict[str, list[str]] = {}
        for credit in credits:
            if isinstance(credit, dict) and credit.get("outcome"):
                outcomes.setdefault(str(credit.get("key", "")), []).append(str(credit["outcome"]))
        return outcomes

    # --- item analysis: the rows of the distractor table ----------------------------------------

    def analysis_rows(self, question: Question) -> list["AnalysisRow"]:
        """Every row of the question's distractor table (``quiz.distractors``), in the order the educator reads it.

        A row is something a learner can choose: an option, a statement answered true or false, a stem matched
        to a choice, a zone marked, an accepted answer. Empty: the kind has no table.
        """
        return []

    def analysis_choices(self, question: Question, raw: Any, response) -> frozenset[str]:
        """The ``analysis_rows`` keys one stored response chose, read from its raw answer and stored credits.

        May hold keys that ``analysis_rows`` does not list (an adjacency nobody was meant to make): they get a row
        of their own, labelled by ``analysis_label``.
        """
        return frozenset()

    def analysis_label(self, question: Question, key: str) -> str:
        """The label of a chosen key that ``analysis_rows`` does not list."""
        return key

    # --- how others answered --------------------------------------------------------------------

    def share_groups(self, question: Question, responses: Sequence, attempt: Attempt | None = None) -> list:
        """How other learners answered, as ``ShareGroup``s of ``ShareLine``s (``quiz.selectors.answer_shares``).

        ``responses`` are stored ``Response`` rows (``raw``, ``state``, ``credits``): one per learner, each an
        answer, none empty. Options are listed in the order ``attempt`` showed them. A kind whose answers can be
        counted option by option overrides this; the default gives one line, the share fully right, read from
        the stored grades.
        """
        if not responses:
            return []
        share = share_percent(sum(1 for r in responses if r.state == State.CORRECT), len(responses))
        return [ShareGroup("", (ShareLine(f"{share}{PERCENT} got it fully right", share, True),))]


# --- item analysis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisRow:
    """One row of a distractor table: a thing a learner could choose, and whether the key says it is right.

    ``authored``: whether the educator wrote it as something to choose, so that nobody choosing it says the
    distractor does no work. Not so for the cells of a grid (a stem against each choice of an extended
    matching question, where most wrong matches are meant to go unchosen) or a catch-all ("no accepted answer").
    """

    key: str
    label: str
    right: bool
    authored: bool = True


# --- how others answered: the lines shown, and their whole-number percentages ---------------------------

#: Follows a percentage: a no-break space keeps "62 %" on one line.
PERCENT = "\u00a0%"


@dataclass(frozen=True)
class ShareLine:
    """One answer and the share of learners who gave it, e.g. "62 % chose “Gout”, the best answer" and 62.

    ``right``: whether that answer is (part of) the key, for the bar's colour (the text says it in words).
    """

    text: str
    percent: int
    right: bool | None = None


@dataclass(frozen=True)
class ShareGroup:
    """Lines that belong together: a statement's true / false / don't know, or (heading "") all the lines."""

    heading: str
    lines: tuple[ShareLine, ...]


def share_percent(count: int, total: int) -> int:
    """``count`` of ``total`` as a whole percentage, halves rounded up (0 when there is no total)."""
    return (200 * count + total) // (2 * total) if total else 0


def shares_of_100(counts: Sequence[int]) -> list[int]:
    """Whole percentages of the counts that add up to exactly 100 (all 0 when every count is 0).

    Largest remainder (Hamilton's method): each share is rounded down, and the points left over go to the
    largest remainders, ties to the larger count, then to the earlier one. Rounding each share on its own
    could show 33 + 33 + 33.
    """
    total = sum(counts)
    if not total:
        return [0 for _ in counts]
    shares = [100 * count // total for count in counts]
    left = 100 - sum(shares)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(100 * counts[i] % total), -counts[i], i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares
