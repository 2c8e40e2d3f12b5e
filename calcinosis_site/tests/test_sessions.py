"""Session lifetimes: an idle timeout for every session (days signed out, hours signed in), moved forward by
use at most every few minutes, and a fixed lifetime for a signed-in session, after which the user is signed out.

The clock is django.utils.timezone.now, which the session backend and calcinosis_site.sessions both read.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calcinosis_site.sessions import SIGNED_IN_AT
from quiz.tests.helpers import load_demo_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long and right password"


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def start_anonymous_session(client):
    """A signed-out learner's session, holding what the quiz keeps there (the key to their attempts)."""
    session = client.session
    session["learner-data"] = "their attempts' key"
    session.save()


def learner_data(client):
    return client.session.get("learner-data")


def sign_in(client):
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def stored_expiry(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_the_defaults_are_days_signed_out_and_hours_signed_in():
    assert settings.SESSION_COOKIE_AGE == 7 * 24 * 3600
    assert settings.SESSION_SIGNED_IN_IDLE == timedelta(hours=2)
    assert settings.SESSION_SIGNED_IN_MAX_AGE == timedelta(hours=12)
    assert settings.SESSION_REFRESH_INTERVAL == timedelta(minutes=5)


def test_a_signed_out_learners_session_lasts_while_used_and_ends_after_a_week_without_use(client, clock):
    start_anonymous_session(client)

    clock.advance(days=6)
    client.get("/")
    clock.advance(days=6)  # twelve days after it began, six after its last use
    client.get("/")
    assert learner_data(client) == "their attempts' key"

    clock.advance(days=7, minutes=1)
    assert learner_data(client) is None
    client.get("/")
    assert learner_data(client) is None


def test_requests_within_a_few_minutes_do_not_write_the_session(client, clock):
    start_anonymous_session(client)
    client.get("/")
    expiry = stored_expiry(client)
    assert expiry == clock.now + timedelta(days=7)

    clock.advance(minutes=4)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []
    assert stored_expiry(client) == expiry

    clock.advance(minutes=2)  # six minutes after the last write
    client.get("/")
    assert stored_expiry(client) == clock.now + timedelta(days=7)


def test_a_session_a_page_has_just_saved_is_not_written_again_at_the_next_request(client, clock):
    quiz = load_demo_quiz()
    client.post(reverse("quiz:start", args=[quiz.slug]))  # a new session, holding the key to the attempt
    clock.advance(seconds=10)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("quiz:start", args=[quiz.slug]))

    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []


def test_a_visitor_without_a_session_is_not_given_one(client, clock):
    response = client.get("/")

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def test_a_cookie_naming_no_session_starts_none(client, clock):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"

    client.get("/")

    assert not Session.objects.exists()


def test_a_signed_in_session_ends_after_two_hours_without_use(client, clock, editor):
    sign_in(client)
    assert stored_expiry(client) == clock.now + timedelta(hours=2)  # not the signed-out week

    clock.advance(minutes=110)
    assert client.get("/admin/").status_code == 200
    clock.advance(minutes=110)  # used 110 minutes ago: still signed in
    assert client.get("/admin/").status_code == 200

    clock.advance(minutes=121)
    assert not signed_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_signed_in_session_ends_twelve_hours_after_signing_in_however_busy(client, clock, editor):
    sign_in(client)

    for _ in range(7):  # a request every 100 minutes, for 11 hours 40 minutes
        clock.advance(minutes=100)
        assert client.get("/admin/").status_code == 200

    clock.advance(minutes=20)
    response = client.get("/admin/", follow=True)

    assert not signed_in(client)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert "You were signed out: a sign-in lasts 12 hours. Sign in again." in response.content.decode()
    sign_in(client)  # and signing in again starts a new twelve hours
    clock.advance(hours=1)
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_session_from_before_this_policy_is_signed_out(client, clock, editor):
    client.force_login(editor)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()

    client.get("/")

    assert not signed_in(client)


def test_the_lifetimes_come_from_the_settings(client, clock, editor, settings):
    settings.SESSION_SIGNED_IN_IDLE = timedelta(minutes=30)
    settings.SESSION_SIGNED_IN_MAX_AGE = timedelta(hours=1)
    sign_in(client)

    clock.advance(minutes=25)
    assert client.get("/admin/").status_code == 200
    clock.advance(minutes=31)
    assert not signed_in(client)

    sign_in(client)
    for _ in range(3):
        clock.advance(minutes=20)
        client.get("/admin/")
    assert not signed_in(client)
