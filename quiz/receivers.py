"""Reactions of the quiz to events elsewhere in the site. Each only calls a service (or forgets cached pages)."""

from datetime import datetime

from django.utils import timezone

from cases import page_cache
from quiz.models import Question, Quiz, Step
from quiz.ownership import owner_secret
from quiz.services import attempts_claim


def claim_browser_attempts(sender, request, user, **kwargs):
    """At sign-in (any sign-in page), the attempts this browser made signed out move to the account.

    Django keeps the session's data when a signed-out visitor signs in (it only changes the key), so
    the owner secret is still there to find them.
    """
    if request is not None and hasattr(request, "session"):
        attempts_claim(user=user, owner_secret=owner_secret(request.session))


# --- Pages kept for signed-out visitors (cases.page_cache): cache invalidation only -------------------------
# A case page shows its quiz's call (title, whether an exam holds the case back), the sections and figures the
# quiz's first step reveals, and, during an exam, the text alternatives that do not name what a hotspot
# question asks for. So a change to a quiz, a step, what a step reveals or a question replaces the case's version.


def _case_of_quiz(quiz_id) -> int | None:
    return Quiz.objects.filter(pk=quiz_id).values_list("case_id", flat=True).first()


def quiz_changed(sender, instance, **kwargs):
    page_cache.content_changed(case_ids=[instance.case_id])


def step_changed(sender, instance, **kwargs):
    page_cache.content_changed(case_ids=[_case_of_quiz(instance.quiz_id)])


def question_changed(sender, instance, **kwargs):
    case_id = Step.objects.filter(pk=instance.step_id).values_list("quiz__case_id", flat=True).first()
    page_cache.content_changed(case_ids=[case_id])


# A row's parent field, and the path from the row to its case.
_CASE_OF = {
    Quiz: ("case_id", "case_id"),
    Step: ("quiz_id", "quiz__case_id"),
    Question: ("step_id", "step__quiz__case_id"),
}


def quiz_part_moving(sender, instance, **kwargs):
    """Before a quiz, step or question is saved: if it moves (to another case, quiz or step), the pages of the case
    it leaves are forgotten too (the save's own receiver forgets those of the case it joins)."""
    if instance.pk is None:
        return
    parent, case_path = _CASE_OF[sender]
    left = (
        sender.objects.filter(pk=instance.pk)
        .exclude(**{parent: getattr(instance, parent)})
        .values_list(case_path, flat=True)
        .first()
    )
    if left is not None:
        page_cache.content_changed(case_ids=[left])


def step_reveals_changed(sender, instance, action, reverse, **kwargs):
    """A step's revealed sections or figures (either side of the relation) changed."""
    if action in ("post_add", "post_remove", "post_clear"):
        case_id = instance.case_id if reverse else _case_of_quiz(instance.quiz_id)
        page_cache.content_changed(case_ids=[case_id])


def exam_times(case_id: int) -> datetime | None:
    """The next opening or closing time of a quiz on the case: an exam that opens or closes changes its pages."""
    now = timezone.now()
    times = Quiz.objects.filter(case_id=case_id).values_list("opens_at", "closes_at")
    return min((moment for pair in times for moment in pair if moment is not None and moment > now), default=None)
