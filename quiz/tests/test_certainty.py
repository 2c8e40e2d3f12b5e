"""Certainty-based marking (CBM): whole attempts played through the pages, the marks checked against Moodle's.

Where the expected values come from (moodle/moodle, read through the code search):

* ``question/behaviour/deferredcbm/tests/question_cbm_test.php`` (``test_adjust_fraction``): the adjusted
  fraction for a fraction of 1, 0, 0.5 and -0.25 at each certainty: 1/2/3, 0/-2/-6, 0.5/1/1.5, 0/-2/-6.
* ``question/behaviour/deferredcbm/tests/walkthrough_test.php``: a true/false question of max mark 2 answered
  right at C=3 finishes with mark 6 (``test_deferred_cbm_truefalse_high_certainty``) and right at C=1 with
  mark 2 (``..._low_certainty``); a multiple-choice question of max mark 1 answered wrong at C=2 has mark -2,
  then right at C=3 mark 3 (``test_deferredcbm_resume_multichoice_single``).
* The remaining levels of a question of max mark 1 (right at C=2: 2; wrong at C=3: -6; wrong at C=1: 0)
  follow from ``question_cbm_test.php`` times the max mark, as the walkthrough's marks do.
* The summary and calibration: ``qbehaviour_deferredcbm::summarise_usage`` and ``calculate_bonus``
  (``question/behaviour/deferredcbm/behaviour.php``); the numbers below were worked by hand from them.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from quiz import selectors
from quiz.behaviours import (
    CertaintyBased,
    Exam,
    Practice,
    PracticeCertainty,
    adjust_fraction,
    for_quiz,
    from_rules,
)
from quiz.calibration import calibrate, summarise
from quiz.models import Attempt, Question, Quiz, Response
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, step_post, wrong_answer
from quiz.tests.test_walkthrough import start

pytestmark = pytest.mark.django_db

LOW, MEDIUM, HIGH = 1, 2, 3


@pytest.mark.parametrize(
    ("fraction", "certainty", "expected"),
    [
        (1, LOW, 1),
        (1, MEDIUM, 2),
        (1, HIGH, 3),
        (0, LOW, 0),
        (0, MEDIUM, -2),
        (0, HIGH, -6),
        (0.5, LOW, 0.5),
        (0.5, MEDIUM, 1),
        (0.5, HIGH, 1.5),
        (-0.25, LOW, 0),
        (-0.25, MEDIUM, -2),
        (-0.25, HIGH, -6),
        (1, None, 1),  # no certainty: Moodle assumes C=1
    ],
)
def test_adjust_fraction_matches_moodles_question_cbm_test(fraction, certainty, expected):
    assert adjust_fraction(fraction, certainty) == pytest.approx(expected)


@given(
    st.lists(st.tuples(st.sampled_from([None, LOW, MEDIUM, HIGH]), st.floats(0, 1), st.floats(0.5, 10)), max_size=30)
)
def test_calibration_and_summary_invariants(answers):
    """Every answer lands in one level; accuracies stay in [0, 1]; the average CBM mark in [-6, 3]; a surer
    right answer never earns less, a surer wrong one never costs less."""
    levels = calibrate(answers)
    assert sum(level.answers for level in levels) == len(answers)
    assert all(level.accuracy is None or -1e-9 <= level.accuracy <= 1 + 1e-9 for level in levels)
    summary = summarise(answers)
    if answers:
        assert -6 - 1e-9 <= summary.average_cbm_mark <= 3 + 1e-9
        assert 0 - 1e-9 <= summary.accuracy <= 1 + 1e-9
    for fraction in {a[1] for a in answers}:
        marks = [adjust_fraction(fraction, level) for level in (LOW, MEDIUM, HIGH)]
        assert marks == sorted(marks) if fraction > 0.00000005 else marks == sorted(marks, reverse=True)


# (question's marks, answer, certainty, CBM mark): one step each, in this order.
WALKTHROUGH = [
    (2, key_answer, HIGH, 6),  # Moodle: true/false, max mark 2, right at C=3 -> 6
    (2, key_answer, LOW, 2),  # Moodle: true/false, max mark 2, right at C=1 -> 2
    (1, wrong_answer, MEDIUM, -2),  # Moodle: multichoice, max mark 1, wrong at C=2 -> -2
    (1, key_answer, HIGH, 3),  # Moodle: multichoice, max mark 1, right at C=3 -> 3
    (1, key_answer, MEDIUM, 2),
    (1, wrong_answer, HIGH, -6),
    (1, wrong_answer, LOW, 0),
]


def cbm_quiz(mode=Quiz.Mode.CBM, **changes) -> Quiz:
    quiz = make_quiz(steps=len(WALKTHROUGH), kinds=(Question.Kind.SINGLE_BEST,), mode=mode)
    for step, (marks, *_rest) in zip(quiz.steps.order_by("position"), WALKTHROUGH, strict=True):
        step.questions.update(marks=marks)
    if changes:
        Quiz.objects.filter(pk=quiz.pk).update(**changes)
        quiz.refresh_from_db()
    return quiz


def post_step(client, attempt, step, answer=key_answer, certainty=None, try_number=1):
    data = step_post(attempt, step, answers_for(step, attempt, answer), try_number)
    if certainty is not None:
        for question in step.questions.all():
            data[f"q{question.pk}-certainty"] = str(certainty)
    return client.post(reverse("quiz:step", args=[attempt.token, step.position]), data, follow=True)


def play(client, quiz) -> Attempt:
    attempt = start(client, quiz)
    steps = list(quiz.steps.order_by("position"))
    for step, (marks, answer, certainty, expected) in zip(steps, WALKTHROUGH, strict=True):
        page = post_step(client, attempt, step, answer, certainty).content.decode()
        attempt.refresh_from_db()
        response = Response.objects.get(step_attempt__attempt=attempt, question__step=step)
        assert response.certainty == certainty
        assert response.fraction == (1.0 if answer is key_answer else 0.0), "the grader's fraction is kept plain"
        assert selectors.question_mark(attempt, [response], marks) == pytest.approx(expected)
        if step != steps[-1]:
            assert attempt.current_position == step.position + 1 and not attempt.is_finished
            # Deferred feedback: nothing says whether the answer was right until the attempt is over.
            assert "Your answers to that step are recorded" in page
            assert "The published reasoning" not in page and "Incorrect" not in page
    assert attempt.is_finished
    return attempt


def test_deferred_cbm_walkthrough_marks_each_level_right_and_wrong_as_moodle_does(client):
    quiz = cbm_quiz()
    attempt = play(client, quiz)

    assert float(attempt.score) == pytest.approx(6 + 2 - 2 + 3 + 2 - 6 + 0)
    assert float(attempt.max_score) == pytest.approx(9), "the marks for every answer right at low certainty"

    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    # Out of what every answer right at high certainty earns: a negative step or a step above its marks reads right.
    assert "You scored <strong>5 of 27 certainty-based marks</strong>" in review
    assert "every answer right at low certainty 9" in review
    # Average CBM mark 5/9; accuracy 6/9 (marks right, ignoring certainty); bonus 0.1 x (5/9 - 2/3).
    assert '<dd class="col-sm-7 average-cbm-mark">0.56 per mark' in review
    assert '<dd class="col-sm-7 accuracy">66.7%' in review
    assert '<dd class="col-sm-7 cbm-bonus">-1.1%' in review
    for marks, _answer, _certainty, expected in WALKTHROUGH:
        assert f"{expected:g} of {3 * marks:g} certainty-based marks" in review
    assert "Your certainty: high." in review and "Your certainty: medium." in review


def test_review_shows_the_calibration_chart_with_its_numbers(client):
    quiz = cbm_quiz()
    attempt = play(client, quiz)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()

    assert "How well you judged your certainty" in review
    assert '<svg class="calibration-chart"' in review and 'role="img"' in review
    table = review[review.index('<table class="table table-sm calibration-table') :]
    table = table[: table.index("</table>")]
    # Weighted by marks, as Moodle does. Low: right (2 marks) and wrong (1): 2/3. Medium: wrong, right: 1/2.
    # High: right (2), right (1), wrong (1): 3/4.
    rows = [" ".join(row.split()) for row in table.split("<tr")[2:]]
    assert "Low</th> <td>2</td> <td>66.7%</td> <td>below 67 %</td> <td>about right</td>" in rows[0]
    assert "Medium</th> <td>2</td> <td>50%</td> <td>67 to 80 %</td> <td>a bit over-confident</td>" in rows[1]
    assert "High</th> <td>3</td> <td>75%</td> <td>above 80 %</td> <td>a bit over-confident</td>" in rows[2]


def test_missing_certainty_is_a_form_error_and_saves_nothing(client):
    quiz = cbm_quiz()
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)

    page = client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
    assert "<legend" in page and "How sure are you of your answer to question 1?" in page
    assert "High: right earns 3 times its marks; wrong loses 6 times its marks" in page

    response = post_step(client, attempt, step, key_answer, certainty=None)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say how sure you are of your answer to question 1: low, medium or high." in page
    assert not Response.objects.filter(step_attempt__attempt=attempt).exists()
    attempt.refresh_from_db()
    assert attempt.current_position == 1

    response = post_step(client, attempt, step, key_answer, certainty=7)
    assert "Choose low, medium or high for question 1." in response.content.decode()
    assert not Response.objects.filter(step_attempt__attempt=attempt).exists()


def test_rules_are_frozen_on_the_attempt(client):
    quiz = cbm_quiz()
    attempt = start(client, quiz)
    assert attempt.rules == {"behaviour": "cbm", "tries": 1, "penalty": 0.0, "certainty": True}
    Quiz.objects.filter(pk=quiz.pk).update(mode=Quiz.Mode.PRACTICE, max_tries=3)

    step = quiz.steps.get(position=1)
    page = post_step(client, attempt, step, wrong_answer, certainty=HIGH).content.decode()
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.behaviour == CertaintyBased()
    assert attempt.current_position == 2, "one try: a wrong answer moves on, as the attempt began"
    assert "That was try 1 of 3" not in page
    assert (
        "How sure are you of your answer to question 1?"
        in client.get(reverse("quiz:step", args=[attempt.token, 2])).content.decode()
    )


def test_rules_round_trip():
    for behaviour in (CertaintyBased(), PracticeCertainty(), Exam(), Practice(tries=2, penalty=0.5)):
        assert from_rules(behaviour.rules()) == behaviour
    assert PracticeCertainty().rules()["certainty"] is True
    assert "certainty" not in Practice().rules()


def test_practice_certainty_only_where_the_quiz_allows_it():
    practice = Quiz(mode=Quiz.Mode.PRACTICE, max_tries=3, practice_certainty=False)
    assert isinstance(for_quiz(practice, certainty=True), Practice)
    practice.practice_certainty = True
    assert for_quiz(practice, certainty=True) == PracticeCertainty()
    assert isinstance(for_quiz(practice), Practice)
    assert for_quiz(Quiz(mode=Quiz.Mode.EXAM, practice_certainty=True), certainty=True) == Exam()


def test_practice_with_certainty_is_immediate_cbm(client):
    quiz = cbm_quiz(mode=Quiz.Mode.PRACTICE, practice_certainty=True, max_tries=3)
    start_page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    assert 'name="certainty"' in start_page and "Mark my certainty" in start_page

    response = client.post(reverse("quiz:start", args=[quiz.slug]), {"certainty": "on"})
    attempt = Attempt.objects.get(token=response.url.rstrip("/").split("/")[-1])
    assert attempt.rules["behaviour"] == "practice_cbm" and attempt.rules["certainty"] is True
    # The quiz's setting changing afterwards leaves the attempt its rules.
    Quiz.objects.filter(pk=quiz.pk).update(practice_certainty=False)

    step = quiz.steps.get(position=1)  # worth 2 marks
    page = post_step(client, attempt, step, wrong_answer, certainty=MEDIUM).content.decode()
    attempt.refresh_from_db()
    assert attempt.current_position == 2, "one try, as Moodle's immediate CBM"
    assert "-4 of 6 certainty-based marks" in page, "feedback straight after the step, marked for certainty"
    assert "Your certainty: medium." in page

    plain = start(client, quiz)
    assert plain.rules["behaviour"] == "practice"


def test_calibrate_follows_moodles_judgement():
    # High: 12 right of 20 (60 %): (0.6 - 0.8)^2 x 20 = 0.8 > 0.5 -> over-confident; 3 of 5: 0.2 -> a bit.
    high = calibrate([(HIGH, 1.0)] * 12 + [(HIGH, 0.0)] * 8)[2]
    assert (high.answers, high.right, high.accuracy_percent, high.judgement) == (20, 12, 60.0, "over-confident")
    assert calibrate([(HIGH, 1.0)] * 3 + [(HIGH, 0.0)] * 2)[2].judgement == "a bit over-confident"
    # Low: every answer right (100 %): (1 - 2/3)^2 x 3 = 0.33 -> a bit under-confident; x 6 = 0.67 -> under.
    assert calibrate([(LOW, 1.0)] * 3)[0].judgement == "a bit under-confident"
    assert calibrate([(LOW, 1.0)] * 6)[0].judgement == "under-confident"
    # Medium: a partly right answer counts as its fraction; 3 answers 1, 0.5, 0.7 -> 73.3 %: about right.
    medium = calibrate([(MEDIUM, 1.0), (MEDIUM, 0.5), (MEDIUM, 0.7)])[1]
    assert (medium.answers, medium.accuracy_percent, medium.judgement) == (3, 73.3, "about right")
    # Unused levels are listed, empty; a missing certainty counts as low.
    levels = calibrate([(None, 1.0)])
    assert [(lv.label, lv.answers) for lv in levels] == [("Low", 1), ("Medium", 0), ("High", 0)]
    assert levels[1].accuracy is None and levels[1].judgement == "no answers"


def test_summary_counts_unanswered_questions_as_moodle_does():
    # Two questions of 1 mark: one right at high certainty, one not answered. Accuracy 1/2, average CBM 3/2,
    # bonus 0.1 x (1.5 - max(0.5, 2 x 0.5 - 2 x 0.5, 3 x 0.5 - 6 x 0.5)) = 0.1.
    summary = summarise([(HIGH, 1.0, 1), (None, None, 1)])
    assert (summary.accuracy, summary.average_cbm_mark, summary.bonus) == pytest.approx((0.5, 1.5, 0.1))
    assert summary.answered == 1
    assert summarise([]) is None


def test_calibration_selectors_for_a_learner_and_a_cohort(client, django_user_model):
    quiz = cbm_quiz()
    learner = django_user_model.objects.create_user("learner", password="pw")
    client.force_login(learner)
    attempt = play(client, quiz)
    assert attempt.user == learner

    mine = selectors.calibration_for_user(learner, timezone.now())
    assert [(lv.answers, lv.accuracy_percent) for lv in mine] == [(2, 66.7), (2, 50.0), (3, 75.0)]

    # Another learner, all right at high certainty: the cohort counts each learner's first finished attempt.
    other = django_user_model.objects.create_user("other", password="pw")
    client.force_login(other)
    theirs = start(client, quiz)
    for step in quiz.steps.order_by("position"):
        post_step(client, theirs, step, key_answer, HIGH)
    cohort = selectors.calibration_for_quiz(quiz)
    assert [(lv.answers, lv.accuracy_percent) for lv in cohort] == [(2, 66.7), (2, 50.0), (3 + 7, 92.3)]
    assert selectors.calibration_for_user(other, timezone.now())[2].answers == 7
    only_mine = selectors.calibration_for_quiz(quiz, [attempt])
    assert [lv.answers for lv in only_mine] == [2, 2, 3]


def test_a_learners_calibration_leaves_out_attempts_whose_answers_are_not_open_to_them(client, django_user_model):
    """Right and wrong counts per level would tell what a quiz that shows the score only keeps back."""
    quiz = cbm_quiz(review_after=Quiz.ReviewAfter.NEVER)
    learner = django_user_model.objects.create_user("learner", password="pw")
    client.force_login(learner)
    play(client, quiz)

    assert [lv.answers for lv in selectors.calibration_for_user(learner, timezone.now())] == [0, 0, 0]

    Quiz.objects.filter(pk=quiz.pk).update(review_after=Quiz.ReviewAfter.ATTEMPT)
    assert [lv.answers for lv in selectors.calibration_for_user(learner, timezone.now())] == [2, 2, 3]


def test_educators_see_the_cohorts_calibration_on_the_item_analysis(client, django_user_model, make_educator):
    quiz = cbm_quiz()
    client.force_login(django_user_model.objects.create_user("learner", password="pw"))
    play(client, quiz)
    client.force_login(make_educator())
    url = reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])

    page = client.get(url).content.decode()
    section = page[page.index("How well learners judged their certainty") :]
    for label, answers, share in (("Low", 2, "66.7%"), ("Medium", 2, "50%"), ("High", 3, "75%")):
        row = section[section.index(f'<th scope="row">{label}</th>') :]
        assert row.index(f"<td>{answers}</td>") < row.index(f"<td>{share}</td>") < row.index("</tr>")

    practice = make_quiz(steps=1, kinds=(Question.Kind.SINGLE_BEST,))
    client.force_login(django_user_model.objects.create_user("other", password="pw"))
    start(client, practice)
    client.force_login(make_educator(username="second-educator"))
    plain = client.get(reverse("admin:quiz_quiz_item_analysis", args=[practice.pk])).content.decode()
    assert "judged their certainty" not in plain, "no chart for a quiz nobody answered with certainty"


def test_a_quiz_that_shows_the_score_only_shows_no_accuracy_or_calibration(client):
    """With each answer's certainty known to the learner, the accuracy and the per-level chart would tell which
    answers were right: only the total is shown until the answers are."""
    quiz = cbm_quiz(review_after=Quiz.ReviewAfter.NEVER)
    attempt = play(client, quiz)
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    assert "You scored <strong>5 of 27 certainty-based marks</strong>" in review
    assert "average-cbm-mark" not in review and 'class="col-sm-7 accuracy"' not in review
    assert "How well you judged your certainty" not in review
