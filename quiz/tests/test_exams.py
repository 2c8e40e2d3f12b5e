"""Exams keep their secret: attempts allowed, when answers are shown, dates, and the case held back meanwhile."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import Section
from quiz.models import Attempt, Question, Quiz
from quiz.tests.helpers import key_answer, load_demo_quiz, wrong_answer
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db
PASSWORD = "a long learner password"


@pytest.fixture
def learner(client, django_user_model):
    user = django_user_model.objects.create_user("examinee", password=PASSWORD)
    client.force_login(user)
    return user


def exam(**changes) -> Quiz:
    return load_demo_quiz(mode=Quiz.Mode.EXAM, **changes)


def finish(client, quiz, answer=key_answer) -> Attempt:
    attempt = start(client, quiz)
    for step in quiz.steps.order_by("position"):
        submit(client, attempt, step, answer)
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_exam_needs_an_account(client):
    quiz = exam()
    assert "Sign in to take this exam" in page(client, reverse("quiz:start", args=[quiz.slug]))
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Attempt.objects.exists()


def test_one_attempt_by_default_and_no_retake_with_the_key_in_hand(client, learner):
    quiz = exam()
    assert quiz.attempts_allowed == 1
    attempt = finish(client, quiz)

    review = page(client, reverse("quiz:review", args=[attempt.token]))
    assert "Expected answer" in review, "answers are shown right after the attempt by default"
    assert "Try the quiz again" not in review

    response = client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    assert "You have used the one attempt this exam allows." in response.content.decode()
    assert Attempt.objects.filter(user=learner).count() == 1


def test_the_attempts_allowed_are_counted(client, learner):
    quiz = exam(attempts_allowed=2)
    first = finish(client, quiz, wrong_answer)
    assert "This exam allows you 1 more attempt." in page(client, reverse("quiz:review", args=[first.token]))
    start(client, quiz)
    client.post(reverse("quiz:start", args=[quiz.slug]))
    assert Attempt.objects.filter(user=learner).count() == 2


def test_score_only_exam_never_shows_the_answers(client, learner):
    quiz = exam(review_after=Quiz.ReviewAfter.NEVER)
    attempt = finish(client, quiz)

    review = page(client, reverse("quiz:review", args=[attempt.token]))
    assert f"You scored <strong>{float(attempt.score):g} of {float(attempt.max_score):g}</strong>" in review
    assert "This exam shows your score only" in review
    for hidden in ("Expected answer", "The published reasoning", "Step by step", attempt.quiz.case.citation):
        assert hidden not in review
    step_page = page(client, reverse("quiz:step", args=[attempt.token, 1]))
    assert "Expected answer" not in step_page and "The published reasoning" not in step_page


def test_answers_open_after_the_closing_date(client, learner):
    closes = timezone.now() + timedelta(days=1)
    quiz = exam(review_after=Quiz.ReviewAfter.CLOSE, closes_at=closes)
    attempt = finish(client, quiz)
    review = page(client, reverse("quiz:review", args=[attempt.token]))
    assert "Expected answer" not in review
    assert "open after the quiz closes" in review

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    review = page(client, reverse("quiz:review", args=[attempt.token]))
    assert "Expected answer" in review and "The published reasoning" in review


def test_closing_after_answers_needs_a_closing_date():
    quiz = Quiz(mode=Quiz.Mode.EXAM, review_after=Quiz.ReviewAfter.CLOSE, penalty_per_try=0)
    with pytest.raises(Exception, match="closing time"):
        quiz.clean()


def test_a_quiz_starts_only_between_its_dates(client, learner):
    quiz = exam(opens_at=timezone.now() + timedelta(hours=2))
    response = client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    assert "This quiz opens on" in response.content.decode()
    Quiz.objects.filter(pk=quiz.pk).update(opens_at=None, closes_at=timezone.now() - timedelta(hours=1))
    response = client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    assert "This quiz has closed" in response.content.decode()
    assert not Attempt.objects.exists()


def test_averages_count_each_learners_first_finished_attempt(client, learner, django_user_model, rf: RequestFactory):
    quiz = load_demo_quiz(max_tries=1)  # practice: retakes allowed, and the second one is all right
    first = finish(client, quiz, wrong_answer)
    second = finish(client, quiz, key_answer)
    assert first.score < second.score
    superuser = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    request = rf.get("/admin/quiz/quiz/")
    request.user = superuser
    row = admin.site._registry[Quiz].get_queryset(request).get(pk=quiz.pk)
    assert row.finished_count == 1
    assert row.score_average == pytest.approx(float(first.score))


def discussion_text(quiz) -> str:
    """A sentence of the case that the exam never shows before its last step."""
    last = quiz.steps.order_by("position").last()
    shown_before = set(quiz.steps.exclude(pk=last.pk).values_list("reveals_sections", flat=True))
    hidden = Section.objects.filter(case=quiz.case).exclude(pk__in=shown_before).first()
    assert hidden is not None, "the demo keeps part of its discussion for the last step"
    return hidden.body.split(".")[0][:60]


def later_figure(quiz):
    opening = quiz.steps.get(position=1).reveals_figures.all()
    return quiz.case.figures.exclude(pk__in=opening).first()


def test_while_an_exam_is_open_the_case_keeps_back_what_the_learner_has_not_reached(client, learner):
    quiz = exam()
    case = quiz.case
    hidden = discussion_text(quiz)
    figure = later_figure(quiz)
    key_point = case.key_points.first()

    whole = page(client, case.get_absolute_url() + "?whole=1")
    assert hidden not in whole and key_point.statement[:40] not in whole
    assert "An exam on this case is open" in whole
    figure_url = reverse("cases:figure", args=[case.slug, figure.label])
    held = client.get(figure_url)
    assert held.status_code == 403 and figure.caption[:30] not in held.content.decode()
    for word in ("dystrophic", "metastatic", "idiopathic", "iatrogenic"):
        assert case.title not in page(client, reverse("cases:list") + f"?q={word}"), word

    # The learner reaches the step that shows the figure: it opens, the rest stays closed.
    attempt = start(client, quiz)
    reveal_at = quiz.steps.filter(reveals_figures=figure).order_by("position").first().position
    for step in quiz.steps.filter(position__lt=reveal_at).order_by("position"):
        submit(client, attempt, step)
    assert client.get(figure_url).status_code == 200
    assert hidden not in page(client, case.get_absolute_url() + "?whole=1")

    # Finished, with the answers open to them: the whole case is theirs to read.
    for step in quiz.steps.filter(position__gte=reveal_at).order_by("position"):
        submit(client, attempt, step)
    assert hidden in page(client, case.get_absolute_url() + "?whole=1")
    assert case.title in page(client, reverse("cases:list") + "?q=dystrophic")


def test_signed_out_visitors_and_score_only_finishers_stay_held_until_the_exam_closes(client, learner):
    quiz = exam(review_after=Quiz.ReviewAfter.NEVER, closes_at=timezone.now() + timedelta(days=1))
    hidden = discussion_text(quiz)
    finish(client, quiz)
    assert hidden not in page(client, quiz.case.get_absolute_url() + "?whole=1"), "score only: still held"
    visitor = type(client)()
    assert hidden not in page(visitor, quiz.case.get_absolute_url() + "?whole=1")

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert hidden in page(visitor, quiz.case.get_absolute_url() + "?whole=1"), "a closed exam holds nothing back"


def test_practice_quizzes_and_staff_see_the_whole_case(client, django_user_model):
    quiz = load_demo_quiz()
    hidden = discussion_text(quiz)
    assert hidden in page(client, quiz.case.get_absolute_url() + "?whole=1")
    assert quiz.case.title in page(client, reverse("cases:list") + "?q=dystrophic")

    Quiz.objects.filter(pk=quiz.pk).update(mode=Quiz.Mode.EXAM)
    staff = django_user_model.objects.create_user("teacher", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert hidden in page(client, quiz.case.get_absolute_url() + "?whole=1")


def practice_on_the_same_case(quiz) -> Quiz:
    """A practice quiz on the exam's case whose one step shows the whole case."""
    from quiz.models import Step

    practice = Quiz.objects.create(case=quiz.case, title="Warm-up", slug="warm-up", status="published")
    step = Step.objects.create(quiz=practice, position=1, title="Everything")
    step.reveals_sections.add(*quiz.case.sections.all())
    step.reveals_figures.add(*quiz.case.figures.all())
    return practice


