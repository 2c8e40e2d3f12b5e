"""Spaced review of the reasoning: a whole schedule with a frozen clock, and the review pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape
from fsrs import Card, Rating, Scheduler

from learners import selectors
from learners.models import ReviewAnswer, ReviewItem
from learners.services import review_answer, review_items_sync
from learners.tests.helpers import WRONG_STEPS, play, review_post
from quiz.models import Attempt, Question, Quiz, Step
from quiz.samples import make_question
from quiz.tests.helpers import key_answer, load_demo_quiz, wrong_answer

pytestmark = pytest.mark.django_db

# Worked out independently of learners.scheduling: FSRS's default parameters, no learning steps, no fuzz.
FSRS = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
FINISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def learner(client, django_user_model):
    user = django_user_model.objects.create_user("asha", password="pw", first_name="Asha")
    client.force_login(user)
    return user


def key_points_by_step(quiz) -> dict[int, set[int]]:
    """Step position -> the key points its questions test."""
    points: dict[int, set[int]] = {}
    for question in Question.objects.filter(step__quiz=quiz).prefetch_related("key_points"):
        points.setdefault(question.step.position, set()).update(k.pk for k in question.key_points.all())
    return points


def finish_at(attempt: Attempt, moment: datetime) -> None:
    """The clock stands at ``moment`` when the attempt finishes."""
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=moment)


def test_a_finished_case_is_reviewed_on_the_days_fsrs_gives(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    assert attempt.is_finished
    finish_at(attempt, FINISHED)
    by_step = key_points_by_step(quiz)
    wrong = set().union(*(by_step[p] for p in WRONG_STEPS))
    right = set().union(*by_step.values()) - wrong
    assert wrong and right

    # An hour later the learner opens their review: each key point scored is an item, none due yet.
    now = FINISHED + timedelta(hours=1)
    assert selectors.due_count(learner, now) == 0
    assert review_items_sync(user=learner, now=now) == len(wrong | right)
    assert review_items_sync(user=learner, now=now) == 0, "making the items twice makes nothing more"
    items = {i.key_point_id: i for i in ReviewItem.objects.filter(user=learner)}
    assert set(items) == wrong | right
    again = FSRS.review_card(Card(due=FINISHED), Rating.Again, FINISHED)[0]
    good = FSRS.review_card(Card(due=FINISHED), Rating.Good, FINISHED)[0]
    for point in wrong:
        assert items[point].due == again.due
    for point in right:
        assert items[point].due == good.due
    # Sanity in days: what was wrong comes back tomorrow, what was right the day after.
    assert again.due == FINISHED + timedelta(days=1)
    assert good.due == FINISHED + timedelta(days=2)
    assert selectors.due_items(learner, now) == []

    # The next morning (before nine) the wrong ones are due today, and only they.
    next_morning = FINISHED + timedelta(hours=20)
    due = selectors.due_items(learner, next_morning)
    assert {i.key_point_id for i in due} == wrong
    assert selectors.due_count(learner, next_morning) == len(wrong)

    # Answering one right moves it on as FSRS says; answering one wrong again brings it back the next day.
    answered_at = FINISHED + timedelta(days=1, hours=2)
    first, second = due[0], due[1]
    first_round = first.round_token
    question = selectors.review_question(first)
    round_ = selectors.review_round(first, question)
    answer = review_answer(
        item=first, round_token=first.round_token, question=question, raw=key_answer(question, round_), now=answered_at
    )
    assert answer.fraction == 1 and answer.rating == Rating.Good
    expected = FSRS.review_card(again, Rating.Good, answered_at)[0]
    first.refresh_from_db()
    assert first.due == answer.next_due == expected.due
    assert first.due.date() > (answered_at + timedelta(days=1)).date()
    assert first.reviews == 1 and first.last_review == answered_at

    question = selectors.review_question(second)
    round_ = selectors.review_round(second, question)
    answer = review_answer(
        item=second,
        round_token=second.round_token,
        question=question,
        raw=wrong_answer(question, round_),
        now=answered_at,
    )
    assert answer.fraction == 0 and answer.rating == Rating.Again
    second.refresh_from_db()
    assert second.due == FSRS.review_card(again, Rating.Again, answered_at)[0].due
    assert second.due == answered_at + timedelta(days=1)

    # The first item's form posted again (its old round) records nothing and moves nothing.
    question = selectors.review_question(first)
    assert review_answer(item=first, round_token=first_round, question=question, raw={}, now=answered_at) is None
    assert ReviewAnswer.objects.filter(item=first).count() == 1
    assert ReviewItem.objects.get(pk=first.pk).due == expected.due

    # Two days after the case, the right ones are due, and the wrong ones not answered right since; the one
    # answered right is not.
    day_two = FINISHED + timedelta(days=2)
    due_ids = {i.key_point_id for i in selectors.due_items(learner, day_two)}
    assert due_ids == right | (wrong - {first.key_point_id})
    assert first.key_point_id not in due_ids


def test_a_partly_right_key_point_is_rated_hard():
    from learners.scheduling import rating_for

    assert rating_for(1.0) == Rating.Good
    assert rating_for(0.5) == Rating.Hard
    assert rating_for(0.0) == Rating.Again


def test_the_review_pages_one_question_at_a_time(client, learner, django_user_model):
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))  # everything is due by now

    home = client.get(reverse("cases:list")).content.decode()
    total = len(set().union(*key_points_by_step(quiz).values()))
    assert f'Review <span class="badge text-bg-primary review-count">{total}' in home
    assert "Signed in as <strong>Asha</strong>" in home

    page = client.get(reverse("learners:review")).content.decode()
    assert f"{total} reviews due today." in page

    response = client.get(reverse("learners:review_next"))
    item = ReviewItem.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    question = selectors.review_question(item)
    page = client.get(response.url).content.decode()
    assert question.prompt_html.strip()[:40] in page
    revealed = selectors.question_content(question)
    for section in revealed.sections:
        assert escape(section.heading) in page, "the case content the question needs is shown with it"
    assert "The published reasoning" not in page, "the reasoning is not given away before the answer"
    assert escape(item.key_point.statement) not in page

    data = review_post(item)
    response = client.post(reverse("learners:review_item", args=[item.pk]), data)
    answer = ReviewAnswer.objects.get(item=item)
    assert response.url == reverse("learners:review_answer", args=[answer.pk])
    page = client.get(response.url).content.decode()
    assert "Your answer: Correct" in page
    assert "The published reasoning" in page and escape(item.key_point.statement) in page
    assert escape(item.key_point.quote) in page
    item.refresh_from_db()
    assert f"comes back for review on <strong>{item.due:%A %-d %B %Y}</strong>" in page
    assert "Next question" in page

    # The same answer posted again (a double click) records nothing more.
    client.post(reverse("learners:review_item", args=[item.pk]), data)
    assert ReviewAnswer.objects.filter(item=item).count() == 1

    # Another learner reaches none of it.
    other = django_user_model.objects.create_user("ben", password="pw")
    client.force_login(other)
    assert client.get(reverse("learners:review_item", args=[item.pk])).status_code == 404
    assert client.post(reverse("learners:review_item", args=[item.pk]), data).status_code == 404
    assert client.get(reverse("learners:review_answer", args=[answer.pk])).status_code == 404
    assert "Nothing is due today." in client.get(reverse("learners:review")).content.decode()


def test_a_bad_post_is_no_answer_and_no_error(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))
    client.get(reverse("learners:review"))
    item = selectors.due_items(learner, datetime.now(UTC))[0]
    url = reverse("learners:review_item", args=[item.pk])
    assert client.post(url, {"round": "not-a-uuid"}).status_code == 302
    response = client.post(url, {"round": str(item.round_token), "try_number": "1"})
    assert response.status_code == 200
    assert "Answer this question" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert not ReviewAnswer.objects.exists()


def test_signed_out_review_pages_ask_to_sign_in(client):
    for name in ("learners:review", "learners:my_cases"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_every_key_point_of_the_demo_can_be_asked_and_answered_right(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))
    client.get(reverse("learners:review"))
    items = list(ReviewItem.objects.filter(user=learner))
    kinds = set()
    for item in items:
        url = reverse("learners:review_item", args=[item.pk])
        page = client.get(url).content.decode()
        assert "Submit my answer" in page, item.key_point.key
        kinds.add(selectors.review_question(item).kind)
        response = client.post(url, review_post(item))
        answer = ReviewAnswer.objects.get(item=item)
        assert response.url == reverse("learners:review_answer", args=[answer.pk])
        assert answer.fraction == 1, item.key_point.key
        page = client.get(response.url).content.decode()
        assert "Your answer: Correct" in page and escape(item.key_point.statement) in page
        if selectors.review_question(item).kind == Question.Kind.HOTSPOT:
            # The marks and the targets drawn on the figure, as the quiz's own feedback draws them.
            figure = page[page.index('<figure class="hotspot-review-figure') :]
            assert 'class="hotspot-target is-found"' in figure and 'class="hotspot-review-mark is-hit"' in figure
    assert Question.Kind.HOTSPOT in kinds and Question.Kind.FREE_TEXT in kinds
    page = client.get(reverse("learners:review")).content.decode()
    assert "Nothing is due today." in page
    assert "Your next review is on" in page


def one_statement_wrong(question, round_):
    """The key's answer to a multiple true/false question with its first statement answered the other way."""
    answer = key_answer(question, round_)
    first = next(iter(answer["answers"]))
    answer["answers"][first] = "false" if answer["answers"][first] == "true" else "true"
    return answer


