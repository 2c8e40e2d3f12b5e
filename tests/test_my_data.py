"""A learner's "My data": the export holds every attempt and answer; deleting the account leaves nothing that
names them, and keeps their attempts anonymously when the site says so (accounts.personal_data, quiz.personal_data).

Here rather than in accounts/tests: these tests play the demo quiz, and ``accounts`` may not import ``quiz``.
"""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cohort
from accounts.roles import sync_course_team_group
from learners.models import ReviewItem
from quiz.models import Attempt, Quiz, Response
from quiz.tests.helpers import load_demo_quiz, wrong_answer
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db

NAMES = {
    "username": "xylo.quillbright@example.org",
    "email": "xylo.quillbright@example.org",
    "first_name": "Xylophena",
    "last_name": "Quillbright",
}
PASSWORD = "a long river of stones"


def sign_in(client, username: str, password: str):
    client.post(reverse("login"), {"username": username, "password": password})
    assert "_auth_user_id" in client.session, "the sign-in did not work"


@pytest.fixture
def learner(client, django_user_model, django_capture_on_commit_callbacks):
    """A learner made by the course team in the admin, who sets their password from the e-mail and signs in."""
    team = django_user_model.objects.create_user("coordinator", "coordinator@example.org", "pw", is_staff=True)
    team.groups.add(sync_course_team_group())
    cohort = Cohort.objects.create(name="MBBS Year 3, 2026")
    client.force_login(team)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:auth_user_add"),
            {"first_name": NAMES["first_name"], "last_name": NAMES["last_name"], "email": NAMES["email"],
             "cohorts": [cohort.pk]},
        )  # fmt: skip
    client.logout()
    user = django_user_model.objects.get(email=NAMES["email"])
    user.set_password(PASSWORD)
    user.save()
    sign_in(client, NAMES["username"], PASSWORD)
    return user


@pytest.fixture
def two_attempts(client, learner):
    """The learner's finished demo attempt (every second step wrong at the first try) and one just begun."""
    quiz = load_demo_quiz()
    first = start(client, quiz)
    for step in quiz.steps.order_by("position"):
        if step.position % 2 == 0:
            submit(client, first, step, answer=wrong_answer)
            submit(client, first, step, try_number=2)
        else:
            submit(client, first, step)
    second = start(client, quiz)
    submit(client, second, quiz.steps.get(position=1), answer=wrong_answer)
    first.refresh_from_db()
    assert first.is_finished
    return [first, second]


@pytest.fixture
def someone_else(django_user_model):
    """Another learner with an attempt: never in the learner's export, never touched by their deletion."""
    from django.test import Client

    other = django_user_model.objects.create_user("other@example.org", "other@example.org", "pw")
    other_client = Client()
    other_client.force_login(other)
    quiz = load_demo_quiz()
    attempt = start(other_client, quiz)
    submit(other_client, attempt, quiz.steps.get(position=1))
    return attempt


