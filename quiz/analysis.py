"""Item analysis of one quiz, for educators: reads learners' first attempts and feeds the pure statistics.

Everything here reads; nothing writes. ``item_analysis`` loads, in a fixed number of queries however many
attempts, each learner's first finished attempt (``Attempt.objects.first_completed``: previews and retakes
never count), their responses and the quiz's questions, then hands plain numbers to ``quiz.statistics``
(Moodle's quiz and question statistics) and ``quiz.distractors`` (distractor tables, key points missed,
bootstrap intervals for small classes).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from accounts.models import Cohort
from cases.models import KeyPoint
from quiz import charts, distractors
from quiz.kinds import get_kind
from quiz.models import Attempt, Question, Quiz, Response
from quiz.selectors import answer_of, calibration_for_quiz, questions_for_feedback
from quiz.statistics import QuestionStatistics, QuizStatistics, question_statistics, quiz_statistics

Kind = Question.Kind

# Thresholds of the flags, in the statistics' units (% of the max mark; discrimination from -100 to 100).
#: A question whose mark correlates less than this with the rest of the quiz tells strong and weak learners apart
#: poorly (the classical cut of 0.2 for a discrimination index).
DISCRIMINATION_WEAK_BELOW = 20.0
#: Nearly everyone got it right: it measures little.
FACILITY_TOO_EASY_ABOVE = 90.0
#: Nearly everyone got it wrong: the key, the wording or the teaching may be at fault.
FACILITY_TOO_HARD_BELOW = 20.0

NEGATIVE_DISCRIMINATION = "negative-discrimination"
WEAK_DISCRIMINATION = "weak-discrimination"
TOO_EASY = "too-easy"
TOO_HARD = "too-hard"

FLAG_WORDS = {
    NEGATIVE_DISCRIMINATION: "Negative discrimination: learners who did worse on the rest of the quiz did better "
    "here. Check the key.",
    WEAK_DISCRIMINATION: "Weak discrimination (below 20, a correlation of 0.2): it barely separates stronger from "
    "weaker learners.",
    TOO_EASY: "Very easy (facility above 90%): it measures little.",
    TOO_HARD: "Very hard (facility below 20%): check the key and the wording.",
    distractors.UNCHOSEN_DISTRACTOR: "Nobody chose this distractor: it does no work.",
    distractors.DISTRACTOR_ATTRACTS_TOP: "Chosen more by the top third than the bottom third: the option may be "
    "defensible, or the key wrong.",
    distractors.RIGHT_ATTRACTS_BOTTOM: "A right answer chosen more by the bottom third than the top third: check the "
    "key, and what the stronger learners read into the question.",
}

#: The same flags when the figure's bootstrap 95% interval reaches the flag's threshold: they may not hold.
MAY_FLAG_WORDS = {
    NEGATIVE_DISCRIMINATION: "May discriminate negatively (its 95% interval reaches 0): learners who did worse on "
    "the rest of the quiz may have done better here. Check the key.",
    WEAK_DISCRIMINATION: "May discriminate weakly (its 95% interval reaches 20): it may barely separate stronger "
    "from weaker learners.",
    TOO_EASY: "May be very easy (its 95% interval reaches 90%).",
    TOO_HARD: "May be very hard (its 95% interval reaches 20%): check the key and the wording.",
    distractors.DISTRACTOR_ATTRACTS_TOP: "May attract the top third more than the bottom third (the 95% interval of "
    "the difference reaches 0): the option may be defensible, or the key wrong.",
    distractors.RIGHT_ATTRACTS_BOTTOM: "A right answer the bottom third may choose more than the top third (the 95% "
    "interval of the difference reaches 0): check the key.",
}

#: Each question flag's threshold, in the units of the figure it is read from (facility or discrimination).
FLAG_THRESHOLDS = {
    NEGATIVE_DISCRIMINATION: ("discrimination", 0.0),
    WEAK_DISCRIMINATION: ("discrimination", DISCRIMINATION_WEAK_BELOW),
    TOO_EASY: ("facility", FACILITY_TOO_EASY_ABOVE),
    TOO_HARD: ("facility", FACILITY_TOO_HARD_BELOW),
}


def flag_words(flags, uncertain=frozenset()) -> list[str]:
    """The flags in words, those whose interval reaches their threshold worded as a possibility."""
    return [MAY_FLAG_WORDS[flag] if flag in uncertain else FLAG_WORDS[flag] for flag in flags]


# --- which attempts: each learner's first finished one, narrowed by date and cohort ----------------------


@dataclass(frozen=True)
class AttemptFilter:
    """Which learners' first finished attempts to analyse: finished between two dates, and in a cohort.

    The dates are inclusive and read in the site's time zone. The filter narrows the first attempts; it never
    makes a retake count: a learner whose first attempt falls outside the dates is left out, not replaced.
    """

    finished_from: date | None = None
    finished_to: date | None = None
    cohort: Cohort | None = None

    def apply(self, attempts: QuerySet) -> QuerySet:
        if self.finished_from:
            attempts = attempts.filter(finished_at__date__gte=self.finished_from)
        if self.finished_to:
            attempts = attempts.filter(finished_at__date__lte=self.finished_to)
        if self.cohort is not None:
            attempts = attempts.filter(user__cohorts=self.cohort)
        return attempts

    @property
    def query(self) -> str:
        """The filter as a query string (without "?"), for links that keep it; "" when nothing is filtered."""
        values = {
            "finished_from": self.finished_from.isoformat() if self.finished_from else "",
            "finished_to": self.finished_to.isoformat() if self.finished_to else "",
            "cohort": str(self.cohort.pk) if self.cohort is not None else "",
        }
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def description(self) -> str:
        """In words, e.g. "finished from 2026-01-01 to 2026-03-31, in the cohort MBBS Year 3"; "" for none."""
        parts = []
        if self.finished_from and self.finished_to:
            parts.append(f"finished from {self.finished_from:%Y-%m-%d} to {self.finished_to:%Y-%m-%d}")
        elif self.finished_from:
            parts.append(f"finished on or after {self.finished_from:%Y-%m-%d}")
        elif self.finished_to:
            parts.append(f"finished on or before {self.finished_to:%Y-%m-%d}")
        if self.cohort is not None:
            parts.append(f"in the cohort {self.cohort.name}")
        return ", ".join(parts)


NO_FILTER = AttemptFilter()


class DatePicker(forms.DateInput):
    """A browser's date picker (``type="date"``), which may only hold a date written YYYY-MM-DD.

    A value typed into the address bar that is not one ("2026-02-30") is left out of the input, where it would be
    invalid HTML; the form's error says what was wrong.
    """

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                return value if len(value) == 10 and date.fromisoformat(value) else None
            except ValueError:
                return None
        return super().format_value(value)


class AttemptFilterForm(forms.Form):
    """The item-analysis page's filter (a GET form: the filtered page and its downloads can be bookmarked)."""

    finished_from = forms.DateField(
        label="Finished from",
        required=False,
        widget=DatePicker(),
        help_text="The first day to count. Empty: since the first attempt.",
    )
    finished_to = forms.DateField(
        label="Finished to",
        required=False,
        widget=DatePicker(),
        help_text="The last day to count, included. Empty: up to today.",
    )
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.order_by("name"),
        required=False,
        empty_label="All learners",
        help_text="Only the learners in this cohort (anonymous learners belong to none).",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("finished_from"), cleaned.get("finished_to")
        if start and end and start > end:
            raise forms.ValidationError("“Finished from” must be on or before “Finished to”.")
        return cleaned

    def attempt_filter(self) -> AttemptFilter:
        """The filter the valid form describes (call after ``is_valid()``)."""
        return AttemptFilter(
            self.cleaned_data.get("finished_from"),
            self.cleaned_data.get("finished_to"),
            self.cleaned_data.get("cohort"),
        )


