"""Authoring checks that cannot be bypassed: every way of saving a question runs the grader's checks, a quiz
with a question learners could not answer is never published, and a step reveals its own case only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.tests.factories import make_case, make_figure, make_key_point, make_section
from quiz.keys import quiz_publish_problems
from quiz.models import AcceptedAnswer, Question, Quiz, Step
from quiz.samples import make_question
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import load_demo_quiz
from quiz.tests.test_authoring import inline_management

pytestmark = pytest.mark.django_db

Kind = Question.Kind


@pytest.fixture
def educator(make_educator, client):
    user = make_educator()
    client.force_login(user)
    return user


@pytest.fixture
def draft():
    """A draft quiz with one step, revealing its case's section and figure, and one sound question."""
    case = make_case(title="Elbow case")
    section, figure = make_section(case, 1, "Presentation"), make_figure(case, 1, "1A")
    quiz = Quiz.objects.create(case=case, title="Quiz", slug="quiz", status="draft")
    step = Step.objects.create(quiz=quiz, position=1, title="Step one")
    step.reveals_sections.add(section)
    step.reveals_figures.add(figure)
    make_question(step, 1, Kind.SINGLE_BEST)
    return quiz


@pytest.fixture
def other_case():
    """Another patient's case, with a section, a figure and key points a wrong tick could show."""
    case = make_case(title="Someone else's case")
    make_section(case, 1, "Another patient's history")
    make_figure(case, 1, "9Z")
    for n in range(1, 4):
        make_key_point(case, n, key=f"theirs-{n}", statement=f"Another patient's point {n}.")
    return case


def page_of(response) -> str:
    return response.content.decode()


# --- The step page ------------------------------------------------------------------------------


def step_post(step, new_questions=(), **changes) -> dict:
    """The step's admin form as it stands, its questions inline, plus new question rows (kind, prompt)."""
    questions = list(step.questions.order_by("position"))
    data = {
        "quiz": str(step.quiz_id),
        "position": str(step.position),
        "title": step.title,
        "introduction": step.introduction,
        "reveals_sections": [str(s.pk) for s in step.reveals_sections.all()],
        "reveals_figures": [str(f.pk) for f in step.reveals_figures.all()],
        **inline_management("questions", len(questions) + len(new_questions), len(questions)),
    }
    for n, q in enumerate(questions):
        data.update({f"questions-{n}-id": str(q.pk), f"questions-{n}-step": str(step.pk),
                     f"questions-{n}-position": str(q.position), f"questions-{n}-kind": q.kind,
                     f"questions-{n}-prompt": q.prompt, f"questions-{n}-marks": str(q.marks)})  # fmt: skip
        if q.withdrawn:
            data[f"questions-{n}-withdrawn"] = "on"
    for n, (kind, prompt) in enumerate(new_questions, start=len(questions)):
        data.update({f"questions-{n}-position": str(n + 1), f"questions-{n}-kind": kind,
                     f"questions-{n}-prompt": prompt, f"questions-{n}-marks": "1"})  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "problem"),
    [(Kind.HOTSPOT, "Choose the figure the learner marks."), (Kind.SINGLE_BEST, "Add at least two options")],
)
def test_a_question_that_could_not_be_answered_cannot_be_saved_from_the_step_page(
    client, educator, draft, kind, problem
):
    step = draft.steps.get()
    url = reverse("admin:quiz_step_change", args=[step.pk])

    response = client.post(url, step_post(step, [(kind, "Mark the nodule, or choose.")]))

    assert response.status_code == 200
    page = page_of(response)
    assert problem in page
    assert "Add a question to this step" in page, "the refusal says where questions are written"
    assert list(step.questions.values_list("position", flat=True)) == [1]


def test_the_step_page_offers_no_empty_question_but_a_link_to_write_one(client, educator, draft):
    step = draft.steps.get()
    page = page_of(client.get(reverse("admin:quiz_step_change", args=[step.pk])))

    add_question = reverse("admin:quiz_question_add") + f"?step={step.pk}"
    assert f'href="{add_question}"' in page
    # No blank question row, and the admin's "Add another" stops at the questions already saved.
    assert 'name="questions-TOTAL_FORMS" value="1"' in page and 'name="questions-MAX_NUM_FORMS" value="1"' in page
    chosen = page_of(client.get(add_question))
    assert f'<option value="{step.pk}" selected>' in chosen


