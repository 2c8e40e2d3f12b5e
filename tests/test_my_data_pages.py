"""axe-core and the Nu Html Checker on the learner's account pages and the course team's admin pages
(accounts.views, accounts.admin), each with real content: a learner with cohorts, attempts and answers."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Cohort
from accounts.roles import sync_course_team_group
from quiz.services import attempt_start, step_submit
from quiz.tests.helpers import answers_for, wrong_answer
from tests.support import fetch_html

pytestmark = pytest.mark.browser

TEAM_PASSWORD = "a-long-course-team-password-1"


@pytest.fixture
def learner(demo_case):
    user = get_user_model().objects.create_user(
        "ada@example.org", "ada@example.org", "pw", first_name="Ada", last_name="Lovelace"
    )
    Cohort.objects.create(name="MBBS Year 3, 2026", description="Third-year students").members.add(user)
    quiz = demo_case.quizzes.get()
    attempt = attempt_start(quiz=quiz, user=user)
    step = quiz.steps.get(position=1)
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers_for(step, attempt, wrong_answer))
    return user


@pytest.fixture
def course_team(transactional_db):
    user = get_user_model().objects.create_user("coordinator", "coordinator@example.org", TEAM_PASSWORD, is_staff=True)
    user.groups.add(sync_course_team_group())
    return user


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def signed_in(page, site_url, user):
    page.context.add_cookies([{"name": "sessionid", "value": session_of(user), "url": site_url}])


def learner_pages(user) -> dict[str, str]:
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {
        "my data": reverse("accounts:my_data"),
        "delete account": reverse("accounts:delete_account"),
        # The link of the set-password e-mail redirects to the form (the token moves into the session).
        "set password": reverse("accounts:set_password", args=[uid, token]),
        "set password, expired link": reverse("accounts:set_password", args=[uid, "expired-token"]),
        "password set": reverse("accounts:set_password_done"),
    }


def team_pages(learner) -> dict[str, str]:
    return {
        "user list": reverse("admin:auth_user_changelist"),
        "add a learner": reverse("admin:auth_user_add"),
        "upload learners": reverse("admin:auth_user_upload"),
        "learner change page": reverse("admin:auth_user_change", args=[learner.pk]),
        "cohort change page": reverse("admin:accounts_cohort_change", args=[Cohort.objects.get().pk]),
    }


def test_learner_account_pages_have_no_wcag_violations(page, site_url, learner, axe):
    signed_in(page, site_url, learner)
    for name, path in learner_pages(learner).items():
        response = page.goto(path)
        assert response.status == 200, name
        axe(page)
    page.goto(reverse("accounts:my_data"))
    assert page.get_by_role("heading", name="Your answers").is_visible()


def test_learner_account_pages_are_valid_html(site_url, learner, html_check):
    cookies = {"sessionid": session_of(learner)}
    documents = {}
    for name, path in learner_pages(learner).items():
        if name == "set password":
            continue  # its redirect target, with the token in the session, is fetched by the browser test above
        documents[name] = fetch_html(site_url + path, cookies)
    html_check(documents)


def test_course_team_admin_pages_have_no_wcag_violations(page, learner, course_team, log_in, axe):
    log_in(page, course_team.username, TEAM_PASSWORD)
    for name, path in team_pages(learner).items():
        response = page.goto(path)
        assert response.status == 200, name
        axe(page)
    # The upload's result: a created learner and a named bad line.
    page.goto(reverse("admin:auth_user_upload"))
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "learners.csv", "mimeType": "text/csv",
                "buffer": b"name,email\nGrace Hopper,grace@example.org\nBad,not-an-email\n"}]
    )  # fmt: skip
    with page.expect_navigation():
        page.get_by_role("button", name="Create the learners").click()
    assert page.get_by_role("heading", name="Created: 1 learner").is_visible()
    assert page.get_by_role("cell", name="not a valid e-mail address").is_visible()
    axe(page)
