"""Two submissions of the same step at the same moment record exactly one answer, with no error page.

Runs on PostgreSQL, where requests really run in parallel: each thread has its own connection and
the attempt's row lock (SELECT ... FOR UPDATE) plus the unique constraint on (step, question, try)
decide which one counts.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, Response
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("answer", [key_answer, wrong_answer])
def test_concurrent_submissions_record_one_answer(answer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write")
    quiz = load_demo_quiz(max_tries=3)
    client = Client()
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    step = quiz.steps.get(position=2)
    Attempt.objects.filter(pk=attempt.pk).update(current_position=2)
    data = step_post(attempt, step, answers_for(step, attempt, answer), 1)
    url = reverse("quiz:step", args=[attempt.token, 2])
    cookies = client.cookies

    barrier = threading.Barrier(4)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def submit():
        try:
            browser = Client()
            browser.cookies = cookies
            barrier.wait(timeout=10)
            statuses.append(browser.post(url, data).status_code)
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(statuses) == [302, 302, 302, 302]
    recorded = Response.objects.filter(step_attempt__attempt=attempt)
    assert recorded.count() == step.questions.count()
    assert set(recorded.values_list("try_number", flat=True)) == {1}