def test_changing_a_kind_on_the_step_page_runs_the_new_kinds_checks(client, educator, draft):
    step = draft.steps.get()
    question = step.questions.get()
    url = reverse("admin:quiz_step_change", args=[step.pk])

    response = client.post(url, step_post(step, **{"questions-0-kind": Kind.FREE_TEXT}))

    assert response.status_code == 200
    assert "Learners could not answer this question as it would be saved" in page_of(response)
    assert Question.objects.get(pk=question.pk).kind == Kind.SINGLE_BEST


def test_a_faulty_question_can_be_withdrawn_from_the_step_page_and_a_sound_one_edited(client, educator, draft):
    step = draft.steps.get()
    broken = Question.objects.create(step=step, position=2, kind=Kind.HOTSPOT, prompt="Where?")
    url = reverse("admin:quiz_step_change", args=[step.pk])

    refused = client.post(url, step_post(step, **{"questions-1-prompt": "Where is it?"}))
    assert refused.status_code == 200 and "Choose the figure the learner marks." in page_of(refused)

    response = client.post(url, step_post(step, **{"questions-0-marks": "2", "questions-1-withdrawn": "on"}))

    assert response.status_code == 302, page_of(response)[:3000]
    broken.refresh_from_db()
    assert broken.withdrawn and step.questions.get(position=1).marks == 2


def test_the_question_page_checks_a_changed_kind_with_that_kinds_rows(client, educator, draft):
    step = draft.steps.get()
    question = Question.objects.create(step=step, position=2, kind=Kind.FREE_TEXT, prompt="Name it.")
    answer = AcceptedAnswer.objects.create(question=question, key="calcinosis", text="Calcinosis cutis")
    data = {
        "step": str(step.pk),
        "position": "2",
        "kind": Kind.SINGLE_BEST,
        "prompt": "Name it.",
        "marks": "1",
        "settings": "{}",
        **inline_management("accepted_answers", 1, 1),
        "accepted_answers-0-id": str(answer.pk),
        "accepted_answers-0-question": str(question.pk),
        "accepted_answers-0-key": "calcinosis",
        "accepted_answers-0-text": "Calcinosis cutis",
        "accepted_answers-0-fraction": "1",
        "accepted_answers-0-DELETE": "on",
    }

    response = client.post(reverse("admin:quiz_question_change", args=[question.pk]), data)

    assert response.status_code == 200
    page = page_of(response)
    assert "As a single best answer question it could not be answered" in page
    assert "Add at least two options" in page
    question.refresh_from_db()
    assert question.kind == Kind.FREE_TEXT and question.accepted_answers.exists()


# --- Publishing ------------------------------------------------------------------------------------


def quiz_post(quiz, **changes) -> dict:
    """The quiz's admin form as it stands, with its steps inline, ready to post back with changes."""
    steps = list(quiz.steps.order_by("position"))
    data = {
        "case": str(quiz.case_id),
        "title": quiz.title,
        "slug": quiz.slug,
        "introduction": quiz.introduction,
        "objectives": quiz.objectives,
        "summary_points": [str(k.pk) for k in quiz.summary_points.all()],
        "mode": quiz.mode,
        "status": quiz.status,
        "max_tries": str(quiz.max_tries),
        "penalty_per_try": str(quiz.penalty_per_try),
        "attempts_allowed": str(quiz.attempts_allowed),
        "review_after": quiz.review_after,
        "opens_at_0": "",
        "opens_at_1": "",
        "closes_at_0": "",
        "closes_at_1": "",
        **inline_management("steps", len(steps), len(steps)),
    }
    for n, step in enumerate(steps):
        data.update({f"steps-{n}-id": str(step.pk), f"steps-{n}-quiz": str(quiz.pk),
                     f"steps-{n}-position": str(step.position), f"steps-{n}-title": step.title,
                     f"steps-{n}-introduction": step.introduction,
                     f"steps-{n}-reveals_sections": [str(s.pk) for s in step.reveals_sections.all()],
                     f"steps-{n}-reveals_figures": [str(f.pk) for f in step.reveals_figures.all()]})  # fmt: skip
    data.update(changes)
    return data


