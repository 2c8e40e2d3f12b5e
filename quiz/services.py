"""Writes of the quiz: starting an attempt, submitting a step, finishing, regrading.

Views call these and nothing else writes attempts. Each write that records answers runs in one
transaction holding a lock on the attempt's row, so a replayed POST or two concurrent submissions
of the same step record exactly one answer. When feedback is shown (practice or exam) is decided
here, from the attempt's mode; the graders never know it.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from quiz.grading import State, get_grader
from quiz.keys import grader_response, grading_key
from quiz.models import Attempt, Question, Quiz, Response, Step, StepAttempt


class Outcome(StrEnum):
    RECORDED = "recorded"  # a new try was graded and stored
    DUPLICATE = "duplicate"  # this try was already recorded (a replayed or concurrent POST): nothing changed
    ALREADY_COMMITTED = "already_committed"  # the step is finished: answers can no longer change
    NOT_YET = "not_yet"  # an earlier step must be committed first
    FINISHED = "finished"  # the attempt is over


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    step_committed: bool = False
    attempt_finished: bool = False


def questions_with_keys(step_ids) -> "list[Question]":
    """Questions of the given steps with everything their keys need, in a constant number of queries."""
    return list(
        Question.objects.filter(step_id__in=step_ids)
        .select_related("step", "figure")
        .prefetch_related("options", "zones", "accepted_answers")
        .order_by("step__position", "position")
    )


def attempt_start(*, quiz: Quiz, user=None, session_key: str = "", is_preview: bool = False) -> Attempt:
    return Attempt.objects.create(
        quiz=quiz,
        user=user if user is not None and user.is_authenticated else None,
        session_key=session_key,
        mode=quiz.mode,
        is_preview=is_preview,
    )


def tries_allowed(attempt: Attempt) -> int:
    return 1 if attempt.mode == Quiz.Mode.EXAM else attempt.quiz.tries_allowed


def question_mark(responses: "list[Response]", penalty: Decimal | float, marks: Decimal | float) -> float:
    """Marks earned on one question: the best try, less the penalty for each try before it."""
    best = 0.0
    for response in responses:
        best = max(best, response.fraction - float(penalty) * (response.try_number - 1))
    return round(max(0.0, best) * float(marks), 6)


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def step_submit(*, attempt: Attempt, step: Step, try_number: int, raw_responses: dict[int, dict]) -> SubmitResult:
    """Grade and record one try at a step. ``raw_responses`` maps question id to the raw answer."""
    try:
        with transaction.atomic():
            return _step_submit_locked(attempt, step, try_number, raw_responses)
    except IntegrityError:
        # A concurrent request recorded this try between our check and our insert.
        return SubmitResult(Outcome.DUPLICATE)


def _step_submit_locked(attempt: Attempt, step: Step, try_number: int, raw_responses: dict[int, dict]):
    attempt = _lock(attempt)
    if attempt.is_finished:
        return SubmitResult(Outcome.FINISHED)
    if step.position > attempt.current_position:
        return SubmitResult(Outcome.NOT_YET)
    step_attempt, _ = StepAttempt.objects.get_or_create(attempt=attempt, step=step)
    if step_attempt.is_committed or step.position < attempt.current_position:
        return SubmitResult(Outcome.ALREADY_COMMITTED)
    if try_number != step_attempt.tries_used + 1:
        return SubmitResult(Outcome.DUPLICATE)

    questions = questions_with_keys([step.pk])
    all_correct = True
    responses = []
    for question in questions:
        raw = raw_responses.get(question.pk, {})
        grader = get_grader(question.kind)
        grade = grader.grade(grading_key(question), grader_response(question, raw))
        responses.append(
            Response(
                step_attempt=step_attempt,
                question=question,
                try_number=try_number,
                raw=raw,
                fraction=grade.fraction,
                state=grade.state.value,
                credits=[{"key": c.key, "fraction": c.fraction, "reason": c.reason} for c in grade.credits],
                grader_version=grader.VERSION,
            )
        )
        all_correct = all_correct and grade.state == State.CORRECT
    Response.objects.bulk_create(responses)
    step_attempt.tries_used = try_number
    step_attempt.save(update_fields=["tries_used"])

    if all_correct or try_number >= tries_allowed(attempt):
        finished = _commit(attempt, step_attempt)
        return SubmitResult(Outcome.RECORDED, step_committed=True, attempt_finished=finished)
    return SubmitResult(Outcome.RECORDED)


def step_give_up(*, attempt: Attempt, step: Step) -> SubmitResult:
    """Practice mode: stop trying this step and see the answer. Marks already earned are kept."""
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.is_finished:
            return SubmitResult(Outcome.FINISHED)
        if step.position != attempt.current_position:
            return SubmitResult(Outcome.NOT_YET if step.position > attempt.current_position else Outcome.DUPLICATE)
        step_attempt, _ = StepAttempt.objects.get_or_create(attempt=attempt, step=step)
        if step_attempt.is_committed:
            return SubmitResult(Outcome.ALREADY_COMMITTED)
        if step_attempt.tries_used == 0:
            # Seeing the answer needs at least one try first, so a step is never skipped unseen.
            return SubmitResult(Outcome.NOT_YET)
        finished = _commit(attempt, step_attempt)
        return SubmitResult(Outcome.RECORDED, step_committed=True, attempt_finished=finished)


def _commit(attempt: Attempt, step_attempt: StepAttempt) -> bool:
    """Close a step and move on; finish the attempt after its last step. Returns whether it finished."""
    step_attempt.committed_at = timezone.now()
    step_attempt.save(update_fields=["committed_at"])
    next_position = (
        attempt.quiz.steps.filter(position__gt=step_attempt.step.position)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    if next_position is None:
        attempt.state = Attempt.State.FINISHED
        attempt.finished_at = timezone.now()
        attempt.current_position = step_attempt.step.position + 1
        attempt.score, attempt.max_score = attempt_totals(attempt)
        attempt.save(update_fields=["state", "finished_at", "current_position", "score", "max_score"])
        return True
    attempt.current_position = next_position
    attempt.save(update_fields=["current_position"])
    return False


def attempt_totals(attempt: Attempt) -> tuple[Decimal, Decimal]:
    """The attempt's score and the most it could score, over every question of the quiz."""
    questions = Question.objects.filter(step__quiz_id=attempt.quiz_id).only("pk", "marks")
    responses = Response.objects.filter(step_attempt__attempt=attempt).only("question_id", "fraction", "try_number")
    by_question: dict[int, list[Response]] = {}
    for response in responses:
        by_question.setdefault(response.question_id, []).append(response)
    penalty = 0 if attempt.mode == Quiz.Mode.EXAM else attempt.quiz.penalty_per_try
    score = sum(question_mark(by_question.get(q.pk, []), penalty, q.marks) for q in questions)
    maximum = sum(float(q.marks) for q in questions)
    return Decimal(str(round(score, 3))), Decimal(str(round(maximum, 3)))


def attempt_regrade(*, attempt: Attempt) -> int:
    """Grade every stored response again with the current keys. Returns how many grades changed."""
    changed = 0
    with transaction.atomic():
        attempt = _lock(attempt)
        responses = list(
            Response.objects.filter(step_attempt__attempt=attempt).prefetch_related(
                Prefetch("question", queryset=Question.objects.prefetch_related("options", "zones", "accepted_answers"))
            )
        )
        for response in responses:
            question = response.question
            grader = get_grader(question.kind)
            grade = grader.grade(grading_key(question), grader_response(question, response.raw))
            credits = [{"key": c.key, "fraction": c.fraction, "reason": c.reason} for c in grade.credits]
            if (response.fraction, response.state, response.credits, response.grader_version) != (
                grade.fraction,
                grade.state.value,
                credits,
                grader.VERSION,
            ):
                response.fraction, response.state = grade.fraction, grade.state.value
                response.credits, response.grader_version = credits, grader.VERSION
                response.save(update_fields=["fraction", "state", "credits", "grader_version"])
                changed += 1
        if attempt.is_finished:
            attempt.score, attempt.max_score = attempt_totals(attempt)
            attempt.save(update_fields=["score", "max_score"])
    return changed
