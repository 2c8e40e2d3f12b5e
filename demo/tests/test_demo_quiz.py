"""The demo quiz follows the report's reasoning and every answer it scores rests on a key point."""

import re

import pytest

from demo.case import GAP
from quiz.grading import get_grader
from quiz.keys import authoring_problems
from quiz.kinds import get_kind
from quiz.models import Question
from quiz.tests.helpers import answers_for, load_demo_quiz, step_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return load_demo_quiz()


def test_demo_quiz_has_six_steps_eight_questions_and_every_kind(quiz):
    questions = Question.objects.filter(step__quiz=quiz)
    assert quiz.steps.count() >= 6
    assert questions.count() >= 8
    assert set(questions.values_list("kind", flat=True)) == set(Question.Kind.values)


def test_every_demo_question_passes_its_graders_rules(quiz):
    for question in Question.objects.filter(step__quiz=quiz).prefetch_related("options", "zones", "accepted_answers"):
        assert authoring_problems(question) == [], question


def test_every_option_zone_and_answer_is_grounded_in_a_key_point(quiz):
    for question in Question.objects.filter(step__quiz=quiz):
        assert question.key_points.exists(), question
        for item in [*question.options.all(), *question.zones.all(), *question.accepted_answers.all()]:
            points = list(item.key_points.all())
            assert points, f"{question}: {item} has no key point"
            assert all(p.case_id == quiz.case_id for p in points)


def test_hotspot_question_marks_a_figure_revealed_by_then(quiz):
    question = Question.objects.get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    assert question.figure.label in {"1C", "1D"}
    assert question.step.reveals_figures.filter(pk=question.figure_id).exists()


def _plain(text: str) -> str:
    return re.sub(r"<sup>\d+</sup>", "", text)


def _points_of(question) -> set:
    points = set(question.key_points.all())
    for item in [*question.options.all(), *question.zones.all(), *question.accepted_answers.all()]:
        points |= set(item.key_points.all())
    return points


def test_each_key_point_is_asked_about_in_one_step_only(quiz):
    steps_of: dict[str, set[int]] = {}
    for question in Question.objects.filter(step__quiz=quiz).select_related("step"):
        for point in _points_of(question):
            steps_of.setdefault(point.key, set()).add(question.step.position)
    assert {key: steps for key, steps in steps_of.items() if len(steps) > 1} == {}


def test_no_question_rests_on_text_its_step_has_not_shown(quiz):
    """Every sentence a question's key points quote has been shown by its step or an earlier one.

    The exception is the hotspot: its key point is the report's reading of the radiograph, which would
    answer the question if it were shown beside it; that text opens with the next step.
    """
    shown = ""
    for step in quiz.steps.order_by("position"):
        shown += " ".join(_plain(section.body) for section in step.reveals_sections.all())
        for question in step.questions.all():
            for point in _points_of(question):
                for sentence in point.quote.split(GAP):
                    if question.kind == Question.Kind.HOTSPOT:
                        assert sentence not in shown, f"step {step.position} shows what its hotspot asks for"
                    else:
                        assert sentence in shown, f"step {step.position}, {question}: {sentence[:60]}…"


def test_the_radiograph_report_opens_only_after_the_hotspot_step(quiz):
    hotspot = Question.objects.get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    radiograph_text = quiz.case.sections.get(heading="Radiographs")
    first_shown = quiz.steps.filter(reveals_sections=radiograph_text).order_by("position").first()
    assert first_shown.position > hotspot.step.position
    assert "calcified" not in hotspot.prompt and "soft tissue" not in hotspot.prompt


def test_hypothetical_patients_are_marked_as_such(quiz):
    for question in Question.objects.filter(step__quiz=quiz):
        texts = [question.prompt, *question.options.values_list("text", flat=True)]
        invented = [t for t in texts if re.search(r"\b(a|an) (\d+-year-old|man|woman|patient)\b", t)]
        for text in invented:
            assert "hypothetical" in (question.prompt + text).lower(), text


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("dystrophic", 1),
        ("Dystrophic calcinosis", 1),
        ("dystrophic calcinosis cutis", 1),
        ("dystrophic calcification", 1),
        ("distrophic", 1),
        ("metastatic", 0),
        ("idiopathic", 0),
        ("iatrogenic", 0),
        ("calciphylaxis", 0),
    ],
)
def test_the_classification_item_accepts_the_dystrophic_group_only(quiz, text, fraction):
    question = Question.objects.get(step__quiz=quiz, kind=Question.Kind.FREE_TEXT)
    kind = get_kind(question.kind)
    grade = get_grader(question.kind).grade(kind.grading_key(question), kind.grader_response(question, {"text": text}))
    assert grade.fraction == fraction


def test_more_items_apply_the_reasoning_than_recall_the_report(quiz):
    """Items that ask what "the report says" are recall; the demo asks learners to use it instead."""
    prompts = list(Question.objects.filter(step__quiz=quiz).values_list("prompt", flat=True))
    assert not [p for p in prompts if re.search(r"does the report (say|give|describe)", p)]


def test_the_quiz_has_objectives_and_a_take_home_summary(quiz):
    assert len(quiz.objectives.splitlines()) >= 3
    assert 3 <= quiz.summary_points.count() <= 5
    assert set(quiz.summary_points.values_list("case", flat=True)) == {quiz.case_id}


def test_loading_the_demo_twice_keeps_one_quiz_and_its_attempts(client):
    from django.urls import reverse

    from quiz.models import Attempt, Quiz

    quiz = load_demo_quiz()
    client.post(reverse("quiz:start", args=[quiz.slug]))
    load_demo_quiz()
    assert Quiz.objects.count() == 1
    assert Attempt.objects.count() == 1


def test_a_demo_quiz_learners_have_answered_is_kept_not_rewritten(client, monkeypatch):
    from django.urls import reverse

    from demo import quiz as demo_quiz
    from quiz.models import Attempt, Quiz, Response

    quiz = load_demo_quiz()
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    step = quiz.steps.get(position=1)
    client.post(reverse("quiz:step", args=[attempt.token, 1]), step_post(attempt, step, answers_for(step, attempt), 1))
    answered_prompt = step.questions.get().prompt
    assert Response.objects.count() == 1

    changed = [dict(s) for s in demo_quiz.STEPS]
    changed[0] = {**changed[0], "questions": [{**changed[0]["questions"][0], "prompt": "A reworded question?"}]}
    monkeypatch.setattr(demo_quiz, "STEPS", changed)
    load_demo_quiz()

    old, new = Quiz.objects.get(pk=quiz.pk), Quiz.objects.get(slug=quiz.slug)
    assert old != new and old.status == "draft" and old.title.endswith("(earlier version)")
    assert Response.objects.get().question.prompt == answered_prompt, "the learner's question is untouched"
    assert new.steps.get(position=1).questions.get().prompt == "A reworded question?"
    assert client.get(reverse("quiz:review", args=[attempt.token]), follow=True).status_code == 200


def test_the_demo_quiz_has_no_item_writing_warning_but_the_hotspots_quote(quiz):
    """The hotspot's key point quotes the report's reading of the radiograph, which the step cannot show
    without answering the question; it opens with the next step. Every other rule passes."""
    from quiz.item_quality import quiz_warnings

    warnings = [
        (warning.rule, report.question.kind)
        for step in quiz_warnings(quiz)
        for report in step.questions
        for warning in report.warnings
    ]
    assert warnings == [("quote-not-revealed", Question.Kind.HOTSPOT)]
