"""The hotspot step gives nothing away before it is finished: no zone labels, no text alternative of the figure
that describes its findings, on any page of the attempt; the descriptive text alternative comes back after.

The demo's radiograph (figure 1C) is revealed by the hotspot step itself; here step 1 reveals it too, so that
an earlier step's pages, before and after that step is finished, show it while the hotspot step is still open.
"""

import html
import re

import pytest
from django.urls import reverse

from cases.models import Figure
from quiz.keys import authoring_problems
from quiz.kinds import get_kind
from quiz.kinds.hotspot import figure_alt_text, identifying_alt_text
from quiz.models import Attempt, Question, Quiz
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = pytest.mark.django_db

NAMES_THE_IMAGE = "Lateral radiograph of a flexed left elbow"


def start(client, quiz: Quiz) -> Attempt:
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    return Attempt.objects.get(token=response.url.rstrip("/").split("/")[-1])


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def alt_texts(page: str, figure: Figure) -> list[str]:
    """The text alternatives the page gives the figure's images (the question's image and the revealed figure)."""
    urls = [rendition.file.url for rendition in figure.renditions.all()]
    return [
        alt
        for tag in re.findall(r"<(?:img|input)\b[^>]*>", page)
        if any(url in tag for url in urls)
        for alt in re.findall(r'\balt="([^"]*)"', tag)
    ]


@pytest.fixture
def demo():
    quiz = load_demo_quiz(max_tries=2)
    hotspot = Question.objects.select_related("figure", "step").get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    figure = hotspot.figure
    figure.assessed_alt_text = NAMES_THE_IMAGE
    figure.save()
    first = quiz.steps.get(position=1)
    assert hotspot.step.position > first.position
    first.reveals_figures.add(figure)
    labels = [zone.label for zone in hotspot.zones.all()]
    assert labels and figure.alt_text and NAMES_THE_IMAGE not in figure.alt_text
    return quiz, hotspot, figure, labels


def assert_gives_nothing_away(page: str, figure: Figure, labels: list[str], where: str) -> None:
    assert not [label for label in labels if label in page], f"{where} names a zone"
    assert figure.alt_text not in page, f"{where} describes the figure's findings"
    alts = alt_texts(page, figure)
    assert alts, f"{where} does not show the figure"
    assert all(NAMES_THE_IMAGE in alt for alt in alts), (where, alts)


def test_no_attempt_page_names_the_zones_or_describes_the_figure_before_the_hotspot_step_is_finished(client, demo):
    quiz, hotspot, figure, labels = demo
    attempt = start(client, quiz)
    steps = list(quiz.steps.order_by("position"))
    step_url = {step.position: reverse("quiz:step", args=[attempt.token, step.position]) for step in steps}
    before = [step for step in steps if step.position < hotspot.step.position]

    for step in before:
        page = text_of(client.get(step_url[step.position]))
        assert_gives_nothing_away(page, figure, labels, f"step {step.position}'s form")
        client.post(step_url[step.position], step_post(attempt, step, answers_for(step, attempt, key_answer), 1))
        page = text_of(client.get(step_url[step.position]))
        assert "You scored" in page
        assert_gives_nothing_away(page, figure, labels, f"step {step.position}'s feedback")

    url = step_url[hotspot.step.position]
    assert_gives_nothing_away(text_of(client.get(url)), figure, labels, "the hotspot step")
    assert "With the keyboard: Tab to the image, move the crosshair with the arrow keys" in text_of(client.get(url))
    # Without JavaScript, a click on the image posts its position and the step comes back with the mark on it.
    click = {"try_number": "1", f"{hotspot_prefix(hotspot)}-click.x": "100", f"{hotspot_prefix(hotspot)}-click.y": "80"}
    page = text_of(client.post(url, click))
    assert "1 mark placed." in page
    assert_gives_nothing_away(page, figure, labels, "the hotspot step with a mark placed")
    # Submitted with no mark at all: the question says what is missing, and still names nothing.
    empty = step_post(attempt, hotspot.step, answers_for(hotspot.step, attempt, key_answer), 1)
    empty = {name: value for name, value in empty.items() if not name.startswith(f"{hotspot_prefix(hotspot)}-")}
    page = text_of(client.post(url, empty))
    assert "Place at least one mark on the image." in page
    assert_gives_nothing_away(page, figure, labels, "the hotspot step without an answer")
    # A wrong try (practice): the learner tries again; the step is not finished.
    wrong = step_post(attempt, hotspot.step, answers_for(hotspot.step, attempt, wrong_answer), 1)
    page = text_of(client.post(url, wrong, follow=True))
    assert "That was try 1 of 2." in page
    assert_gives_nothing_away(page, figure, labels, "the hotspot step after a wrong try")
    for step in before:
        page = text_of(client.get(step_url[step.position]))
        assert_gives_nothing_away(page, figure, labels, f"step {step.position} seen again")
    for name, path in [("resume", "quiz:attempt"), ("review", "quiz:review")]:
        page = text_of(client.get(reverse(path, args=[attempt.token]), follow=True))
        assert_gives_nothing_away(page, figure, labels, f"the {name} page")

    right = step_post(attempt, hotspot.step, answers_for(hotspot.step, attempt, key_answer), 2)
    page = text_of(client.post(url, right, follow=True))
    assert "You scored" in page
    assert figure.alt_text in alt_texts(page, figure), "the finished step describes the figure"
    assert NAMES_THE_IMAGE not in page
    assert all(label in page for label in labels if hotspot.zones.get(label=label).correct), "feedback names them"
    for step in before:
        page = text_of(client.get(step_url[step.position]))
        assert alt_texts(page, figure) == [figure.alt_text], f"step {step.position} once the hotspot step is finished"


