"""What the step selector says a learner gets at each step, and which step the submit service says comes next."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quiz.forms import StepForm
from quiz.models import Question, Quiz, Step
from quiz.selectors import STEP_DONE_TEMPLATE, STEP_FORM_TEMPLATE, step_page
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind
KINDS = (Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE)


def practice_attempt(steps=2):
    quiz = make_quiz(steps=steps, kinds=KINDS)
    return attempt_start(quiz=quiz, owner_secret="this browser's secret")


def exam_attempt(user, steps=2, **quiz_changes):
    quiz = make_quiz(steps=steps, kinds=KINDS, mode=Quiz.Mode.EXAM)
    Quiz.objects.filter(pk=quiz.pk).update(**quiz_changes)
    quiz.refresh_from_db()
    return attempt_start(quiz=quiz, user=user)


def answer(attempt, position, how=key_answer, try_number=1, overrides=None):
    step = attempt.quiz.steps.get(position=position)
    answers = answers_for(step, attempt, how) | (overrides or {})
    result = step_submit(attempt=attempt, step=step, try_number=try_number, raw_responses=answers)
    attempt.refresh_from_db()
    return result, answers


def page(attempt, position, **kwargs):
    return step_page(attempt, position, now=timezone.now(), **kwargs)


def step_url(attempt, position):
    return reverse("quiz:step", args=[attempt.token, position])


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("learner", password="pw")


def test_the_open_step_shows_its_form_filled_in_with_the_latest_try():
    attempt = practice_attempt()
    step = attempt.quiz.steps.get(position=1)
    first, second = step.questions.order_by("position")
    answer(attempt, 1, wrong_answer)
    # The second try gets the first question right: the form must come back with that try, not the first.
    _, latest = answer(attempt, 1, wrong_answer, try_number=2, overrides={first.pk: key_answer(first, attempt)})

    shown = page(attempt, 1)

    assert shown.template == STEP_FORM_TEMPLATE and shown.shows_form and not shown.redirect_to
    assert shown.step == step
    assert [q.pk for q in shown.questions] == [first.pk, second.pk]
    assert (shown.tries_used, shown.try_number) == (2, 3)
    assert {r.question_id: (r.try_number, r.raw) for r in shown.refill} == {
        first.pk: (2, latest[first.pk]),
        second.pk: (2, latest[second.pk]),
    }
    assert shown.latest_states == {first.pk: "correct", second.pk: "incorrect"}
    form = StepForm(attempt=attempt, questions=shown.questions, initial={"try_number": shown.try_number})
    form.fill_from_responses(shown.refill)
    # What the browser would post unchanged is exactly the latest try.
    expected = step_post(attempt, step, latest, 3)
    del expected["action"]
    assert form.posted_data() == expected | {"try_number": 3}

    context = shown.context(form="the form")
    assert context["form"] == "the form" and context["tries_used"] == 2 and context["behaviour"] == attempt.behaviour
    assert [s.position for s in context["steps"]] == [1, 2] and context["step_count"] == 2
    assert [s.pk for s in context["revealed"].new_sections] == [s.pk for s in step.reveals_sections.all()]
    assert context["quiz"] == attempt.quiz and context["case"] == attempt.quiz.case


def test_a_fresh_step_or_a_submitted_form_is_not_filled_in():
    attempt = practice_attempt()
    fresh = page(attempt, 1)
    assert (fresh.tries_used, fresh.try_number, fresh.refill, fresh.latest_states) == (0, 1, [], {})

    answer(attempt, 1, wrong_answer)
    submitted = page(attempt, 1, submitting=True)
    assert submitted.shows_form and submitted.tries_used == 1 and submitted.refill == []


def test_practice_shows_a_committed_step_with_its_feedback():
    attempt = practice_attempt()
    answer(attempt, 1)

    shown = page(attempt, 1)

    assert shown.template == STEP_DONE_TEMPLATE and not shown.shows_form and not shown.redirect_to
    assert shown.review.step == attempt.quiz.steps.get(position=1)
    assert shown.review.marks_awarded == shown.review.marks_possible == len(KINDS)
    assert shown.next_position == 2
    assert shown.context()["review"] is shown.review and shown.context()["next_position"] == 2


def test_an_exam_keeps_a_committed_steps_feedback_until_the_attempt_is_over(learner):
    attempt = exam_attempt(learner)
    answer(attempt, 1)

    during = page(attempt, 1)
    assert during.template == STEP_DONE_TEMPLATE
    assert during.review is None and during.next_position == 2

    answer(attempt, 2)
    after = page(attempt, 1)
    assert after.template == STEP_DONE_TEMPLATE
    assert after.review is not None and after.review.marks_awarded == len(KINDS)
    assert after.next_position is None  # the results come next


def test_an_exam_that_never_shows_answers_shows_a_finished_step_without_feedback(learner):
    attempt = exam_attempt(learner, review_after=Quiz.ReviewAfter.NEVER)
    answer(attempt, 1)
    answer(attempt, 2)

    shown = page(attempt, 2)

    assert shown.template == STEP_DONE_TEMPLATE and shown.review is None and shown.next_position is None


def test_a_step_not_yet_open_sends_the_learner_to_the_step_they_are_on():
    attempt = practice_attempt(steps=3)

    shown = page(attempt, 3)

    assert shown.redirect_to == step_url(attempt, 1)
    assert shown.message == "Finish this step first: the next one opens once it is answered."
    assert not shown.template and not shown.skip_withdrawn


def test_a_withdrawn_step_the_attempt_has_reached_is_to_be_skipped():
    attempt = practice_attempt(steps=3)
    answer(attempt, 1)
    Step.objects.filter(quiz=attempt.quiz, position=2).update(withdrawn=True)

    shown = page(attempt, 2)

    assert shown.skip_withdrawn
    assert shown.redirect_to == attempt.get_absolute_url()
    assert "withdrawn" in shown.message and not shown.template
    attempt.refresh_from_db()
    assert attempt.current_position == 2, "the selector only says so: the view has the service move the attempt on"


def test_a_step_withdrawn_after_the_attempt_answered_it_still_shows_what_was_recorded():
    attempt = practice_attempt(steps=3)
    answer(attempt, 1)
    Step.objects.filter(quiz=attempt.quiz, position=1).update(withdrawn=True)

    shown = page(attempt, 1)

    assert not shown.skip_withdrawn and shown.template == STEP_DONE_TEMPLATE and shown.review is not None


def test_a_committed_step_or_a_finished_attempt_takes_no_more_answers(learner):
    attempt = practice_attempt()
    answer(attempt, 1)
    shown = page(attempt, 1, submitting=True)
    assert shown.redirect_to == step_url(attempt, 2)
    assert shown.message == "This step is finished; your answers were already recorded and cannot change."

    answer(attempt, 2)
    shown = page(attempt, 2, submitting=True)
    assert shown.redirect_to == reverse("quiz:review", args=[attempt.token])
    assert shown.message == "This attempt is finished: answers can no longer be given or changed."


def test_a_step_the_quiz_does_not_have_is_not_found():
    attempt = practice_attempt()
    with pytest.raises(Http404):
        page(attempt, 9)


def test_the_selector_only_reads(learner):
    attempt = practice_attempt(steps=3)
    answer(attempt, 1, wrong_answer)
    answer(attempt, 1, wrong_answer, try_number=2)
    Step.objects.filter(quiz=attempt.quiz, position=2).update(withdrawn=True)
    with CaptureQueriesContext(connection) as queries:
        for position in (1, 2, 3):
            for submitting in (False, True):
                page(attempt, position, submitting=submitting)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert queries and writes == []


# Which step comes next: the service says so, the view follows.


def test_practice_shows_the_step_again_after_each_try():
    attempt = practice_attempt()
    assert answer(attempt, 1, wrong_answer)[0].next_position == 1  # another try
    assert answer(attempt, 1, try_number=2)[0].next_position == 1  # its feedback
    assert answer(attempt, 2)[0].next_position == 2  # the last step's feedback, before the results


def test_an_exam_goes_straight_on_to_the_next_step_still_asked_then_to_the_results(learner):
    attempt = exam_attempt(learner, steps=3)
    Step.objects.filter(quiz=attempt.quiz, position=2).update(withdrawn=True)

    result, _ = answer(attempt, 1)
    assert result.step_committed and result.next_position == 3
    result, _ = answer(attempt, 3)
    assert result.attempt_finished and result.next_position is None


def test_the_step_view_follows_the_service_past_a_withdrawn_step(client, learner):
    attempt = exam_attempt(learner, steps=3)
    Step.objects.filter(quiz=attempt.quiz, position=2).update(withdrawn=True)
    client.force_login(learner)
    step = attempt.quiz.steps.get(position=1)

    response = client.post(step_url(attempt, 1), step_post(attempt, step, answers_for(step, attempt), 1))

    assert response.status_code == 302 and response.url.split("#")[0] == step_url(attempt, 3)
    page_html = client.get(response.url).content.decode()
    assert "Submit step 3" in page_html and "Your answers to this step are recorded" not in page_html
