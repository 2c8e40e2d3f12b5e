"""Each question kind end to end, through its kind module alone (quiz.kinds).

For every kind: the response its key scores 1 goes into the step form as a browser would post it, comes back
out as the same raw response, is graded through the kind (full marks), and is described in the feedback
exactly as before the kinds had a module each. A real but wrong answer scores 0 and is described too.
"""

from types import SimpleNamespace

import pytest
from django.http import QueryDict

from quiz.forms import StepForm
from quiz.kinds import KINDS, all_kinds, get_kind
from quiz.kinds.ordering import presented_order
from quiz.models import Attempt, Question
from quiz.selectors import QuestionFeedback
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import wrong_answer

Kind = Question.Kind
A, B, C, X, Y = "Option a", "Option b", "Option c", "Option x", "Option y"
S1, S2 = "Option s1", "Option s2"

# kind -> (raw response, or None for the presented-order one; your answer; expected answer; notes as
# (subject, verdict, feedback, good); keys of the rows whose key points are quoted)
RIGHT = {
    Kind.SINGLE_BEST: ({"choice": "a"}, [A], [A], [(A, "You chose this: right.", "Because.", True)], ["a"]),
    Kind.MULTIPLE_RESPONSE: (
        {"ticked": ["a"]},
        [A],
        [A],
        [
            (A, "You ticked this: right.", "Because.", True),
            (B, "You did not tick this: right to leave it.", "Because.", True),
        ],
        ["a"],
    ),
    Kind.MULTIPLE_TRUE_FALSE: (
        {"answers": {"a": "true", "b": "false"}},
        [f"{A}: True", f"{B}: False"],
        [f"{A}: True", f"{B}: False"],
        [(A, "You said true: right.", "Because.", True), (B, "You said false: right.", "Because.", True)],
        ["a", "b"],
    ),
    Kind.MATCHING: (
        {"matches": {"s1": "x", "s2": "y"}},
        [f"{S1} → {X}", f"{S2} → {Y}"],
        [f"{S1} → {X}", f"{S2} → {Y}"],
        [
            (S1, f"You matched this to {X}: right.", "Because.", True),
            (S2, f"You matched this to {Y}: right.", "Because.", True),
        ],
        ["s1", "s2"],
    ),
    Kind.ORDERING: (
        None,
        [A, B, C],
        [A, B, C],
        [
            (A, "You put this first, where it belongs.", "Because.", None),
            (B, "You put this second, where it belongs.", "Because.", None),
            (C, "You put this third, where it belongs.", "Because.", None),
        ],  # fmt: skip
        ["a", "b", "c"],
    ),
    Kind.HOTSPOT: (
        {"marks": [[0.25, 0.25]], "regions": []},
        ["1 mark on the image"],
        ["Top left"],
        [("Top left", "You marked this: right.", "", True)],
        ["z"],
    ),
    Kind.FREE_TEXT: (
        {"text": "Virchow"},
        ["Virchow"],
        ["Virchow"],
        [("", "Your answer matched “Virchow”: right.", "", True)],
        ["v"],
    ),  # fmt: skip
}

WRONG = {
    Kind.SINGLE_BEST: (
        {"choice": "b"},
        [B],
        [A],
        [(B, "You chose this.", "Because.", False), (A, "The best answer.", "Because.", None)],
        ["b"],
    ),
    Kind.MULTIPLE_RESPONSE: (
        {"ticked": ["b"]},
        [B],
        [A],
        [
            (A, "You did not tick this: it was right.", "Because.", False),
            (B, "You ticked this: wrong.", "Because.", False),
        ],
        ["a", "b"],
    ),
    Kind.MULTIPLE_TRUE_FALSE: (
        {"answers": {"a": "false", "b": "true"}},
        [f"{A}: False", f"{B}: True"],
        [f"{A}: True", f"{B}: False"],
        [(A, "You said false: wrong.", "Because.", False), (B, "You said true: wrong.", "Because.", False)],
        ["a", "b"],
    ),
    Kind.MATCHING: (
        {"matches": {"s1": "y", "s2": "x"}},
        [f"{S1} → {Y}", f"{S2} → {X}"],
        [f"{S1} → {X}", f"{S2} → {Y}"],
        [
            (S1, f"You matched this to {Y}: wrong.", "Because.", False),
            (S2, f"You matched this to {X}: wrong.", "Because.", False),
        ],
        ["s1", "s2"],
    ),
    Kind.ORDERING: (
        None,
        [C, B, A],
        [A, B, C],
        [
            (A, "You put this third: it comes first.", "Because.", None),
            (B, "You put this second, where it belongs.", "Because.", None),
            (C, "You put this first: it comes third.", "Because.", None),
        ],  # fmt: skip
        ["a", "b", "c"],
    ),
    Kind.HOTSPOT: (
        {"marks": [[0.75, 0.75]], "regions": []},
        ["1 mark on the image"],
        ["Top left"],
        [
            ("Bottom right", "You marked this: wrong.", "", False),
            ("Top left", "You did not mark this: it should have been marked.", "", False),
        ],
        ["w", "z"],
    ),
    Kind.FREE_TEXT: ({"text": "Osler"}, ["Osler"], ["Virchow"], [], ["v"]),
}


def test_every_kind_has_a_module_and_a_grader():
    assert [kind.name for kind in all_kinds()] == list(Kind)
    for kind in all_kinds():
        assert kind.grader.KIND == kind.name
        assert kind.scoring_help and kind.scoring_rule
        assert kind.RAW_VERSION == 1
    with pytest.raises(KeyError):
        get_kind("essay")


