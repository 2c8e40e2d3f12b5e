"""Reads for the learner's own pages: their cases, the reasoning they got right or wrong, what is due for review.

Results per key point are read from the stored grades of the learner's attempts (``Response.fraction`` of
the first try, the answer given before any feedback), never graded again. A key point is "scored" in an
attempt when a question the attempt answered is linked to it (``Question.key_points``): the question tests
that reasoning. An exam attempt counts only once its answers are open to the learner, so neither these
pages nor the review give away what the exam keeps back.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cases.models import Case, KeyPoint
from learners.models import ReviewAnswer, ReviewItem
from learners.scheduling import first_card, rating_for
from quiz.behaviours import Behaviour, Exam
from quiz.grading import State
from quiz.kinds import get_kind
from quiz.models import Attempt, Question, Quiz, Response
from quiz.selectors import (
    STATE_LABELS,
    QuestionFeedback,
    Revealed,
    held_case_ids,
    revealed_content,
    step_url,
)

logger = logging.getLogger(__name__)


def end_of_day(now: datetime) -> datetime:
    """The end of the learner's day (the site's time zone): what "due today" counts up to."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1) - timedelta(microseconds=1)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def finished_attempts(user, now: datetime) -> list[Attempt]:
    """The learner's finished attempts whose answers are open to them, oldest first."""
    if not _signed_in(user):
        return []
    attempts = (
        Attempt.objects.counted()
        .filter(user=user, state=Attempt.State.FINISHED)
        .select_related("quiz__case")
        .order_by("finished_at", "pk")
    )
    return [a for a in attempts if a.answers_visible(now)]


def key_point_fractions(attempts: list[Attempt]) -> dict[int, dict[int, float]]:
    """Attempt id -> {key point id -> the mean first-try fraction of the attempt's questions linked to it}.

    One query, from the stored grades.
    """
    rows = (
        Response.objects.filter(step_attempt__attempt__in=[a.pk for a in attempts], try_number=1)
        .exclude(question__key_points=None)
        .values_list("step_attempt__attempt_id", "question__key_points", "fraction")
    )
    collected: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for attempt_id, key_point_id, fraction in rows:
        collected[attempt_id][key_point_id].append(fraction)
    return {a: {k: sum(f) / len(f) for k, f in points.items()} for a, points in collected.items()}


def askable_questions(now: datetime | None = None):
    """Questions a review may ask: still asked, in a step still asked, of a quiz learners can take and whose
    answers any learner may see by now (a review shows the expected answer: never one an exam keeps back)."""
    quizzes = Quiz.objects.published().answers_open(now or timezone.now())
    return Question.objects.filter(withdrawn=False, step__withdrawn=False, step__quiz__in=quizzes)


def pending_items(user, now: datetime) -> list[ReviewItem]:
    """Review items the learner's finished attempts call for and that do not exist yet (unsaved).

    Each key point scored in a finished attempt becomes an item, first rated from the earliest attempt that
    scored it, at the moment that attempt finished: so an item made today from last week's attempt has the
    schedule it would have had. Key points no review question can test are left out.
    """
    attempts = finished_attempts(user, now)
    if not attempts:
        return []
    fractions = key_point_fractions(attempts)
    existing = set(ReviewItem.objects.filter(user=user).values_list("key_point_id", flat=True))
    candidates = {k for points in fractions.values() for k in points} - existing
    if not candidates:
        return []
    askable = set(
        KeyPoint.objects.filter(pk__in=candidates, questions__in=askable_questions(now)).values_list("pk", flat=True)
    )
    items: dict[int, ReviewItem] = {}
    for attempt in attempts:
        for key_point_id, fraction in sorted(fractions.get(attempt.pk, {}).items()):
            if key_point_id not in askable or key_point_id in items:
                continue
            card = first_card(rating_for(fraction), attempt.finished_at)
            items[key_point_id] = ReviewItem(
                user=user,
                key_point_id=key_point_id,
                from_attempt=attempt,
                card=card.to_dict(),
                due=card.due,
                last_review=attempt.finished_at,
            )
    return list(items.values())


def _reviewable(items, now: datetime):
    """Items whose key point a question can still test."""
    return items.filter(Exists(askable_questions(now).filter(key_points=OuterRef("key_point"))))


