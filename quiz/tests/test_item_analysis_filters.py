"""The item-analysis page narrowed by date and cohort, its downloads keeping the filter, and its query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Cohort
from quiz.models import Attempt
from quiz.tests.test_item_analysis import class_of, quiz, take  # noqa: F401 (quiz is a fixture)
from quiz.tests.test_item_analysis_exports import read_csv

pytestmark = pytest.mark.django_db

JANUARY = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)
FEBRUARY = datetime.datetime(2026, 2, 10, 12, 0, tzinfo=datetime.UTC)


def page_url(analysed_quiz, **query):
    url = reverse("admin:quiz_quiz_item_analysis", args=[analysed_quiz.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def two_months(quiz):  # noqa: F811
    """Twelve learners: the first six finished in January, the other six in February."""
    class_of(quiz)
    attempts = list(Attempt.objects.filter(quiz=quiz).order_by("pk"))
    Attempt.objects.filter(pk__in=[a.pk for a in attempts[:6]]).update(finished_at=JANUARY)
    Attempt.objects.filter(pk__in=[a.pk for a in attempts[6:]]).update(finished_at=FEBRUARY)
    return quiz


def attempts_counted(page: str) -> str:
    return page.split("Attempts counted</th><td>")[1].split("<")[0].strip()


def test_the_dates_narrow_the_attempts_and_the_downloads_keep_them(client, make_educator, two_months):
    client.force_login(make_educator())
    page = client.get(page_url(two_months)).content.decode()
    assert attempts_counted(page) == "12 (n &lt; 30)"

    page = client.get(page_url(two_months, finished_from="2026-02-01")).content.decode()
    assert attempts_counted(page) == "6 (n &lt; 30)"
    assert "Counting only first attempts finished on or after 2026-02-01." in page
    assert 'value="2026-02-01"' in page  # the form shows the filter it applied
    csv_url = (
        reverse("admin:quiz_quiz_item_analysis_statistics_csv", args=[two_months.pk]) + "?finished_from=2026-02-01"
    )
    assert f'href="{csv_url}"' in page
    rows = read_csv(client.get(csv_url))
    assert ["Attempts counted", "6"] in rows
    assert ["Learners", "first attempts finished on or after 2026-02-01"] in rows

    page = client.get(page_url(two_months, finished_from="2026-01-01", finished_to="2026-01-31")).content.decode()
    assert attempts_counted(page) == "6 (n &lt; 30)"
    responses_url = reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[two_months.pk])
    rows = read_csv(client.get(responses_url + "?finished_to=2026-01-31"))
    assert len(rows) == 1 + 6
    assert all(row[1].startswith("2026-01-10") for row in rows[1:])

    page = client.get(page_url(two_months, finished_from="2026-03-01")).content.decode()
    assert "No learner's first attempt matches this filter" in page


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"finished_from": "2026-13-45"}, "Enter a valid date."),
        ({"finished_to": "yesterday"}, "Enter a valid date."),
        ({"finished_from": "2026-02-01", "finished_to": "2026-01-01"}, "must be on or before"),
        ({"cohort": "999999"}, "Select a valid choice."),
    ],
)
def test_a_filter_that_can_not_be_read_is_a_form_error(client, make_educator, two_months, query, error):
    client.force_login(make_educator())
    response = client.get(page_url(two_months, **query))
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "The filter could not be read" in page
    assert "Attempts counted" not in page  # no figures from a filter that was not applied
    download = client.get(reverse("admin:quiz_quiz_item_analysis_statistics_csv", args=[two_months.pk]), query)
    assert download.status_code == 400
    assert error in download.content.decode()


def test_the_cohort_narrows_the_attempts(client, make_educator, django_user_model, quiz):  # noqa: F811
    learners = [django_user_model.objects.create_user(f"learner{n}", password="pw") for n in range(12)]
    for ability, learner in enumerate(learners):
        take(quiz, ability, user=learner)
    cohort = Cohort.objects.create(name="MBBS Year 3, 2026")
    cohort.members.add(*learners[8:])  # the four strongest
    Cohort.objects.create(name="Another cohort").members.add(learners[0])
    client.force_login(make_educator())

    page = client.get(page_url(quiz, cohort=cohort.pk)).content.decode()
    assert attempts_counted(page) == "4 (n &lt; 30)"
    assert "in the cohort MBBS Year 3, 2026" in page
    assert f'<option value="{cohort.pk}" selected>MBBS Year 3, 2026</option>' in page
    rows = read_csv(
        client.get(reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk]), {"cohort": cohort.pk})
    )
    assert len(rows) == 1 + 4
    assert all(float(row[2]) == 4 for row in rows[1:])  # the four strongest: every sound question right


def test_the_page_runs_the_same_queries_for_60_and_120_attempts(client, make_educator, quiz):  # noqa: F811
    client.force_login(make_educator())
    url = page_url(quiz)
    class_of(quiz, size=60)
    client.get(url)  # warm the session and the admin's caches
    with CaptureQueriesContext(connection) as sixty:
        assert attempts_counted(client.get(url).content.decode()) == "60"
    class_of(quiz, size=60, first=60)
    with CaptureQueriesContext(connection) as hundred_twenty:
        assert attempts_counted(client.get(url).content.decode()) == "120"
    assert len(sixty) == len(hundred_twenty), [q["sql"][:120] for q in hundred_twenty.captured_queries]
