"""Quiz pages make the same number of queries however many steps, questions, options and figures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quiz.models import Attempt, Question
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post

pytestmark = pytest.mark.django_db


def count_queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code in (200, 302), url
    return len(queries)


def finished_attempt(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    for step in quiz.steps.order_by("position"):
        client.post(reverse("quiz:step", args=[attempt.token, step.position]),
                    step_post(attempt, step, answers_for(step, attempt, key_answer), 1))  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def step_and_review_queries(client, quiz) -> tuple[int, int, int]:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    step_page = count_queries(client, "get", reverse("quiz:step", args=[attempt.token, 1]))
    finished = finished_attempt(client, quiz)
    done_page = count_queries(client, "get", reverse("quiz:step", args=[finished.token, 1]))
    review = count_queries(client, "get", reverse("quiz:review", args=[finished.token]))
    return step_page, done_page, review


def test_step_and_review_pages_do_not_grow_with_the_quiz(client):
    small = step_and_review_queries(client, make_quiz(steps=1, kinds=list(Question.Kind), figures=1))
    large = step_and_review_queries(client, make_quiz(steps=6, kinds=list(Question.Kind) * 3, figures=8))
    assert small == large


def test_submitting_a_step_does_not_grow_with_its_questions(client):
    def submit_queries(quiz):
        client.post(reverse("quiz:start", args=[quiz.slug]))
        attempt = Attempt.objects.latest("started_at")
        step = quiz.steps.get(position=1)
        data = step_post(attempt, step, answers_for(step, attempt, key_answer), 1)
        return count_queries(client, "post", reverse("quiz:step", args=[attempt.token, 1]), data)

    every_kind_once = submit_queries(make_quiz(steps=2, kinds=list(Question.Kind)))
    every_kind_thrice = submit_queries(make_quiz(steps=2, kinds=list(Question.Kind) * 3))
    assert every_kind_once == every_kind_thrice
