"""Builders for quiz test data: a quiz of any size, with every kind of question."""

from cases.tests.factories import make_case, make_figure, make_key_point, make_section
from quiz.models import AcceptedAnswer, Option, Question, Quiz, Step, Zone

Kind = Question.Kind


def make_question(step: Step, position: int, kind: str, figure=None, key_point=None) -> Question:
    question = Question.objects.create(step=step, position=position, kind=kind, prompt=f"Question {position}?",
                                       figure=figure if kind == Kind.HOTSPOT else None)  # fmt: skip
    if key_point:
        question.key_points.add(key_point)
    options = {
        Kind.SINGLE_BEST: [("a", 1, None, ""), ("b", 0, None, "")],
        Kind.MULTIPLE_RESPONSE: [("a", 1, None, ""), ("b", -1, None, "")],
        Kind.MULTIPLE_TRUE_FALSE: [("a", 0, True, ""), ("b", 0, False, "")],
        Kind.MATCHING: [("x", 0, None, ""), ("y", 0, None, ""), ("s1", 0, None, "x"), ("s2", 0, None, "y")],
        Kind.ORDERING: [("a", 0, None, ""), ("b", 0, None, ""), ("c", 0, None, "")],
    }.get(kind, [])
    for n, (key, weight, is_true, match_key) in enumerate(options, start=1):
        option = Option.objects.create(question=question, key=key, position=n, text=f"Option {key}", weight=weight,
                                       is_true=is_true, match_key=match_key, feedback="Because.")  # fmt: skip
        if key_point:
            option.key_points.add(key_point)
    if kind == Kind.HOTSPOT:
        Zone.objects.create(question=question, key="z", label="Top left", shape="rect",
                            coordinates=[0, 0, 0.5, 0.5], correct=True)  # fmt: skip
        Zone.objects.create(question=question, key="w", label="Bottom right", shape="rect",
                            coordinates=[0.5, 0.5, 0.5, 0.5], correct=False)  # fmt: skip
    if kind == Kind.FREE_TEXT:
        AcceptedAnswer.objects.create(question=question, key="v", text="Virchow", fraction=1)
    return question


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
