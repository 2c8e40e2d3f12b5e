"""The learner's "My cases" page, the marks on the list of cases, and the header."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from learners.tests.helpers import WRONG_STEPS, play
from quiz.models import Question
from quiz.selectors import step_url
from quiz.tests.helpers import load_demo_quiz
from quiz.tests.test_certainty import cbm_quiz
from quiz.tests.test_certainty import play as play_with_certainty

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, django_user_model):
    user = django_user_model.objects.create_user("asha", password="pw")
    client.force_login(user)
    return user


def test_my_cases_shows_work_in_progress_done_and_the_reasoning(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    case = quiz.case
    page = client.get(reverse("learners:my_cases")).content.decode()
    assert "You have not begun a case yet." in page

    finished = play(client, quiz)
    half = play(client, quiz, upto=3)
    assert finished.is_finished and half.current_position == 4

    page = client.get(reverse("learners:my_cases")).content.decode()
    assert escape(case.title) in page
    assert f'<a href="{step_url(half, 4)}">Carry on at step 4</a>' in page
    score = f"{float(finished.score):g} of {float(finished.max_score):g} marks on {finished.finished_at:%-d %B %Y}"
    assert score in page
    assert reverse("quiz:review", args=[finished.token]) in page

    # Every key point tested, with how the first answer fared: wrong where the steps were answered wrong.
    questions = Question.objects.filter(step__quiz=quiz).prefetch_related("key_points").select_related("step")
    for question in questions:
        for point in question.key_points.all():
            verdict = "Wrong" if question.step.position in WRONG_STEPS else "Right"
            at = page.index(escape(point.statement))
            assert verdict in page[at : page.index("</li>", at)], point.key

    # The list of cases marks it done, and the unfinished attempt is offered there too.
    home = client.get(reverse("cases:list")).content.decode()
    assert '<span class="badge text-bg-success case-mark">Done</span>' in home
    assert "Carry on at step 4" in home


def test_a_case_only_begun_is_marked_in_progress(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    play(client, quiz, upto=2)
    home = client.get(reverse("cases:list")).content.decode()
    assert '<span class="badge text-bg-warning case-mark">In progress</span>' in home


def test_the_header_names_the_learner_and_links_their_pages(client, learner):
    load_demo_quiz()
    home = client.get(reverse("cases:list")).content.decode()
    assert "Signed in as <strong>asha</strong>" in home
    assert f'href="{reverse("learners:my_cases")}">My cases</a>' in home
    assert f'href="{reverse("learners:review")}">Review</a>' in home, "no count while nothing is due"
    assert f'<form method="post" action="{reverse("logout")}"' in home


def test_nobody_else_sees_my_cases(client, learner, django_user_model):
    quiz = load_demo_quiz(max_tries=1)
    play(client, quiz)
    client.force_login(django_user_model.objects.create_user("ben", password="pw"))
    page = client.get(reverse("learners:my_cases")).content.decode()
    assert "You have not begun a case yet." in page
    home = client.get(reverse("cases:list")).content.decode()
    assert "case-mark" not in home


def test_signed_out_visitors_see_no_marks_and_no_learner_links(client):
    load_demo_quiz()
    home = client.get(reverse("cases:list")).content.decode()
    assert "case-mark" not in home and "My cases" not in home and "Sign in" in home


def test_my_cases_shows_the_learners_calibration_across_cases_once_they_answered_with_certainty(client, learner):
    page = client.get(reverse("learners:my_cases")).content.decode()
    assert "How well you judged your certainty" not in page

    quiz = cbm_quiz()
    attempt = play_with_certainty(client, quiz)

    page = client.get(reverse("learners:my_cases")).content.decode()
    assert f"{float(attempt.score):g} of {3 * float(attempt.max_score):g} certainty-based marks" in page
    # The same numbers as the review page's chart: 2 answers at low (66.7 % right), 2 at medium, 3 at high.
    table = page[page.index("How well you judged your certainty, across cases") :]
    for label, answers, share in (("Low", 2, "66.7%"), ("Medium", 2, "50%"), ("High", 3, "75%")):
        row = table[table.index(f'<th scope="row">{label}</th>') :]
        assert row.index(f"<td>{answers}</td>") < row.index(f"<td>{share}</td>") < row.index("</tr>")
