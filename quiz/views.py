"""Pages of a quiz attempt. Thin: read the request, call one service or selector, render."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quiz import selectors
from quiz.forms import StepForm
from quiz.models import Attempt, Quiz
from quiz.ownership import owner_secret
from quiz.services import (
    AttemptRefused,
    Outcome,
    SubmitResult,
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
    paused = attempt.mode == Quiz.Mode.EXAM and not attempt.is_preview and not attempt.is_finished
    if paused and not attempt.quiz.is_visible_to_learners():
        # An exam unpublished by its educators part-way (to mend something): the work is kept, and waits. (A
        # practice attempt carries on: its feedback is the learner's own, and an earlier version of a quiz that
        # was replaced stays unpublished for good.)
        context = {"quiz": attempt.quiz, "case": attempt.quiz.case, "attempt": attempt}
        return render(request, "quiz/paused.html", context, status=403)
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
                quiz=quiz,
                user=request.user,
                owner_secret=owner_secret(request.session, create=True),
                certainty=request.POST.get("certainty") == "on",
            )
        except AttemptRefused as refusal:
            messages.warning(request, str(refusal))
            return redirect(quiz.get_absolute_url())
        return redirect(attempt.get_absolute_url())
    now = timezone.now()
    attempts = selectors.attempts_of(quiz, user=request.user, owner_secret=owner_secret(request.session))
    return render(
        request,
        "quiz/start.html",
        {
            "quiz": quiz,
            "case": quiz.case,
            "step_count": quiz.steps.filter(withdrawn=False).count(),
            "attempts": attempts,
            "in_progress": next((a for a in attempts if not a.is_finished and not a.is_preview), None),
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


@never_cache
def attempt_step(request, token, position):
    attempt = _attempt(request, token)
    hold = _hold(request, attempt.quiz.case)
    if blocked := _blocked(request, attempt, hold):
        return blocked
    submitting = request.method == "POST"
    page = selectors.step_page(attempt, position, now=timezone.now(), submitting=submitting)
    if page.skip_withdrawn:
        attempt_skip_withdrawn(attempt=attempt)
    if page.redirect_to:
        messages.info(request, page.message)
        return redirect(page.redirect_to + MESSAGES)
    if not page.shows_form:
        return render(request, page.template, page.context())
    if not submitting:
        form = StepForm(attempt=attempt, questions=page.questions, initial={"try_number": page.try_number})
        form.fill_from_responses(page.refill)
        return render(request, page.template, page.context(form=form))

    if "give_up" in request.POST:
        return _go_on(request, attempt, step_give_up(attempt=attempt, step=page.step))
    form = StepForm(request.POST, attempt=attempt, questions=page.questions)
    # Placing a mark without JavaScript is not a submission: the form comes back with the mark on it.
    if not form.placing_mark() and form.is_valid():
        result = step_submit(
            attempt=attempt,
            step=page.step,
            try_number=form.cleaned_data["try_number"],
            raw_responses=form.raw_responses(),
            certainties=form.certainties(),
            questions=page.questions,
        )
        return _go_on(request, attempt, result)
    return render(request, page.template, page.context(form=form))


# Where a learner lands after a submit: on what happened, which takes the keyboard focus (static/js/quiz.js);
# without JavaScript the fragment still scrolls it into view.
STATUS = "#step-status"
MESSAGES = "#messages"


def _go_on(request, attempt: Attempt, result: SubmitResult):
    """To the step the service says comes next, or to the results, with the learner told what happened."""
    told = _tell(request, result)
    if result.step_committed and not attempt.behaviour.feedback_after_each_step and result.next_position:
        messages.success(request, "Your answers to that step are recorded. Here is the next step.")
        told = True
    anchor = MESSAGES if told else STATUS
    if result.next_position is None:
        return redirect(reverse("quiz:review", kwargs={"token": attempt.token}) + STATUS)
    return redirect(selectors.step_url(attempt, result.next_position) + anchor)


def _tell(request, result: SubmitResult) -> bool:
    """Put what happened into words, where the page alone would not say it. Whether anything was said."""
    when = _when(result.recorded_at)
    text = {
        Outcome.DUPLICATE: f"Those answers were already recorded{when}; nothing was changed.",
        Outcome.CONFLICT: f"This try was already recorded{when}, with other answers (from another tab or window). "
        "Those are the answers that count, and they are shown below; the ones you just sent were not used.",
        Outcome.ALREADY_COMMITTED: f"This step was finished{when}; the answers recorded then count and cannot change.",
        Outcome.NOT_YET: "Finish the earlier steps first.",
        Outcome.FINISHED: "This attempt is finished.",
    }.get(result.outcome)
    if text:
        messages.info(request, text)
    return bool(text)


def _when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f" at {date_format(local, 'H:i')} on {date_format(local, 'j F')}"


@never_cache
def attempt_review(request, token):
    attempt = _attempt(request, token)
    hold = _hold(request, attempt.quiz.case)
    if blocked := _blocked(request, attempt, hold):
        return blocked
    if not attempt.is_finished:
        messages.info(request, "The review opens when you have answered every step.")
        return redirect(selectors.step_url(attempt, attempt.current_position))
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
            "summary": selectors.take_home_points(quiz) if answers_visible else [],
            "may_start_again": quiz.is_open(now) and left != 0,
            "attempts_left": left,
            "whole_case_open": hold is None,
            # Certainty-based marking: average mark and accuracy always; the calibration only with the answers.
            "certainty": selectors.certainty_summary(attempt),
        },
    )
