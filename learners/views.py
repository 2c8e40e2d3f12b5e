"""The learner's pages: "My cases" and the spaced review. Signed-in learners only; each sees only their own."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from learners import selectors
from learners.models import ReviewItem
from learners.services import review_answer, review_items_sync
from quiz.forms import StepForm
from quiz.selectors import calibration_for_user


@login_required
@never_cache
def my_cases(request):
    now = timezone.now()
    review_items_sync(user=request.user, now=now)
    calibration = calibration_for_user(request.user, now)
    context = {
        "cases": selectors.my_cases(request.user, now),
        # Shown once the learner has answered with certainty (certainty-based marking) somewhere.
        "calibration": calibration if any(level.answers for level in calibration) else None,
    }
    return render(request, "learners/my_cases.html", context)


@login_required
@never_cache
def review_list(request):
    now = timezone.now()
    review_items_sync(user=request.user, now=now)
    due = selectors.due_items(request.user, now)
    by_case: dict = {}
    for item in due:
        by_case.setdefault(item.key_point.case, []).append(item)
    context = {
        "due": due,
        "by_case": list(by_case.items()),
        "next_due": None if due else selectors.next_due(request.user, now),
    }
    return render(request, "learners/review_list.html", context)


@login_required
def review_next(request):
    now = timezone.now()
    review_items_sync(user=request.user, now=now)
    due = selectors.due_items(request.user, now)
    if not due:
        messages.info(request, "Nothing more is due today. Well done.")
        return redirect("learners:review")
    return redirect("learners:review_item", pk=due[0].pk)


@login_required
@never_cache
def review_item(request, pk):
    now = timezone.now()
    item = get_object_or_404(ReviewItem.objects.select_related("key_point__case"), pk=pk, user=request.user)
    if item.pk not in {i.pk for i in selectors.due_items(request.user, now)}:
        when = f"{timezone.localtime(item.due):%d %B %Y}"
        messages.info(request, f"That review is not due today: it comes back on {when}.")
        return redirect("learners:review")
    question = selectors.review_question(item, now)
    if question is None:
        raise Http404("No question tests this key point now.")
    round_ = selectors.review_round(item, question)
    context = {"item": item, "question": question, "revealed": selectors.question_content(question)}
    if request.method != "POST":
        form = StepForm(attempt=round_, questions=[question], initial={"try_number": 1})
        return render(request, "learners/review_item.html", context | {"form": form, "round": round_})
    try:
        posted_round = uuid.UUID(request.POST.get("round", ""))
    except ValueError:
        posted_round = None
    if posted_round != item.round_token:
        messages.info(request, "That answer was already recorded; here is the question due now.")
        return redirect("learners:review_next")
    form = StepForm(request.POST, attempt=round_, questions=[question])
    # Placing a mark on a figure without JavaScript is not an answer: the form comes back with the mark on it.
    if not form.placing_mark() and form.is_valid():
        raw = form.raw_responses()[question.pk]
        answer = review_answer(item=item, round_token=posted_round, question=question, raw=raw, now=now)
        if answer is None:
            return redirect("learners:review_next")
        return redirect("learners:review_answer", pk=answer.pk)
    return render(request, "learners/review_item.html", context | {"form": form, "round": round_})


@login_required
@never_cache
def review_answer_page(request, pk):
    answer = selectors.answer_owned(pk, request.user)
    if answer is None:
        raise Http404("No such answer.")
    feedback = selectors.answer_feedback(answer)
    now = timezone.now()
    context = {
        "answer": answer,
        "key_point": answer.item.key_point,
        "feedback": feedback,
        "more_due": bool(selectors.due_items(request.user, now)),
    }
    return render(request, "learners/review_answer.html", context)