def counted_attempts(quiz: Quiz, attempt_filter: AttemptFilter = NO_FILTER) -> QuerySet:
    """The attempts an item analysis counts, in the order learners finished."""
    attempts = Attempt.objects.first_completed().filter(quiz=quiz)
    return attempt_filter.apply(attempts).order_by("finished_at", "pk")


@dataclass(frozen=True)
class Interval:
    """A bootstrap 95% interval, in the same units as the figure it goes with."""

    low: float
    high: float


@dataclass(frozen=True)
class ChoiceLine:
    row: distractors.ChoiceRow
    label: str
    flag_words: list[str]
    #: The row's flags whose bootstrap interval reaches 0 (worded "may").
    uncertain: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QuestionAnalysis:
    question: Question
    statistics: QuestionStatistics
    flags: list[str]
    #: Only when fewer than ``distractors.SMALL_SAMPLE_ATTEMPTS`` attempts answered it.
    facility_interval: Interval | None
    discrimination_interval: Interval | None
    #: The distractor table's rows; None for a kind without one (``QuestionKind.analysis_rows``).
    choices: list[ChoiceLine] | None
    #: The sizes of the top and bottom thirds the distractor table compares.
    top_size: int = 0
    bottom_size: int = 0
    #: The flags whose bootstrap interval reaches their threshold (worded "may").
    uncertain: frozenset[str] = frozenset()

    @property
    def small_sample(self) -> bool:
        return distractors.needs_interval(self.statistics.attempt_count)

    @property
    def flag_words(self) -> list[str]:
        return flag_words(self.flags, self.uncertain)


