"""Creating learners in bulk from a CSV file: good rows are created, each bad row is named, nothing half-made."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts import services
from accounts.models import Cohort
from accounts.services import Site, create_learners_from_csv

pytestmark = pytest.mark.django_db

SITE = Site(domain="cases.example.org")


def upload(client, text: str | bytes, **data):
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("admin:auth_user_upload"),
        {"file": SimpleUploadedFile("learners.csv", content, content_type="text/csv"), **data},
    )


def test_good_rows_are_created_and_each_bad_row_is_named_with_its_line(
    team_client, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_user("taken@example.org", "taken@example.org", "pw")
    cohort = Cohort.objects.create(name="MBBS Year 3, 2026")
    csv_text = (
        "Name,Email,is_staff,is_superuser\n"  # columns that would raise rights are ignored
        "Ada Lovelace,ada@example.org,1,1\n"
        "Bad Address,not-an-email,,\n"
        "Grace Hopper,grace@example.org,,\n"
        "Ada Again,ADA@example.org,,\n"
        "Taken,taken@example.org,,\n"
        ",nameless@example.org,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(team_client, csv_text, cohort=cohort.pk)
    page = response.content.decode()

    created = django_user_model.objects.filter(email__in=["ada@example.org", "grace@example.org"])
    assert sorted(created.values_list("first_name", flat=True)) == ["Ada Lovelace", "Grace Hopper"]
    for user in created:
        assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
        assert list(user.cohorts.all()) == [cohort]
    assert "Created: 2 learners" in page
    assert "Not created: 4 lines" in page
    for line, reason in [
        (3, "not a valid e-mail address"),
        (5, "this e-mail address is on an earlier line of the file"),
        (6, "an account with this e-mail address already exists"),
        (7, "no name"),
    ]:
        assert f"<tr><td>{line}</td>" in page and reason in page
    assert not django_user_model.objects.filter(email__in=["not-an-email", "nameless@example.org"]).exists()
    assert django_user_model.objects.filter(email__iexact="ada@example.org").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "grace@example.org"]


def test_first_and_last_name_columns(django_user_model):
    result = create_learners_from_csv(text="first name,last name,e-mail\nAda,Lovelace,ada@example.org\n", site=SITE)
    assert [(u.first_name, u.last_name, u.username) for u in result.created] == [("Ada", "Lovelace", "ada@example.org")]


def test_a_row_failing_in_the_database_leaves_no_half_made_account(monkeypatch, django_user_model):
    """A failure after the account row is written (here: recording its address) rolls that account back."""
    real = services.record_verified_address

    def failing(user):
        if user.email == "grace@example.org":
            raise IntegrityError("made meanwhile")
        real(user)

    monkeypatch.setattr(services, "record_verified_address", failing)
    cohort = Cohort.objects.create(name="Year 3")
    result = create_learners_from_csv(
        text="name,email\nAda,ada@example.org\nGrace,grace@example.org\nAlan,alan@example.org\n",
        cohort=cohort,
        site=SITE,
    )
    assert [u.email for u in result.created] == ["ada@example.org", "alan@example.org"]
    assert [(p.line, p.email) for p in result.problems] == [(3, "grace@example.org")]
    assert not django_user_model.objects.filter(email="grace@example.org").exists()
    assert sorted(cohort.members.values_list("email", flat=True)) == ["ada@example.org", "alan@example.org"]


def test_a_file_without_the_columns_creates_nobody(team_client, django_user_model):
    before = django_user_model.objects.count()
    page = upload(team_client, "ada@example.org,Ada\n").content.decode()
    assert "Not created: 1 line" in page and "The first row must name the columns" in page
    assert django_user_model.objects.count() == before


def test_a_file_that_is_not_utf8_is_refused_politely(team_client, django_user_model):
    before = django_user_model.objects.count()
    response = upload(team_client, "name,email\nJosé,jose@example.org\n".encode("utf-16"))
    assert response.status_code == 200
    assert "save it as &#x27;CSV UTF-8&#x27;" in response.content.decode()
    assert django_user_model.objects.count() == before


def test_the_upload_page_is_linked_from_the_user_list(team_client):
    listing = team_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert reverse("admin:auth_user_upload") in listing
