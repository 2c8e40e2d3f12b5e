"""Learning objectives on a quiz's opening page; its take-home points at the top of the review."""

import pytest
from django.urls import reverse

from cases.tests.factories import make_key_point
from quiz.models import Attempt, Question, Quiz
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post

pytestmark = pytest.mark.django_db


def finish(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(quiz=quiz)
    for step in quiz.steps.order_by("position"):
        url = reverse("quiz:step", args=[attempt.token, step.position])
        client.post(url, step_post(attempt, step, answers_for(step, attempt, key_answer), 1))
        attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def quiz_with_summary(**fields) -> Quiz:
    quiz = make_quiz(kinds=[Question.Kind.SINGLE_BEST], **fields)
    points = [make_key_point(quiz.case, n, statement=f"Take-home statement {n}.") for n in (2, 3, 4)]
    quiz.summary_points.set(points)
    return quiz


def test_the_opening_page_lists_the_learning_objectives(client):
    quiz = make_quiz(kinds=[Question.Kind.SINGLE_BEST])
    quiz.objectives = "Classify calcinosis cutis\n\n  Weigh rheumatoid nodules against it  \n"
    quiz.save()
    page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    assert "By the end of this quiz you should be able to" in page
    assert "<li>Classify calcinosis cutis</li>" in page and "<li>Weigh rheumatoid nodules against it</li>" in page


def test_a_quiz_without_objectives_shows_no_empty_list(client):
    quiz = make_quiz(kinds=[Question.Kind.SINGLE_BEST])
    page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    assert "you should be able to" not in page


def test_the_review_opens_with_the_take_home_points(client):
    quiz = quiz_with_summary()
    attempt = finish(client, quiz)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert review.index("Take-home points") < review.index("Step by step")
    for n in (2, 3, 4):
        assert f"Take-home statement {n}." in review


def test_a_score_only_exam_keeps_its_take_home_points_back(client, django_user_model):
    quiz = quiz_with_summary(mode=Quiz.Mode.EXAM)
    Quiz.objects.filter(pk=quiz.pk).update(review_after=Quiz.ReviewAfter.NEVER)
    client.force_login(django_user_model.objects.create_user("examinee", password="a long learner password"))
    attempt = finish(client, quiz)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert "Take-home" not in review and "Take-home statement" not in review
