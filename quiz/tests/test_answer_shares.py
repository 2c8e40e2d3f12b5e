"""How others answered: each other learner's first answer, shown once at least ten learners have answered."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from quiz.kinds import get_kind
from quiz.kinds.base import shares_of_100
from quiz.models import AcceptedAnswer, Attempt, Option, Question, Quiz
from quiz.selectors import MIN_LEARNERS_FOR_SHARES, answer_shares, questions_for_feedback, step_reviews
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post

pytestmark = pytest.mark.django_db

Kind = Question.Kind
HEADING = "How others answered"


def single_best_quiz(mode=Quiz.Mode.PRACTICE) -> Quiz:
    """One step, one single best answer question with options a (the best answer), b and c."""
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST], mode=mode)
    Option.objects.create(question=the_question(quiz), key="c", position=3, text="Option c", weight=0)
    return quiz


def the_question(quiz) -> Question:
    return Question.objects.get(step__quiz=quiz)


def take(quiz, *choices, user=None, secret="", is_preview=False) -> Attempt:
    """A new attempt whose tries at the (only) question choose these options, in turn."""
    attempt = attempt_start(quiz=quiz, user=user, owner_secret=secret, is_preview=is_preview)
    step, question = quiz.steps.get(), the_question(quiz)
    for try_number, choice in enumerate(choices, start=1):
        step_submit(attempt=attempt, step=step, try_number=try_number, raw_responses={question.pk: {"choice": choice}})
    return attempt


def others(quiz, *choices) -> None:
    """One signed-out learner (a browser of their own) per choice, each answering once."""
    for number, choice in enumerate(choices):
        take(quiz, choice, secret=f"another learner's browser {number}")


def shares_seen(attempt):
    attempt.refresh_from_db()
    return step_reviews(attempt, [attempt.quiz.steps.get()])[0].questions[0].shares


def percents(shares) -> dict[str, int]:
    """Option text (the quoted part of each line) -> percentage, for single best answer lines."""
    return {line.text.split("“")[1].split("”")[0]: line.percent for line in shares.groups[0].lines}


def test_with_fewer_than_ten_other_learners_the_shares_are_hidden():
    assert MIN_LEARNERS_FOR_SHARES == 10
    quiz = single_best_quiz()
    others(quiz, *"aaaaaabbc")
    assert shares_seen(take(quiz, "a", secret="my browser")) is None


def test_with_ten_other_learners_the_shares_are_shown_and_add_up_to_100():
    quiz = single_best_quiz()
    others(quiz, *"aaaaaabbbc")
    shares = shares_seen(take(quiz, "c", secret="my browser"))
    assert shares.learners == 10
    assert percents(shares) == {"Option a": 60, "Option b": 30, "Option c": 10}
    [group] = shares.groups
    assert sum(line.percent for line in group.lines) == 100
    assert [line.right for line in group.lines if line.text.startswith("60")] == [True]


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        # 45.45 + 45.45 + 9.09: rounded one by one they would show 99.
        ("aaaaabbbbbc", {"Option a": 46, "Option b": 45, "Option c": 9}),
        # 41.67 + 33.33 + 25: 99 again; the point left over goes to the largest remainder.
        ("aaaaabbbbccc", {"Option a": 42, "Option b": 33, "Option c": 25}),
    ],
)
def test_whole_number_shares_add_up_to_exactly_100(choices, expected):
    quiz = single_best_quiz()
    others(quiz, *choices)
    shares = shares_seen(take(quiz, "a", secret="my browser"))
    assert percents(shares) == expected and sum(expected.values()) == 100


def test_largest_remainder_rounding():
    assert shares_of_100([1, 1, 1]) == [34, 33, 33]
    assert shares_of_100([2, 1]) == [67, 33]
    assert shares_of_100([0, 5]) == [0, 100]
    assert shares_of_100([0, 0]) == [0, 0]


def test_the_learners_own_attempts_and_previews_are_not_counted(django_user_model, make_educator):
    quiz = single_best_quiz()
    others(quiz, *"aaaaaaaaa")
    # Earlier attempts of mine (this browser), and an educator's previews: none is another learner.
    for choice in "bcc":
        take(quiz, choice, secret="my browser")
    for number in range(3):
        take(quiz, "c", user=make_educator(f"teacher{number}"), is_preview=True)
    mine = take(quiz, "a", secret="my browser")
    assert shares_seen(mine) is None

    others(quiz, "a")  # a browser used before: still the same learner
    assert shares_seen(mine) is None
    take(quiz, "b", secret="a tenth learner's browser")
    shares = shares_seen(mine)
    assert shares.learners == 10
    assert percents(shares) == {"Option a": 90, "Option b": 10, "Option c": 0}


def test_a_signed_in_learner_does_not_count_their_own_attempts(django_user_model):
    quiz = single_best_quiz()
    me = django_user_model.objects.create_user("me")
    others(quiz, *"aaaaaaaaa")
    take(quiz, "c", user=me)
    shares = shares_seen(take(quiz, "a", user=me))
    assert shares is None


@pytest.mark.parametrize("signed_in", [True, False], ids=["by account", "by browser"])
def test_each_learner_counts_once_with_the_first_try_of_their_first_attempt(signed_in, django_user_model):
    quiz = single_best_quiz()
    owner = {"user": django_user_model.objects.create_user("x")} if signed_in else {"secret": "x's"}
    take(quiz, "b", "a", **owner)  # wrong, then right on a second try (practice)
    take(quiz, "c", **owner)  # a second attempt, after seeing the answer
    take(quiz, "c", **owner)
    others(quiz, *"aaaaaaaaa")
    shares = shares_seen(take(quiz, "a", secret="my browser"))
    assert shares.learners == 10
    assert percents(shares) == {"Option a": 90, "Option b": 10, "Option c": 0}


def test_only_an_answered_first_attempt_counts():
    quiz = single_best_quiz()
    attempt_start(quiz=quiz, owner_secret="browser that left")  # answered nothing
    take(quiz, "b", secret="browser that left")  # its second attempt: not a first answer
    others(quiz, *"aaaaaaaaa")
    mine = take(quiz, "a", secret="my browser")
    assert shares_seen(mine) is None
    others(quiz, "b", "c")  # browsers 0 and 1 again: no one new
    assert shares_seen(mine) is None


def test_every_kind_has_shares_in_one_query(django_assert_num_queries):
    quiz = make_quiz(steps=2, kinds=list(Kind) * 2)
    steps = list(quiz.steps.order_by("position"))

    def finish(attempt):
        for step in steps:
            step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers_for(step, attempt, key_answer))
        return attempt

    for number in range(MIN_LEARNERS_FOR_SHARES):
        finish(attempt_start(quiz=quiz, owner_secret=f"browser {number}"))
    mine = finish(attempt_start(quiz=quiz, owner_secret="my browser"))
    questions = questions_for_feedback([s.pk for s in steps])
    assert len(questions) == 4 * len(Kind)

    with django_assert_num_queries(1):
        shares = answer_shares(questions, excluding=mine)

    for question in questions:
        assert shares[question.pk].learners == MIN_LEARNERS_FOR_SHARES, question.kind
        lines = [line for group in shares[question.pk].groups for line in group.lines]
        # Everyone gave the key: each right answer was given by all, each wrong one by nobody.
        assert {line.percent for line in lines if line.right is True} == {100}, (question.kind, lines)
        assert {line.percent for line in lines if line.right is False} <= {0}, (question.kind, lines)
        if question.kind in (Kind.MATCHING, Kind.ORDERING, Kind.HOTSPOT):
            assert [line.text for line in lines] == ["100\u00a0% got it fully right"], question.kind


def responses(*raws, state="incorrect", credits=()):
    return [SimpleNamespace(raw=raw, state=state, credits=list(credits)) for raw in raws]


def texts(groups) -> list[tuple[str, list[str]]]:
    return [(group.heading, [line.text.replace("\u00a0", " ") for line in group.lines]) for group in groups]


def test_multiple_response_gives_the_share_ticking_each_option():
    question = the_question(make_quiz(kinds=[Kind.MULTIPLE_RESPONSE]))  # a right, b wrong
    groups = get_kind(question.kind).share_groups(question, responses({"ticked": ["a"]}, {"ticked": ["a", "b"]}, {}))
    # Learners tick several options: the shares need not add up to 100.
    assert texts(groups) == [("", ["“Option a”: ticked by 67 % (a right option)", "“Option b”: ticked by 33 %"])]


def test_multiple_true_false_gives_each_statements_shares_adding_up_to_100():
    question = the_question(make_quiz(kinds=[Kind.MULTIPLE_TRUE_FALSE]))  # a true, b false
    raws = [{"answers": {"a": "true", "b": "dont_know"}}, {"answers": {"a": "false"}}, {"answers": {"a": "true"}}]
    groups = get_kind(question.kind).share_groups(question, responses(*raws))
    assert texts(groups) == [
        ("Option a", ["67 % said true (right)", "33 % said false", "0 % said don’t know"]),
        ("Option b", ["0 % said true", "0 % said false (right)", "100 % said don’t know"]),
    ]
    assert all(sum(line.percent for line in group.lines) == 100 for group in groups)


def test_free_text_gives_the_share_matching_each_accepted_answer_and_other_answers():
    question = the_question(make_quiz(kinds=[Kind.FREE_TEXT]))  # "Virchow", key v
    AcceptedAnswer.objects.create(question=question, key="vt", text="Virchow's triad", fraction=1)
    AcceptedAnswer.objects.create(question=question, key="o", text="Osler", fraction=0)
    matched = [*responses({"text": "Virchow"}, credits=[{"key": "v"}]) * 2, *responses({"text": "x"})]
    groups = get_kind(question.kind).share_groups(question, matched)
    # A synonym nobody gave is left out; what the other answers were is never shown.
    assert texts(groups) == [("", ["67 % answered “Virchow” (right)", "33 % gave other answers"])]


def test_other_kinds_give_the_share_fully_right():
    question = the_question(make_quiz(kinds=[Kind.MATCHING]))
    groups = get_kind(question.kind).share_groups(
        question, [*responses({}, state="correct"), *responses({}, {}, state="partially_correct")]
    )
    assert texts(groups) == [("", ["33 % got it fully right"])]


# On the pages: only where the feedback shows.


def play(client, quiz) -> Attempt:
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    step = quiz.steps.get()
    assert HEADING not in client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
    data = step_post(attempt, step, answers_for(step, attempt, key_answer), 1)
    client.post(reverse("quiz:step", args=[attempt.token, 1]), data)
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


@pytest.mark.parametrize("other_learners", [9, 10])
def test_practice_shows_the_shares_with_the_steps_feedback(client, other_learners):
    quiz = single_best_quiz()
    others(quiz, *("a" * (other_learners - 1)), "b")
    attempt = play(client, quiz)
    for url in (reverse("quiz:step", args=[attempt.token, 1]), reverse("quiz:review", args=[attempt.token])):
        page = client.get(url).content.decode()
        assert "Expected answer" in page
        if other_learners < MIN_LEARNERS_FOR_SHARES:
            assert HEADING not in page
        else:
            assert HEADING in page
            assert "90\u00a0% chose “Option a”, the best answer" in page
            assert 'class="answer-share-fill" width="90"' in page
            assert "Based on the first answers of 10 or more other learners." in page


@pytest.mark.parametrize("review_after", [Quiz.ReviewAfter.ATTEMPT, Quiz.ReviewAfter.NEVER])
def test_an_exam_shows_the_shares_only_when_it_shows_the_answers(client, django_user_model, review_after):
    quiz = single_best_quiz(mode=Quiz.Mode.EXAM)
    Quiz.objects.filter(pk=quiz.pk).update(review_after=review_after)
    for number in range(MIN_LEARNERS_FOR_SHARES):
        take(quiz, "a", user=django_user_model.objects.create_user(f"examinee{number}"))
    client.force_login(django_user_model.objects.create_user("me"))
    attempt = play(client, quiz)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    step = client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
    shown = review_after == Quiz.ReviewAfter.ATTEMPT
    assert (HEADING in review, HEADING in step) == (shown, shown)
    assert ("Expected answer" in review) == shown