@dataclass(frozen=True)
class KeyPointAnalysis:
    key_point: KeyPoint
    questions: list[Question]
    result: distractors.KeyPointResult


@dataclass(frozen=True)
class ItemAnalysis:
    quiz: Quiz
    statistics: QuizStatistics
    attempt_filter: AttemptFilter = NO_FILTER
    questions: list[QuestionAnalysis] = field(default_factory=list)
    key_points: list[KeyPointAnalysis] = field(default_factory=list)
    #: Each counted attempt's total as a % of the quiz's max mark (for the score distribution).
    total_percentages: list[float] = field(default_factory=list)

    @property
    def small_sample(self) -> bool:
        return distractors.needs_interval(self.statistics.attempt_count)


def question_flags(stats: QuestionStatistics) -> list[str]:
    """The flags of one question's statistics (thresholds above); none for a figure that is undefined."""
    flags = []
    if stats.discrimination_index is not None:
        if stats.discrimination_index < 0:
            flags.append(NEGATIVE_DISCRIMINATION)
        elif stats.discrimination_index < DISCRIMINATION_WEAK_BELOW:
            flags.append(WEAK_DISCRIMINATION)
    if stats.facility_index is not None:
        if stats.facility_index > FACILITY_TOO_EASY_ABOVE:
            flags.append(TOO_EASY)
        elif stats.facility_index < FACILITY_TOO_HARD_BELOW:
            flags.append(TOO_HARD)
    return flags


@dataclass
class StoredTry:
    """One stored try of a question, as the item analysis reads it (``Response``'s fields, without the model).

    What the kinds' ``analysis_choices`` and ``outcomes`` read of a response: ``raw`` and ``credits``. The credits
    come as JSON text and are decoded only for the kinds that read them: decoding is most of the cost of reading
    twenty thousand responses.
    """

    raw: object
    credits_json: str | None
    try_number: int
    fraction: float
    certainty: int | None = None

    @cached_property
    def credits(self) -> object:
        return json.loads(self.credits_json) if self.credits_json else []


def uncertain_question_flags(flags: list[str], intervals: dict[str, "Interval | None"]) -> frozenset[str]:
    """The flags whose figure's 95% interval (``intervals``: "facility" / "discrimination") holds their threshold."""
    uncertain = set()
    for flag in flags:
        figure, threshold = FLAG_THRESHOLDS[flag]
        interval = intervals.get(figure)
        if interval is not None and interval.low <= threshold <= interval.high:
            uncertain.add(flag)
    return frozenset(uncertain)


def _percent_interval(items, statistic) -> Interval | None:
    interval = distractors.bootstrap_interval(items, statistic)
    return Interval(100 * interval.low, 100 * interval.high) if interval else None


