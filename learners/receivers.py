"""Cache invalidation only: the count of reviews due kept for the header (``learners.selectors.header_due_count``)
is forgotten when the learner's attempts or review items change, or when they sign in (their signed-out attempts
become theirs with ``update()``, which sends no signal).

Forgotten at once and again when the transaction commits: a count worked out in between from the database as it
was before the commit would otherwise be kept.
"""

from django.core.cache import cache
from django.db import transaction

from learners.selectors import due_count_key


def forget_due_count(user_id: int | None) -> None:
    if user_id is None:
        return
    key = due_count_key(user_id)
    try:
        cache.delete(key)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: cache.delete(key))
    except Exception:  # The kept count lasts DUE_COUNT_SECONDS at most.
        pass


def learner_work_changed(sender, instance, **kwargs):
    """An attempt or a review item was saved or deleted."""
    forget_due_count(instance.user_id)


def learner_signed_in(sender, request, user, **kwargs):
    forget_due_count(user.pk)