def question_and_attempt(kind: str) -> tuple[Question, Attempt]:
    quiz = make_quiz(kinds=[kind])
    attempt = Attempt.objects.create(quiz=quiz, mode=quiz.mode, rules=quiz.behaviour.rules())
    question = Question.objects.prefetch_related("options", "zones", "accepted_answers", "figure__renditions").get(
        step__quiz=quiz
    )
    return question, attempt


def through_the_form(attempt: Attempt, question: Question, raw: dict) -> dict:
    """The raw response a browser's POST of this answer comes back as."""
    shown = StepForm(attempt=attempt, questions=[question])
    shown.fill_from_responses([SimpleNamespace(question_id=question.pk, raw=raw)])
    data = QueryDict(mutable=True)
    for name, value in {"try_number": "1", **shown.posted_data()}.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    posted = StepForm(data, attempt=attempt, questions=[question])
    assert posted.is_valid(), posted.errors
    return posted.raw_responses()[question.pk]


def grade_and_describe(question: Question, raw: dict):
    kind = get_kind(question.kind)
    grade = kind.grader.grade(kind.grading_key(question), kind.grader_response(question, raw))
    stored = SimpleNamespace(
        credits=[{"key": c.key, "fraction": c.fraction, "reason": c.reason} for c in grade.credits]
    )
    feedback = QuestionFeedback(question, grade.state, "", 1, 0, float(question.marks), [], [])
    relevant = kind.describe(question, raw, feedback, stored)
    return grade, feedback, relevant


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(KINDS))
def test_the_correct_response_survives_the_form_and_scores_1(name):
    question, attempt = question_and_attempt(name)
    kind = get_kind(name)
    raw = kind.correct_response(question, attempt)
    expected_raw, your, expected, notes, relevant_keys = RIGHT[name]
    if expected_raw is None:  # ordering: the shown order is kept with the answer
        expected_raw = {"order": ["a", "b", "c"], "presented": presented_order(attempt, question, ["a", "b", "c"])}
    assert raw == expected_raw

    back = through_the_form(attempt, question, raw)

    assert back == raw
    grade, feedback, relevant = grade_and_describe(question, back)
    assert (grade.fraction, grade.state) == (1.0, "correct")
    assert feedback.your_answer == your
    assert feedback.expected_answer == expected
    assert [(n.subject, n.verdict, n.text, n.good) for n in feedback.notes] == notes
    assert [row.key for row in relevant] == relevant_keys
    assert feedback.marks == (raw["marks"] if name == Kind.HOTSPOT else [])


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(KINDS))
def test_a_wrong_answer_survives_the_form_and_scores_0(name):
    question, attempt = question_and_attempt(name)
    raw = wrong_answer(question, attempt)
    expected_raw, your, expected, notes, relevant_keys = WRONG[name]
    if expected_raw is None:
        expected_raw = {"order": ["c", "b", "a"], "presented": presented_order(attempt, question, ["a", "b", "c"])}
    assert raw == expected_raw

    back = through_the_form(attempt, question, raw)

    assert back == raw
    grade, feedback, relevant = grade_and_describe(question, back)
    assert (grade.fraction, grade.state) == (0.0, "incorrect")
    assert feedback.your_answer == your
    assert feedback.expected_answer == expected
    assert [(n.subject, n.verdict, n.text, n.good) for n in feedback.notes] == notes
    assert [row.key for row in relevant] == relevant_keys


@pytest.mark.django_db
def test_feedback_names_exactly_the_targets_the_grade_credited_when_targets_overlap():
    """One mark where two targets overlap counts for one of them: feedback must not say both were marked."""
    from quiz.models import Zone
    from quiz.selectors import step_reviews
    from quiz.services import attempt_start, step_submit
    from quiz.tests.factories import make_quiz

    quiz = make_quiz(kinds=[Question.Kind.HOTSPOT])
    question = Question.objects.get(step__quiz=quiz)
    question.zones.all().delete()
    Zone.objects.create(question=question, key="left", label="Left", coordinates=[0.1, 0.1, 0.5, 0.5])
    Zone.objects.create(question=question, key="right", label="Right", coordinates=[0.4, 0.1, 0.5, 0.5])
    attempt = attempt_start(quiz=quiz, owner_secret="a browser")
    step = quiz.steps.get()
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses={question.pk: {"marks": [[0.5, 0.3]]}})

    response = question.responses.get()
    assert response.fraction == 0.5
    credited = [c["key"] for c in response.credits if c["outcome"] == "hit"]
    assert len(credited) == 1
    feedback = step_reviews(attempt, [step])[0].questions[0]
    verdicts = {note.subject: note.verdict for note in feedback.notes if note.subject}
    assert verdicts == {
        "Left": "You marked this: right."
        if credited == ["left"]
        else "You did not mark this: it should have been marked.",
        "Right": "You marked this: right."
        if credited == ["right"]
        else "You did not mark this: it should have been marked.",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(Question.Kind))
def test_answers_stored_before_outcome_codes_get_the_same_feedback(kind):
    """Credits stored by version 1 of the graders had no outcome: their feedback is what it always was."""
    from quiz.selectors import step_reviews
    from quiz.services import attempt_start, step_submit
    from quiz.tests.helpers import key_answer

    quiz = make_quiz(kinds=[kind])
    question = Question.objects.get(step__quiz=quiz)
    attempt = attempt_start(quiz=quiz, owner_secret="a browser")
    step = quiz.steps.get()
    answer = wrong_answer(question, attempt) if kind != Question.Kind.FREE_TEXT else key_answer(question, attempt)
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses={question.pk: answer})

    def lines():
        feedback = step_reviews(attempt, [step])[0].questions[0]
        return [(n.subject, n.verdict, n.good) for n in feedback.notes]

    now = lines()
    response = question.responses.get()
    response.credits = [{k: v for k, v in c.items() if k != "outcome"} for c in response.credits]
    response.grader_version = 1
    response.save()
    assert lines() == now
