"""The item analysis's responses table and its CSV downloads (responses and statistics)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quiz.analysis import RESPONSES_PER_PAGE, responses_table
from quiz.exports import safe_cell
from quiz.models import Question, Quiz
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import key_answer, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind
INJECTION = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def quiz() -> Quiz:
    """One step, one try: a single best answer (position 1) and a free-text question (position 2)."""
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST, Kind.FREE_TEXT])
    Quiz.objects.filter(pk=quiz.pk).update(max_tries=1)
    quiz.refresh_from_db()
    return quiz


def take(quiz, number: int, *, text: str | None = None, right: bool = True, is_preview=False, user=None):
    attempt = attempt_start(quiz=quiz, user=user, owner_secret=f"learner {number}", is_preview=is_preview)
    step = quiz.steps.get()
    raw = {}
    for question in step.questions.prefetch_related("options", "accepted_answers").order_by("position"):
        if question.kind == Kind.FREE_TEXT and text is not None:
            raw[question.pk] = {"text": text}
        else:
            raw[question.pk] = (key_answer if right else wrong_answer)(question, attempt)
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses=raw)
    return attempt


def class_of(quiz, size=12, first=0):
    for number in range(first, first + size):
        take(quiz, number, right=number % 2 == 0)


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_a_row_per_counted_attempt_and_a_column_per_question(quiz, make_educator):
    class_of(quiz, size=3)
    take(quiz, 99, is_preview=True, user=make_educator())  # a preview does not count
    take(quiz, 0, right=False)  # nor does the first learner's retake
    table = responses_table(quiz)
    assert [row.learner for row in table.rows] == ["Learner 1", "Learner 2", "Learner 3"]
    assert [len(row.cells) for row in table.rows] == [2, 2, 2]
    assert [q.position for q in table.questions] == [1, 2]
    first, second = table.rows[0], table.rows[1]
    best = table.questions[0]
    key = max(best.options.all(), key=lambda o: o.weight)
    assert first.cells[0].answer == key.text and first.cells[0].mark == pytest.approx(float(best.marks))
    assert second.cells[0].answer != key.text and second.cells[0].mark == 0
    assert first.total == pytest.approx(sum(c.mark for c in first.cells))


def test_the_analysis_links_to_the_responses_page_and_both_downloads(client, make_educator, quiz):
    take(quiz, 1)
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])).content.decode()
    section = page.split('id="responses"')[1]
    assert reverse("admin:quiz_quiz_item_analysis_responses", args=[quiz.pk]) in section
    assert reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk]) in section
    assert reverse("admin:quiz_quiz_item_analysis_statistics_csv", args=[quiz.pk]) in section


def test_the_responses_page_shows_each_learners_answers(client, make_educator, quiz):
    take(quiz, 1, text="Calcinosis cutis, dystrophic")
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis_responses", args=[quiz.pk])).content.decode()
    assert "Learner 1" in page and "Calcinosis cutis, dystrophic" in page
    assert '<div class="table-scroll" tabindex="0" role="region"' in page
    assert "<caption>" in page and 'scope="row"' in page
    assert reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk]) in page
    assert "learner 1" not in page  # the owner's secret never shows
    assert "Page 1 of" not in page, "one page needs no page links"


def test_the_responses_page_goes_a_page_of_learners_at_a_time_numbered_as_in_the_download(client, make_educator, quiz):
    class_of(quiz, size=RESPONSES_PER_PAGE + 3)
    client.force_login(make_educator())
    url = reverse("admin:quiz_quiz_item_analysis_responses", args=[quiz.pk])
    first = client.get(url).content.decode()
    assert f"Learners 1 to {RESPONSES_PER_PAGE} of {RESPONSES_PER_PAGE + 3}" in first
    assert f">Learner {RESPONSES_PER_PAGE}<" in first and f">Learner {RESPONSES_PER_PAGE + 1}<" not in first
    assert 'href="?page=2" rel="next"' in first

    second = client.get(url, {"page": 2}).content.decode()
    assert f">Learner {RESPONSES_PER_PAGE + 1}<" in second and ">Learner 1<" not in second
    csv_rows = read_csv(client.get(reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk])))
    assert csv_rows[RESPONSES_PER_PAGE + 1][0] == f"Learner {RESPONSES_PER_PAGE + 1}"

    # A page that is not one shows the nearest page rather than an error.
    assert ">Learner 1<" in client.get(url, {"page": "abc"}).content.decode()
    assert f">Learner {RESPONSES_PER_PAGE + 3}<" in client.get(url, {"page": 99}).content.decode()


def test_the_responses_page_keeps_the_filter_and_refuses_a_bad_one(client, make_educator, quiz):
    class_of(quiz, size=3)
    client.force_login(make_educator())
    url = reverse("admin:quiz_quiz_item_analysis_responses", args=[quiz.pk])
    assert client.get(url, {"finished_from": "2001-01-01"}).status_code == 200
    bad = client.get(url, {"finished_from": "not a date"})
    assert bad.status_code == 400 and "The filter could not be read" in bad.content.decode()
    nobody = client.get(url, {"finished_to": "2001-01-01"}).content.decode()
    assert "No learner&#x27;s first attempt matches this filter" in nobody or "No learner's first attempt" in nobody


def test_the_responses_csv(client, make_educator, quiz):
    class_of(quiz, size=2)
    client.force_login(make_educator())
    response = client.get(reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}-responses.csv"'
    rows = read_csv(response)
    assert rows[0][:3] == ["Learner", "Finished", "Total (out of 2)"]
    assert rows[0][3:] == [
        "Step 1, question 1: answer",
        "Step 1, question 1: mark (out of 1)",
        "Step 1, question 2: answer",
        "Step 1, question 2: mark (out of 1)",
    ]
    assert [row[0] for row in rows[1:]] == ["Learner 1", "Learner 2"]
    assert [row[2] for row in rows[1:]] == ["2.0", "0.0"]
    assert [row[4] for row in rows[1:]] == ["1.0", "0.0"]


def test_a_formula_typed_as_an_answer_is_written_as_text(client, make_educator, quiz):
    take(quiz, 1, text=INJECTION)
    client.force_login(make_educator())
    rows = read_csv(client.get(reverse("admin:quiz_quiz_item_analysis_responses_csv", args=[quiz.pk])))
    assert rows[1][5] == "'" + INJECTION
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("a=b", "a=b")],
)
def test_safe_cell_prefixes_formula_starts(value, written):
    assert safe_cell(value) == written


def test_safe_cell_keeps_numbers_and_blanks_none():
    assert safe_cell(-12.5) == -12.5
    assert safe_cell(None) == ""


def test_the_statistics_csv(client, make_educator, quiz):
    class_of(quiz)
    client.force_login(make_educator())
    response = client.get(reverse("admin:quiz_quiz_item_analysis_statistics_csv", args=[quiz.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}-statistics.csv"'
    rows = read_csv(response)
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Attempts counted"] == "12"
    assert float(summary["Mean"]) == pytest.approx(1.0)  # half the class got both right, half none
    header = rows.index([]) + 1
    assert rows[header][:4] == ["Question", "Prompt", "Kind", "Attempts"]
    questions = rows[header + 1 :]
    assert [row[0] for row in questions] == ["Step 1, question 1", "Step 1, question 2"]
    facility = rows[header].index("Facility (%)")
    discrimination = rows[header].index("Discrimination")
    assert [float(row[facility]) for row in questions] == [50.0, 50.0]
    assert float(questions[0][discrimination]) == pytest.approx(100.0)


@pytest.mark.parametrize("name", ["responses", "statistics"])
def test_the_downloads_need_the_quiz_view_permission(client, django_user_model, quiz, name):
    url = reverse(f"admin:quiz_quiz_item_analysis_{name}_csv", args=[quiz.pk])
    client.force_login(django_user_model.objects.create_user("learner", password="pw"))
    assert client.get(url).status_code == 302  # not staff: to the admin's login
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_quiz"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("name", ["responses", "statistics"])
def test_the_query_count_of_the_downloads_does_not_grow_with_the_attempts(client, make_educator, quiz, name):
    url = reverse(f"admin:quiz_quiz_item_analysis_{name}_csv", args=[quiz.pk])
    client.force_login(make_educator())
    class_of(quiz)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as twelve:
        assert len(read_csv(client.get(url))) > 1
    class_of(quiz, first=12)
    with CaptureQueriesContext(connection) as twenty_four:
        rows = read_csv(client.get(url))
    if name == "responses":
        assert len(rows) == 25
    assert len(twelve) == len(twenty_four)
