"""The step page keeps what every learner at a step sees alike (the case so far) and nothing of any one learner's.

With fragments on (``PAGE_CACHE_SECONDS``, on with Redis in production; the local-memory cache of one test
process stands in for it here), the case so far is read and drawn once per step and content version: an edit to
a section, a figure or a question's prompt is on the next request, and two learners still get their own
shuffled option order.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quiz.kinds import get_kind
from quiz.models import Attempt, Question
from quiz.tests.factories import make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def start(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    return Attempt.objects.latest("started_at")


def step_page(client, attempt, position=1) -> str:
    response = client.get(reverse("quiz:step", args=[attempt.token, position]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_so_far_is_read_once_for_every_learner(client):
    quiz = make_quiz(steps=2, kinds=[Question.Kind.SINGLE_BEST], figures=3)
    first = step_page(client, start(client, quiz))
    other = Client()
    attempt = start(other, quiz)
    with CaptureQueriesContext(connection) as queries:
        second = step_page(other, attempt)
    case_so_far = re.compile(r'<section class="case-so-far.*?</section>', re.S)
    assert case_so_far.search(first).group() == case_so_far.search(second).group()
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "cases_section" not in tables and "cases_figurerendition" not in tables, "read from the kept fragment"


def test_an_edited_section_is_on_the_next_step_page(client):
    quiz = make_quiz(steps=1, kinds=[Question.Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    section = quiz.steps.get(position=1).reveals_sections.get()
    assert section.heading in step_page(client, attempt)
    section.heading = "Radiographs of both elbows"
    section.body = "Several **dense** nodules."
    section.save()
    page = step_page(client, attempt)
    assert "Radiographs of both elbows" in page
    assert "Several <strong>dense</strong> nodules." in page


def test_an_edited_figure_caption_is_on_the_next_step_page(client):
    quiz = make_quiz(steps=1, kinds=[Question.Kind.SINGLE_BEST], figures=2)
    attempt = start(client, quiz)
    step_page(client, attempt)
    figure = quiz.case.figures.get(position=2)
    figure.caption = "Lateral view after six months."
    figure.save()
    assert "Lateral view after six months." in step_page(client, attempt)


def test_an_edited_prompt_is_on_the_next_step_page(client):
    quiz = make_quiz(steps=1, kinds=[Question.Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    question = Question.objects.get(step__quiz=quiz)
    assert question.prompt in step_page(client, attempt)
    question.prompt = "Which *investigation* comes first?"
    question.save()
    assert "Which <em>investigation</em> comes first?" in step_page(client, attempt)


def test_two_learners_see_their_own_option_order(client):
    quiz = make_quiz(steps=1, kinds=[Question.Kind.SINGLE_BEST])
    question = Question.objects.get(step__quiz=quiz)
    kind = get_kind(question.kind)

    def order(attempt) -> list[str]:
        return [o.text for o in kind.shown_options(attempt, question)]

    first = start(client, quiz)
    learners = []
    for _ in range(30):  # a second learner whose shuffle differs from the first's
        other = Client()
        attempt = start(other, quiz)
        if order(attempt) != order(first):
            learners = [(client, first), (other, attempt)]
            break
    assert learners, "no two shuffles differed in 30 attempts"
    for learner, attempt in learners * 2:  # the second round comes with the case so far from the cache
        form = step_page(learner, attempt).split('<form method="post"', 1)[1]
        texts = order(attempt)
        assert all(form.count(text) == 1 for text in texts), texts
        assert sorted(texts, key=form.index) == texts
