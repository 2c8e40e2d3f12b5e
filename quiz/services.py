"""Writes of the quiz: starting an attempt, submitting a step, finishing, regrading.

Views call these and nothing else writes attempts. Each write that records answers runs in one
transaction holding a lock on the attempt's row, so a replayed POST or two concurrent submissions
of the same step record exactly one answer. When feedback is shown (practice or exam) is decided
here, from the attempt's mode; the graders never know it.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from quiz.behaviours import for_quiz
from quiz.grading import State, get_grader
from quiz.keys import grader_response, grading_key
from quiz.kinds import KINDS
from quiz.models import Attempt, KeyChange, Question, Quiz, Response, Step, StepAttempt
from quiz.ownership import owner_hash


class Outcome(StrEnum):
    RECORDED = "recorded"  # a new try was graded and stored
    DUPLICATE = "duplicate"  # this try was already recorded (a replayed or concurrent POST): nothing changed
    CONFLICT = "conflict"  # this try was already recorded with other answers (a stale tab): those stand
    ALREADY_COMMITTED = "already_committed"  # the step is finished: answers can no longer change
    NOT_YET = "not_yet"  # an earlier step must be committed first
    FINISHED = "finished"  # the attempt is over


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    #: The step the learner sees next: this one again (another try, or its feedback), the next one still
    #: asked, or None for the attempt's results.
    next_position: int | None
    step_committed: bool = False
    attempt_finished: bool = False
    #: When what stands was recorded, for a try or step that was already recorded (DUPLICATE, CONFLICT,
    #: ALREADY_COMMITTED), so the learner can be told which answers count.
    recorded_at: datetime | None = None


def _stay(outcome: Outcome, step: Step, recorded_at: datetime | None = None) -> SubmitResult:
    """Nothing moved the attempt on: the learner is shown this step again."""
    return SubmitResult(outcome, next_position=step.position, recorded_at=recorded_at)


def _committed(attempt: Attempt, step: Step, *, finished: bool) -> SubmitResult:
    """A step was committed. With feedback after each step the learner sees it on this step first; without,
    they go straight on to the next step (or to the results)."""
    if attempt.behaviour.feedback_after_each_step:
        next_position = step.position
    else:
        next_position = None if finished else attempt.current_position
    return SubmitResult(Outcome.RECORDED, next_position, step_committed=True, attempt_finished=finished)


def questions_with_keys(step_ids) -> "list[Question]":
    """Questions still asked in the given steps, with everything their keys need, in a constant number of queries."""
    return list(
        Question.objects.filter(step_id__in=step_ids, withdrawn=False)
        .select_related("step", "figure")
        .prefetch_related("options", "zones", "accepted_answers")
        .order_by("step__position", "position")
    )


def stored_credits(grade) -> list[dict]:
    """A grade's credits as a response stores them: feedback is read from these, never worked out again."""
    return [
        {"key": c.key, "fraction": c.fraction, "reason": c.reason, "outcome": str(c.outcome)} for c in grade.credits
    ]


class AttemptRefused(Exception):
    """A learner may not start an attempt now. The message says why, in words for the learner."""


def attempts_left(*, quiz: Quiz, user) -> int | None:
    """How many more exam attempts this learner may start; None when there is no limit (practice)."""
    if quiz.mode != Quiz.Mode.EXAM:
        return None
    if user is None or not user.is_authenticated:
        return 0
    # Attempts made while the quiz was in practice mode are not exam attempts (they showed the answers).
    used = Attempt.objects.counted().filter(quiz=quiz, user=user, mode=Quiz.Mode.EXAM).count()
    return max(0, quiz.attempts_allowed - used)


def attempt_start(
    *,
    quiz: Quiz,
    user=None,
    owner_secret: str = "",
    is_preview: bool = False,
    certainty: bool = False,
    now=None,
) -> Attempt:
    """Start an attempt for a learner (their account, or signed out their browser's owner secret).

    ``certainty``: the learner chose to say how sure they are in a practice attempt; it counts only where the
    quiz allows it (``behaviours.for_quiz``), and is then kept in the attempt's rules like the rest.

    Raises AttemptRefused outside the quiz's dates, for an exam without an account, and once a learner
    has used the exam's attempts. Educators' previews are never refused and never counted.
    """
    now = now or timezone.now()
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not owner_secret:
        raise ValueError("A signed-out learner's attempt needs the browser's owner secret.")
    with transaction.atomic():
        if not is_preview:
            # One start at a time per quiz, so two tabs cannot both take the last attempt allowed.
            quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
            _check_may_start(quiz, user, now)
        return Attempt.objects.create(
            quiz=quiz,
            user=user if signed_in else None,
            owner_hash="" if signed_in else owner_hash(owner_secret),
            mode=quiz.mode,
            # The rules are the attempt's own from now on: changing the quiz does not change them.
            rules=for_quiz(quiz, certainty=certainty).rules(),
            # So is the order its options are shown in: a reload, a retry or the review shows the same.
            orders=_draw_orders(quiz),
            is_preview=is_preview,
        )


