"""Kept case pages (cases.page_cache) follow the case's quiz, and never show one visitor another's attempt."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quiz.models import Quiz
from quiz.tests.factories import Kind, make_quiz
from quiz.tests.test_walkthrough import start

pytestmark = pytest.mark.django_db

START = "Start the quiz"
PASSWORD = "a long learner password"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quiz() -> Quiz:
    return make_quiz(steps=2, kinds=(Kind.SINGLE_BEST,))


def rendered(client, url) -> tuple[str, bool]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), bool(response.templates)


def test_a_signed_out_learner_with_an_attempt_sees_their_own_panel(client, quiz):
    case_url = quiz.case.get_absolute_url()
    home = reverse("cases:list")
    stranger = Client()
    for url in (case_url, home):
        rendered(stranger, url)
        assert not rendered(stranger, url)[1], "the page was not kept"

    attempt = start(client, quiz)  # signed out: the attempt is found through a secret in this browser's session
    page, was_rendered = rendered(client, case_url)
    assert was_rendered
    assert f"Carry on at step {attempt.current_position}" in page and str(attempt.token) in page
    assert str(attempt.token) in rendered(client, home)[0]

    for url in (case_url, home):
        page, _ = rendered(stranger, url)
        assert str(attempt.token) not in page and "Carry on" not in page
    assert START in rendered(stranger, case_url)[0]


def test_the_quiz_status_shows_on_the_next_request(client, quiz):
    url = quiz.case.get_absolute_url()
    assert START in rendered(client, url)[0]
    quiz.status = "draft"
    quiz.save()
    page, _ = rendered(client, url)
    assert START not in page
    assert "Section 2" in page  # with no quiz to keep it back, the whole case
    quiz.status = "published"
    quiz.save()
    page, _ = rendered(client, url)
    assert START in page and "Section 2" not in page


def test_a_quiz_moved_to_another_case_leaves_the_old_case_at_once(client, quiz):
    from cases.tests.factories import make_case

    url = quiz.case.get_absolute_url()
    assert START in rendered(client, url)[0]
    quiz.case = make_case(title="Another case")
    quiz.save()
    page, _ = rendered(client, url)
    assert START not in page and "Section 2" in page  # no quiz left to keep the rest back
    assert START in rendered(client, quiz.case.get_absolute_url())[0]


def test_what_the_first_step_reveals_shows_on_the_next_request(client, quiz):
    url = quiz.case.get_absolute_url()
    assert "Section 2" not in rendered(client, url)[0]
    first = quiz.steps.get(position=1)
    first.reveals_sections.add(quiz.case.sections.get(position=2))
    assert "Section 2" in rendered(client, url)[0]
    first.reveals_sections.remove(quiz.case.sections.get(position=2))
    assert "Section 2" not in rendered(client, url)[0]


def test_an_exam_that_opens_shows_on_the_next_request(client, quiz):
    url = quiz.case.get_absolute_url() + "?whole=1"
    assert "Section 2" in rendered(client, url)[0]
    quiz.mode = Quiz.Mode.EXAM
    quiz.save()
    page, _ = rendered(client, url)
    assert "An exam on this case is open" in page and "Section 2" not in page


def test_a_page_kept_during_an_exam_ends_when_the_exam_closes(client, quiz):
    closes = timezone.now() + timedelta(seconds=3)
    Quiz.objects.filter(pk=quiz.pk).update(mode=Quiz.Mode.EXAM, closes_at=closes)
    cache.clear()  # update() sends no signal
    url = quiz.case.get_absolute_url() + "?whole=1"
    assert "An exam on this case is open" in rendered(client, url)[0]
    time.sleep(max(0.0, (closes - timezone.now()).total_seconds()) + 0.2)
    page, was_rendered = rendered(client, url)
    assert was_rendered
    assert "An exam on this case is open" not in page and "Section 2" in page


def test_a_learner_held_by_an_exam_never_gets_the_whole_case_kept_for_staff(client, quiz, django_user_model):
    """Staff see the whole case while an exam is open; what was kept for them is told apart by what they see."""
    quiz.mode = Quiz.Mode.EXAM
    quiz.save()
    url = quiz.case.get_absolute_url() + "?whole=1"
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("educator", password=PASSWORD, is_staff=True))
    assert "Section 2" in rendered(staff, url)[0]
    client.force_login(django_user_model.objects.create_user("learner", password=PASSWORD))
    page, _ = rendered(client, url)
    assert "An exam on this case is open" in page and "Section 2" not in page
