"""Nothing a step scores reaches the learner before that step is answered: not in the HTML, attributes or URLs.

Every answer-key field of the demo quiz (feedback, accepted answers, zone labels, key points with
their quotes and teaching notes) is seeded with its own marker string. The test then makes every
request a learner can make during an attempt and checks, step by step, that no marker appears before
every step that uses it has been answered: a key point that a later step still asks about stays
unquoted in an earlier step's feedback.
"""

import re

import pytest
from django.urls import reverse

from cases.models import KeyPoint
from quiz.models import AcceptedAnswer, Attempt, Option, Question, Quiz, Zone
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = pytest.mark.django_db


def seed_markers(quiz: Quiz) -> dict[str, set[int]]:
    """Put a unique marker in every answer-key field. Returns marker -> positions of the steps using it."""
    markers: dict[str, set[int]] = {}
    counter = iter(range(10_000))

    def mark(steps: set[int]) -> str:
        marker = f"QZLEAK{next(counter):04d}Z"
        markers[marker] = steps
        return marker

    questions = Question.objects.filter(step__quiz=quiz).select_related("step")
    for question in questions:
        here = {question.step.position}
        question.feedback = mark(here)
        question.save()
        for option in Option.objects.filter(question=question):
            option.feedback = mark(here)
            option.save()
        for zone in Zone.objects.filter(question=question):
            zone.feedback = mark(here)
            zone.label = f"{zone.label} {mark(here)}"
            zone.save()
        for answer in AcceptedAnswer.objects.filter(question=question):
            answer.text = f"{answer.text} {mark(here)}"
            answer.feedback = mark(here)
            answer.save()
    for point in KeyPoint.objects.filter(case=quiz.case):
        steps = set(Question.objects.filter(step__quiz=quiz, key_points=point).values_list("step__position", flat=True))
        steps |= set(Option.objects.filter(question__step__quiz=quiz, key_points=point).values_list(
            "question__step__position", flat=True))  # fmt: skip
        steps |= set(Zone.objects.filter(question__step__quiz=quiz, key_points=point).values_list(
            "question__step__position", flat=True))  # fmt: skip
        steps |= set(AcceptedAnswer.objects.filter(question__step__quiz=quiz, key_points=point).values_list(
            "question__step__position", flat=True))  # fmt: skip
        if not steps:
            continue
        point.statement = mark(steps)
        point.quote = mark(steps)
        point.teaching_note = mark(steps)
        point.save()
    return markers


def assert_no_leak(body: str, markers: dict[str, set[int]], answered: set[int], where: str):
    found = set(re.findall(r"QZLEAK\d{4}Z", body))
    leaked = {m for m in found if not markers[m] <= answered}
    assert not leaked, f"{where} shows answer-key material of unanswered steps: {sorted(leaked)}"


def urls_in(body: str) -> list[str]:
    return re.findall(r'(?:src|srcset|href|action)="([^"]+)"', body)


@pytest.mark.parametrize("mode", [Quiz.Mode.PRACTICE, Quiz.Mode.EXAM])
def test_no_answer_key_reaches_the_learner_before_the_step_is_answered(client, mode, django_user_model):
    quiz = load_demo_quiz(mode=mode, max_tries=2)
    if mode == Quiz.Mode.EXAM:
        client.force_login(django_user_model.objects.create_user("examinee", password="a long learner password"))
    markers = seed_markers(quiz)
    assert len(markers) > 50
    steps = list(quiz.steps.order_by("position"))
    answered: set[int] = set()  # steps whose material the learner may now see

    def get(url, where):
        response = client.get(url, follow=True)
        assert response.status_code == 200, where
        body = response.content.decode()
        assert_no_leak(body, markers, answered, where)
        for url in urls_in(body):
            assert_no_leak(url, markers, answered, f"a URL on {where}")
        return body

    get(reverse("cases:list"), "the home page")
    get(quiz.case.get_absolute_url(), "the case page")
    get(reverse("quiz:start", args=[quiz.slug]), "the quiz start page")
    attempt = Attempt.objects.get(token=client.post(reverse("quiz:start", args=[quiz.slug])).url.split("/")[-2])

    for step in steps:
        url = reverse("quiz:step", args=[attempt.token, step.position])
        get(url, f"step {step.position} before answering")
        get(reverse("quiz:attempt", args=[attempt.token]), f"the attempt page at step {step.position}")
        get(reverse("quiz:review", args=[attempt.token]), f"the review page at step {step.position}")
        for later in steps[step.position :]:
            get(reverse("quiz:step", args=[attempt.token, later.position]), f"step {later.position} fetched early")
        for question in step.questions.filter(kind=Question.Kind.HOTSPOT):
            # Placing a mark without JavaScript posts the click position and re-renders the step.
            body = client.post(url, {"try_number": "1", f"q{question.pk}-click.x": "100", f"q{question.pk}-click.y":
                                     "80"}).content.decode()  # fmt: skip
            assert_no_leak(body, markers, answered, f"step {step.position} after placing a mark")
            assert "1 mark placed." in body
        if mode == Quiz.Mode.PRACTICE:
            wrong = step_post(attempt, step, answers_for(step, attempt, wrong_answer), 1)
            body = client.post(url, wrong, follow=True).content.decode()
            attempt.refresh_from_db()
            if attempt.current_position == step.position:
                assert_no_leak(body, markers, answered, f"step {step.position} after a wrong try")
                right = step_post(attempt, step, answers_for(step, attempt, key_answer), 2)
                client.post(url, right)
            answered.add(step.position)
            # The step's feedback may quote what this and earlier steps score, and nothing a later step does.
            get(url, f"step {step.position} feedback")
        else:
            right = step_post(attempt, step, answers_for(step, attempt, key_answer), 1)
            body = client.post(url, right, follow=True).content.decode()
            if step != steps[-1]:
                assert_no_leak(body, markers, answered, f"the page after answering step {step.position}")
    attempt.refresh_from_db()
    assert attempt.is_finished

    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    shown = set(re.findall(r"QZLEAK\d{4}Z", review))
    assert shown, "the review shows the feedback and reasoning once every step is answered"