def test_another_quiz_on_the_case_waits_while_the_exam_holds_content_back(client, learner):
    quiz = exam(status="draft")
    practice = practice_on_the_same_case(quiz)
    hidden = discussion_text(quiz)
    begun = start(client, practice)  # begun before the exam was published
    Quiz.objects.filter(pk=quiz.pk).update(status="published")

    for url in (
        reverse("quiz:start", args=[practice.slug]),
        reverse("quiz:step", args=[begun.token, 1]),
        reverse("quiz:review", args=[begun.token]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert hidden not in response.content.decode()
        assert "closed while an exam on this case is open" in response.content.decode()
    assert client.post(reverse("quiz:start", args=[practice.slug])).status_code == 403

    finish(client, quiz)
    assert hidden in page(client, reverse("quiz:step", args=[begun.token, 1])), "the exam done, practice reopens"


def test_an_exam_attempt_still_open_at_closing_time_is_finished_as_it_stands(client, learner):
    quiz = exam(closes_at=timezone.now() + timedelta(hours=1))
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(seconds=1))

    late = submit(client, attempt, quiz.steps.get(position=2))
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert not attempt.step_attempts.filter(step__position=2, tries_used__gt=0).exists(), "no answer after closing"
    assert "Your results" in late.content.decode()
    first_step_marks = float(sum(q.marks for q in quiz.steps.get(position=1).questions.all()))
    assert float(attempt.score) == first_step_marks
    assert attempt.max_score == sum(q.marks for q in Question.objects.filter(step__quiz=quiz))


def test_attempts_from_before_a_quiz_became_an_exam_neither_count_nor_lift_the_hold(client, learner):
    quiz = load_demo_quiz()
    finish(client, quiz)  # practice: the answers were shown step by step
    Quiz.objects.filter(pk=quiz.pk).update(mode=Quiz.Mode.EXAM)
    quiz.refresh_from_db()
    hidden = discussion_text(quiz)
    assert hidden not in page(client, quiz.case.get_absolute_url() + "?whole=1")
    assert "You have 1 left." in page(client, reverse("quiz:start", args=[quiz.slug]))
    practice_attempt = Attempt.objects.get(user=learner)
    assert client.get(reverse("quiz:review", args=[practice_attempt.token])).status_code == 403


def test_during_an_exam_the_case_pages_name_a_figure_a_question_asks_about_without_describing_it(client, learner):
    from quiz.kinds.hotspot import identifying_alt_text
    from quiz.models import Question

    quiz = exam()
    hotspot = Question.objects.select_related("figure", "step").get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    figure = hotspot.figure
    attempt = start(client, quiz)
    for step in quiz.steps.filter(position__lt=hotspot.step.position).order_by("position"):
        submit(client, attempt, step)
    figure_url = reverse("cases:figure", args=[quiz.case.slug, figure.label])
    for url in (quiz.case.get_absolute_url(), quiz.case.get_absolute_url() + "?whole=1", figure_url):
        html = page(client, url)
        assert escape(figure.alt_text) not in html, url
        assert escape(identifying_alt_text(figure)) in html, url

    submit(client, attempt, hotspot.step)  # the hotspot step done: the figure is described again
    assert escape(figure.alt_text) in page(client, figure_url)


def test_an_exam_with_retakes_cannot_show_the_answers_right_after_an_attempt():
    from django.core.exceptions import ValidationError

    quiz = exam(attempts_allowed=2, review_after=Quiz.ReviewAfter.ATTEMPT)
    with pytest.raises(ValidationError) as refused:
        quiz.full_clean()
    assert "the next attempt would be taken with them in hand" in str(refused.value)
    quiz.review_after = Quiz.ReviewAfter.NEVER
    quiz.full_clean()


def test_an_exam_unpublished_part_way_keeps_the_case_held_and_the_attempt_waiting(client, learner):
    quiz = exam()
    hidden = discussion_text(quiz)
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    Quiz.objects.filter(pk=quiz.pk).update(status="draft")

    assert hidden not in page(client, quiz.case.get_absolute_url() + "?whole=1"), "still held for this learner"
    paused = client.get(reverse("quiz:step", args=[attempt.token, 2]))
    assert paused.status_code == 403 and "is paused" in paused.content.decode()
    Quiz.objects.filter(pk=quiz.pk).update(status="published")
    assert client.get(reverse("quiz:step", args=[attempt.token, 2])).status_code == 200