def _draw_orders(quiz: Quiz) -> dict[str, dict[str, list[str]]]:
    """A new attempt's order for the options of each question whose kind shuffles them (``Attempt.orders``).

    ``{"<question id>": {"<group>": [option keys, in the order shown]}}``, with the groups the kind's
    ``shuffles`` names: ``{"options": [...]}``, or for matching ``{"stems": [...], "choices": [...]}``.
    Withdrawn questions get one too, in case an educator asks them again. Drawn from the system's
    randomness: the order is stored, never worked out again, so nothing about it need be reproducible.
    """
    rng = secrets.SystemRandom()
    questions = Question.objects.filter(step__quiz=quiz).prefetch_related("options").order_by("pk")
    return {
        str(question.pk): KINDS[question.kind].draw_order(question, rng)
        for question in questions
        if question.kind in KINDS and KINDS[question.kind].shuffles
    }


def _check_may_start(quiz: Quiz, user, now) -> None:
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptRefused(f"This quiz opens on {timezone.localtime(quiz.opens_at):%d %B %Y at %H:%M}.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptRefused("This quiz has closed: no new attempts can be started.")
    left = attempts_left(quiz=quiz, user=user)
    if left == 0:
        if user is None or not user.is_authenticated:
            raise AttemptRefused("Sign in to take this exam: your attempts are kept with your account.")
        allowed = quiz.attempts_allowed
        raise AttemptRefused(
            "You have used the one attempt this exam allows."
            if allowed == 1
            else f"You have used the {allowed} attempts this exam allows."
        )


def attempts_claim(*, user, owner_secret: str) -> int:
    """Move a signed-out browser's attempts to the account its learner has just signed in to."""
    if user is None or not user.is_authenticated or not owner_secret:
        return 0
    return Attempt.objects.filter(user=None, owner_hash=owner_hash(owner_secret)).update(user=user, owner_hash="")


def question_mark(attempt: Attempt, responses: "list[Response]", marks: Decimal | float) -> float:
    """Marks earned on one question under the attempt's rules (its behaviour), with the certainty the learner
    gave under certainty-based marking (one try, so the certainty of its response)."""
    certainty = next((r.certainty for r in responses if r.certainty), None)
    return attempt.behaviour.question_mark(
        [(r.try_number, r.fraction) for r in responses], float(marks), certainty=certainty
    )


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def step_submit(
    *,
    attempt: Attempt,
    step: Step,
    try_number: int,
    raw_responses: dict[int, dict],
    certainties: dict[int, int] | None = None,
    questions: list[Question] | None = None,
) -> SubmitResult:
    """Grade and record one try at a step. ``raw_responses`` maps question id to the raw answer.

    ``questions``: the step's questions still asked, already fetched with their keys (the view's form has them,
    from ``selectors.questions_for_form(step, with_keys=True)``), so a submission reads them once; left out,
    they are fetched here.

    ``certainties`` maps question id to how sure the learner said they were (``behaviours.Certainty``), kept
    only when the attempt's rules use certainty. The step form requires one for every question; one missing
    all the same counts as low, as Moodle assumes (``question_cbm::default_certainty``).
    The result says what happened and which step the learner sees next.
    """
    try:
        with transaction.atomic():
            return _step_submit_locked(attempt, step, try_number, raw_responses, certainties or {}, questions)
    except IntegrityError:
        # A concurrent request recorded this try between our check and our insert.
        return _stay(Outcome.DUPLICATE, step)


def _step_submit_locked(
    attempt: Attempt,
    step: Step,
    try_number: int,
    raw_responses: dict[int, dict],
    certainties: dict[int, int],
    questions: list[Question] | None,
) -> SubmitResult:
    attempt = _lock(attempt)
    uses_certainty = attempt.behaviour.uses_certainty
    if _finish_if_closed(attempt, timezone.now()) or attempt.is_finished:
        return _stay(Outcome.FINISHED, step)
    if step.position > attempt.current_position:
        return _stay(Outcome.NOT_YET, step)
    step_attempt, _ = StepAttempt.objects.get_or_create(attempt=attempt, step=step)
    if step_attempt.is_committed or step.position < attempt.current_position:
        return _stay(Outcome.ALREADY_COMMITTED, step, step_attempt.committed_at)
    if try_number != step_attempt.tries_used + 1:
        return _already_recorded(step_attempt, step, try_number, raw_responses)

    if questions is None:
        questions = questions_with_keys([step.pk])
    else:
        questions = [q for q in questions if q.step_id == step.pk and not q.withdrawn]
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
                credits=stored_credits(grade),
                grader_version=grader.VERSION,
                certainty=certainties.get(question.pk) if uses_certainty else None,
            )
        )
        all_correct = all_correct and grade.state == State.CORRECT
    Response.objects.bulk_create(responses)
    step_attempt.tries_used = try_number
    step_attempt.save(update_fields=["tries_used"])

    if all_correct or not attempt.behaviour.may_try_again(try_number):
        return _committed(attempt, step, finished=_commit(attempt, step_attempt))
    return _stay(Outcome.RECORDED, step)