def test_the_export_holds_every_attempt_and_answer(client, learner, two_attempts, someone_else):
    responses = list(Response.objects.filter(step_attempt__attempt__user=learner).select_related("question"))
    assert len(responses) >= 8

    data = json.loads(client.get(reverse("accounts:my_data_json")).content)["sections"]
    assert data["account"]["rows"][0]["email"] == NAMES["email"]
    assert [row["name"] for row in data["cohorts"]["rows"]] == ["MBBS Year 3, 2026"]
    assert data["sign_ins"]["rows"], "the sign-in above is logged"
    attempts = data["quiz_attempts"]["rows"]
    assert sorted(row["attempt"] for row in attempts) == sorted(str(a.token) for a in two_attempts)
    finished = next(row for row in attempts if row["attempt"] == str(two_attempts[0].token))
    assert finished["state"] == "Finished"
    assert finished["score"] == float(two_attempts[0].score)
    answers = data["quiz_answers"]["rows"]
    exported = {(row["attempt"], row["question"], row["try_number"]): row for row in answers}
    assert len(exported) == len(answers) == len(responses)
    for response in responses:
        row = exported[(str(response.step_attempt.attempt.token), response.question.prompt, response.try_number)]
        assert json.loads(row["raw_answer"]) == response.raw
        assert row["fraction"] == response.fraction
        assert row["answer"], "the answer is also given in words"
    assert str(someone_else.token) not in json.dumps(data)

    download = client.get(reverse("accounts:my_data_csv"))
    assert download["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    cells = [cell for line in lines for cell in line]
    for attempt in two_attempts:
        assert str(attempt.token) in cells
    answer_header = lines.index(["Your answers"]) + 1
    answer_lines = lines[answer_header + 1 : lines.index([], answer_header)]
    assert len(answer_lines) == len(responses)
    assert str(someone_else.token) not in cells

    page = client.get(reverse("accounts:my_data")).content.decode()
    assert "<h1>My data</h1>" in page and NAMES["last_name"] in page
    assert page.count(str(two_attempts[1].token)) >= 2  # its attempt row and its answer row


def test_my_data_needs_signing_in(client):
    for name in ("accounts:my_data", "accounts:my_data_json", "accounts:my_data_csv", "accounts:delete_account"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


def text_rows_naming(needles: list[str]) -> list[str]:
    """Every row, in every table, whose text (or JSON) columns contain one of the needles (case ignored)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            as_text = model._default_manager.annotate(_text=Cast(field.name, models.TextField()))
            for needle in needles:
                if as_text.filter(_text__icontains=needle).exists():
                    found.append(f"{model._meta.label}.{field.name} holds {needle!r}")
    return found


def delete_own_account(client, password=PASSWORD):
    return client.post(reverse("accounts:delete_account"), {"password": password}, follow=True)


def test_deleting_the_account_leaves_nothing_that_names_them(
    client, settings, learner, two_attempts, someone_else, django_user_model
):
    settings.DELETED_LEARNERS_ATTEMPTS = "delete"
    needles = list(NAMES.values())
    assert text_rows_naming(needles), "the search finds them before the deletion"
    mail.outbox.clear()

    # A GET only asks; a wrong password deletes nothing.
    assert (
        "Your quiz attempts and answers are deleted too"
        in client.get(reverse("accounts:delete_account")).content.decode()
    )
    assert "That is not your password" in delete_own_account(client, "guess").content.decode()
    assert django_user_model.objects.filter(pk=learner.pk).exists()

    response = delete_own_account(client)
    assert "Your account and the data that named you have been deleted." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(pk=learner.pk).exists()
    assert text_rows_naming(needles) == []
    assert list(Attempt.objects.all()) == [someone_else]
    assert not Response.objects.exclude(step_attempt__attempt=someone_else).exists()
    assert Cohort.objects.get().members.count() == 0


def test_the_anonymise_setting_keeps_their_attempts_with_no_link_to_them(
    client, settings, learner, two_attempts, someone_else, django_user_model
):
    settings.DELETED_LEARNERS_ATTEMPTS = "anonymise"
    answers = Response.objects.filter(step_attempt__attempt__in=two_attempts).count()
    assert "kept for the educators' statistics" in client.get(reverse("accounts:delete_account")).content.decode()

    delete_own_account(client)
    assert not django_user_model.objects.filter(pk=learner.pk).exists()
    kept = Attempt.objects.filter(pk__in=[a.pk for a in two_attempts])
    assert kept.count() == 2
    assert all(a.user_id is None and a.owner_hash == "" for a in kept)
    assert Response.objects.filter(step_attempt__attempt__in=kept).count() == answers
    # The finished one still counts in the statistics, as a learner of its own.
    assert two_attempts[0].pk in set(Attempt.objects.first_completed().values_list("pk", flat=True))
    assert text_rows_naming(list(NAMES.values())) == []


def test_a_staff_account_is_not_deleted_from_this_page(client, make_educator, django_user_model):
    educator = make_educator(password="pw")
    client.force_login(educator)
    assert client.post(reverse("accounts:delete_account"), {"password": "pw"}).status_code == 403
    assert django_user_model.objects.filter(pk=educator.pk).exists()


def test_the_spaced_review_is_in_the_export_and_goes_with_the_account(
    client, settings, learner, two_attempts, django_user_model
):
    settings.DELETED_LEARNERS_ATTEMPTS = "anonymise"
    client.get(reverse("learners:my_cases"))  # the finished attempt's key points become review items
    items = list(ReviewItem.objects.filter(user=learner).select_related("key_point"))
    assert items

    data = json.loads(client.get(reverse("accounts:my_data_json")).content)["sections"]
    exported = sorted(row["key_point"] for row in data["review_items"]["rows"])
    assert exported == sorted(item.key_point.statement for item in items)
    assert data["review_answers"]["rows"] == []

    delete_own_account(client)
    assert not ReviewItem.objects.exists(), "a schedule is the learner's own, kept under neither setting"


@pytest.mark.parametrize("review_after", [Quiz.ReviewAfter.NEVER, Quiz.ReviewAfter.CLOSE])
def test_the_export_holds_back_which_exam_answers_were_right_while_the_exam_does(client, learner, review_after):
    quiz = load_demo_quiz(mode=Quiz.Mode.EXAM, review_after=review_after, closes_at=timezone.now() + timedelta(days=1))
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    submit(client, attempt, quiz.steps.get(position=2), answer=wrong_answer)

    rows = json.loads(client.get(reverse("accounts:my_data_json")).content)["sections"]["quiz_answers"]["rows"]
    assert len(rows) == Response.objects.filter(step_attempt__attempt=attempt).count() > 0
    for row in rows:
        assert row["answer"], "the learner's own answer is theirs to see"
        assert row["fraction"] is None and row["state"] == "held until the quiz shows its answers"
    page = client.get(reverse("accounts:my_data")).content.decode()
    assert "incorrect" not in page.lower() and "partially_correct" not in page

    Quiz.objects.filter(pk=quiz.pk).update(review_after=Quiz.ReviewAfter.ATTEMPT)
    for step in quiz.steps.filter(position__gt=2).order_by("position"):
        submit(client, attempt, step)
    rows = json.loads(client.get(reverse("accounts:my_data_json")).content)["sections"]["quiz_answers"]["rows"]
    assert {row["state"] for row in rows} >= {"correct", "incorrect"}, "once the answers are shown, so are marks"


def test_wrong_passwords_on_the_delete_page_count_like_wrong_sign_ins(client, settings, learner, django_user_model):
    """Someone at a computer left signed in cannot guess the password here without limit."""
    assert "That is not your password" in delete_own_account(client, "a guess").content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        delete_own_account(client, "another guess")
    response = delete_own_account(client)  # the right password, once locked out
    assert response.status_code == 429
    assert django_user_model.objects.filter(pk=learner.pk).exists()