def due_items(user, now: datetime) -> list[ReviewItem]:
    """The learner's items due by the end of today, soonest first, with their key point's case."""
    if not _signed_in(user):
        return []
    items = _reviewable(ReviewItem.objects.filter(user=user).due_by(end_of_day(now)), now)
    items = list(items.select_related("key_point__case").order_by("due", "pk"))
    held = held_case_ids(user=user, owner_secret="", now=now) if items else set()
    return [i for i in items if i.key_point.case_id not in held]


def due_count(user, now: datetime) -> int:
    """How many reviews are due today (for the header), counting items not made yet; the same items as
    ``due_items`` (none from a case an open exam keeps back)."""
    if not _signed_in(user):
        return 0
    moment = end_of_day(now)
    pending = [item for item in pending_items(user, now) if item.due <= moment]
    if pending:
        held = held_case_ids(user=user, owner_secret="", now=now)
        cases = dict(KeyPoint.objects.filter(pk__in=[i.key_point_id for i in pending]).values_list("pk", "case_id"))
        pending = [item for item in pending if cases.get(item.key_point_id) not in held]
    return len(due_items(user, now)) + len(pending)


# The header of every page a learner sees shows how many reviews are due; working it out takes several queries, so
# it is kept this long in the shared cache, and forgotten at once when the learner's attempts or reviews change
# (learners.receivers). An exam that opens or closes on its own changes the count within this time.
DUE_COUNT_SECONDS = 60


def due_count_key(user_id: int) -> str:
    """Salted with the secret key: two sites sharing a Redis (staging and production) have the same user ids."""
    return "learners:due-count:" + salted_hmac("learners.due_count", str(user_id)).hexdigest()[:24]


def header_due_count(user, now: datetime) -> int:
    """``due_count``, kept up to ``DUE_COUNT_SECONDS`` in the cache when the cache is shared (``PAGE_CACHE_SECONDS``
    is on only with Redis: a cache of one process could not be told the learner's work changed elsewhere)."""
    if not _signed_in(user):
        return 0
    if settings.PAGE_CACHE_SECONDS <= 0:
        return due_count(user, now)
    day = end_of_day(now).isoformat()
    try:
        kept = cache.get(due_count_key(user.pk))
    except Exception:  # The cache only saves work.
        logger.warning("Cache unavailable; counting the reviews due afresh", exc_info=True)
        return due_count(user, now)
    if kept is not None and kept[0] == day:
        return kept[1]
    count = due_count(user, now)
    try:
        cache.set(due_count_key(user.pk), (day, count), DUE_COUNT_SECONDS)
    except Exception:
        logger.warning("Cache unavailable; the count of reviews due not kept", exc_info=True)
    return count


def next_due(user, now: datetime | None = None) -> ReviewItem | None:
    """The learner's next item to fall due, whenever that is."""
    if not _signed_in(user):
        return None
    return _reviewable(ReviewItem.objects.filter(user=user), now or timezone.now()).order_by("due", "pk").first()


# --- one review question -------------------------------------------------------------------------------


@dataclass
class ReviewRound:
    """What the quiz's step form and question kinds read from an attempt, for one review question.

    Form tokens come from ``token``, the options' order from ``seed`` (``QuestionKind.shown_options`` draws
    it from the seed when no order is stored). The case is "reached" up to the question's step, so a
    hotspot figure is not described before it is answered, as in an attempt. Its behaviour is the exam's:
    one try, no hint, no certainty asked.
    """

    token: uuid.UUID
    seed: str
    quiz_id: int
    current_position: int
    orders: dict = field(default_factory=dict)
    is_finished: bool = False
    behaviour: Behaviour = field(default_factory=Exam)


def review_question(item: ReviewItem, now: datetime | None = None) -> Question | None:
    """The question that tests the item's key point this time: its questions take turns, one per review."""
    questions = list(
        askable_questions(now)
        .filter(key_points=item.key_point_id)
        .select_related("step__quiz__case", "figure")
        .prefetch_related("options", "zones", "accepted_answers", "figure__renditions")
        .order_by("step__quiz_id", "step__position", "position")
    )
    return questions[item.reviews % len(questions)] if questions else None


def review_round(item: ReviewItem, question: Question) -> ReviewRound:
    return ReviewRound(item.round_token, item.seed, question.step.quiz_id, question.step.position)


def question_content(question: Question) -> Revealed:
    """The case content the question needs: what its step and the steps before it reveal."""
    return revealed_content(question.step.quiz, question.step.position)


