"""A key point that a later step still asks about is not quoted in an earlier step's feedback."""

import pytest
from django.urls import reverse

from cases.models import KeyPoint
from quiz.models import Attempt, Question
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post

pytestmark = pytest.mark.django_db

Kind = Question.Kind


def start(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    return Attempt.objects.get(quiz=quiz)


def answer(client, attempt: Attempt, position: int) -> str:
    step = attempt.quiz.steps.get(position=position)
    url = reverse("quiz:step", args=[attempt.token, position])
    client.post(url, step_post(attempt, step, answers_for(step, attempt, key_answer), 1))
    attempt.refresh_from_db()
    return client.get(url).content.decode()


def test_a_key_point_both_steps_ask_about_is_quoted_only_once_the_later_step_is_answered(client):
    quiz = make_quiz(steps=2, kinds=[Kind.SINGLE_BEST])  # one key point, used by both steps' questions
    point = KeyPoint.objects.get(case=quiz.case)
    attempt = start(client, quiz)

    first = answer(client, attempt, 1)
    assert "You scored" in first
    assert point.quote not in first and point.statement not in first
    assert "quoted once you have answered the steps that still ask about it" in first

    second = answer(client, attempt, 2)
    assert point.quote in second
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert review.count(point.quote) == 2  # under both steps' questions


def test_a_key_point_no_later_step_asks_about_is_quoted_at_once(client):
    quiz = make_quiz(steps=2, kinds=[Kind.SINGLE_BEST])
    point = KeyPoint.objects.get(case=quiz.case)
    later = Question.objects.get(step__quiz=quiz, step__position=2)
    later.key_points.clear()
    for item in [*later.options.all(), *later.zones.all(), *later.accepted_answers.all()]:
        item.key_points.clear()
    attempt = start(client, quiz)

    first = answer(client, attempt, 1)
    assert point.quote in first
    assert "still ask about it" not in first
