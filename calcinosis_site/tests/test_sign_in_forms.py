"""Both sign-in pages check the username's length before anything else sees it.

An overlong username used to reach django-axes, which stores it in a 255-character column: a server error on
PostgreSQL (value too long for type character varying(255)) before anyone had signed in.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from calcinosis_site.login_throttling import attempted_username

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ["login", "admin:login"]
OVERLONG = "u" * 300


def post_overlong_username(page):
    client = Client(raise_request_exception=False)
    response = client.post(reverse(page), {"username": OVERLONG, "password": "wrong", "next": "/"})
    return client, response


def assert_a_form_error_and_nothing_recorded(client, response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 150 characters (it has 300)." in page
    assert OVERLONG in page  # the form comes back filled in, to be corrected
    assert not AccessAttempt.objects.exists()  # the username never reached django-axes
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_an_overlong_username_is_a_form_error(page):
    assert_a_form_error_and_nothing_recorded(*post_overlong_username(page))


@pytest.mark.postgres
@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_an_overlong_username_is_a_form_error_on_postgresql(page):
    # PostgreSQL enforces the column's length; SQLite does not, so this is where the 500 happened.
    assert connection.vendor == "postgresql"
    assert_a_form_error_and_nothing_recorded(*post_overlong_username(page))


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_a_username_of_the_longest_allowed_length_is_an_ordinary_wrong_login(page):
    client = Client(raise_request_exception=False)
    username = "u" * 150

    response = client.post(reverse(page), {"username": username, "password": "wrong", "next": "/"})

    assert response.status_code == 200
    assert "at most 150 characters" not in response.content.decode()
    assert AccessAttempt.objects.get().username == username  # counted towards the lockout, as any failure


def test_the_learners_page_says_the_username_is_too_long_not_that_the_password_is_wrong():
    _, response = post_overlong_username("login")

    assert "do not match" not in response.content.decode()


def test_a_wrong_password_still_gets_the_learners_page_general_message():
    response = Client().post(reverse("login"), {"username": "someone", "password": "wrong"})

    assert response.status_code == 200
    assert "That username and password do not match." in response.content.decode()


def test_the_right_password_still_signs_in_on_both_pages():
    get_user_model().objects.create_user("editor", password="a long and right password", is_staff=True)
    for page in SIGN_IN_PAGES:
        client = Client()
        response = client.post(reverse(page), {"username": "editor", "password": "a long and right password"})
        assert response.status_code == 302, page
        assert client.session["_auth_user_id"]


def assert_authenticate_with_an_overlong_username_records_it_cut_to_the_column():
    request = RequestFactory().post("/elsewhere/", REMOTE_ADDR="203.0.113.5")

    assert authenticate(request, username=OVERLONG, password="wrong") is None

    assert AccessAttempt.objects.get().username == "u" * 255


def test_any_other_way_into_authenticate_records_an_overlong_username_cut_to_the_column():
    assert_authenticate_with_an_overlong_username_records_it_cut_to_the_column()


@pytest.mark.postgres
def test_any_other_way_into_authenticate_records_an_overlong_username_cut_to_the_column_on_postgresql():
    assert connection.vendor == "postgresql"
    assert_authenticate_with_an_overlong_username_records_it_cut_to_the_column()


def test_the_recorded_username_comes_from_the_post_when_axes_has_no_credentials():
    request = RequestFactory().post("/", {"username": OVERLONG})

    assert attempted_username(request, None) == "u" * 255
    assert attempted_username(request, {"username": "editor"}) == "editor"
    assert attempted_username(RequestFactory().post("/", {}), None) is None