def hotspot_prefix(question: Question) -> str:
    return f"q{question.pk}"


def test_the_figure_is_named_by_its_modality_and_site_when_no_identifying_text_is_given():
    figure = Figure(
        label="1C",
        alt_text="Bright masses in the soft tissue.",
        modality=Figure.Modality.RADIOGRAPH,
        body_site="Left elbow",
    )
    assert identifying_alt_text(figure) == "Radiograph of the left elbow"
    figure.is_illustration = True
    assert identifying_alt_text(figure) == "Radiograph of the left elbow (an illustration, not the patient's image)"
    figure.is_illustration, figure.body_site, figure.modality = False, "", Figure.Modality.OTHER
    assert identifying_alt_text(figure) == "Image"
    figure.assessed_alt_text = f"  {NAMES_THE_IMAGE} "
    assert identifying_alt_text(figure) == NAMES_THE_IMAGE
    assert figure_alt_text(figure) == figure.alt_text, "away from an attempt, the descriptive text"


def test_which_alt_text_follows_the_attempt(client, demo, django_assert_num_queries):
    quiz, hotspot, figure, _ = demo
    attempt = start(client, quiz)
    other = Figure.objects.filter(case=quiz.case).exclude(pk=figure.pk).first()
    with django_assert_num_queries(1):  # once per attempt, however many figures a page shows
        assert figure_alt_text(figure, attempt) == NAMES_THE_IMAGE
        assert figure_alt_text(other, attempt) == other.alt_text
        assert figure_alt_text(figure, attempt) == NAMES_THE_IMAGE

    Question.objects.filter(pk=hotspot.pk).update(withdrawn=True)
    assert figure_alt_text(figure, Attempt.objects.get(pk=attempt.pk)) == figure.alt_text, "a withdrawn question"
    Question.objects.filter(pk=hotspot.pk).update(withdrawn=False)
    Attempt.objects.filter(pk=attempt.pk).update(current_position=hotspot.step.position + 1)
    assert figure_alt_text(figure, Attempt.objects.get(pk=attempt.pk)) == figure.alt_text, "the step is finished"


def test_the_demo_zones_can_be_tapped_on_a_phone(demo):
    _, hotspot, figure, _ = demo
    hotspot = Question.objects.prefetch_related("zones").select_related("figure").get(pk=hotspot.pk)
    key = get_kind(hotspot.kind).grading_key(hotspot)
    assert key.image_size == (figure.width, figure.height)
    assert authoring_problems(hotspot) == []


def test_regions_posted_in_place_of_marks_score_nothing(client, demo):
    """The former list of regions sent per-attempt tokens of the zones; even with the right tokens (which the
    server's secret key protects), a new answer is marks only."""
    from quiz.forms import token
    from quiz.models import Response

    quiz, question, _figure, _labels = demo
    attempt = start(client, quiz)
    for step in quiz.steps.filter(position__lt=question.step.position).order_by("position"):
        client.post(reverse("quiz:step", args=[attempt.token, step.position]),
                    step_post(attempt, step, answers_for(step, attempt, key_answer), 1))  # fmt: skip
    step = question.step
    data = step_post(attempt, step, answers_for(step, attempt, key_answer), 1)
    data = {k: v for k, v in data.items() if not k.startswith(f"{hotspot_prefix(question)}-mark")}
    data[f"{hotspot_prefix(question)}-regions"] = [token(attempt, question, z.key) for z in question.zones.all()]
    page = client.post(reverse("quiz:step", args=[attempt.token, step.position]), data).content.decode()
    assert "Place at least one mark on the image." in page
    assert not Response.objects.filter(question=question).exists()