def test_a_quiz_holding_a_question_learners_could_not_answer_is_not_published(client, educator, draft):
    step = draft.steps.get()
    # As a script or an import would make them: saved without the admin's checks.
    hotspot = Question.objects.create(step=step, position=2, kind=Kind.HOTSPOT, prompt="Mark the nodule.")
    empty = Question.objects.create(step=step, position=3, kind=Kind.SINGLE_BEST, prompt="Which is it?")
    url = reverse("admin:quiz_quiz_change", args=[draft.pk])

    response = client.post(url, quiz_post(draft, status="published"))

    assert response.status_code == 200
    page = page_of(response)
    assert "Learners could not take this quiz yet" in page
    assert "Step 1, question 2 (“Mark the nodule.”): Choose the figure the learner marks." in page
    assert "Step 1, question 3 (“Which is it?”): Add at least two options" in page
    assert "Step 1, question 1 " not in page, "a sound question is not listed"
    draft.refresh_from_db()
    assert draft.status == "draft"

    Question.objects.filter(pk__in=[hotspot.pk, empty.pk]).update(withdrawn=True)
    response = client.post(url, quiz_post(draft, status="published"))

    assert response.status_code == 302, page_of(response)[:3000]
    draft.refresh_from_db()
    assert draft.status == "published"


def test_the_publish_check_answers_a_script_the_same(draft):
    step = draft.steps.get()
    Question.objects.create(step=step, position=2, kind=Kind.SINGLE_BEST, prompt="Which is it?")
    draft.status = "published"

    with pytest.raises(ValidationError) as refused:
        draft.full_clean()

    messages = refused.value.message_dict["status"]
    assert messages[1].startswith("Step 1, question 2 (“Which is it?”): Add at least two options")
    assert quiz_publish_problems(draft) == messages[1:]


def test_a_quiz_of_every_kind_and_the_demo_quiz_pass_the_publish_check():
    assert quiz_publish_problems(make_quiz(steps=2)) == []
    demo = load_demo_quiz()
    assert demo.status == "published"
    assert quiz_publish_problems(demo) == []
    demo.full_clean()


def test_the_publish_check_flags_a_step_revealing_another_case(draft, other_case):
    step = draft.steps.get()
    step.reveals_sections.add(other_case.sections.get())

    assert quiz_publish_problems(draft) == [
        "Step 1: “Another patient's history” belong to another case: choose only sections of this quiz's case. "
        "Open the step and save it to remove them."
    ]


# --- A step reveals its own case only -------------------------------------------------------------


def test_the_quiz_add_page_refuses_a_step_revealing_another_case(client, educator, other_case):
    case = make_case(title="Elbow case")
    mine = make_section(case, 1, "Presentation")
    theirs = other_case.sections.get()
    add = reverse("admin:quiz_quiz_add")
    offered = page_of(client.get(add))
    assert "Someone else&#x27;s case: Another patient&#x27;s history" in offered, "each case's are named"
    data = {
        "case": str(case.pk),
        "title": "Quiz",
        "slug": "new-quiz",
        "introduction": "",
        "objectives": "",
        "mode": "practice",
        "status": "draft",
        "max_tries": "3",
        "penalty_per_try": "0.333",
        "attempts_allowed": "1",
        "review_after": "attempt",
        **inline_management("steps", 1),
        "steps-0-position": "1",
        "steps-0-title": "Step one",
        "steps-0-introduction": "",
        "steps-0-reveals_sections": [str(mine.pk), str(theirs.pk)],
    }

    response = client.post(add, data)

    assert response.status_code == 200
    assert "“Another patient&#x27;s history” belong to another case" in page_of(response)
    assert not Quiz.objects.exists() and not Step.objects.exists()

    response = client.post(add, {**data, "steps-0-reveals_sections": [str(mine.pk)]})
    assert response.status_code == 302, page_of(response)[:3000]
    assert list(Step.objects.get().reveals_sections.all()) == [mine]


def test_the_quiz_change_page_offers_and_accepts_only_its_case(client, educator, draft, other_case):
    theirs = other_case.figures.get()
    url = reverse("admin:quiz_quiz_change", args=[draft.pk])
    offered = page_of(client.get(url))
    assert "Figure 1A" in offered and "Figure 9Z" not in offered

    response = client.post(url, quiz_post(draft, **{"steps-0-reveals_figures": [str(theirs.pk)]}))

    assert response.status_code == 200
    assert "Select a valid choice" in page_of(response)
    assert not draft.steps.get().reveals_figures.filter(pk=theirs.pk).exists()


