"""Item analysis: each learner's first finished attempt feeds the statistics; the admin page shows and flags them."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quiz.analysis import (
    FLAG_WORDS,
    MAY_FLAG_WORDS,
    NEGATIVE_DISCRIMINATION,
    TOO_EASY,
    Interval,
    item_analysis,
    uncertain_question_flags,
)
from quiz.distractors import DISTRACTOR_ATTRACTS_TOP, RIGHT_ATTRACTS_BOTTOM
from quiz.models import Option, Question, Quiz
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import key_answer, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind
GOOD_KINDS = [Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE]


@pytest.fixture
def quiz() -> Quiz:
    """One step: four sound questions (positions 1, 2, 4, 5) and a flawed single best answer at position 3.

    One try per step, so each submit finishes the attempt. The flawed question has options a (the key), b and c.
    """
    quiz = make_quiz(steps=1, kinds=[*GOOD_KINDS[:2], Kind.SINGLE_BEST, *GOOD_KINDS[2:]])
    Quiz.objects.filter(pk=quiz.pk).update(max_tries=1)
    quiz.refresh_from_db()
    Option.objects.create(question=flawed(quiz), key="c", position=3, text="Tempting option", weight=0)
    return quiz


def flawed(quiz) -> Question:
    return Question.objects.get(step__quiz=quiz, position=3)


def take(quiz, ability: int, *, secret="", user=None, is_preview=False):
    """A learner of this ability (0-11) answers the whole quiz once.

    Sound questions: the strongest four (8-11) answer all right, the middle four (4-7) the first two, the weakest
    none. The flawed question: only the three weakest (0-2) choose its key; learner 3 chooses b and every stronger
    learner the tempting distractor c. Totals: 1, 1, 1, 0, then 2 x 4, then 4 x 4.
    """
    attempt = attempt_start(quiz=quiz, user=user, owner_secret=secret, is_preview=is_preview)
    step = quiz.steps.get()
    raw = {}
    for question in step.questions.prefetch_related("options").order_by("position"):
        if question.position == 3:
            raw[question.pk] = {"choice": "a" if ability <= 2 else "b" if ability == 3 else "c"}
            continue
        rank = [1, 2, 4, 5].index(question.position)
        right = ability >= 8 or (ability >= 4 and rank < 2)
        raw[question.pk] = (key_answer if right else wrong_answer)(question, attempt)
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses=raw)
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def class_of(quiz, size=12, first=0):
    for number in range(first, first + size):
        take(quiz, number % 12, secret=f"learner {number}")


def analysed(analysis, question):
    return next(item for item in analysis.questions if item.question.pk == question.pk)


def test_the_flawed_question_and_the_tempting_distractor_are_flagged(quiz):
    class_of(quiz)
    analysis = item_analysis(quiz)
    assert analysis.statistics.attempt_count == 12
    assert analysis.statistics.mean == pytest.approx((3 * 1 + 0 + 4 * 2 + 4 * 4) / 12)

    bad = analysed(analysis, flawed(quiz))
    assert bad.statistics.facility_index == pytest.approx(25.0)
    assert bad.statistics.discrimination_index < 0
    assert NEGATIVE_DISCRIMINATION in bad.flags
    # Small class: intervals shown, the facility's around its estimate.
    assert bad.small_sample
    assert bad.facility_interval.low <= 25.0 <= bad.facility_interval.high
    assert bad.discrimination_interval is not None

    rows = {line.row.key: line.row for line in bad.choices}
    assert [rows[k].count for k in "abc"] == [3, 1, 8]
    assert rows["a"].right and not rows["c"].right
    assert rows["c"].top_share == 1.0 and rows["c"].bottom_share == 0.0
    assert DISTRACTOR_ATTRACTS_TOP in rows["c"].flags
    assert DISTRACTOR_ATTRACTS_TOP not in rows["b"].flags

    first_sound = analysed(analysis, Question.objects.get(step__quiz=quiz, position=1))
    assert first_sound.statistics.discrimination_index > 0
    assert NEGATIVE_DISCRIMINATION not in first_sound.flags


def test_multiple_response_ticks_are_the_choices(quiz):
    class_of(quiz)
    question = Question.objects.get(step__quiz=quiz, position=2)
    rows = {line.row.key: line.row for line in analysed(item_analysis(quiz), question).choices}
    # make_quiz's multiple response: a is right (weight 1), b wrong (-1); wrong_answer ticks only b.
    assert (rows["a"].count, rows["b"].count) == (8, 4)
    assert rows["a"].right and not rows["b"].right


def test_key_points_are_listed_worst_first_with_the_questions_citing_them(quiz):
    class_of(quiz)
    [point] = item_analysis(quiz).key_points
    assert point.result.learners == 12
    assert len(point.questions) == 5
    assert point.result.fully_right_share == 0.0  # nobody got both the sound questions and the flawed one right


def test_previews_and_second_attempts_do_not_count(quiz, make_educator):
    class_of(quiz)
    before = item_analysis(quiz)
    take(quiz, 11, user=make_educator(), is_preview=True)
    take(quiz, 0, secret="learner 11")  # the strongest learner's retake, answered as the weakest would
    after = item_analysis(quiz)
    assert after.statistics.attempt_count == 12
    assert after.statistics.mean == before.statistics.mean
    rows = {line.row.key: line.row.count for line in analysed(after, flawed(quiz)).choices}
    assert rows == {"a": 3, "b": 1, "c": 8}


def test_the_query_count_does_not_grow_with_the_attempts(quiz):
    class_of(quiz)
    with CaptureQueriesContext(connection) as twelve:
        item_analysis(quiz)
    class_of(quiz, first=12)
    with CaptureQueriesContext(connection) as twenty_four:
        assert item_analysis(quiz).statistics.attempt_count == 24
    assert len(twelve) == len(twenty_four)


def test_a_quiz_nobody_finished_says_so(client, make_educator, quiz):
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])).content.decode()
    assert "No learner has finished this quiz yet" in page


def test_the_page_shows_the_figures_and_flags_in_words(client, make_educator, quiz):
    class_of(quiz)
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])).content.decode()
    assert "Negative discrimination" in page
    assert "Chosen more by the top third than the bottom third" in page
    assert "(n &lt; 30)" in page
    assert "95% interval" in page
    assert "Tempting option" in page
    assert "The key points, worst first" in page
    assert 'scope="col"' in page and "<caption>" in page
    assert "style=" not in page.split('id="content"')[1] and "<script" not in page.split('id="content"')[1]


def test_the_page_needs_the_quiz_view_permission(client, django_user_model, quiz):
    url = reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])
    learner = django_user_model.objects.create_user("learner", password="pw")
    client.force_login(learner)
    assert client.get(url).status_code == 302  # not staff: to the admin's login
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_quiz"))
    assert client.get(url).status_code == 200


def test_the_quiz_page_links_to_its_item_analysis(client, make_educator, quiz):
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk]) in page


def test_a_key_only_the_weakest_choose_is_flagged_and_the_small_class_makes_it_a_may(quiz):
    class_of(quiz)
    bad = analysed(item_analysis(quiz), flawed(quiz))
    key = next(line for line in bad.choices if line.row.key == "a")
    assert (key.row.top_share, key.row.bottom_share) == (0.0, 0.75)
    assert RIGHT_ATTRACTS_BOTTOM in key.row.flags
    # Twelve learners: resampling them, the bottom third's lead can vanish, so the flag is worded as a possibility.
    assert RIGHT_ATTRACTS_BOTTOM in key.uncertain
    assert key.flag_words == [MAY_FLAG_WORDS[RIGHT_ATTRACTS_BOTTOM]]
    # The tempting distractor's lead is as clear as it gets (all of the top third, none of the bottom): no "may".
    tempting = next(line for line in bad.choices if line.row.key == "c")
    assert tempting.uncertain == frozenset()
    assert tempting.flag_words == [FLAG_WORDS[DISTRACTOR_ATTRACTS_TOP]]
    # Discrimination's interval (about -93 to -41) stays below 0: the negative flag holds.
    assert bad.discrimination_interval.high < 0
    assert bad.flag_words == [FLAG_WORDS[NEGATIVE_DISCRIMINATION]]


def test_a_flag_is_softened_when_its_interval_reaches_the_threshold():
    assert uncertain_question_flags([NEGATIVE_DISCRIMINATION], {"discrimination": Interval(-30.0, 5.0)}) == {
        NEGATIVE_DISCRIMINATION
    }
    assert uncertain_question_flags([NEGATIVE_DISCRIMINATION], {"discrimination": Interval(-30.0, -5.0)}) == set()
    assert uncertain_question_flags([TOO_EASY], {"facility": Interval(85.0, 100.0)}) == {TOO_EASY}
    assert uncertain_question_flags([TOO_EASY], {"facility": None}) == set()  # 30 attempts or more: no interval


def test_the_page_names_the_thirds_sizes_and_explains_the_figures(client, make_educator, quiz):
    class_of(quiz)
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])).content.decode()
    assert "top third: 4 learners; bottom third: 4 learners" in page
    assert "A right answer the bottom third may choose more than the top third" in page
    assert "<summary>What these figures mean</summary>" in page
    for figure in (
        "Facility (%)</dt>",
        "Discriminative efficiency (%)</dt>",
        "Cronbach's alpha",
        "Error ratio (%)</dt>",
    ):
        assert figure in page
