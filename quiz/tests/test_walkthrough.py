"""Whole attempts at the demo quiz, played through the pages, checking state and score after every step."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from quiz.kinds import get_kind
from quiz.models import Attempt, Quiz, Response
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = pytest.mark.django_db


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(token=response.url.rstrip("/").split("/")[-1])


def submit(client, attempt, step, answer=key_answer, try_number=1):
    data = step_post(attempt, step, answers_for(step, attempt, answer), try_number)
    return client.post(reverse("quiz:step", args=[attempt.token, step.position]), data, follow=True)


def marks_of(step) -> float:
    return float(sum(q.marks for q in step.questions.all()))


def test_practice_all_right_first_time(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    steps = list(quiz.steps.order_by("position"))
    assert len(steps) >= 6 and sum(s.questions.count() for s in steps) >= 8

    for step in steps:
        page = client.get(reverse("quiz:step", args=[attempt.token, step.position])).content.decode()
        assert f"Step {step.position} of {len(steps)}: {escape(step.title)}" in page

        response = submit(client, attempt, step)

        attempt.refresh_from_db()
        page = response.content.decode()
        assert f"You scored {marks_of(step):g} of {marks_of(step):g}" in page
        assert "The published reasoning" in page
        assert "“" in page  # the quoted sentence of the report
        if step != steps[-1]:
            assert attempt.current_position == step.position + 1
            assert not attempt.is_finished
    assert attempt.is_finished
    assert attempt.score == attempt.max_score == sum(marks_of(s) for s in steps)

    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert f"You scored <strong>{float(attempt.score):g} of {float(attempt.max_score):g}</strong>" in review
    for step in steps:
        assert f"Step {step.position}: {escape(step.title)}" in review
    assert "Try the quiz again" in review


def test_practice_wrong_then_right_costs_the_penalty(client):
    quiz = load_demo_quiz(max_tries=3)
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)

    page = submit(client, attempt, step, wrong_answer).content.decode()
    attempt.refresh_from_db()
    assert attempt.current_position == 1, "a wrong try leaves the step open"
    assert "That was try 1 of 3" in page
    assert "Hint:" in page
    assert "The published reasoning" not in page

    page = submit(client, attempt, step, key_answer, try_number=2).content.decode()
    attempt.refresh_from_db()
    assert attempt.current_position == 2
    assert "You scored 0.67 of 1" in page  # one extra try costs a third


def test_practice_out_of_tries_shows_the_answer_and_moves_on(client):
    quiz = load_demo_quiz(max_tries=2)
    attempt = start(client, quiz)
    step = quiz.steps.get(position=2)
    submit(client, attempt, quiz.steps.get(position=1))

    submit(client, attempt, step, wrong_answer, try_number=1)
    page = submit(client, attempt, step, wrong_answer, try_number=2).content.decode()

    attempt.refresh_from_db()
    assert attempt.current_position == 3
    assert f"You scored 0 of {marks_of(step):g}" in page
    assert "Expected answer" in page
    assert (
        Response.objects.filter(step_attempt__attempt=attempt, question__step=step).count()
        == 2 * step.questions.count()
    )


def test_practice_show_the_answer_after_one_try(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)
    url = reverse("quiz:step", args=[attempt.token, 1])

    client.post(url, {"give_up": "1"})  # not allowed before a first try
    attempt.refresh_from_db()
    assert attempt.current_position == 1

    submit(client, attempt, step, wrong_answer)
    page = client.post(url, {"give_up": "1"}, follow=True).content.decode()
    attempt.refresh_from_db()
    assert attempt.current_position == 2
    assert "Expected answer" in page


def test_exam_one_try_per_step_and_feedback_only_at_the_end(client, django_user_model):
    quiz = load_demo_quiz(mode=Quiz.Mode.EXAM)
    client.force_login(django_user_model.objects.create_user("examinee", password="a long learner password"))
    attempt = start(client, quiz)
    steps = list(quiz.steps.order_by("position"))
    expected = 0.0
    for step in steps:
        right = step.position % 2 == 1
        response = submit(client, attempt, step, key_answer if right else wrong_answer)
        expected += marks_of(step) if right else 0
        attempt.refresh_from_db()
        page = response.content.decode()
        if step == steps[-1]:
            assert "Your results" in page, "the last answer leads to the review"
            break
        assert "The published reasoning" not in page
        assert "Expected answer" not in page
        if step != steps[-1]:
            assert attempt.current_position == step.position + 1, "exam mode commits after one try"
            assert f"Step {step.position + 1} of {len(steps)}" in page
    assert attempt.is_finished
    assert float(attempt.score) == pytest.approx(expected)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert review.count("Expected answer") == sum(s.questions.count() for s in steps)
    assert "The published reasoning" in review


def test_committed_answers_cannot_be_changed_by_going_back(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)
    submit(client, attempt, step, key_answer)

    response = submit(client, attempt, step, wrong_answer, try_number=2)

    assert "already recorded and cannot change" in response.content.decode()
    assert Response.objects.filter(step_attempt__attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert attempt.current_position == 2


def test_replayed_post_is_recorded_once(client):
    quiz = load_demo_quiz(max_tries=3)
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)
    data = step_post(attempt, step, answers_for(step, attempt, wrong_answer), 1)
    url = reverse("quiz:step", args=[attempt.token, 1])

    client.post(url, data)
    replay = client.post(url, data, follow=True)

    assert replay.status_code == 200
    assert "already recorded" in replay.content.decode()
    assert Response.objects.filter(step_attempt__attempt=attempt).count() == 1


def test_next_step_cannot_be_fetched_early(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    response = client.get(reverse("quiz:step", args=[attempt.token, 3]))
    assert response.status_code == 302
    assert response.url == reverse("quiz:step", args=[attempt.token, 1]) + "#messages"
    assert client.get(reverse("quiz:review", args=[attempt.token])).status_code == 302


def test_someone_else_cannot_open_my_attempt(client, django_user_model):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    other = type(client)()
    assert other.get(reverse("quiz:step", args=[attempt.token, 1])).status_code == 404


def test_unanswered_question_is_a_form_error_and_nothing_is_saved(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    response = client.post(reverse("quiz:step", args=[attempt.token, 1]), {"try_number": "1"})
    assert response.status_code == 200
    question = quiz.steps.get(position=1).questions.get()
    assert escape(get_kind(question.kind).missing_message) in response.content.decode()
    assert not Response.objects.exists()


def test_signed_in_learner_keeps_attempts(client, django_user_model):
    learner = django_user_model.objects.create_user("learner", password="x")
    client.force_login(learner)
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    assert attempt.user == learner
    assert not attempt.is_preview


def test_learner_signs_in_and_finds_their_attempts_again(client, django_user_model):
    django_user_model.objects.create_user("learner", password="a long learner password")
    page = client.post(reverse("login"), {"username": "learner", "password": "a long learner password"}, follow=True)
    assert "Sign out" in page.content.decode()
    quiz = load_demo_quiz()
    attempt = start(client, quiz)

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "learner", "password": "a long learner password"})

    page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    assert "Your attempts" in page
    assert reverse("quiz:attempt", args=[attempt.token]) in page
    assert client.get(reverse("quiz:step", args=[attempt.token, 1])).status_code == 200


def test_wrong_password_says_so_without_a_server_error(client, django_user_model):
    django_user_model.objects.create_user("learner", password="a long learner password")
    page = client.post(reverse("login"), {"username": "learner", "password": "nope"})
    assert page.status_code == 200
    assert "do not match" in page.content.decode()
