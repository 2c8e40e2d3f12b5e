"""Pages of a quiz attempt. Thin: read the request, call one service or selector, render."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quiz import selectors
from quiz.forms import StepForm
from quiz.models import Attempt, Quiz, StepAttempt
from quiz.ownership import owner_secret
from quiz.services import (
    AttemptRefused,
    Outcome,
    attempt_finish_if_closed,
    attempt_skip_withdrawn,
    attempt_start,
    attempts_left,
    step_give_up,
    step_submit,
)


def _quiz_for(request, slug) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("case"), slug=slug)
    if not quiz.is_visible_to_learners() and not request.user.is_staff:
        raise Http404("No such quiz.")
    return quiz


def _attempt(request, token) -> Attempt:
    attempt = selectors.attempt_owned(token, user=request.user, owner_secret=owner_secret(request.session))
    return attempt_finish_if_closed(attempt=attempt)


def _hold(request, case):
    return selectors.exam_hold(case, user=request.user, owner_secret=owner_secret(request.session), now=timezone.now())


def _held_back(request, quiz: Quiz, hold):
    """The page a learner gets for another quiz on a case while an exam on it keeps content back."""
    return render(request, "quiz/held_back.html", {"quiz": quiz, "case": quiz.case, "exam": hold.quiz}, status=403)


def _blocked(request, attempt: Attempt, hold):
    """While an exam on the case is open to this learner, only their exam attempt may be worked on or read."""
    if hold is not None and not attempt.is_preview and not hold.allows(attempt):
        return _held_back(request, attempt.quiz, hold)
    return None


# Pages that show a learner's answers are never stored by a browser or a proxy (a shared computer).
@never_cache
def quiz_start(request, slug):
    """The quiz's opening page; POST starts a new attempt."""
    quiz = _quiz_for(request, slug)
    hold = _hold(request, quiz.case)
    if hold is not None and hold.quiz != quiz:
        return _held_back(request, quiz, hold)
    if request.method == "POST":
        if quiz.mode == Quiz.Mode.EXAM and not request.user.is_authenticated:
            messages.info(request, "Sign in to take this exam: your attempts are kept with your account.")
            return redirect_to_login(quiz.get_absolute_url())
        try:
            attempt = attempt_start(
                quiz=quiz, user=request.user, owner_secret=owner_secret(request.session, create=True)
            )
        except AttemptRefused as refusal:
            messages.warning(request, str(refusal))
            return redirect(quiz.get_absolute_url())
        return redirect(attempt.get_absolute_url())
    now = timezone.now()
    return render(
        request,
        "quiz/start.html",
        {
            "quiz": quiz,
            "case": quiz.case,
            "step_count": quiz.steps.filter(withdrawn=False).count(),
            "attempts": selectors.attempts_of(quiz, user=request.user, owner_secret=owner_secret(request.session)),
            "attempts_left": attempts_left(quiz=quiz, user=request.user),
            "is_open": quiz.is_open(now),
            "now": now,
        },
    )


@staff_member_required
@require_POST
def quiz_preview(request, slug):
    """Educators try a quiz as a student would. Previews never count as a learner's attempt."""
    quiz = get_object_or_404(Quiz, slug=slug)
    attempt = attempt_start(quiz=quiz, user=request.user, is_preview=True)
    messages.info(request, "This is a preview: it is not counted with learners' attempts.")
    return redirect(attempt.get_absolute_url())


@never_cache
def attempt_resume(request, token):
    attempt = _attempt(request, token)
    hold = _hold(request, attempt.quiz.case)
    if blocked := _blocked(request, attempt, hold):
        return blocked
    attempt = attempt_skip_withdrawn(attempt=attempt)
    if attempt.is_finished:
        return redirect("quiz:review", token=attempt.token)
    return redirect("quiz:step", token=attempt.token, position=attempt.current_position)


def _step_url(attempt: Attempt, position: int) -> str:
    return reverse("quiz:step", kwargs={"token": attempt.token, "position": position})