def _already_recorded(step_attempt: StepAttempt, step: Step, try_number: int, raw_responses) -> SubmitResult:
    """A try that is not the next one: the same answers again (a replayed POST), or other answers for a try
    already recorded (a stale tab). Either way nothing changes; the result says which, and when."""
    recorded = list(step_attempt.responses.filter(try_number=try_number))
    if not recorded:
        return _stay(Outcome.DUPLICATE, step)
    recorded_at = max(r.submitted_at for r in recorded)
    same = all(r.raw == raw_responses.get(r.question_id, {}) for r in recorded)
    return _stay(Outcome.DUPLICATE if same else Outcome.CONFLICT, step, recorded_at)


def step_give_up(*, attempt: Attempt, step: Step) -> SubmitResult:
    """Stop trying this step and see the answer, where the behaviour allows it. Marks already earned are kept.

    The result says which step the learner sees next, as ``step_submit``'s does.
    """
    with transaction.atomic():
        attempt = _lock(attempt)
        if _finish_if_closed(attempt, timezone.now()) or attempt.is_finished:
            return _stay(Outcome.FINISHED, step)
        if not attempt.behaviour.learner_may_give_up:
            return _stay(Outcome.NOT_YET, step)
        if step.position != attempt.current_position:
            return _stay(Outcome.NOT_YET if step.position > attempt.current_position else Outcome.DUPLICATE, step)
        step_attempt, _ = StepAttempt.objects.get_or_create(attempt=attempt, step=step)
        if step_attempt.is_committed:
            return _stay(Outcome.ALREADY_COMMITTED, step)
        if step_attempt.tries_used == 0:
            # Seeing the answer needs at least one try first, so a step is never skipped unseen.
            return _stay(Outcome.NOT_YET, step)
        return _committed(attempt, step, finished=_commit(attempt, step_attempt))


def _commit(attempt: Attempt, step_attempt: StepAttempt) -> bool:
    """Close a step and move on; finish the attempt after its last step. Returns whether it finished."""
    step_attempt.committed_at = timezone.now()
    step_attempt.save(update_fields=["committed_at"])
    return _move_past(attempt, step_attempt.step.position)


