"""Sample questions of every kind, each with a small valid key: for the tests and the benchmark's big case.

Not teaching content: prompts read "Question 1?", options "Option a". Each kind makes its own rows
(``QuestionKind.add_sample_rows``).
"""

from quiz.kinds import get_kind
from quiz.models import Option, Question, Step


def make_question(step: Step, position: int, kind: str, figure=None, key_point=None) -> Question:
    question_kind = get_kind(kind)
    question = Question.objects.create(
        step=step,
        position=position,
        kind=kind,
        prompt=f"Question {position}?",
        figure=figure if question_kind.needs_figure else None,
    )
    rows = question_kind.add_sample_rows(question)
    if key_point:
        question.key_points.add(key_point)
        for row in rows:
            if isinstance(row, Option):
                row.key_points.add(key_point)
    return question
