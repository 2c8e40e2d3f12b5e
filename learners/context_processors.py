"""What every page's header shows a signed-in learner: how many reviews are due today.

Worked out only when a template reads it (the header does for signed-in learners only), so pages for
signed-out visitors cost nothing more.
"""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from learners.selectors import case_marks, header_due_count


class LearnerHeader:
    def __init__(self, user):
        self._user = user
        self._now = timezone.now()

    @property
    def due_count(self) -> int:
        if not hasattr(self, "_due"):
            self._due = header_due_count(self._user, self._now)
        return self._due

    @property
    def case_marks(self) -> dict[int, str]:
        if not hasattr(self, "_marks"):
            self._marks = case_marks(self._user)
        return self._marks


def learner(request) -> dict:
    return {"learner": SimpleLazyObject(lambda: LearnerHeader(getattr(request, "user", None)))}
