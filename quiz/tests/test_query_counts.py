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


def test_a_submission_reads_the_steps_questions_once(client):
    """The form and the grading share one read of the questions (options, zones and accepted answers with it)."""
    quiz = make_quiz(steps=2, kinds=list(Question.Kind) * 2)
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    step = quiz.steps.get(position=1)
    data = step_post(attempt, step, answers_for(step, attempt, key_answer), 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("quiz:step", args=[attempt.token, 1]), data)
    assert response.status_code == 302
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    for table in ("quiz_question", "quiz_option", "quiz_zone", "quiz_acceptedanswer"):
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 1, table
    # A submission that goes on to the next step draws no page, so it does not read the case so far.
    assert not [sql for sql in reads if 'FROM "cases_section"' in sql or 'FROM "quiz_step_reveals' in sql]


def test_step_pages_with_shared_fragments_do_not_grow_with_the_quiz(client, settings):
    """With the case so far kept as a fragment, a learner's step page makes the same queries at any size."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()

    def step_page_queries(quiz) -> tuple[int, int]:
        client.post(reverse("quiz:start", args=[quiz.slug]))
        attempt = Attempt.objects.latest("started_at")
        url = reverse("quiz:step", args=[attempt.token, 1])
        return count_queries(client, "get", url), count_queries(client, "get", url)

    small = step_page_queries(make_quiz(steps=1, kinds=list(Question.Kind), figures=1))
    large = step_page_queries(make_quiz(steps=6, kinds=list(Question.Kind) * 3, figures=8))
    cache.clear()
    assert small == large
    assert small[1] < small[0], "the kept fragment saves the reads of the case so far"
