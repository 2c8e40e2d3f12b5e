"""Writes of the learners app: making review items from finished attempts, and recording a review answer.

Review items are made lazily, by ``review_items_sync``, when the learner opens "My cases" or the review,
rather than by a hook in the quiz's finish: an attempt finished signed out becomes the learner's only when
they sign in (``quiz.services.attempts_claim``), and an exam's answers open only later (at its closing
date), so "finished" is not the moment a key point becomes reviewable. Each item is still first rated at
the moment its attempt finished (``learners.selectors.pending_items``), so its schedule does not depend on
when the learner next looks; the header's count includes items not made yet. Nothing here runs in a signal
or a ``save()``.
"""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from learners.models import ReviewAnswer, ReviewItem, new_seed
from learners.scheduling import next_card, rating_for
from learners.selectors import pending_items
from quiz.grading import get_grader
from quiz.keys import grader_response, grading_key
from quiz.models import Question
from quiz.services import stored_credits


def review_items_sync(*, user, now: datetime) -> int:
    """Make the review items the learner's finished attempts call for. Returns how many were made."""
    items = pending_items(user, now)
    if not items:
        return 0
    try:
        with transaction.atomic():
            ReviewItem.objects.bulk_create(items)
    except IntegrityError:
        # Another request made them at the same moment: they exist, which is all that matters.
        return 0
    return len(items)


def review_answer(
    *, item: ReviewItem, round_token: uuid.UUID, question: Question, raw: dict, now: datetime
) -> ReviewAnswer | None:
    """Grade an answer to the item's review question and move its schedule on (FSRS).

    ``round_token`` is the one the question's form was drawn with: when it is no longer the item's (the
    form was posted twice, or from a stale tab), the answer was already recorded and None is returned.
    The question must come with its options, zones and accepted answers.
    """
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.round_token != round_token:
            return None
        grader = get_grader(question.kind)
        grade = grader.grade(grading_key(question), grader_response(question, raw))
        rating = rating_for(grade.fraction)
        card = next_card(item.card, rating, now)
        shown_seed = item.seed
        item.card, item.due, item.last_review = card.to_dict(), card.due, now
        item.reviews += 1
        item.round_token, item.seed = uuid.uuid4(), new_seed()
        item.save(update_fields=["card", "due", "last_review", "reviews", "round_token", "seed"])
        return ReviewAnswer.objects.create(
            item=item,
            question=question,
            raw=raw,
            seed=shown_seed,
            fraction=grade.fraction,
            state=grade.state.value,
            credits=stored_credits(grade),
            grader_version=grader.VERSION,
            rating=int(rating),
            answered_at=now,
            next_due=card.due,
        )
