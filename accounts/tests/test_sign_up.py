"""Self sign-up, e-mail verification and password reset.

Sign-up is a site setting (SIGNUP_OPEN, off on a server unless turned on) that may be restricted to addresses at
given domains (SIGNUP_EMAIL_DOMAINS). Nobody signs in before confirming their address; nothing the pages say,
and nothing in how they answer, tells a visitor whether an address has an account.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long learner password"
SIGN_UP = "/accounts/signup/"
RESET = "/accounts/password/reset/"


@pytest.fixture
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # allauth counts sign-ups and resets in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def open_sign_up(settings):
    settings.SIGNUP_OPEN = True
    settings.SIGNUP_EMAIL_DOMAINS = []
    return settings


def sign_up(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_UP, {"email": email, "password1": password, "password2": password}, **extra)


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("login"), {"username": login, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", message.body).group(1)


def test_sign_up_is_off_unless_the_site_turns_it_on(client, settings):
    settings.SIGNUP_OPEN = False

    page = client.get(SIGN_UP).content.decode()
    assert "Accounts are made by your course team" in page
    sign_up(client, "someone@example.org")
    assert not get_user_model().objects.exists()
    assert not mail.outbox
    sign_in_page = client.get(reverse("login")).content.decode()
    assert "Create an account" not in sign_in_page
    assert "Ask your course team" in sign_in_page
    assert "Forgot your password?" in sign_in_page


def test_sign_up_when_on_asks_for_the_address_and_a_password_only(client, open_sign_up):
    sign_in_page = client.get(reverse("login")).content.decode()
    assert 'href="/accounts/signup/">Create an account</a>' in sign_in_page

    page = client.get(SIGN_UP).content.decode()
    assert "<h1>Create an account</h1>" in page
    assert re.findall(r'name="(email|password1|password2|username)"', page) == ["email", "password1", "password2"]
    assert re.search(r'<label\s+for="id_email"[^>]*>\s*E-mail address', page)


def test_a_new_account_signs_in_only_once_its_address_is_confirmed(client, open_sign_up):
    made = sign_up(client, "Ada.Learner@Example.org")
    assert made.status_code == 302
    assert "Check your e-mail" in client.get(made.url).content.decode()
    learner = get_user_model().objects.get()
    assert learner.email == "ada.learner@example.org" and learner.has_usable_password()
    assert not signed_in(client)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada.learner@example.org"]

    # Not yet confirmed: the right password does not sign in; another e-mail is not sent within minutes.
    refused = sign_in(client, "Ada.Learner@Example.org")
    assert not signed_in(client)
    assert "Check your e-mail" in client.get(refused.url).content.decode()

    link = link_in(mail.outbox[0], "/accounts/confirm-email/")
    page = client.get(link).content.decode()
    assert "ada.learner@example.org" in page and "Confirm my address" in page
    assert not EmailAddress.objects.get().verified, "opening the link (a mail scanner may) confirms nothing"
    client.post(link)
    assert EmailAddress.objects.get().verified
    assert signed_in(client)

    client.post(reverse("logout"))
    assert sign_in(client, "ada.learner@example.org").status_code == 302
    assert signed_in(client)


def test_a_broken_or_used_confirmation_link_says_so(client, open_sign_up):
    page = client.get("/accounts/confirm-email/not-a-real-key/").content.decode()
    assert "This link has expired or has already been used" in page


def test_django_password_validators_apply_at_sign_up(client, open_sign_up):
    page = sign_up(client, "someone@example.org", password="password").content.decode()
    assert "This password is too common." in page
    page = sign_up(client, "someone@example.org", password="short1").content.decode()
    assert "at least 8 characters" in page
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("student@example.ac.uk", True),
        ("Student@EXAMPLE.AC.UK", True),
        ("student@med.example.ac.uk", True),
        ("student@gmail.com", False),
        ("student@notexample.ac.uk", False),
        ("student@example.ac.uk.evil.org", False),
    ],
)
def test_sign_up_may_be_restricted_to_the_universitys_domains(client, open_sign_up, email, allowed):
    open_sign_up.SIGNUP_EMAIL_DOMAINS = ["example.ac.uk"]

    response = sign_up(client, email)

    assert get_user_model().objects.filter(email__iexact=email).exists() == allowed
    if not allowed:
        assert response.status_code == 200
        assert "Accounts here are for addresses ending in @example.ac.uk." in response.content.decode()
        assert not mail.outbox


def test_the_domain_rule_does_not_stop_a_staff_made_account_resetting_its_password(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["example.ac.uk"]
    get_user_model().objects.create_user("visiting.lecturer", "lecturer@elsewhere.org", PASSWORD)

    assert client.post(RESET, {"email": "lecturer@elsewhere.org"}).status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_signing_up_with_a_known_address_looks_the_same_and_makes_no_second_account(client, open_sign_up):
    get_user_model().objects.create_user("taken", "taken@example.org", "an older password")
    EmailAddress.objects.create(user=get_user_model().objects.get(), email="taken@example.org", verified=True)

    known = sign_up(client, "taken@example.org")
    other_browser = type(client)()
    unknown = sign_up(other_browser, "fresh@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The same page, but for the address each typed (shown back to them in a message).
    known_page = client.get(known.url).content.decode().replace("taken@example.org", "ADDRESS")
    unknown_page = other_browser.get(unknown.url).content.decode().replace("fresh@example.org", "ADDRESS")
    assert "Check your e-mail" in known_page
    assert re.sub(r'value="[^"]+"', "", known_page) == re.sub(r'value="[^"]+"', "", unknown_page)
    assert get_user_model().objects.filter(email__iexact="taken@example.org").count() == 1
    # Each address gets one e-mail: the owner of the known one is told an account exists, and how to reset.
    assert sorted(m.to[0] for m in mail.outbox) == ["fresh@example.org", "taken@example.org"]
    taken_mail = next(m for m in mail.outbox if m.to == ["taken@example.org"])
    assert "/accounts/password/reset/" in taken_mail.body


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    get_user_model().objects.create_user("learner", "learner@example.org", PASSWORD)

    known = client.post(RESET, {"email": "learner@example.org"})
    unknown = client.post(RESET, {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    page = client.get(known.url).content.decode()
    assert "If that address belongs to an account here" in page
    # Both send one e-mail, so neither answers faster: the unknown address is told no account uses it.
    assert sorted(m.to[0] for m in mail.outbox) == ["learner@example.org", "nobody@example.org"]
    assert "/accounts/password/reset/key/" not in next(m for m in mail.outbox if m.to == ["nobody@example.org"]).body


def test_a_learner_resets_a_forgotten_password_through_the_emailed_link(client):
    get_user_model().objects.create_user("learner", "learner@example.org", "the forgotten password")
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()

    client.post(RESET, {"email": "learner@example.org"})
    link = link_in(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link

    weak = client.post(action, {"password1": "password", "password2": "password"})
    assert "This password is too common." in weak.content.decode()
    done = client.post(action, {"password1": "a brand new password", "password2": "a brand new password"})
    assert done.status_code == 302

    assert sign_in(client, "learner", "the forgotten password").status_code == 200
    assert not signed_in(client)
    new = sign_in(client, "learner", "a brand new password")
    assert new.status_code == 302 and new.url == "/"
    assert signed_in(client), "the reset link proved the address: nothing more to confirm"
    # The link is spent.
    client.post(reverse("logout"))
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_reset_requests_for_one_address_are_throttled(client):
    get_user_model().objects.create_user("learner", "learner@example.org", PASSWORD)

    statuses = [client.post(RESET, {"email": "learner@example.org"}).status_code for _ in range(6)]

    assert statuses == [302] * 5 + [429]
    assert len(mail.outbox) == 5
    # Another address from elsewhere is not held up by it.
    other = client.post(RESET, {"email": "other@example.org"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_sign_ups_from_one_address_are_throttled(client, open_sign_up):
    statuses = [sign_up(client, f"learner{n}@example.org").status_code for n in range(21)]

    assert statuses == [302] * 20 + [429]
    assert get_user_model().objects.count() == 20
    assert sign_up(client, "elsewhere@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_wrong_passwords_with_an_email_address_are_throttled_like_a_username(client, django_user_model):
    django_user_model.objects.create_user("learner", "learner@example.org", PASSWORD)

    statuses = [sign_in(client, "learner@example.org", "wrong").status_code for _ in range(5)]
    locked = sign_in(client, "learner@example.org")

    assert statuses == [200] * 4 + [429]  # as on the admin's page: the fifth wrong password locks
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert not signed_in(client)


def test_a_staff_made_account_signs_in_without_an_address_to_confirm(client, django_user_model):
    django_user_model.objects.create_user("educator.two", password=PASSWORD, is_staff=True)

    assert sign_in(client, "educator.two").status_code == 302
    assert signed_in(client)
