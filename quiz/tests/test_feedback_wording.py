"""What a learner reads about a finished question: the verdict and its mark, the try that earned it, a line per
option, the penalty in words, and each key point quoted once per step."""

import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from quiz.behaviours import Exam, Practice
from quiz.models import Option, Question, Quiz
from quiz.selectors import step_reviews
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import key_answer, wrong_answer
from quiz.tests.test_walkthrough import start, submit

Kind = Question.Kind


def text(page: str) -> str:
    """The page's words as a reader meets them: no tags, entities read, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(page))).strip()


def question_sections(page: str) -> list[str]:
    """The feedback on each question of the page, in order (the HTML of each section)."""
    return re.findall(r'<section class="question-feedback.*?</section>', page, flags=re.S)


def verdict_badge(section: str) -> tuple[str, str]:
    """The verdict badge of one question's feedback: its colour class and its words."""
    match = re.search(r'<span class="badge [^"]*(text-bg-\w+)[^"]*">(.*?)</span>\s*</h3>', section, flags=re.S)
    assert match, section
    return match.group(1), text(match.group(2))


def practice_quiz(*kinds, max_tries=3, penalty="0.333") -> Quiz:
    quiz = make_quiz(kinds=list(kinds))
    Quiz.objects.filter(pk=quiz.pk).update(max_tries=max_tries, penalty_per_try=penalty)
    quiz.refresh_from_db()
    return quiz


@pytest.mark.parametrize(
    ("penalty", "words"),
    [
        (1 / 3, "each extra try costs a third of the question's marks"),
        (0.333, "each extra try costs a third of the question's marks"),
        (0.25, "each extra try costs a quarter of the question's marks"),
        (0.5, "each extra try costs half of the question's marks"),
        (0.2, "each extra try costs 20% of the question's marks"),
        (0, "extra tries cost no marks"),
    ],
)
def test_the_penalty_in_words(penalty, words):
    assert Practice(tries=3, penalty=penalty).penalty_in_words == words


@pytest.mark.parametrize(
    ("tries", "earning", "mark"),
    [
        ([(1, 0.0), (2, 1.0)], 2, 0.75),  # right on the second try
        ([(1, 1.0), (2, 0.0)], 1, 1.0),  # right first, then changed to a wrong answer: the first counts
        ([(1, 0.5), (2, 0.75)], 2, 0.5),  # a tie after the penalty: the try the grader scored higher
        ([(1, 0.0), (2, 0.0)], 2, 0.0),  # nothing earned: the learner's last answer
        ([], None, 0.0),
    ],
)
def test_the_try_a_mark_comes_from_is_the_one_the_mark_counts(tries, earning, mark):
    behaviour = Practice(tries=3, penalty=0.25)
    assert behaviour.earning_try(tries) == earning
    assert behaviour.question_mark(tries, 1) == pytest.approx(mark)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("penalty", "words"),
    [
        ("0.333", "each extra try costs a third of the question's marks"),
        ("0.250", "each extra try costs a quarter of the question's marks"),
        ("0", "extra tries cost no marks"),
    ],
)
def test_the_opening_page_and_a_wrong_try_state_the_penalty(client, penalty, words):
    quiz = practice_quiz(Kind.SINGLE_BEST, penalty=penalty)

    opening = text(client.get(reverse("quiz:start", args=[quiz.slug])).content.decode())
    assert f"You have 3 tries per step; {words}, and a hint comes before the answer." in opening

    attempt = start(client, quiz)
    page = text(submit(client, attempt, quiz.steps.get(), wrong_answer).content.decode())
    assert f"That was try 1 of 3. Questions marked below need another look; {words}." in page
    assert "part of the marks" not in opening + page


@pytest.mark.django_db
def test_an_exam_states_no_penalty(client):
    quiz = make_quiz(kinds=[Kind.SINGLE_BEST], mode=Quiz.Mode.EXAM)
    opening = text(client.get(reverse("quiz:start", args=[quiz.slug])).content.decode())
    assert "Exam mode: one try per step." in opening
    assert "extra try" not in opening
    assert Exam().penalty_in_words == "extra tries cost no marks"


@pytest.mark.django_db
def test_right_on_the_second_try_shows_that_try_and_the_penalised_mark(client):
    quiz = practice_quiz(Kind.SINGLE_BEST)
    question = Question.objects.get(step__quiz=quiz)
    attempt = start(client, quiz)
    step = quiz.steps.get()

    submit(client, attempt, step, wrong_answer)
    page = submit(client, attempt, step, key_answer, try_number=2).content.decode()

    [section] = question_sections(page)
    assert verdict_badge(section) == ("text-bg-warning", "Correct on the second try: 0.67 of 1 mark")
    words = text(section)
    right, wrong = question.options.get(weight=1).text, question.options.get(weight=0).text
    assert f"Your answer (try 2) {right} Your other try: Try 1: {wrong} — 0 of 1" in words
    assert f"{right} ✓ You chose this: right." in words
    assert "Correct on the second try: 0.67 of 1 mark" in text(page), "the words say it, not the colour alone"


