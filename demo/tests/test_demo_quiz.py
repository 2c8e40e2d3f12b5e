"""The demo quiz follows the report's reasoning and every answer it scores rests on a key point."""

import pytest

from quiz.keys import authoring_problems
from quiz.models import Question
from quiz.tests.helpers import load_demo_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return load_demo_quiz()


def test_demo_quiz_has_six_steps_eight_questions_and_every_kind(quiz):
    questions = Question.objects.filter(step__quiz=quiz)
    assert quiz.steps.count() >= 6
    assert questions.count() >= 8
    assert set(questions.values_list("kind", flat=True)) == set(Question.Kind.values)


def test_every_demo_question_passes_its_graders_rules(quiz):
    for question in Question.objects.filter(step__quiz=quiz).prefetch_related("options", "zones", "accepted_answers"):
        assert authoring_problems(question) == [], question


def test_every_option_zone_and_answer_is_grounded_in_a_key_point(quiz):
    for question in Question.objects.filter(step__quiz=quiz):
        assert question.key_points.exists(), question
        for item in [*question.options.all(), *question.zones.all(), *question.accepted_answers.all()]:
            points = list(item.key_points.all())
            assert points, f"{question}: {item} has no key point"
            assert all(p.case_id == quiz.case_id for p in points)


def test_hotspot_question_marks_a_figure_revealed_by_then(quiz):
    question = Question.objects.get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    assert question.figure.label in {"1C", "1D"}
    assert question.step.reveals_figures.filter(pk=question.figure_id).exists()


def test_discussion_is_never_revealed_before_the_questions_it_answers(quiz):
    revealed_kinds = set()
    for step in quiz.steps.order_by("position"):
        revealed_kinds |= set(step.reveals_sections.values_list("kind", flat=True))
        assert "discussion" not in revealed_kinds, f"step {step.position} shows the discussion"


def test_loading_the_demo_twice_keeps_one_quiz_and_its_attempts(client):
    from django.urls import reverse

    from quiz.models import Attempt, Quiz

    quiz = load_demo_quiz()
    client.post(reverse("quiz:start", args=[quiz.slug]))
    load_demo_quiz()
    assert Quiz.objects.count() == 1
    assert Attempt.objects.count() == 1
