"""A learner's spaced review, for their "My data" page and the deletion of their account.

Found by ``accounts.personal_data`` (it reads ``SECTIONS`` from every installed app's ``personal_data`` module).
Review items and answers are the learner's own schedule, not learning records an educator's statistics use, so
they are deleted with the account whatever ``DELETED_LEARNERS_ATTEMPTS`` says.
"""

from __future__ import annotations

import json

from django.utils import timezone

from learners.models import ReviewAnswer, ReviewItem


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


class ReviewItemsSection:
    key = "review_items"
    title = "Your review schedule"
    description = "Each key point of a finished case you are reviewing, and when it is next due."
    columns = [
        ("case", "Case"),
        ("key_point", "Key point"),
        ("reviews", "Reviews answered"),
        ("last_review", "Last reviewed"),
        ("due", "Next due"),
    ]

    def rows(self, user) -> list[dict]:
        items = ReviewItem.objects.filter(user=user).select_related("key_point__case").order_by("due", "pk")
        return [
            {
                "case": item.key_point.case.title,
                "key_point": item.key_point.statement,
                "reviews": item.reviews,
                "last_review": _when(item.last_review),
                "due": _when(item.due),
            }
            for item in items
        ]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        # Their answers go with them (CASCADE).
        ReviewItem.objects.filter(user=user).delete()


class ReviewAnswersSection:
    key = "review_answers"
    title = "Your review answers"
    description = "Every answer you gave to a review question, with its mark and the next review it set."
    columns = [
        ("key_point", "Key point"),
        ("question", "Question"),
        ("raw_answer", "Answer as stored"),
        ("fraction", "Mark (0 to 1)"),
        ("answered_at", "Answered"),
        ("next_due", "Next due after it"),
    ]

    def rows(self, user) -> list[dict]:
        answers = (
            ReviewAnswer.objects.filter(item__user=user)
            .select_related("item__key_point", "question")
            .order_by("answered_at", "pk")
        )
        return [
            {
                "key_point": answer.item.key_point.statement,
                "question": answer.question.prompt,
                "raw_answer": json.dumps(answer.raw, ensure_ascii=False, sort_keys=True),
                "fraction": answer.fraction,
                "answered_at": _when(answer.answered_at),
                "next_due": _when(answer.next_due),
            }
            for answer in answers
        ]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        # Deleted with the items (ReviewItemsSection).
        return None


SECTIONS = [ReviewItemsSection(), ReviewAnswersSection()]