@pytest.mark.django_db
def test_right_on_the_first_try_then_changed_keeps_the_first(client):
    """Step-wide tries: a question right on try 1 is asked again while another is wrong, and may be changed."""
    quiz = practice_quiz(Kind.SINGLE_BEST, Kind.SINGLE_BEST, max_tries=2)
    first, second = Question.objects.filter(step__quiz=quiz).order_by("position")
    attempt = start(client, quiz)
    step = quiz.steps.get()

    def answers(one, two):
        return lambda question, attempt: (one if question == first else two)(question, attempt)

    submit(client, attempt, step, answers(key_answer, wrong_answer))
    page = submit(client, attempt, step, answers(wrong_answer, key_answer), try_number=2).content.decode()

    one, two = question_sections(page)
    assert verdict_badge(one) == ("text-bg-success", "Correct on the first try: 1 of 1 mark")
    right, wrong = first.options.get(weight=1).text, first.options.get(weight=0).text
    assert f"Your answer (try 1) {right} Your other try: Try 2: {wrong} — 0 of 1" in text(one)
    assert verdict_badge(two) == ("text-bg-warning", "Correct on the second try: 0.67 of 1 mark")
    assert "You scored 1.67 of 2 marks on this step." in text(page)


@pytest.mark.django_db
def test_showing_the_answer_says_so(client):
    quiz = practice_quiz(Kind.SINGLE_BEST)
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(), wrong_answer)

    page = client.post(reverse("quiz:step", args=[attempt.token, 1]), {"give_up": "1"}, follow=True)

    [section] = question_sections(page.content.decode())
    assert verdict_badge(section) == ("text-bg-danger", "Answer shown: 0 of 1 mark")


@pytest.mark.django_db
def test_out_of_tries_with_nothing_right_is_incorrect(client):
    quiz = practice_quiz(Kind.SINGLE_BEST, max_tries=2)
    attempt = start(client, quiz)
    step = quiz.steps.get()
    submit(client, attempt, step, wrong_answer)
    page = submit(client, attempt, step, wrong_answer, try_number=2).content.decode()

    [section] = question_sections(page)
    assert verdict_badge(section) == ("text-bg-danger", "Incorrect: 0 of 1 mark")
    assert "Your answer (try 2)" in text(section)


@pytest.mark.django_db
def test_an_exam_question_is_just_correct_or_incorrect():
    """One try allowed: no "on the first try"."""
    quiz = make_quiz(kinds=[Kind.SINGLE_BEST, Kind.SINGLE_BEST], mode=Quiz.Mode.EXAM)
    right, wrong = Question.objects.filter(step__quiz=quiz).order_by("position")
    attempt = attempt_start(quiz=quiz, owner_secret="a browser", is_preview=True)
    step = quiz.steps.get()
    answers = {right.pk: key_answer(right, attempt), wrong.pk: wrong_answer(wrong, attempt)}
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers)

    labels = [(fb.state_label, fb.mark_level) for fb in step_reviews(attempt, [step])[0].questions]
    assert labels == [("Correct", "full"), ("Incorrect", "none")]


@pytest.mark.django_db
def test_a_line_for_every_option_of_a_multiple_response_question(client):
    quiz = practice_quiz(Kind.MULTIPLE_RESPONSE, max_tries=1)
    question = Question.objects.get(step__quiz=quiz)
    # a and c are right (half each); b and d are wrong.
    Option.objects.filter(question=question, key="a").update(weight=0.5)
    Option.objects.create(question=question, key="c", position=3, text="Option c", weight=0.5, feedback="C because.")
    Option.objects.create(question=question, key="d", position=4, text="Option d", weight=-1, feedback="D because.")
    attempt = start(client, quiz)

    page = submit(client, attempt, quiz.steps.get(), lambda q, a: {"ticked": ["a", "b"]}).content.decode()

    [feedback] = step_reviews(attempt, [quiz.steps.get()])[0].questions
    lines = sorted((n.subject, n.verdict, n.good) for n in feedback.notes if n.subject)
    assert lines == [
        ("Option a", "You ticked this: right.", True),
        ("Option b", "You ticked this: wrong.", False),
        ("Option c", "You did not tick this: it was right.", False),
        ("Option d", "You did not tick this: right to leave it.", True),
    ]
    [section] = question_sections(page)
    words = text(section)
    assert verdict_badge(section) == ("text-bg-danger", "Incorrect: 0 of 1 mark")  # 0.5 - 1 is 0
    assert "Option c ✗ You did not tick this: it was right. C because." in words
    assert "Option d ✓ You did not tick this: right to leave it. D because." in words
    # The educator's feedback comes after the verdict, apart from it.
    assert re.search(r'<span class="verdict[^"]*">.*?</span>\s*<span class="note-text[^"]*">C because.</span>', section)


@pytest.mark.django_db
def test_a_key_point_cited_by_two_questions_of_a_step_is_quoted_once(client):
    """make_quiz cites one key point from every question and option of the step."""
    quiz = practice_quiz(Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.MULTIPLE_TRUE_FALSE)
    attempt = start(client, quiz)
    step = quiz.steps.get()

    page = submit(client, attempt, step).content.decode()

    assert page.count("“Quote 1.”") == 1
    first, second, third = question_sections(page)
    assert "“Quote 1.”" in first
    first_id = Question.objects.get(step=step, position=1).pk
    for later in (second, third):
        assert "See question 1 above." in text(later)
        assert f'href="#feedback-{first_id}-heading"' in later

    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert review.count("“Quote 1.”") == 1
    assert text(review).count("See question 1 above.") == 2
