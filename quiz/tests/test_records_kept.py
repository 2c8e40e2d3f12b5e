"""Learners' records outlive authoring: answered questions cannot be deleted, key changes are logged, and
withdrawing a step or question leaves attempts able to finish and their marks adding up."""

import pytest
from django.urls import reverse

from quiz.keys import key_snapshot
from quiz.models import Attempt, KeyChange, Option, Question, Response, Step
from quiz.services import key_change_record, question_regrade
from quiz.tests.helpers import load_demo_quiz
from quiz.tests.test_authoring import inline_management
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def educator(make_educator):
    return make_educator()


@pytest.fixture
def answered(client):
    """The demo quiz with a learner who has answered its first step."""
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    return attempt


def test_an_answered_question_step_or_quiz_cannot_be_deleted(client, educator, answered):
    learner = type(client)()
    quiz = answered.quiz
    step = quiz.steps.get(position=1)
    question = step.questions.first()
    responses = Response.objects.count()
    assert responses
    learner.force_login(educator)
    for url in [
        reverse("admin:quiz_question_delete", args=[question.pk]),
        reverse("admin:quiz_step_delete", args=[step.pk]),
        reverse("admin:quiz_quiz_delete", args=[quiz.pk]),
    ]:
        page = learner.get(url).content.decode()
        assert "<title>Cannot delete" in page, url
        assert "protected related objects" in page or "permission to delete" in page, url
        learner.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists() and Step.objects.filter(pk=step.pk).exists()
    assert Response.objects.count() == responses


def test_deleting_an_answered_question_from_its_step_page_is_refused(client, educator, answered):
    step = answered.quiz.steps.get(position=1)
    questions = list(step.questions.order_by("position"))
    data = step_change_post(step, questions)
    data["questions-0-DELETE"] = "on"
    client.force_login(educator)
    response = client.post(reverse("admin:quiz_step_change", args=[step.pk]), data)
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Question.objects.filter(pk=questions[0].pk).exists()


def step_change_post(step, questions) -> dict:
    """The step's admin form with its questions inline, as it stands, ready to post back with changes."""
    data = {
        "quiz": str(step.quiz_id),
        "position": str(step.position),
        "title": step.title,
        "introduction": step.introduction,
        **inline_management("questions", len(questions), len(questions)),
    }
    for n, q in enumerate(questions):
        data.update({f"questions-{n}-id": str(q.pk), f"questions-{n}-step": str(step.pk),
                     f"questions-{n}-position": str(q.position), f"questions-{n}-kind": q.kind,
                     f"questions-{n}-prompt": q.prompt, f"questions-{n}-marks": str(q.marks)})  # fmt: skip
    return data


