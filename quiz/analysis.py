"""Item analysis of one quiz, for educators: reads learners' first attempts and feeds the pure statistics.

Everything here reads; nothing writes. ``item_analysis`` loads, in a fixed number of queries however many
attempts, each learner's first finished attempt (``Attempt.objects.first_completed``: previews and retakes
never count), their responses and the quiz's questions, then hands plain numbers to ``quiz.statistics``
(Moodle's quiz and question statistics) and ``quiz.distractors`` (distractor tables, key points missed,
bootstrap intervals for small classes).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F

from cases.models import KeyPoint
from quiz import charts, distractors
from quiz.kinds import get_kind
from quiz.models import Attempt, Question, Quiz, Response
from quiz.selectors import QuestionFeedback, questions_for_feedback
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
}

#: Kinds whose answers are choices among the question's options (the others get no distractor table).
OPTION_KINDS = (Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.MULTIPLE_TRUE_FALSE)


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


@dataclass(frozen=True)
class QuestionAnalysis:
    question: Question
    statistics: QuestionStatistics
    flags: list[str]
    #: Only when fewer than ``distractors.SMALL_SAMPLE_ATTEMPTS`` attempts answered it.
    facility_interval: Interval | None
    discrimination_interval: Interval | None
    #: None for kinds that are not answered by choosing options.
    choices: list[ChoiceLine] | None

    @property
    def small_sample(self) -> bool:
        return distractors.needs_interval(self.statistics.attempt_count)

    @property
    def flag_words(self) -> list[str]:
        return [FLAG_WORDS[flag] for flag in self.flags]


@dataclass(frozen=True)
class KeyPointAnalysis:
    key_point: KeyPoint
    questions: list[Question]
    result: distractors.KeyPointResult


@dataclass(frozen=True)
class ItemAnalysis:
    quiz: Quiz
    statistics: QuizStatistics
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


def choice_keys(question: Question, raw) -> frozenset[str]:
    """What a raw response chose, as distractor-table keys (see ``quiz.distractors``)."""
    if not isinstance(raw, dict):
        return frozenset()
    if question.kind == Kind.SINGLE_BEST:
        return frozenset([raw["choice"]]) if raw.get("choice") else frozenset()
    if question.kind == Kind.MULTIPLE_RESPONSE:
        return frozenset(k for k in raw.get("ticked") or [] if isinstance(k, str))
    if question.kind == Kind.MULTIPLE_TRUE_FALSE:
        answers = raw.get("answers") if isinstance(raw.get("answers"), dict) else {}
        return frozenset(f"{k}:{v}" for k, v in answers.items() if v in ("true", "false"))
    return frozenset()


def option_choices(question: Question) -> tuple[list[tuple[str, str]], set[str]]:
    """Every possible key of an option-based question with its label, in display order, and the right ones."""
    options = sorted(question.options.all(), key=lambda o: o.position)
    if question.kind == Kind.MULTIPLE_TRUE_FALSE:
        listed = [(f"{o.key}:{value}", f"{o.text}: {value}") for o in options for value in ("true", "false")]
        return listed, {f"{o.key}:{'true' if o.is_true else 'false'}" for o in options}
    listed = [(o.key, o.text) for o in options]
    if question.kind == Kind.SINGLE_BEST:
        best = max((o.weight for o in options), default=0)
        return listed, {o.key for o in options if best > 0 and o.weight == best}
    return listed, {o.key for o in options if o.weight > 0}


def _percent_interval(items, statistic) -> Interval | None:
    interval = distractors.bootstrap_interval(items, statistic)
    return Interval(100 * interval.low, 100 * interval.high) if interval else None


def item_analysis(quiz: Quiz) -> ItemAnalysis:
    """The quiz's item analysis from each learner's first finished, non-preview attempt. Six queries."""
    attempts = {a.pk: a for a in Attempt.objects.first_completed().filter(quiz=quiz).order_by("finished_at", "pk")}
    questions = {
        q.pk: q
        for q in Question.objects.filter(step__quiz=quiz)
        .select_related("step")
        .prefetch_related("options", "key_points")
        .order_by("step__position", "position")
    }
    tries: dict[int, dict[int, list[Response]]] = defaultdict(lambda: defaultdict(list))
    responses = (
        Response.objects.filter(step_attempt__attempt__in=list(attempts))
        .annotate(attempt_id=F("step_attempt__attempt_id"))
        .only("question", "raw", "try_number", "fraction")
        .order_by()
    )
    for response in responses:
        tries[response.attempt_id][response.question_id].append(response)

    # Per attempt: question id -> (mark, max mark), and the response of the try that earned the mark.
    marks: list[dict[int, tuple[float, float]]] = []
    earning: list[dict[int, Response]] = []
    for attempt_id, attempt in attempts.items():
        behaviour = attempt.behaviour
        attempt_marks, attempt_earning = {}, {}
        for question_id, question_tries in tries[attempt_id].items():
            max_mark = float(questions[question_id].marks)
            pairs = [(r.try_number, r.fraction) for r in question_tries]
            attempt_marks[question_id] = (behaviour.question_mark(pairs, max_mark), max_mark)
            number = behaviour.earning_try(pairs)
            attempt_earning[question_id] = next(r for r in question_tries if r.try_number == number)
        marks.append(attempt_marks)
        earning.append(attempt_earning)

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
        learners = []
        for index, (attempt_marks, attempt_earning) in enumerate(zip(marks, earning, strict=True)):
            if question.pk not in attempt_marks:
                continue
            mark, max_mark = attempt_marks[question.pk]
            total = sum(m for m, _ in attempt_marks.values())
            learners.append(
                distractors.Response(
                    total=total / quiz_max if quiz_max else 0.0,
                    fraction=mark / max_mark if max_mark else 0.0,
                    choices=choice_keys(question, attempt_earning[question.pk].raw),
                )
            )
            for key_point in question.key_points.all():
                answers_by_key_point.setdefault(str(key_point.pk), []).append((index, learners[-1].fraction))
        facility_interval = discrimination_interval = None
        if distractors.needs_interval(len(learners)):
            facility_interval = _percent_interval(learners, distractors.facility)
            discrimination_interval = _percent_interval(
                learners, lambda rs, share=share: distractors.discrimination(rs, question_share=share)
            )
        choices = None
        if question.kind in OPTION_KINDS:
            listed, right = option_choices(question)
            labels = dict(listed)
            table = distractors.distractor_table(
                learners, choices=[key for key, _ in listed], right=right, question_share=share
            )
            choices = [
                ChoiceLine(row, labels.get(row.key, row.key), [FLAG_WORDS[f] for f in row.flags]) for row in table.rows
            ]
        analyses.append(
            QuestionAnalysis(
                question, stats, question_flags(stats), facility_interval, discrimination_interval, choices
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
    totals = [100 * sum(m for m, _ in attempt_marks.values()) / quiz_max for attempt_marks in marks if quiz_max]
    return ItemAnalysis(
        quiz=quiz,
        statistics=quiz_statistics(marks),
        questions=analyses,
        key_points=key_points,
        total_percentages=totals,
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


def responses_table(quiz: Quiz) -> ResponsesTable:
    """Each counted attempt (as ``item_analysis`` counts them) as a row, each question as a column.

    The answer is the one of the try that earned the mark (``Behaviour.earning_try``), in the words the learner's
    review uses (each kind's ``describe``). A fixed number of queries however many attempts.
    """
    attempts = list(Attempt.objects.first_completed().filter(quiz=quiz).order_by("finished_at", "pk"))
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
    for number, attempt in enumerate(attempts, start=1):
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
            scratch = QuestionFeedback(question, shown.state, "", 1, 0.0, max_mark, [], [], attempt=attempt)
            get_kind(question.kind).describe(question, shown.raw if isinstance(shown.raw, dict) else {}, scratch, shown)
            cells.append(
                ResponseCell("; ".join(scratch.your_answer), behaviour.question_mark(pairs, max_mark), max_mark)
            )
        total = sum(cell.mark for cell in cells if cell.mark is not None)
        rows.append(ResponseRow(f"Learner {number}", attempt.finished_at, total, cells))
    return ResponsesTable(quiz, questions, rows, sum(float(q.marks) for q in questions))
