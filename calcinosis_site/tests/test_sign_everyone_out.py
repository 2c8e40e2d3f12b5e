"""After an upgrade that changes what sessions hold, every session is ended (docs/deployment.md, "Upgrading")."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_sign_everyone_out_ends_every_session_expired_or_not():
    editor = get_user_model().objects.create_user("editor", password="a long and right password", is_staff=True)
    signed_in = Client()
    signed_in.force_login(editor)
    signed_out = Client()
    session = signed_out.session
    session["learner-data"] = "their attempts' key"
    session.save()
    assert Session.objects.count() == 2
    assert signed_in.get("/admin/").status_code == 200

    out = StringIO()
    call_command("sign_everyone_out", stdout=out)

    assert "Ended 2 session(s): everyone is signed out." in out.getvalue()
    assert not Session.objects.exists()
    assert signed_in.get("/admin/").status_code == 302  # to the sign-in page
    assert signed_out.session.get("learner-data") is None


def test_clearsessions_would_not_have_done_it():
    # Why the upgrade note names this command: Django's clearsessions keeps sessions that have not expired.
    Client().force_login(get_user_model().objects.create_user("editor", password="a long and right password"))

    call_command("clearsessions")

    assert Session.objects.count() == 1