def answer_owned(pk: int, user) -> ReviewAnswer | None:
    return (
        ReviewAnswer.objects.filter(pk=pk, item__user=user)
        .select_related("item__key_point__reference", "item__key_point__case", "question__step__quiz")
        .first()
    )


def answer_feedback(answer: ReviewAnswer) -> QuestionFeedback:
    """What the learner answered and what was expected, in the words of the question's kind, from the stored
    grade (never graded again). The question is seen as at the end of an attempt: the whole case reached."""
    question = answer.question
    feedback = QuestionFeedback(
        question=question,
        state=answer.state,
        state_label=outcome_label(answer.fraction),
        tries=1,
        marks_awarded=answer.fraction,
        marks_possible=1.0,
        your_answer=[],
        expected_answer=[],
        attempt=ReviewRound(
            token=uuid.uuid4(),
            seed=answer.seed or answer.item.seed,  # answers kept before the seed was stored: the item's
            quiz_id=question.step.quiz_id,
            current_position=question.step.position,
            is_finished=True,
        ),
    )
    get_kind(question.kind).describe(question, answer.raw, feedback, answer)
    return feedback


# --- "My cases" --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPointResult:
    key_point: KeyPoint
    # (attempt, fraction), oldest first.
    results: list[tuple[Attempt, float]]

    @property
    def latest(self) -> str:
        return outcome_label(self.results[-1][1])


def outcome_label(fraction: float) -> str:
    if fraction >= 1 - 1e-9:
        return STATE_LABELS[State.CORRECT]
    return STATE_LABELS[State.PARTIAL] if fraction > 1e-9 else STATE_LABELS[State.INCORRECT]


@dataclass
class CaseProgress:
    case: Case
    in_progress: list[tuple[Attempt, str]] = field(default_factory=list)  # (attempt, the step to carry on at)
    finished: list[Attempt] = field(default_factory=list)  # latest first
    key_points: list[KeyPointResult] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.finished)


def my_cases(user, now: datetime) -> list[CaseProgress]:
    """Every case the learner has begun: attempts in progress, finished ones, and the reasoning per key point."""
    if not _signed_in(user):
        return []
    attempts = list(
        Attempt.objects.counted()
        .filter(user=user, quiz__in=Quiz.objects.published())
        .select_related("quiz__case")
        .order_by("-started_at")
    )
    by_case: dict[int, CaseProgress] = {}
    for attempt in attempts:
        progress = by_case.setdefault(attempt.quiz.case_id, CaseProgress(attempt.quiz.case))
        if attempt.is_finished:
            progress.finished.append(attempt)
        else:
            progress.in_progress.append((attempt, step_url(attempt, attempt.current_position)))
    for progress in by_case.values():
        progress.finished.sort(key=lambda a: a.finished_at, reverse=True)
    visible = [a for a in attempts if a.is_finished and a.answers_visible(now)]
    visible.sort(key=lambda a: (a.finished_at, a.pk))
    fractions = key_point_fractions(visible)
    point_ids = {k for points in fractions.values() for k in points}
    points = {p.pk: p for p in KeyPoint.objects.filter(pk__in=point_ids).prefetch_related(Prefetch("reference"))}
    results: dict[int, list[tuple[Attempt, float]]] = defaultdict(list)
    for attempt in visible:
        for key_point_id, fraction in fractions.get(attempt.pk, {}).items():
            results[key_point_id].append((attempt, fraction))
    for key_point_id, rows in results.items():
        point = points[key_point_id]
        if point.case_id in by_case:
            by_case[point.case_id].key_points.append(KeyPointResult(point, rows))
    for progress in by_case.values():
        progress.key_points.sort(key=lambda r: r.key_point.position)
    return sorted(by_case.values(), key=lambda p: p.case.title)


def case_marks(user) -> dict[int, str]:
    """Case id -> "done" or "in_progress" for the list of cases (done wins: the learner has finished it once)."""
    if not _signed_in(user):
        return {}
    rows = (
        Attempt.objects.counted()
        .filter(user=user, quiz__in=Quiz.objects.published())
        .values_list("quiz__case_id", "state")
        .distinct()
    )
    marks: dict[int, str] = {}
    for case_id, state in rows:
        if state == Attempt.State.FINISHED:
            marks[case_id] = "done"
        else:
            marks.setdefault(case_id, "in_progress")
    return marks
