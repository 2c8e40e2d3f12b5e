"""Signing in or signing up keeps what the learner did signed out ("Sign in to keep it with your
account" used to lose the attempt in progress).

The learner starts the demo quiz signed out, answers step 1, follows the link on the quiz page, signs in (or
makes an account and confirms its address in the same browser), and finds their attempt at the same address.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from quiz.models import Attempt
from quiz.tests.helpers import load_demo_quiz
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db
PASSWORD = "a long learner password"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # allauth counts sign-ups in the cache, which outlives a test
    yield
    cache.clear()


def link_on_quiz_page(client, quiz) -> str:
    """The "Sign in … to keep it with your account" link on the quiz page, as the learner clicks it."""
    page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    assert "to keep it with your account" in page
    return re.search(r'href="(/accounts/login/\?next=[^"]+)"', page).group(1).replace("&amp;", "&")


def start_and_answer_step_1(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    assert "Step 2 of" in client.get(reverse("quiz:step", args=[attempt.token, 2])).content.decode()
    return quiz, attempt


def assert_the_attempt_is_theirs_at_the_same_address(client, attempt, user):
    step_2 = client.get(reverse("quiz:step", args=[attempt.token, 2]))
    assert step_2.status_code == 200
    assert "Step 2 of" in step_2.content.decode()
    step_1 = client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
    assert "Correct" in step_1  # their answer to step 1, with its feedback
    attempt.refresh_from_db()
    assert attempt.user == user and attempt.owner_hash == ""
    # The account holds it now, not the browser: signed out, the address is no longer theirs.
    client.post(reverse("logout"))
    assert client.get(reverse("quiz:step", args=[attempt.token, 2])).status_code == 404


def test_signing_in_from_the_quiz_page_keeps_the_attempt_at_its_address(client, django_user_model):
    learner = django_user_model.objects.create_user("learner", "learner@example.org", PASSWORD)
    quiz, attempt = start_and_answer_step_1(client)
    login_url = link_on_quiz_page(client, quiz)
    old_key = client.session.session_key

    signed_in = client.post(login_url, {"username": "learner", "password": PASSWORD})

    assert signed_in.status_code == 302 and signed_in.url == reverse("quiz:start", args=[quiz.slug])
    assert client.session.session_key != old_key, "the session key rotates at sign-in"
    page = client.get(signed_in.url).content.decode()
    assert "in progress, at step 2" in page
    assert_the_attempt_is_theirs_at_the_same_address(client, attempt, learner)


def test_signing_in_with_the_email_address_keeps_the_attempt_too(client, django_user_model):
    learner = django_user_model.objects.create_user("learner", "learner@example.org", PASSWORD)
    quiz, attempt = start_and_answer_step_1(client)

    client.post(link_on_quiz_page(client, quiz), {"username": "learner@example.org", "password": PASSWORD})

    assert_the_attempt_is_theirs_at_the_same_address(client, attempt, learner)


def test_signing_up_from_the_quiz_page_keeps_the_attempt_at_its_address(client, django_user_model, settings):
    settings.SIGNUP_OPEN = True
    quiz, attempt = start_and_answer_step_1(client)
    sign_in_page = client.get(link_on_quiz_page(client, quiz)).content.decode()
    signup_url = re.search(r'href="([^"]+)">Create an account', sign_in_page).group(1).replace("&amp;", "&")

    made = client.post(signup_url, {"email": "new.learner@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert made.status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).user is None, "not yet: the address is not confirmed"

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    confirmed = client.post(link)
    assert confirmed.status_code == 302

    learner = django_user_model.objects.get(email="new.learner@example.org")
    assert client.session["_auth_user_id"] == str(learner.pk), "confirming the address signs the learner in"
    assert_the_attempt_is_theirs_at_the_same_address(client, attempt, learner)
