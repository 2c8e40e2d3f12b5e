"""Builders for quiz test data: a quiz of any size, with every kind of question."""

from cases.tests.factories import make_case, make_figure, make_key_point, make_section
from quiz.models import Question, Quiz, Step
from quiz.samples import make_question

Kind = Question.Kind


def make_quiz(steps: int = 1, kinds=tuple(Kind), figures: int = 1, mode=Quiz.Mode.PRACTICE) -> Quiz:
    case = make_case()
    sections = [make_section(case, n) for n in range(1, steps + 1)]
    figure_rows = [make_figure(case, n, f"F{n}", width=400, height=300) for n in range(1, figures + 1)]
    key_point = make_key_point(case, 1)
    quiz = Quiz.objects.create(case=case, title="Quiz", slug=f"quiz-{case.slug}", status="published", mode=mode)
    for position in range(1, steps + 1):
        step = Step.objects.create(quiz=quiz, position=position, title=f"Step {position}")
        step.reveals_sections.add(sections[position - 1])
        step.reveals_figures.add(*figure_rows)
        for number, kind in enumerate(kinds, start=1):
            make_question(step, number, kind, figure=figure_rows[0], key_point=key_point)
    return quiz