def test_a_question_only_previews_answered_can_go_once_its_previews_are_deleted(client, educator):
    quiz = load_demo_quiz()
    client.force_login(educator)
    client.post(reverse("quiz:preview", args=[quiz.slug]))
    preview = Attempt.objects.get()
    submit(client, preview, quiz.steps.get(position=1))
    question = quiz.steps.get(position=1).questions.first()

    client.post(reverse("admin:quiz_attempt_delete", args=[preview.pk]), {"post": "yes"})
    assert not Attempt.objects.exists()
    client.post(reverse("admin:quiz_question_delete", args=[question.pk]), {"post": "yes"})
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_learners_attempt_cannot_be_deleted_by_an_educator(client, educator, answered):
    client.force_login(educator)
    response = client.post(reverse("admin:quiz_attempt_delete", args=[answered.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Attempt.objects.filter(pk=answered.pk).exists()


def question_change_post(question) -> dict:
    """The question's admin form as it stands, ready to post back with changes."""
    options = list(question.options.order_by("position"))
    data = {
        "step": str(question.step_id),
        "position": str(question.position),
        "kind": question.kind,
        "prompt": question.prompt,
        "marks": str(question.marks),
        "hint": question.hint,
        "feedback": question.feedback,
        "settings": "{}",
        "key_points": [str(k.pk) for k in question.key_points.all()],
        **inline_management("options", len(options), len(options)),
        **inline_management("zones", 0),
        **inline_management("accepted_answers", 0),
    }
    for n, o in enumerate(options):
        data.update({f"options-{n}-id": str(o.pk), f"options-{n}-question": str(question.pk),
                     f"options-{n}-key": o.key, f"options-{n}-position": str(o.position), f"options-{n}-text": o.text,
                     f"options-{n}-weight": str(o.weight), f"options-{n}-is_true": "unknown",
                     f"options-{n}-match_key": o.match_key, f"options-{n}-feedback": o.feedback,
                     f"options-{n}-key_points": [str(k.pk) for k in o.key_points.all()]})  # fmt: skip
    return data


def first_single_best(quiz) -> Question:
    single_best = Question.objects.filter(step__quiz=quiz, kind=Question.Kind.SINGLE_BEST).select_related("step")
    return single_best.order_by("step__position", "position").first()


def test_changing_an_answered_key_is_logged_and_the_regrade_offered(client, educator):
    quiz = load_demo_quiz()
    learner = type(client)()
    attempt = start(learner, quiz)
    question = first_single_best(quiz)
    step = question.step
    Attempt.objects.filter(pk=attempt.pk).update(current_position=step.position)
    submit(learner, attempt, step)
    assert Response.objects.get(question=question).fraction == 1.0

    client.force_login(educator)
    unchanged = client.post(reverse("admin:quiz_question_change", args=[question.pk]), question_change_post(question))
    assert unchanged.status_code == 302, unchanged.content.decode()[:2000]
    assert not KeyChange.objects.exists(), "saving without changing the key logs nothing"

    data = question_change_post(question)
    chosen = Response.objects.get(question=question).raw["choice"]
    other = next(o for o in question.options.all() if o.key != chosen)
    for n, option in enumerate(question.options.order_by("position")):
        data[f"options-{n}-weight"] = "1" if option.key == other.key else "0"
    response = client.post(reverse("admin:quiz_question_change", args=[question.pk]), data, follow=True)
    assert "(1 answer): the change to its key is recorded" in response.content.decode()

    change = KeyChange.objects.get()
    assert change.changed_by == educator and change.responses_affected == 1 and change.regraded_at is None
    assert change.before != change.after
    assert Response.objects.get(question=question).fraction == 1.0, "nothing is regraded without being asked"

    regrade_url = reverse("admin:quiz_question_regrade", args=[question.pk])
    assert "Regrade 1 answer" in client.get(regrade_url).content.decode()
    client.post(regrade_url)
    assert Response.objects.get(question=question).fraction == 0.0
    change.refresh_from_db()
    assert change.regraded_at is not None and change.regraded_by == educator and change.grades_changed == 1
    assert Option.objects.get(pk=other.pk).weight == 1


def test_a_withdrawn_step_is_skipped_and_the_attempt_still_finishes(client, answered):
    quiz = answered.quiz
    Attempt.objects.filter(pk=answered.pk).update(current_position=2)
    Step.objects.filter(quiz=quiz, position=2).update(withdrawn=True)

    response = client.get(reverse("quiz:step", args=[answered.token, 2]), follow=True)
    assert response.status_code == 200
    assert "That step was withdrawn" in response.content.decode()
    answered.refresh_from_db()
    assert answered.current_position == 3

    for step in quiz.steps.filter(position__gte=3).order_by("position"):
        submit(client, answered, step)
    answered.refresh_from_db()
    assert answered.is_finished
    asked = Question.objects.filter(step__quiz=quiz).exclude(step__position=2)
    assert float(answered.max_score) == float(sum(q.marks for q in asked))
    assert answered.score == answered.max_score
    review = client.get(reverse("quiz:review", args=[answered.token])).content.decode()
    assert quiz.steps.get(position=2).title not in review


def test_a_question_withdrawn_after_it_was_answered_keeps_counting_for_that_attempt(client, answered):
    quiz = answered.quiz
    first = quiz.steps.get(position=1).questions.first()
    Question.objects.filter(pk=first.pk).update(withdrawn=True)
    for step in quiz.steps.filter(position__gte=2).order_by("position"):
        submit(client, answered, step)
    answered.refresh_from_db()
    everything = Question.objects.filter(step__quiz=quiz)
    assert float(answered.max_score) == float(sum(q.marks for q in everything))
    assert answered.score == answered.max_score

    newcomer = type(client)()
    later = start(newcomer, quiz)
    assert first.prompt[:40] not in newcomer.get(reverse("quiz:step", args=[later.token, 1])).content.decode()


def test_the_step_page_can_neither_change_an_answered_kind_nor_change_marks_unlogged(client, educator, answered):
    step = answered.quiz.steps.get(position=1)
    questions = list(step.questions.order_by("position"))
    data = step_change_post(step, questions)
    client.force_login(educator)
    url = reverse("admin:quiz_step_change", args=[step.pk])

    refused = client.post(url, {**data, "questions-0-kind": "free_text"})
    assert refused.status_code == 200 and "its kind cannot change" in refused.content.decode()
    assert Question.objects.get(pk=questions[0].pk).kind == questions[0].kind

    client.post(url, {**data, "questions-0-marks": "50"})
    assert Question.objects.get(pk=questions[0].pk).marks == 50
    change = KeyChange.objects.get(question=questions[0])
    assert change.before["marks"] != change.after["marks"] and change.changed_by == educator


def test_regrading_one_question_leaves_another_pending_change_alone(client, answered):
    quiz = answered.quiz
    single_best = first_single_best(quiz)
    for step in quiz.steps.filter(position__gt=1, position__lte=single_best.step.position).order_by("position"):
        submit(client, answered, step)
    first = quiz.steps.get(position=1).questions.get()
    chosen = Response.objects.get(question=single_best).raw["choice"]
    before = key_snapshot(single_best)
    Option.objects.filter(question=single_best).update(weight=0)
    Option.objects.filter(question=single_best).exclude(key=chosen).filter(position=1).update(weight=1)
    if not Option.objects.filter(question=single_best, weight=1).exists():
        Option.objects.filter(question=single_best).exclude(key=chosen).filter(position=2).update(weight=1)
    pending = key_change_record(question=single_best, before=before, after=key_snapshot(single_best))
    assert pending is not None

    question_regrade(question=first)

    assert Response.objects.get(question=single_best).fraction == 1.0, "another question's change waits"
    pending.refresh_from_db()
    assert pending.regraded_at is None
    question_regrade(question=single_best)
    assert Response.objects.get(question=single_best).fraction == 0.0


def test_an_educator_cannot_delete_someone_elses_preview(client, educator, django_user_model):
    quiz = load_demo_quiz()
    boss = type(client)()
    boss.force_login(django_user_model.objects.create_superuser("boss", password="pw"))
    boss.post(reverse("quiz:preview", args=[quiz.slug]))
    preview = Attempt.objects.get()
    client.force_login(educator)
    assert client.post(reverse("admin:quiz_attempt_delete", args=[preview.pk]), {"post": "yes"}).status_code == 403
    assert Attempt.objects.filter(pk=preview.pk).exists()