def test_the_step_add_page_refuses_another_case(client, educator, draft, other_case):
    theirs = other_case.figures.get()
    data = {
        "quiz": str(draft.pk),
        "position": "2",
        "title": "Step two",
        "introduction": "",
        "reveals_figures": [str(theirs.pk)],
        **inline_management("questions", 0),
    }

    response = client.post(reverse("admin:quiz_step_add"), data)

    assert response.status_code == 200
    assert "“Figure 9Z” belong to another case: choose only figures of this quiz&#x27;s case." in page_of(response)
    assert draft.steps.count() == 1

    offered = page_of(client.get(reverse("admin:quiz_step_add") + f"?quiz={draft.pk}"))
    assert "Figure 1A" in offered and "Figure 9Z" not in offered, "a link naming the quiz offers its case only"


def test_the_step_change_page_refuses_another_case_also_when_moving_the_step(client, educator, draft, other_case):
    step = draft.steps.get()
    url = reverse("admin:quiz_step_change", args=[step.pk])
    assert "Another patient" not in page_of(client.get(url))

    ticked = client.post(url, step_post(step, reveals_sections=[str(other_case.sections.get().pk)]))
    assert ticked.status_code == 200 and "Select a valid choice" in page_of(ticked)

    elsewhere = Quiz.objects.create(case=other_case, title="Their quiz", slug="their-quiz")
    moved = client.post(url, step_post(step, quiz=str(elsewhere.pk)))

    assert moved.status_code == 200
    page = page_of(moved)
    assert "“Presentation” belong to another case" in page and "“Figure 1A” belong to another case" in page
    step.refresh_from_db()
    assert step.quiz == draft and step.reveals_sections.exists()


# --- Objectives and take-home points -----------------------------------------------------------------


def test_take_home_points_are_none_or_three_to_five_of_the_quizs_case(client, educator, draft, other_case):
    case = draft.case
    points = [make_key_point(case, n, key=f"mine-{n}", statement=f"My point {n}.") for n in range(1, 7)]
    url = reverse("admin:quiz_quiz_change", args=[draft.pk])
    offered = page_of(client.get(url))
    assert "My point 1." in offered and "Another patient&#x27;s point 1." not in offered
    assert "learning objectives" in offered.lower()

    for wrong in (points[:2], points):
        response = client.post(url, quiz_post(draft, summary_points=[str(p.pk) for p in wrong]))
        assert response.status_code == 200
        assert f"Choose 3 to 5 take-home points, or none ({len(wrong)} chosen)" in page_of(response)
    assert not draft.summary_points.exists()

    chosen = quiz_post(draft, summary_points=[str(p.pk) for p in points[:3]], objectives="Classify the nodules.")
    response = client.post(url, chosen)

    assert response.status_code == 302, page_of(response)[:3000]
    draft.refresh_from_db()
    assert set(draft.summary_points.all()) == set(points[:3]) and draft.objectives == "Classify the nodules."
    assert draft.summary_points_problems(list(other_case.key_points.all())) == [
        "“Another patient's point 1.”, “Another patient's point 2.”, “Another patient's point 3.” belong to "
        "another case: choose key points of this quiz's case."
    ]


def test_the_quiz_add_page_refuses_another_cases_take_home_points(client, educator, other_case):
    case = make_case(title="Elbow case")
    theirs = [str(k.pk) for k in other_case.key_points.all()]
    data = {
        "case": str(case.pk),
        "title": "Quiz",
        "slug": "new-quiz",
        "summary_points": theirs,
        "mode": "practice",
        "status": "draft",
        "max_tries": "3",
        "penalty_per_try": "0.333",
        "attempts_allowed": "1",
        "review_after": "attempt",
        **inline_management("steps", 0),
    }

    response = client.post(reverse("admin:quiz_quiz_add"), data)

    assert response.status_code == 200
    assert "belong to another case: choose key points of this quiz&#x27;s case." in page_of(response)
    assert not Quiz.objects.exists()


def test_a_key_point_of_another_case_is_refused_and_blocks_publishing(client, make_educator):
    from cases.tests.factories import make_case, make_key_point
    from quiz.keys import OTHER_CASES_KEY_POINT, quiz_publish_problems
    from quiz.models import Question
    from quiz.tests.factories import make_quiz

    quiz = make_quiz(kinds=[Question.Kind.SINGLE_BEST])
    question = Question.objects.get(step__quiz=quiz)
    elsewhere = make_key_point(make_case(status="draft"), 1, quote="A draft case's reasoning.")
    assert quiz_publish_problems(quiz) == []
    question.options.first().key_points.add(elsewhere)
    assert any(OTHER_CASES_KEY_POINT in problem for problem in quiz_publish_problems(quiz))
