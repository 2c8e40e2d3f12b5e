"""The bridge between stored questions and the pure graders in ``quiz.grading``.

``grading_key`` turns a question and its child rows into the grader's key; ``grader_response``
turns a stored raw response (plain JSON) into what the grader reads. Both ask the question's kind
(``quiz.kinds``). The child rows may be unsaved model instances, so the admin can validate a question
with the grader's own rules before saving it.

The same checks answer for every way a question or quiz is saved (its own admin page, the step page, a
script or an import): ``authoring_problems`` for one question with the given rows, ``question_problems``
for a question as it is saved, and ``quiz_publish_problems`` for a quiz about to be (or staying) published.
"""

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch

from cases.models import KeyPoint
from quiz.kinds import KINDS, get_kind
from quiz.kinds.base import ANSWERS, OPTIONS, ZONES
from quiz.models import AcceptedAnswer, Option, Question, Quiz, Zone


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


def figure_problems(question: Question) -> list[str]:
    """The figure a question shows must be of its quiz's case and, to be marked, revealed by then."""
    if not question.figure_id:
        return []
    step = question.step
    if question.figure.case_id != step.quiz.case_id:
        return ["Choose a figure of this quiz's case."]
    kind = KINDS.get(question.kind)
    revealed = question.figure.revealed_by_steps.filter(quiz=step.quiz_id, position__lte=step.position)
    if kind is not None and kind.needs_figure and not revealed.exists():
        return ["Reveal this figure in this step or an earlier one, so learners can see it."]
    return []


OTHER_CASES_KEY_POINT = "Choose key points of this quiz's case: another case's reasoning would be quoted to learners."


def key_point_problems(question: Question) -> list[str]:
    """The key points a saved question, its options, zones and accepted answers quote must be its case's."""
    if not question.pk:
        return []
    case_id = question.step.quiz.case_id
    links = [
        KeyPoint.objects.filter(questions=question),
        KeyPoint.objects.filter(option_set__question=question),
        KeyPoint.objects.filter(zone_set__question=question),
        KeyPoint.objects.filter(acceptedanswer_set__question=question),
    ]
    if any(points.exclude(case_id=case_id).exists() for points in links):
        return [OTHER_CASES_KEY_POINT]
    return []


def question_problems(question: Question) -> list[str]:
    """What stops learners answering a question as it stands, with its saved child rows (none, if unsaved)."""
    kind = KINDS.get(question.kind)
    rows = {} if question.pk or kind is None else {kind.rows: []}
    return authoring_problems(question, **rows) + figure_problems(question) + key_point_problems(question)


def quiz_publish_problems(quiz: Quiz) -> list[str]:
    """Why learners could not take this quiz as it is saved: each problem, saying which step and question.

    Withdrawn steps and questions are not asked, so they are not checked.
    """
    steps = quiz.steps.filter(withdrawn=False).prefetch_related(
        "reveals_sections",
        "reveals_figures",
        Prefetch(
            "questions",
            queryset=Question.objects.filter(withdrawn=False)
            .select_related("figure")
            .prefetch_related("options", "zones", "accepted_answers"),
        ),
    )
    problems = []
    for step in steps:
        step.quiz = quiz
        for problem in step.reveal_problems().values():
            problems.append(f"Step {step.position}: {problem} Open the step and save it to remove them.")
        for question in step.questions.all():
            question.step = step
            prompt = question.prompt if len(question.prompt) <= 40 else question.prompt[:39] + "…"
            for problem in question_problems(question):
                problems.append(f"Step {step.position}, question {question.position} (“{prompt}”): {problem}")
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
