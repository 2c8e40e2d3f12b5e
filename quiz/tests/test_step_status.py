"""After a submit the learner lands on what happened; a stale tab is told which answers count; an attempt in
progress is offered from the quiz's page, the case page and the list of cases."""

import pytest
from django.urls import reverse

from quiz.models import Attempt, Question, Quiz, Response
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind


def start(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    return Attempt.objects.filter(quiz=quiz).latest("started_at")


def post(client, attempt, position, answer, try_number=1, **extra):
    step = attempt.quiz.steps.get(position=position)
    data = step_post(attempt, step, answers_for(step, attempt, answer), try_number)
    return client.post(reverse("quiz:step", args=[attempt.token, position]), {**data, **extra})


def test_each_submit_lands_on_its_status(client, django_user_model):
    quiz = make_quiz(steps=2, kinds=[Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    assert post(client, attempt, 1, wrong_answer).url.endswith("/steps/1/#step-status")  # try again
    assert post(client, attempt, 1, key_answer, try_number=2).url.endswith("/steps/1/#step-status")  # feedback
    assert post(client, attempt, 2, key_answer).url.endswith("/steps/2/#step-status")
    shown = client.post(reverse("quiz:step", args=[attempt.token, 2]), {"give_up": "1"})
    assert shown.url.endswith("#messages")  # already finished: told so

    exam = make_quiz(steps=2, kinds=[Kind.SINGLE_BEST], mode=Quiz.Mode.EXAM)
    client.force_login(django_user_model.objects.create_user("examinee", password="a long learner password"))
    attempt = start(client, exam)
    response = post(client, attempt, 1, key_answer)
    assert response.url.endswith("/steps/2/#messages")
    page = client.get(response.url).content.decode()
    assert 'id="messages" tabindex="-1"' in page and "Your answers to that step are recorded" in page
    assert post(client, attempt, 2, key_answer).url.endswith("/review/#step-status")


def test_the_status_elements_carry_the_ids_the_redirects_name(client):
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    page = client.get(post(client, attempt, 1, wrong_answer).url).content.decode()
    assert 'id="step-status" tabindex="-1"' in page and "Not quite yet" in page
    page = client.get(post(client, attempt, 1, key_answer, try_number=2).url).content.decode()
    assert 'id="step-status" tabindex="-1">You scored' in page
    assert "js/quiz.js" in page


def test_a_stale_tab_sending_other_answers_is_told_which_answers_count(client):
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    post(client, attempt, 1, wrong_answer)
    recorded = Response.objects.get()

    stale = post(client, attempt, 1, key_answer, try_number=1)  # the other tab, still on try 1
    page = client.get(stale.url).content.decode()
    assert "This try was already recorded at" in page and "with other answers" in page
    assert "the ones you just sent were not used" in page
    assert list(Response.objects.values_list("pk", "raw")) == [(recorded.pk, recorded.raw)]

    again = post(client, attempt, 1, wrong_answer, try_number=1)  # the same answers sent twice
    page = client.get(again.url).content.decode()
    assert "Those answers were already recorded at" in page and "nothing was changed" in page


def test_an_attempt_in_progress_is_offered_where_the_learner_comes_back(client):
    quiz = make_quiz(steps=2, kinds=[Kind.SINGLE_BEST])
    attempt = start(client, quiz)
    post(client, attempt, 1, key_answer)
    carry_on = "Carry on at step 2"
    for url in (reverse("quiz:start", args=[quiz.slug]), quiz.case.get_absolute_url(), reverse("cases:list")):
        page = client.get(url).content.decode()
        assert carry_on in page, url
        assert reverse("quiz:attempt", args=[attempt.token]) in page, url

    post(client, attempt, 2, key_answer)
    for url in (reverse("quiz:start", args=[quiz.slug]), quiz.case.get_absolute_url(), reverse("cases:list")):
        assert "Carry on at step" not in client.get(url).content.decode(), url
    assert "Carry on" not in type(client)().get(reverse("cases:list")).content.decode(), "another browser"


def test_a_practice_step_says_how_many_tries_there_are_and_what_an_extra_one_costs(client):
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST])
    Quiz.objects.filter(pk=quiz.pk).update(max_tries=3, penalty_per_try="0.333")
    attempt = start(client, quiz)
    page = client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
    assert "You have 3 tries at this step; each extra try costs a third of the question&#x27;s marks." in page
