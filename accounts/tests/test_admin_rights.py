"""A course team manages learners in the admin and can never grant staff or superuser rights, groups or
permissions, nor touch a staff account: tried on every admin form that could (accounts.admin)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from accounts.models import Cohort
from accounts.roles import COURSE_TEAM_GROUP, EDUCATORS_GROUP, sync_educator_group

pytestmark = pytest.mark.django_db


# What a tampered POST adds to any user form: every field that would raise an account's rights.
def tampering() -> dict:
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(sync_educator_group().pk), str(Group.objects.get(name=COURSE_TEAM_GROUP).pk)],
        "user_permissions": [str(Permission.objects.get(codename="change_user").pk)],
    }


def assert_no_rights(user):
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("ada@example.org", "ada@example.org", "pw", first_name="Ada")


@pytest.fixture
def cohort():
    return Cohort.objects.create(name="MBBS Year 3, 2026")


def test_the_course_team_group_cannot_manage_groups_permissions_or_delete_users():
    from accounts.roles import sync_course_team_group

    codenames = set(sync_course_team_group().permissions.values_list("content_type__app_label", "codename"))
    assert ("auth", "add_user") in codenames and ("accounts", "change_cohort") in codenames
    assert not {c for c in codenames if c[1].endswith(("_group", "_permission"))}
    assert ("auth", "delete_user") not in codenames


def test_course_team_creates_a_learner_who_sets_their_password_from_the_email(
    team_client, cohort, django_user_model, django_capture_on_commit_callbacks
):
    page = team_client.get(reverse("admin:auth_user_add"))
    assert b"is_staff" not in page.content and b"is_superuser" not in page.content
    assert b'name="groups"' not in page.content and b"user_permissions" not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = team_client.post(
            reverse("admin:auth_user_add"),
            {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.org", "cohorts": [cohort.pk],
             **tampering()},
            follow=True,
        )  # fmt: skip
    assert "Created the account of Grace Hopper" in response.content.decode()
    grace = django_user_model.objects.get(email="grace@example.org")
    assert_no_rights(grace)
    assert not grace.has_usable_password()
    assert list(grace.cohorts.all()) == [cohort]

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@example.org"]
    link = re.search(r"https?://[^/\s]+(/account/set-password/\S+)", mail.outbox[0].body).group(1)
    team_client.logout()
    form_page = team_client.get(link, follow=True)
    assert "Choose your password" in form_page.content.decode()
    done = team_client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a long river of stones", "new_password2": "a long river of stones"},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    grace.refresh_from_db()
    assert grace.check_password("a long river of stones")
    # The link works once.
    assert "has expired or has already been used" in team_client.get(link, follow=True).content.decode()


def test_a_second_account_with_the_same_email_is_refused(team_client, learner, django_user_model):
    response = team_client.post(reverse("admin:auth_user_add"), {"first_name": "Ada", "email": "ADA@example.org"})
    assert "already exists" in response.content.decode()
    assert django_user_model.objects.filter(email__iexact="ada@example.org").count() == 1


def test_course_team_changes_a_learner_but_cannot_raise_their_rights(team_client, learner, cohort):
    url = reverse("admin:auth_user_change", args=[learner.pk])
    page = team_client.get(url)
    assert page.status_code == 200
    for name in (b'name="is_staff"', b'name="is_superuser"', b'name="groups"', b'name="user_permissions"'):
        assert name not in page.content
    response = team_client.post(
        url,
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "cohorts": [cohort.pk],
         **tampering()},
    )  # fmt: skip
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Lovelace"
    assert not learner.is_active  # is_active left unticked: deactivated
    assert list(learner.cohorts.all()) == [cohort]
    assert_no_rights(learner)


def test_course_team_cannot_open_or_change_staff_or_superuser_accounts(
    team_client, course_team_member, django_user_model, make_educator
):
    educator = make_educator()
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    for account in (educator, boss, course_team_member):
        url = reverse("admin:auth_user_change", args=[account.pk])
        # Not listed and not found: the admin sends them back to the index, saying it does not exist.
        assert team_client.get(url).status_code == 302
        team_client.post(url, {"first_name": "Mallory", "email": "x@example.org", "is_active": "on", **tampering()})
        account.refresh_from_db()
        assert account.first_name != "Mallory"
    listing = team_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "boss" not in listing and "teacher" not in listing
    assert f'<a href="{reverse("admin:auth_user_add")}" class="addlink">Add a learner</a>' in listing
    educator.refresh_from_db()
    assert list(educator.groups.values_list("name", flat=True)) == [EDUCATORS_GROUP]
    assert not educator.is_superuser


def test_course_team_cannot_set_a_password_or_delete_an_account(team_client, learner, django_user_model):
    password_url = reverse("admin:auth_user_password_change", args=[learner.pk])
    assert team_client.get(password_url).status_code == 403
    assert team_client.post(password_url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    delete_url = reverse("admin:auth_user_delete", args=[learner.pk])
    assert team_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert django_user_model.objects.filter(pk=learner.pk).exists()
    learner.refresh_from_db()
    assert learner.check_password("pw")


def test_course_team_cannot_use_the_group_or_permission_admin(team_client, course_team_member):
    group = Group.objects.get(name=COURSE_TEAM_GROUP)
    assert team_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert team_client.post(reverse("admin:auth_group_add"), {"name": "Root"}).status_code == 403
    before = set(group.permissions.all())
    response = team_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": COURSE_TEAM_GROUP, "permissions": [p.pk for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert set(group.permissions.all()) == before
    # Django registers no admin for permissions; nothing here adds one.
    assert team_client.get("/admin/auth/permission/").status_code == 404
    assert not course_team_member.user_permissions.exists()


def test_deactivating_learners_from_the_list(team_client, learner):
    response = team_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [learner.pk]},
        follow=True,
    )
    assert "Deactivated 1 learner." in response.content.decode()
    learner.refresh_from_db()
    assert not learner.is_active


def test_an_educator_without_the_course_team_role_cannot_manage_users(client, make_educator, learner):
    client.force_login(make_educator())
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_upload"),
        reverse("admin:auth_user_change", args=[learner.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(reverse("admin:auth_user_change", args=[learner.pk]), {"is_staff": "on"})
    assert response.status_code == 403
    assert_no_rights(learner)


def test_a_superuser_keeps_djangos_full_user_admin(client, django_user_model, learner):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    page = client.get(reverse("admin:auth_user_change", args=[learner.pk]))
    assert b'name="is_staff"' in page.content and b'name="groups"' in page.content


def test_cohort_admin_offers_learners_only(team_client, learner, course_team_member):
    page = team_client.get(reverse("admin:accounts_cohort_add")).content.decode()
    assert re.findall(r'name="members" value="(\d+)"', page) == [str(learner.pk)]
    response = team_client.post(
        reverse("admin:accounts_cohort_add"),
        {"name": "MBBS Year 4, 2026", "description": "", "members": [learner.pk, course_team_member.pk]},
    )
    assert response.status_code == 200  # a staff account is not a valid choice
    assert not Cohort.objects.filter(name="MBBS Year 4, 2026").exists()
    team_client.post(reverse("admin:accounts_cohort_add"), {"name": "MBBS Year 4, 2026", "members": [learner.pk]})
    assert list(Cohort.objects.get(name="MBBS Year 4, 2026").members.all()) == [learner]


def test_the_course_team_cannot_change_the_address_a_learner_signs_in_with(team_client, django_user_model):
    """Whoever could change it could reset the password to it and take the account over."""
    from accounts.services import Site, create_learner

    learner = create_learner(first_name="Ada", email="ada@example.org", site=Site("cases.example.org"))
    page = team_client.get(reverse("admin:auth_user_change", args=[learner.pk])).content.decode()
    assert 'name="email"' not in page and "ada@example.org" in page
    team_client.post(
        reverse("admin:auth_user_change", args=[learner.pk]),
        {"first_name": "Ada", "last_name": "", "email": "mallory@example.org", "is_active": "on"},
    )
    learner.refresh_from_db()
    assert (learner.username, learner.email) == ("ada@example.org", "ada@example.org")