@never_cache
def attempt_step(request, token, position):
    attempt = _attempt(request, token)
    hold = _hold(request, attempt.quiz.case)
    if blocked := _blocked(request, attempt, hold):
        return blocked
    step = get_object_or_404(attempt.quiz.steps.all(), position=position)
    if step.withdrawn and not attempt.is_finished and position >= attempt.current_position:
        # Withdrawn by an educator before this attempt answered it: skip it and carry on.
        attempt = attempt_skip_withdrawn(attempt=attempt)
        messages.info(request, "That step was withdrawn by the quiz's educators; your attempt carries on without it.")
        return redirect("quiz:attempt", token=attempt.token)
    if attempt.is_finished and request.method == "POST":
        # Finished meanwhile: the last step answered in another tab, or the exam closed.
        messages.info(request, "This attempt is finished: answers can no longer be given or changed.")
        return redirect("quiz:review", token=attempt.token)
    if attempt.is_finished and request.method == "GET":
        return _render_committed_step(request, attempt, step)
    if position > attempt.current_position:
        messages.info(request, "Finish this step first: the next one opens once it is answered.")
        return redirect(_step_url(attempt, attempt.current_position))

    step_attempt = StepAttempt.objects.filter(attempt=attempt, step=step).first()
    committed = position < attempt.current_position or bool(step_attempt and step_attempt.is_committed)
    questions = selectors.questions_for_form(step)

    if request.method == "POST":
        if committed:
            messages.info(request, "This step is finished; your answers were already recorded and cannot change.")
            return redirect(_step_url(attempt, attempt.current_position))
        if "give_up" in request.POST:
            step_give_up(attempt=attempt, step=step)
            return redirect(_step_url(attempt, position))
        form = StepForm(request.POST, attempt=attempt, questions=questions)
        if form.placing_mark():
            return _render_step(request, attempt, step, step_attempt, form)
        if form.is_valid():
            result = step_submit(
                attempt=attempt,
                step=step,
                try_number=form.cleaned_data["try_number"],
                raw_responses=form.raw_responses(),
            )
            _tell(request, result.outcome)
            # Without feedback after each step, a finished step leads straight on to the next (or the results).
            if result.attempt_finished and not attempt.behaviour.feedback_after_each_step:
                return redirect("quiz:review", token=attempt.token)
            if result.step_committed and not attempt.behaviour.feedback_after_each_step:
                return redirect(_step_url(attempt, _next_position(attempt, position)))
            return redirect(_step_url(attempt, position))
        return _render_step(request, attempt, step, step_attempt, form)

    if committed:
        return _render_committed_step(request, attempt, step)
    tries_used = step_attempt.tries_used if step_attempt else 0
    form = StepForm(
        attempt=attempt,
        questions=questions,
        initial={"try_number": tries_used + 1},
    )
    if step_attempt and tries_used:
        form.fill_from_responses(step_attempt.responses.filter(try_number=tries_used))
    return _render_step(request, attempt, step, step_attempt, form)


def _next_position(attempt: Attempt, position: int) -> int:
    following = attempt.quiz.steps.filter(position__gt=position).order_by("position").first()
    return following.position if following else position


def _tell(request, outcome: Outcome) -> None:
    text = {
        Outcome.DUPLICATE: "Those answers were already recorded; nothing was changed.",
        Outcome.ALREADY_COMMITTED: "This step is finished; your answers were already recorded and cannot change.",
        Outcome.NOT_YET: "Finish the earlier steps first.",
        Outcome.FINISHED: "This attempt is finished.",
    }.get(outcome)
    if text:
        messages.info(request, text)


def _step_context(attempt: Attempt, step, upto: int) -> dict:
    steps = selectors.attempt_steps(attempt)
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "case": attempt.quiz.case,
        "step": step,
        "steps": steps,
        "step_count": len(steps),
        "revealed": selectors.revealed_content(attempt.quiz, upto),
    }


def _render_step(request, attempt, step, step_attempt, form):
    tries_used = step_attempt.tries_used if step_attempt else 0
    context = _step_context(attempt, step, step.position)
    context.update(
        {
            "form": form,
            "tries_used": tries_used,
            "behaviour": attempt.behaviour,
            "latest_states": selectors.latest_states(step_attempt)
            if attempt.behaviour.feedback_after_each_step
            else {},
        }
    )
    return render(request, "quiz/step.html", context)


def _render_committed_step(request, attempt, step):
    context = _step_context(attempt, step, step.position)
    # Practice: feedback after each step. Exam: once the attempt is over, when the quiz's review setting allows.
    show_feedback = attempt.answers_visible(timezone.now())
    context.update(
        {
            "review": selectors.step_reviews(attempt, [step])[0] if show_feedback else None,
            "next_position": None if attempt.is_finished else attempt.current_position,
        }
    )
    return render(request, "quiz/step_done.html", context)


@never_cache
def attempt_review(request, token):
    attempt = _attempt(request, token)
    hold = _hold(request, attempt.quiz.case)
    if blocked := _blocked(request, attempt, hold):
        return blocked
    if not attempt.is_finished:
        messages.info(request, "The review opens when you have answered every step.")
        return redirect(_step_url(attempt, attempt.current_position))
    now = timezone.now()
    quiz = attempt.quiz
    answers_visible = attempt.answers_visible(now)
    left = attempts_left(quiz=quiz, user=request.user)
    return render(
        request,
        "quiz/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "case": quiz.case,
            "answers_visible": answers_visible,
            "reviews": selectors.step_reviews(attempt, selectors.attempt_steps(attempt)) if answers_visible else [],
            "may_start_again": quiz.is_open(now) and left != 0,
            "attempts_left": left,
            "whole_case_open": hold is None,
        },
    )
