"""The bridge between stored questions and the pure graders in ``quiz.grading``.

``grading_key`` turns a question and its child rows into the grader's key; ``grader_response``
turns a stored raw response (plain JSON) into what the grader reads. Both ask the question's kind
(``quiz.kinds``). The child rows may be unsaved model instances, so the admin can validate a question
with the grader's own rules before saving it.
"""

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from quiz.kinds import get_kind
from quiz.kinds.base import ANSWERS, OPTIONS, ZONES
from quiz.models import AcceptedAnswer, Option, Question, Zone


def grading_key(
    question: Question,
    options: Sequence[Option] | None = None,
    zones: Sequence[Zone] | None = None,
    answers: Sequence[AcceptedAnswer] | None = None,
) -> Any:
    """The grader's key for a question. Child rows default to the question's saved (prefetched) ones.

    Only the rows the kind uses are read, so an unsaved question can be checked with its unsaved rows.
    """
    try:
        kind = get_kind(question.kind)
    except KeyError:
        raise ValueError(f"Unknown question kind {question.kind!r}") from None
    rows = {OPTIONS: options, ZONES: zones, ANSWERS: answers}[kind.rows]
    return kind.grading_key(question, rows)


def authoring_problems(question: Question, **rows) -> list[str]:
    """What an educator must fix before learners can answer this question, by the grader's own rules."""
    try:
        key = grading_key(question, **rows)
    except ValueError as problem:
        return [str(problem)]
    kind = get_kind(question.kind)
    problems = kind.grader.validate(key)
    if kind.needs_figure and not question.figure_id:
        problems.append("Choose the figure the learner marks.")
    return problems


def grader_response(question: Question, raw: Any) -> Any:
    """What the grader reads, from a stored raw response. Unexpected shapes read as no answer."""
    try:
        kind = get_kind(question.kind)
    except KeyError:
        return None
    return kind.grader_response(question, raw)


def key_snapshot(question: Question) -> dict:
    """What a question's saved key says, as plain JSON: to tell whether an edit changed it, and to record it."""
    question = Question.objects.prefetch_related("options", "zones", "accepted_answers").get(pk=question.pk)
    try:
        key = dataclasses.asdict(grading_key(question))
    except ValueError as problem:
        key = {"problem": str(problem)}
    return json.loads(json.dumps({"kind": question.kind, "marks": str(question.marks), "key": key}, default=str))