def _move_past(attempt: Attempt, position: int) -> bool:
    """Go to the first step still asked after ``position``; finish the attempt if there is none."""
    next_position = (
        attempt.quiz.steps.filter(position__gt=position, withdrawn=False)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    if next_position is None:
        attempt.state = Attempt.State.FINISHED
        attempt.finished_at = timezone.now()
        attempt.current_position = position + 1
        attempt.score, attempt.max_score = attempt_totals(attempt)
        attempt.save(update_fields=["state", "finished_at", "current_position", "score", "max_score"])
        return True
    attempt.current_position = next_position
    attempt.save(update_fields=["current_position"])
    return False


def attempt_finish_if_closed(*, attempt: Attempt, now=None) -> Attempt:
    """An exam attempt still open when its quiz closes is finished with the answers given so far.

    Once an exam closes the whole case opens to everyone, so no answer may be given after that.
    Returns the attempt, fresh from the database if it was finished here.
    """
    now = now or timezone.now()
    if not _past_closing(attempt, now) or attempt.is_finished:
        return attempt
    with transaction.atomic():
        attempt = _lock(attempt)
        _finish_if_closed(attempt, now)
    return attempt


def _past_closing(attempt: Attempt, now) -> bool:
    closes_at = attempt.quiz.closes_at
    return attempt.mode == Quiz.Mode.EXAM and closes_at is not None and now >= closes_at


def _finish_if_closed(attempt: Attempt, now) -> bool:
    """With the attempt's row locked: finish it if its exam has closed. Returns whether it did."""
    if attempt.is_finished or not _past_closing(attempt, now):
        return False
    attempt.state = Attempt.State.FINISHED
    attempt.finished_at = now
    attempt.score, attempt.max_score = attempt_totals(attempt)
    attempt.save(update_fields=["state", "finished_at", "score", "max_score"])
    return True


def attempt_skip_withdrawn(*, attempt: Attempt) -> Attempt:
    """If the step an attempt is on has been withdrawn, move the attempt on (or finish it). Returns it fresh."""
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.is_finished:
            return attempt
        step = attempt.quiz.steps.filter(position=attempt.current_position).first()
        if step is None or step.withdrawn:
            _move_past(attempt, attempt.current_position)
    return attempt


def attempt_totals(attempt: Attempt) -> tuple[Decimal, Decimal]:
    """The attempt's score and the most it could score.

    Every question still asked counts, and so does every question this attempt answered before it was
    withdrawn: a learner's marks never depend on what an educator withdrew after they answered.
    """
    responses = list(
        Response.objects.filter(step_attempt__attempt=attempt).only(
            "question_id", "fraction", "try_number", "certainty"
        )
    )
    answered = {r.question_id for r in responses}
    questions = Question.objects.filter(step__quiz_id=attempt.quiz_id).filter(
        Q(withdrawn=False, step__withdrawn=False) | Q(pk__in=answered)
    )
    by_question: dict[int, list[Response]] = {}
    for response in responses:
        by_question.setdefault(response.question_id, []).append(response)
    questions = list(questions.only("pk", "marks"))
    score = sum(question_mark(attempt, by_question.get(q.pk, []), q.marks) for q in questions)
    maximum = sum(float(q.marks) for q in questions)
    return Decimal(str(round(score, 3))), Decimal(str(round(maximum, 3)))


def attempt_regrade(*, attempt: Attempt) -> int:
    """Grade every stored response of an attempt again with the current keys. Returns how many grades changed."""
    with transaction.atomic():
        attempt = _lock(attempt)
        changed = _regrade(Response.objects.filter(step_attempt__attempt=attempt))
        if attempt.is_finished:
            attempt.score, attempt.max_score = attempt_totals(attempt)
            attempt.save(update_fields=["score", "max_score"])
    return changed


def _regrade(responses) -> int:
    """Grade the given stored responses again with their questions' current keys; save those that changed."""
    changed = 0
    responses = responses.prefetch_related(
        Prefetch("question", queryset=Question.objects.prefetch_related("options", "zones", "accepted_answers"))
    )
    for response in responses:
        question = response.question
        grader = get_grader(question.kind)
        grade = grader.grade(grading_key(question), grader_response(question, response.raw))
        credits = stored_credits(grade)
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
    return changed


def question_regrade(*, question: Question, user=None) -> int:
    """Regrade every attempt that answered this question, after its key changed. Returns grades changed.

    The question's pending key changes are marked as regraded, by whom and with how many grades changed.
    """
    changed = 0
    attempts = Attempt.objects.filter(step_attempts__responses__question=question).distinct()
    for attempt in attempts:
        # Only this question's answers: another question's pending key change waits for its own regrade.
        with transaction.atomic():
            attempt = _lock(attempt)
            changed += _regrade(Response.objects.filter(step_attempt__attempt=attempt, question=question))
            if attempt.is_finished:
                attempt.score, attempt.max_score = attempt_totals(attempt)
                attempt.save(update_fields=["score", "max_score"])
    KeyChange.objects.filter(question=question, regraded_at=None).update(
        regraded_at=timezone.now(), regraded_by=user, grades_changed=changed
    )
    return changed


def key_change_record(*, question: Question, before: dict, after: dict, user=None) -> KeyChange | None:
    """Record a change to the key of a question learners have answered (None if the key did not change)."""
    if before == after:
        return None
    answered = Response.objects.filter(question=question).count()
    if not answered:
        return None
    return KeyChange.objects.create(
        question=question, changed_by=user, before=before, after=after, responses_affected=answered
    )
