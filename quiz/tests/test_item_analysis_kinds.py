"""Every kind of question gets its distractor table, read from the stored raw answers and the grader's credits.

Nine learners take a quiz with one question of each kind (``make_quiz``'s sample keys): the three strongest
answer every question right, the middle three only the first three kinds (single best, multiple response,
true/false), the three weakest nothing right. So the top third is the strongest three, the bottom third the
weakest three, and each table's counts can be worked out from who answered what.
"""

import pytest

from quiz.analysis import item_analysis
from quiz.distractors import UNCHOSEN_DISTRACTOR
from quiz.kinds.free_text import NO_ACCEPTED_ANSWER
from quiz.kinds.hotspot import OUTSIDE_EVERY_ZONE
from quiz.models import Question, Quiz
from quiz.services import attempt_start, step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import key_answer, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind
EASY_KINDS = {Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.MULTIPLE_TRUE_FALSE}


@pytest.fixture
def quiz() -> Quiz:
    quiz = make_quiz(steps=1)
    Quiz.objects.filter(pk=quiz.pk).update(max_tries=1)
    quiz.refresh_from_db()
    for ability in range(9):
        take(quiz, ability)
    return quiz


def take(quiz, ability: int):
    """Ability 0-2: nothing right (learner 0 marks the hotspot figure outside every zone, 1 and 2 the wrong
    zone); 3-5: the easy kinds right, the rest wrong; 6-8: everything right."""
    attempt = attempt_start(quiz=quiz, owner_secret=f"learner {ability}")
    step = quiz.steps.get()
    raw = {}
    for question in step.questions.prefetch_related("options", "zones", "accepted_answers"):
        right = ability >= 6 or (ability >= 3 and question.kind in EASY_KINDS)
        raw[question.pk] = (key_answer if right else wrong_answer)(question, attempt)
        if question.kind == Kind.HOTSPOT and ability == 0:
            raw[question.pk] = {"marks": [[0.9, 0.1]], "regions": []}  # top right: in neither zone
    step_submit(attempt=attempt, step=step, try_number=1, raw_responses=raw)


def table(quiz, kind):
    item = next(item for item in item_analysis(quiz).questions if item.question.kind == kind)
    assert (item.top_size, item.bottom_size) == (3, 3)
    return {line.row.key: line for line in item.choices}


def counts(rows):
    return {key: (line.row.right, line.row.count) for key, line in rows.items()}


def test_every_kind_has_a_table(quiz):
    analysis = item_analysis(quiz)
    assert all(item.choices for item in analysis.questions)
    assert {item.question.kind for item in analysis.questions} == set(Kind)


def test_matching_each_stem_against_each_choice(quiz):
    rows = table(quiz, Kind.MATCHING)
    # Sample key: stem s1 goes with x, s2 with y; a wrong answer swaps them.
    assert counts(rows) == {"s1:x": (True, 3), "s1:y": (False, 6), "s2:x": (False, 6), "s2:y": (True, 3)}
    assert rows["s1:x"].label == "Option s1 → Option x"
    assert rows["s1:x"].row.top_share == 1.0 and rows["s1:x"].row.bottom_share == 0.0


def test_ordering_the_pairs_of_neighbours_right_and_wrong(quiz):
    rows = table(quiz, Kind.ORDERING)
    # Key a, b, c; a wrong answer reverses it: c then b, b then a (pairs no key lists, shown after the key's).
    assert counts(rows) == {"a>b": (True, 3), "b>c": (True, 3), "b>a": (False, 6), "c>b": (False, 6)}
    assert list(rows) == ["a>b", "b>c", "b>a", "c>b"]
    assert rows["c>b"].label == "Option c, then Option b"
    # Made by all the bottom third and none of the top: nothing that would flag it.
    assert rows["c>b"].row.flags == ()


def test_hotspot_each_zone_marked_and_marks_outside_them_all(quiz):
    rows = table(quiz, Kind.HOTSPOT)
    # Target z (top left), distractor zone w (bottom right); learners 1-5 mark w, learner 0 outside both.
    assert counts(rows) == {"z": (True, 3), "w": (False, 5), OUTSIDE_EVERY_ZONE: (False, 1)}
    assert rows[OUTSIDE_EVERY_ZONE].label == "Marked outside every zone"
    assert rows["z"].label == "Top left"


def test_free_text_each_accepted_answer_and_no_accepted_answer(quiz):
    rows = table(quiz, Kind.FREE_TEXT)
    assert counts(rows) == {"v": (True, 3), NO_ACCEPTED_ANSWER: (False, 6)}
    assert rows[NO_ACCEPTED_ANSWER].label == "No accepted answer"


def test_true_false_each_statement_answered_true_and_false(quiz):
    rows = table(quiz, Kind.MULTIPLE_TRUE_FALSE)
    # Statement a is true, b false; the weakest three answer both the wrong way round.
    assert counts(rows) == {"a:true": (True, 6), "a:false": (False, 3), "b:true": (False, 3), "b:false": (True, 6)}
    assert rows["a:true"].label == "Option a: True"


def test_a_catch_all_row_nobody_chose_is_not_flagged_but_a_zone_nobody_marked_is():
    quiz = make_quiz(steps=1, kinds=[Kind.HOTSPOT, Kind.FREE_TEXT, Kind.MATCHING])
    for ability in range(6, 9):
        take(quiz, ability)  # everyone right
    analysis = item_analysis(quiz)
    rows = {
        line.row.key: line.row.flags
        for item in analysis.questions
        for line in item.choices
        if item.question.kind != Kind.MATCHING
    }
    assert rows[OUTSIDE_EVERY_ZONE] == () and rows[NO_ACCEPTED_ANSWER] == ()
    assert rows["w"] == (UNCHOSEN_DISTRACTOR,)  # the educator drew it as a tempting region: it tempts nobody
    [matching] = [item for item in analysis.questions if item.question.kind == Kind.MATCHING]
    # Wrong matches nobody made are what an extended matching list expects: not flagged.
    assert {line.row.key: line.row.flags for line in matching.choices}["s1:y"] == ()
