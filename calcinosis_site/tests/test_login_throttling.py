"""Login throttling: five wrong passwords lock one username from one address for the cool-off period, and
thirty wrong passwords from one address, whatever the usernames, lock that address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long and right password"
HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def colleague():
    return get_user_model().objects.create_user("colleague", password=PASSWORD, is_staff=True)


def log_in(client, username, password, address=HOME, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def fail_five_times(client, username="editor", address=HOME, **headers):
    return [log_in(client, username, "wrong", address, **headers).status_code for _ in range(5)]


def test_five_wrong_passwords_lock_that_username_from_that_address(client, editor):
    statuses = fail_five_times(client)

    assert statuses[:4] == [200, 200, 200, 200]  # the login form again, with an error
    locked = log_in(client, "editor", PASSWORD)
    assert locked.status_code == 429
    assert not logged_in(client)
    page = locked.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "with this username from your connection is paused for 15 minutes" in page
    assert 'class="navbar-brand' in page and "css/site.css" in page  # the site's own page, not a bare message


def test_the_lock_lifts_after_the_cool_off_period(client, editor):
    fail_five_times(client)
    assert log_in(client, "editor", PASSWORD).status_code == 429

    # Sixteen minutes pass (the attempts are dated back; axes compares their time with now).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_another_username_from_the_same_address_is_not_locked(client, editor, colleague):
    fail_five_times(client, "editor")

    assert log_in(client, "colleague", "wrong").status_code == 200
    assert log_in(client, "colleague", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_same_username_from_another_address_is_not_locked(client, editor):
    fail_five_times(client, "editor", HOME)

    assert log_in(client, "editor", PASSWORD, ELSEWHERE).status_code == 302


def test_a_successful_login_resets_the_count(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_behind_nginx_each_browser_is_counted_by_its_own_address(client, settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request reaches gunicorn from nginx on loopback; nginx appends the browser's address.
    fail_five_times(client, "editor", "127.0.0.1", **{"X-Forwarded-For": HOME})

    # A browser that claims another address is still counted at the address nginx saw.
    forged = log_in(client, "editor", PASSWORD, "127.0.0.1", **{"X-Forwarded-For": f"{ELSEWHERE}, {HOME}"})
    assert forged.status_code == 429
    other_browser = log_in(client, "editor", PASSWORD, "127.0.0.1", **{"X-Forwarded-For": ELSEWHERE})
    assert other_browser.status_code == 302


def test_the_learners_sign_in_page_is_throttled_too(client, editor):
    for _ in range(5):
        client.post(reverse("login"), {"username": "editor", "password": "wrong"}, REMOTE_ADDR=HOME)

    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=HOME)

    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def spray(client, count, address=HOME, password="Winter2026!"):
    """One password tried on `count` different usernames from one address; the statuses."""
    return [log_in(client, f"learner{n}", password, address).status_code for n in range(count)]


def test_one_password_tried_on_many_usernames_from_one_address_locks_that_address(client, settings, editor):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT

    statuses = spray(client, limit)

    assert statuses[:-1] == [200] * (limit - 1)  # no username failed more than once
    assert statuses[-1] == 429
    # Every username from that address is paused, even with the right password.
    locked = log_in(client, "editor", PASSWORD)
    assert locked.status_code == 429
    assert not logged_in(client)
    page = locked.content.decode()
    assert f"After {limit} wrong passwords from your connection" in page
    assert "paused for 15 minutes" in page


def test_spraying_from_one_address_does_not_lock_another_address(client, settings, editor):
    spray(client, settings.LOGIN_ADDRESS_FAILURE_LIMIT, HOME)

    assert log_in(client, "editor", PASSWORD, ELSEWHERE).status_code == 302
    assert logged_in(client)


def test_a_class_behind_one_address_making_a_few_typos_each_is_not_locked(client, settings, editor):
    # Below the address's limit: learners sharing a NAT'd address, each mistyping a password or a username.
    spray(client, settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)

    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_a_successful_sign_in_does_not_forget_the_addresss_failures_on_other_usernames(client, settings, editor):
    # An attacker with one account of their own signs in between guesses: that must not wipe the count.
    spray(client, settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()

    assert log_in(client, "someone-else", "Winter2026!").status_code == 429


def test_a_successful_sign_in_forgets_only_that_usernames_failures(client, editor, colleague):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "colleague", PASSWORD).status_code == 302
    client.logout()

    assert log_in(client, "editor", "wrong").status_code == 429


def test_the_address_lock_lifts_after_the_cool_off_period(client, settings, editor):
    spray(client, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert log_in(client, "editor", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_the_address_limit_comes_from_the_settings(client, settings, editor):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 7

    assert spray(client, 7) == [200] * 6 + [429]