def item_analysis(quiz: Quiz, attempt_filter: AttemptFilter = NO_FILTER) -> ItemAnalysis:
    """The quiz's item analysis from each learner's first finished, non-preview attempt (narrowed by the filter).

    A fixed number of queries however many attempts (eight).
    """
    # Only what the marks need: an attempt's other columns (option orders, seeds) are large and unused here.
    attempts = {a.pk: a for a in counted_attempts(quiz, attempt_filter).only("pk", "rules", "finished_at")}
    questions = {
        q.pk: q
        for q in Question.objects.filter(step__quiz=quiz)
        .select_related("step", "figure")
        .prefetch_related("options", "zones", "accepted_answers", "key_points")
        .order_by("step__position", "position")
    }
    # Plain rows, not model instances: a thousand attempts of twenty questions are twenty thousand responses.
    tries: dict[int, dict[int, list[StoredTry]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Response.objects.filter(step_attempt__attempt__in=list(attempts))
        .order_by()
        .annotate(credits_json=Cast("credits", TextField()))
        .values_list(
            "step_attempt__attempt_id", "question_id", "raw", "credits_json", "try_number", "fraction", "certainty"
        )
    )
    for attempt_id, question_id, raw, credits, try_number, fraction, certainty in rows:
        tries[attempt_id][question_id].append(StoredTry(raw, credits, try_number, fraction, certainty))

    # Per attempt: question id -> (mark, max mark), and the try that earned the mark.
    marks: list[dict[int, tuple[float, float]]] = []
    earning: list[dict[int, StoredTry]] = []
    # Attempts share a handful of rule sets and answers a handful of outcomes: each (rules, tries, marks) is worked
    # out by its behaviour once, which matters at twenty thousand responses.
    worked_out: dict[tuple, tuple[int, float]] = {}
    for attempt_id, attempt in attempts.items():
        rules = json.dumps(attempt.rules, sort_keys=True, default=str)
        behaviour = None
        attempt_marks, attempt_earning = {}, {}
        for question_id, question_tries in tries[attempt_id].items():
            max_mark = float(questions[question_id].marks)
            pairs = [(r.try_number, r.fraction) for r in question_tries]
            key = (rules, tuple(pairs), max_mark, tuple(r.certainty for r in question_tries))
            if key not in worked_out:
                behaviour = behaviour or attempt.behaviour
                number = behaviour.earning_try(pairs)
                certainty = next(r.certainty for r in question_tries if r.try_number == number)
                worked_out[key] = (number, behaviour.question_mark(pairs, max_mark, certainty=certainty))
            number, mark = worked_out[key]
            earned = next(r for r in question_tries if r.try_number == number)
            attempt_marks[question_id] = (mark, max_mark)
            attempt_earning[question_id] = earned
        marks.append(attempt_marks)
        earning.append(attempt_earning)
    totals = [sum(m for m, _ in attempt_marks.values()) for attempt_marks in marks]

    per_question = question_statistics(marks)
    quiz_max = sum(stats.max_mark for stats in per_question.values())
    analyses = []
    answers_by_key_point: dict[str, list[tuple[int, float]]] = {}
    key_point_questions: dict[int, list[Question]] = defaultdict(list)
    for question in questions.values():
        for key_point in question.key_points.all():
            key_point_questions[key_point.pk].append(question)
        stats = per_question.get(question.pk)
        if stats is None:
            continue  # nobody answered it
        share = stats.max_mark / quiz_max if quiz_max else 0.0
        kind = get_kind(question.kind)
        question_key_points = list(question.key_points.all())
        learners = []
        for index, (attempt_marks, attempt_earning, total) in enumerate(zip(marks, earning, totals, strict=True)):
            if question.pk not in attempt_marks:
                continue
            mark, max_mark = attempt_marks[question.pk]
            learners.append(
                distractors.Response(
                    total=total / quiz_max if quiz_max else 0.0,
                    fraction=mark / max_mark if max_mark else 0.0,
                    choices=kind.analysis_choices(
                        question, attempt_earning[question.pk].raw, attempt_earning[question.pk]
                    ),
                )
            )
            for key_point in question_key_points:
                answers_by_key_point.setdefault(str(key_point.pk), []).append((index, learners[-1].fraction))
        facility_interval = discrimination_interval = None
        if distractors.needs_interval(len(learners)):
            facility_interval = _percent_interval(learners, distractors.facility)
            discrimination_interval = _percent_interval(
                learners, lambda rs, share=share: distractors.discrimination(rs, question_share=share)
            )
        flags = question_flags(stats)
        uncertain = uncertain_question_flags(
            flags, {"facility": facility_interval, "discrimination": discrimination_interval}
        )
        choices, top_size, bottom_size = None, 0, 0
        listed = kind.analysis_rows(question)
        if listed:
            table = distractors.distractor_table(
                learners,
                choices=[row.key for row in listed],
                right={row.key for row in listed if row.right},
                question_share=share,
                unauthored={row.key for row in listed if not row.authored},
            )
            labels = {row.key: row.label for row in listed}
            unsure = distractors.uncertain_flags(learners, table)
            choices = [
                ChoiceLine(
                    row,
                    labels[row.key] if row.key in labels else kind.analysis_label(question, row.key),
                    flag_words(row.flags, unsure.get(row.key, set())),
                    frozenset(unsure.get(row.key, set())),
                )
                for row in table.rows
            ]
            top_size, bottom_size = table.top_size, table.bottom_size
        analyses.append(
            QuestionAnalysis(
                question,
                stats,
                flags,
                facility_interval,
                discrimination_interval,
                choices,
                top_size,
                bottom_size,
                uncertain,
            )
        )

    case_key_points = {k.pk: k for k in KeyPoint.objects.filter(case_id=quiz.case_id).order_by("position")}
    for pk in case_key_points:
        answers_by_key_point.setdefault(str(pk), [])
    results = distractors.missed_key_points(
        {pk: pairs for pk, pairs in answers_by_key_point.items() if int(pk) in case_key_points}
    )
    key_points = [
        KeyPointAnalysis(case_key_points[int(r.key_point)], key_point_questions[int(r.key_point)], r) for r in results
    ]
    percentages = [100 * total / quiz_max for total in totals] if quiz_max else []
    return ItemAnalysis(
        quiz=quiz,
        statistics=quiz_statistics(marks),
        questions=analyses,
        key_points=key_points,
        total_percentages=percentages,
        attempt_filter=attempt_filter,
    )


@dataclass(frozen=True)
class AnalysisCharts:
    scatter: charts.ScatterChart
    histogram: charts.Histogram


def question_short_name(question: Question) -> str:
    """A chart label: step and question position, as in "S1 Q3"."""
    return f"S{question.step.position} Q{question.position}"


def analysis_charts(analysis: ItemAnalysis) -> AnalysisCharts:
    """The item analysis's charts, with the flags' thresholds as reference lines."""
    scatter = charts.facility_discrimination(
        [
            (question_short_name(item.question), item.statistics.facility_index, item.statistics.discrimination_index)
            for item in analysis.questions
        ],
        facility_thresholds=(FACILITY_TOO_HARD_BELOW, FACILITY_TOO_EASY_ABOVE),
        discrimination_thresholds=(0.0, DISCRIMINATION_WEAK_BELOW),
    )
    return AnalysisCharts(scatter=scatter, histogram=charts.score_histogram(analysis.total_percentages))


@dataclass(frozen=True)
class ResponseCell:
    """One learner's answer to one question: as "your answer" words it, and the mark (None: not answered)."""

    answer: str
    mark: float | None
    max_mark: float


@dataclass(frozen=True)
class ResponseRow:
    #: "Learner 1", "Learner 2"... in attempt order: the table is anonymous, whoever may read it.
    learner: str
    finished_at: datetime
    total: float
    cells: list[ResponseCell]


@dataclass(frozen=True)
class ResponsesTable:
    quiz: Quiz
    questions: list[Question]
    rows: list[ResponseRow]
    max_mark: float


def cohort_calibration(quiz: Quiz, attempt_filter: AttemptFilter = NO_FILTER):
    """How well the counted learners judged their certainty (certainty-based marking), level by level; None when
    none of them answered with a certainty."""
    levels = calibration_for_quiz(quiz, counted_attempts(quiz, attempt_filter))
    return levels if any(level.answers for level in levels) else None


#: The responses page shows this many attempts at a time: wording every answer of a thousand learners takes
#: seconds, and nobody reads a thousand rows on one page. The CSV download has them all.
RESPONSES_PER_PAGE = 50


def responses_table(
    quiz: Quiz, attempt_filter: AttemptFilter = NO_FILTER, *, offset: int = 0, limit: int | None = None
) -> ResponsesTable:
    """Each counted attempt (as ``item_analysis`` counts them) as a row, each question as a column.

    The answer is the one of the try that earned the mark (``Behaviour.earning_try``), in the words the learner's
    review uses (each kind's ``describe``). ``offset`` and ``limit``: a page of the attempts, in the order they
    finished, numbered as in the whole table. A fixed number of queries however many attempts.
    """
    counted = counted_attempts(quiz, attempt_filter)
    attempts = list(counted[offset : None if limit is None else offset + limit])
    questions = questions_for_feedback(quiz.steps.values("pk"))
    tries: dict[int, dict[int, list[Response]]] = defaultdict(lambda: defaultdict(list))
    responses = (
        Response.objects.filter(step_attempt__attempt__in=[a.pk for a in attempts])
        .annotate(attempt_id=F("step_attempt__attempt_id"))
        .order_by("try_number")
    )
    for response in responses:
        tries[response.attempt_id][response.question_id].append(response)

    rows = []
    for number, attempt in enumerate(attempts, start=offset + 1):
        behaviour = attempt.behaviour
        cells = []
        for question in questions:
            max_mark = float(question.marks)
            question_tries = tries[attempt.pk].get(question.pk)
            if not question_tries:
                cells.append(ResponseCell("", None, max_mark))
                continue
            pairs = [(r.try_number, r.fraction) for r in question_tries]
            earned = behaviour.earning_try(pairs)
            shown = next((r for r in question_tries if r.try_number == earned), question_tries[-1])
            cells.append(
                ResponseCell(
                    "; ".join(answer_of(attempt, question, shown)),
                    behaviour.question_mark(pairs, max_mark, certainty=shown.certainty),
                    max_mark,
                )
            )
        total = sum(cell.mark for cell in cells if cell.mark is not None)
        rows.append(ResponseRow(f"Learner {number}", attempt.finished_at, total, cells))
    return ResponsesTable(quiz, questions, rows, sum(float(q.marks) for q in questions))
