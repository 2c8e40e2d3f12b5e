"""An attempt runs to its end under the rules it began with (quiz.behaviours)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.behaviours import Exam, Practice, for_quiz, from_rules
from quiz.models import Attempt, Quiz
from quiz.tests.helpers import key_answer, load_demo_quiz, wrong_answer
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("tries", "marks", "expected"),
    [
        ([(1, 1.0)], 2, 2.0),  # right first time
        ([(1, 0.0), (2, 1.0)], 1, 0.75),  # one extra try at a penalty of a quarter
        ([(1, 0.5), (2, 0.6)], 1, 0.5),  # the best try counts, after its penalty
        ([(1, 0.0), (2, 0.0), (3, 0.2)], 1, 0.0),  # never below zero
        ([], 1, 0.0),  # not answered
    ],
)
def test_practice_marks_the_best_try_less_its_penalty(tries, marks, expected):
    assert Practice(tries=3, penalty=0.25).question_mark(tries, marks) == pytest.approx(expected)


def test_rules_round_trip_and_exam_ignores_practice_knobs():
    practice = Practice(tries=4, penalty=0.1)
    assert from_rules(practice.rules()) == practice
    assert from_rules(Exam().rules()) == Exam()
    exam = for_quiz(Quiz(mode=Quiz.Mode.EXAM, max_tries=5, penalty_per_try=Decimal("0.5")))
    assert (exam.tries, exam.penalty, exam.feedback_after_each_step, exam.shows_hints) == (1, 0, False, False)


def test_switching_the_quiz_to_exam_mid_attempt_leaves_the_attempt_its_tries(client):
    quiz = load_demo_quiz(max_tries=3)
    attempt = start(client, quiz)
    # (Closed at once: while an exam is open, practice attempts on its case wait; see test_exams.py.)
    Quiz.objects.filter(pk=quiz.pk).update(mode=Quiz.Mode.EXAM, max_tries=1, closes_at=timezone.now())

    page = submit(client, attempt, quiz.steps.get(position=1), wrong_answer).content.decode()
    attempt.refresh_from_db()
    assert attempt.current_position == 1, "a practice attempt keeps its three tries"
    assert "That was try 1 of 3" in page
    assert "Hint:" in page


def test_changing_the_penalty_later_changes_neither_score_nor_review(client):
    quiz = load_demo_quiz(max_tries=3, penalty_per_try=Decimal("0.333"))
    attempt = start(client, quiz)
    steps = list(quiz.steps.order_by("position"))
    submit(client, attempt, steps[0], wrong_answer)
    submit(client, attempt, steps[0], key_answer, try_number=2)
    Quiz.objects.filter(pk=quiz.pk).update(penalty_per_try=Decimal("0.9"))
    for step in steps[1:]:
        submit(client, attempt, step)
    attempt.refresh_from_db()
    first_marks = float(sum(q.marks for q in steps[0].questions.all()))
    assert float(attempt.score) == pytest.approx(float(attempt.max_score) - first_marks * 0.333, abs=0.01)

    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert f"{first_marks * (1 - 0.333):.2f}".rstrip("0") in review, "the step row adds up under the old penalty"
    assert Attempt.objects.get(pk=attempt.pk).behaviour == Practice(tries=3, penalty=0.333)
