"""Question kinds on the Django side: one module per kind, beside its grader in ``quiz.grading``.

Each module holds all that its kind means to the quiz app (see ``quiz.kinds.base.QuestionKind``): the
child rows its key is made of, the scoring help learners read and the rule educators read, its fields in
the step form and the raw response it stores, the bridge to its grader, the response the key scores 1,
and the feedback on an answer. Adding a kind is a grader and a kind module, listed in both registries
(and a ``Question.Kind`` choice).

    kind = get_kind(question.kind)
    kind.grader.grade(kind.grading_key(question), kind.grader_response(question, raw))
"""

from . import free_text, hotspot, matching, multiple_response, multiple_true_false, ordering, single_best
from .base import QuestionKind

__all__ = ["KINDS", "QuestionKind", "all_kinds", "get_kind"]

KINDS: dict[str, QuestionKind] = {
    module.KIND.name: module.KIND
    for module in (single_best, multiple_response, multiple_true_false, matching, ordering, hotspot, free_text)
}


def get_kind(name: str) -> QuestionKind:
    """The kind a question's ``kind`` names. Raises KeyError for a kind that does not exist."""
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise KeyError(f"There is no question kind {name!r}; known kinds: {sorted(KINDS)}.") from None


def all_kinds() -> tuple[QuestionKind, ...]:
    """Every kind, in the order of ``Question.Kind``."""
    return tuple(KINDS.values())
