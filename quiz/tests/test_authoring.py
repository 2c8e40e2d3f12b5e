"""Educators build quizzes in the admin; each question is checked with its grader's rules on save."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.tests.factories import make_case, make_figure, make_key_point, make_section
from quiz.models import Attempt, Option, Question, Quiz, Response, Step
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def educator(make_educator, client):
    user = make_educator()
    client.force_login(user)
    return user


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def step():
    case = make_case()
    make_section(case, 1, "Presentation")
    quiz = Quiz.objects.create(case=case, title="Quiz", slug="quiz", status="published")
    return Step.objects.create(quiz=quiz, position=1, title="Step one")


def question_post(step, kind, options=(), zones=(), answers=(), **fields):
    data = {
        "step": str(step.pk),
        "position": "1",
        "kind": kind,
        "prompt": "Which?",
        "marks": "1",
        "hint": "",
        "feedback": "",
        "settings": "{}",
        **fields,
        **inline_management("options", len(options)),
        **inline_management("zones", len(zones)),
        **inline_management("accepted_answers", len(answers)),
    }
    for n, (key, text, weight) in enumerate(options):
        data.update({f"options-{n}-key": key, f"options-{n}-position": str(n + 1), f"options-{n}-text": text,
                     f"options-{n}-weight": weight, f"options-{n}-is_true": "unknown"})  # fmt: skip
    for n, (key, label, coordinates, correct) in enumerate(zones):
        data.update({f"zones-{n}-key": key, f"zones-{n}-label": label, f"zones-{n}-shape": "rect",
                     f"zones-{n}-coordinates": coordinates})  # fmt: skip
        if correct:
            data[f"zones-{n}-correct"] = "on"
    for n, (key, text, fraction) in enumerate(answers):
        data.update({f"accepted_answers-{n}-key": key, f"accepted_answers-{n}-text": text,
                     f"accepted_answers-{n}-fraction": fraction})  # fmt: skip
    return data


def test_educator_adds_a_multiple_response_question(client, educator, step):
    data = question_post(
        step, "multiple_response", options=[("a", "Right", "1"), ("b", "Wrong", "-1"), ("c", "Also wrong", "-0.5")]
    )
    response = client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert [o.key for o in question.options.all()] == ["a", "b", "c"]


def test_multiple_response_where_ticking_everything_pays_is_refused(client, educator, step):
    data = question_post(step, "multiple_response", options=[("a", "Right", "1"), ("b", "Wrong", "-0.5")])
    page = client.post(reverse("admin:quiz_question_add"), data).content.decode()
    assert "Ticking every box would score 50%" in page
    assert not Question.objects.exists()


def test_single_best_without_a_best_answer_is_refused(client, educator, step):
    data = question_post(step, "single_best", options=[("a", "One", "0.5"), ("b", "Two", "0")])
    page = client.post(reverse("admin:quiz_question_add"), data).content.decode()
    assert "weight of 100%" in page or "weight 1" in page or "best answer" in page.lower()
    assert not Question.objects.exists()


def test_options_on_a_free_text_question_are_refused(client, educator, step):
    data = question_post(step, "free_text", options=[("a", "One", "1")], answers=[("x", "Virchow", "1")])
    page = client.post(reverse("admin:quiz_question_add"), data).content.decode()
    assert "does not use options" in page
    assert not Question.objects.exists()


def test_hotspot_needs_a_revealed_figure_and_a_correct_zone(client, educator, step):
    figure = make_figure(step.quiz.case, 1, "1A")
    data = question_post(step, "hotspot", zones=[("z", "Top left", "[0.1, 0.1, 0.2, 0.2]", False)],
                         figure=str(figure.pk))  # fmt: skip
    page = client.post(reverse("admin:quiz_question_add"), data).content.decode()
    assert "Reveal this figure in this step or an earlier one" in page

    step.reveals_figures.add(figure)
    page = client.post(reverse("admin:quiz_question_add"), data).content.decode()
    assert "correct" in page.lower() and not Question.objects.exists()

    data["zones-0-correct"] = "on"
    response = client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302
    assert Question.objects.get().zones.get().coordinates == [0.1, 0.1, 0.2, 0.2]


def test_zone_coordinates_out_of_the_image_are_refused(client, educator, step):
    figure = make_figure(step.quiz.case, 1, "1A")
    step.reveals_figures.add(figure)
    data = question_post(step, "hotspot", zones=[("z", "Somewhere", "[0.9, 0.9, 0.5, 0.5]", True)],
                         figure=str(figure.pk))  # fmt: skip
    response = client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_question_page_offers_only_the_case_key_points_and_the_zone_editor(client, educator, step):
    mine = make_key_point(step.quiz.case, 1, statement="Mine.")
    other = make_key_point(make_case(), 1, statement="Someone else's.")
    question = Question.objects.create(step=step, position=1, kind="single_best", prompt="Which?")
    page = client.get(reverse("admin:quiz_question_change", args=[question.pk])).content.decode()
    assert f'value="{mine.pk}"' in page
    assert f'value="{other.pk}"' not in page
    assert "zone-editor" in page
    assert "How each kind is scored" in page


def test_preview_as_a_student_is_marked_and_never_counted(client, educator):
    quiz = load_demo_quiz(status="draft")
    page = client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert "Preview as a student" in page

    response = client.post(reverse("quiz:preview", args=[quiz.slug]), follow=True)

    attempt = Attempt.objects.get()
    assert attempt.is_preview
    assert "Preview" in response.content.decode()
    assert not Attempt.objects.counted().exists()


def test_draft_quiz_or_draft_case_is_hidden_from_learners(client):
    quiz = load_demo_quiz(status="draft")
    assert client.get(reverse("quiz:start", args=[quiz.slug])).status_code == 404
    Quiz.objects.filter(pk=quiz.pk).update(status="published")
    assert client.get(reverse("quiz:start", args=[quiz.slug])).status_code == 200
    quiz.case.status = "draft"
    quiz.case.save()
    assert client.get(reverse("quiz:start", args=[quiz.slug])).status_code == 404
    assert client.post(reverse("quiz:preview", args=[quiz.slug])).status_code == 302  # to the admin login


def test_regrade_after_a_key_is_corrected(client):
    quiz = load_demo_quiz()
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    question = (
        Question.objects.filter(step__quiz=quiz, kind=Question.Kind.SINGLE_BEST).order_by("step__position").first()
    )
    step = question.step
    Attempt.objects.filter(pk=attempt.pk).update(current_position=step.position)
    client.post(reverse("quiz:step", args=[attempt.token, step.position]), step_post(attempt, step, answers_for(
                step, attempt, key_answer), 1))  # fmt: skip
    assert Response.objects.get(question=question).fraction == 1.0
    chosen = Response.objects.get(question=question).raw["choice"]

    # The educator finds the key was wrong: another option was meant to be the best answer.
    other = question.options.exclude(key=chosen).first()
    Option.objects.filter(question=question, key=chosen).update(weight=0)
    Option.objects.filter(pk=other.pk).update(weight=1)
    out = io.StringIO()
    call_command("regrade", stdout=out)

    assert "1 answer grade(s) changed" in out.getvalue()
    response = Response.objects.get(question=question)
    assert response.fraction == 0.0
    assert response.raw == {"choice": chosen}, "the learner's answer itself is never changed"


def test_a_saved_question_shows_only_what_its_kind_uses(client, educator, step):
    single_best = Question.objects.create(step=step, position=1, kind="single_best", prompt="Which?")
    page = client.get(reverse("admin:quiz_question_change", args=[single_best.pk])).content.decode()
    assert 'name="options-TOTAL_FORMS"' in page
    assert 'name="zones-TOTAL_FORMS"' not in page and 'name="accepted_answers-TOTAL_FORMS"' not in page
    assert "options-__prefix__-weight" in page and "options-__prefix__-is_true" not in page
    assert 'name="figure"' not in page

    statements = Question.objects.create(step=step, position=2, kind="multiple_true_false", prompt="True?")
    page = client.get(reverse("admin:quiz_question_change", args=[statements.pk])).content.decode()
    assert "options-__prefix__-is_true" in page and "options-__prefix__-weight" not in page

    hotspot = Question.objects.create(step=step, position=3, kind="hotspot", prompt="Where?")
    page = client.get(reverse("admin:quiz_question_change", args=[hotspot.pk])).content.decode()
    assert 'name="zones-TOTAL_FORMS"' in page and 'name="options-TOTAL_FORMS"' not in page
    assert 'name="figure"' in page and "zone-editor" in page

    new = client.get(reverse("admin:quiz_question_add")).content.decode()
    assert all(f'name="{rows}-TOTAL_FORMS"' in new for rows in ("options", "zones", "accepted_answers"))
