"""What the site keeps about a learner's spaced review of the reasoning of the cases they finished.

A ``ReviewItem`` is one key point of a case for one learner, scheduled with FSRS (``learners.scheduling``);
each answer to a review question is kept as a ``ReviewAnswer``, raw and with its grade, like a quiz response.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models

from cases.models import KeyPoint
from quiz.models import Attempt, Question


def new_seed() -> str:
    return secrets.token_hex(16)


class ReviewItemQuerySet(models.QuerySet):
    def due_by(self, moment):
        """Items due at or before ``moment`` (e.g. the end of the learner's day)."""
        return self.filter(due__lte=moment)


class ReviewItem(models.Model):
    """One key point a learner is reviewing, and its FSRS schedule."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    key_point = models.ForeignKey(KeyPoint, on_delete=models.CASCADE, related_name="review_items")
    # The finished attempt whose grade gave the first rating; kept so the learner can see where it came from.
    from_attempt = models.ForeignKey(Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    card = models.JSONField(help_text="The FSRS card's state (fsrs.Card.to_dict()).")
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Review questions answered so far.")
    # The question on screen: its form's tokens come from ``round_token`` and its options' order from
    # ``seed``. Both are drawn again after each answer, so the next review shows a new order and a form
    # posted twice (or from a stale tab) is recognised as already answered.
    round_token = models.UUIDField(default=uuid.uuid4, editable=False)
    seed = models.CharField(max_length=32, default=new_seed, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key_point"], name="review_item_unique")]
        verbose_name = "review item"
        verbose_name_plural = "review items"

    def __str__(self):
        return f"{self.key_point} for {self.user} (due {self.due:%Y-%m-%d})"


class ReviewAnswer(models.Model):
    """One answer to a review question: the raw answer, its grade as computed then, and the schedule it set."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="review_answers")
    raw = models.JSONField(help_text="The learner's answer as given: option keys, coordinates, text.")
    # The options' order the question was shown in was drawn from this (the item draws a new one after each answer).
    seed = models.CharField(max_length=32, blank=True, default="", editable=False)
    fraction = models.FloatField()
    state = models.CharField(max_length=30)
    credits = models.JSONField(default=list)
    grader_version = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField(help_text="The FSRS rating the grade gave (1 Again … 4 Easy).")
    answered_at = models.DateTimeField()
    next_due = models.DateTimeField(help_text="When the key point was due next after this answer.")

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = "review answer"
        verbose_name_plural = "review answers"

    def __str__(self):
        return f"{self.item} answered {self.answered_at:%Y-%m-%d}: {self.fraction:.2f}"