def test_a_partly_right_review_answer_gets_its_feedback_page(client, learner):
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))
    client.get(reverse("learners:review"))
    item = next(
        i
        for i in ReviewItem.objects.filter(user=learner)
        if selectors.review_question(i).kind == Question.Kind.MULTIPLE_TRUE_FALSE
    )

    shown_with = item.seed
    response = client.post(reverse("learners:review_item", args=[item.pk]), review_post(item, one_statement_wrong))
    answer = ReviewAnswer.objects.get(item=item)
    assert 0 < answer.fraction < 1
    # The feedback lists the statements in the order the question showed them, not the next review's order.
    item.refresh_from_db()
    assert item.seed != shown_with and answer.seed == shown_with
    assert selectors.answer_feedback(answer).attempt.seed == shown_with
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Your answer: Partly correct" in page.content.decode()


@pytest.mark.parametrize(
    "review_after, closes_in_days, asked",
    [
        (Quiz.ReviewAfter.NEVER, -1, False),  # closed, but its answers are never shown
        (Quiz.ReviewAfter.CLOSE, +1, False),  # shown once it closes: not yet
        (Quiz.ReviewAfter.CLOSE, -1, True),  # closed yesterday: its answers are open
        (Quiz.ReviewAfter.ATTEMPT, +1, True),
    ],
)
def test_a_review_asks_an_exams_question_only_once_its_answers_are_open_to_all(
    client, learner, review_after, closes_in_days, asked
):
    """A review shows the expected answer: an exam question whose key the exam keeps back is never asked."""
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))
    now = datetime.now(UTC)
    exam = Quiz.objects.create(
        case=quiz.case,
        title="End-of-block exam",
        slug="end-of-block-exam",
        status="published",
        mode=Quiz.Mode.EXAM,
        review_after=review_after,
        closes_at=now + timedelta(days=closes_in_days),
    )
    key_point = quiz.case.key_points.filter(questions__step__quiz=quiz).first()
    secret = make_question(Step.objects.create(quiz=exam, position=1, title="Exam"), 1, Question.Kind.SINGLE_BEST)
    secret.key_points.add(key_point)
    review_items_sync(user=learner, now=now)
    item = ReviewItem.objects.get(user=learner, key_point=key_point)

    questions = set()
    for turn in range(6):  # the key point's questions take turns
        item.reviews = turn
        questions.add(selectors.review_question(item, now))
    assert (secret in questions) is asked


def test_the_header_count_kept_in_the_cache_follows_each_review_answered(client, learner, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 300  # on with a shared cache (Redis) on a server
    cache.clear()
    quiz = load_demo_quiz(max_tries=1)
    attempt = play(client, quiz)
    finish_at(attempt, attempt.finished_at - timedelta(days=3))
    cache.clear()  # finish_at's update() sends no signal; a real finish does
    total = len(set().union(*key_points_by_step(quiz).values()))
    badge = 'Review <span class="badge text-bg-primary review-count">{}'

    assert badge.format(total) in client.get(reverse("cases:list")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:list"))
    assert "learners_reviewitem" not in str(queries.captured_queries), "the count is kept"

    item = ReviewItem.objects.get(pk=client.get(reverse("learners:review_next")).url.rstrip("/").split("/")[-1])
    client.post(reverse("learners:review_item", args=[item.pk]), review_post(item))
    assert badge.format(total - 1) in client.get(reverse("cases:list")).content.decode()
