"""Learner groupings that course teams manage: cohorts of learners, e.g. "MBBS Year 3, 2026"."""

from django.conf import settings
from django.db import models


class Cohort(models.Model):
    """A named group of learners that a course team teaches together, e.g. one year of a programme."""

    name = models.CharField(
        "name",
        max_length=200,
        unique=True,
        help_text="How the course team knows this group of learners, e.g. 'MBBS Year 3, 2026'.",
    )
    description = models.TextField(
        "description",
        blank=True,
        help_text="Optional: who is in this cohort and why, for the rest of the course team.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="cohorts",
        blank=True,
        verbose_name="learners",
        help_text="The learners in this cohort. A learner may belong to several cohorts.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "cohort"
        verbose_name_plural = "cohorts"

    def __str__(self):
        return self.name
