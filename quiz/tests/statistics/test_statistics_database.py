"""The item analysis read from the database gives Moodle's figures, on SQLite and on PostgreSQL alike.

CI runs the suite twice, once on each database (``.ci/run``), so this one test checks both: Moodle's fixture
(``results00.csv`` and ``qstats00.csv``, copied in ``test_statistics``) is stored as learners' responses, and
``quiz.analysis.item_analysis`` must read back the same per-question figures Moodle published. The responses are
written as rows, not played through the grader: what is under test is the path from stored fractions through the
database (float columns, the first-attempt subquery, the ordering) to the statistics; grading has its own tests.
"""

import datetime

import pytest
from django.utils import timezone

from quiz.analysis import AttemptFilter, item_analysis
from quiz.models import Attempt, Question, Quiz, Response, StepAttempt
from quiz.services import attempt_start
from quiz.statistics import quiz_statistics
from quiz.tests.factories import make_quiz
from quiz.tests.statistics.test_statistics import MOODLE_QSTATS00, _moodle_attempts

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def moodle_quiz() -> Quiz:
    """Seven one-mark single best answer questions (slots 1-7) and Moodle's 25 attempts, marks as published."""
    quiz = make_quiz(steps=1, kinds=[Question.Kind.SINGLE_BEST] * 7)
    step = quiz.steps.get()
    questions = list(step.questions.order_by("position"))
    for number, marks in enumerate(_moodle_attempts()):
        attempt = attempt_start(quiz=quiz, owner_secret=f"moodle learner {number}")
        step_attempt = StepAttempt.objects.create(attempt=attempt, step=step, tries_used=1)
        Response.objects.bulk_create(
            Response(
                step_attempt=step_attempt,
                question=question,
                try_number=1,
                raw={"choice": "a" if marks[slot][0] == 1 else "b"},
                fraction=marks[slot][0],
                state="correct" if marks[slot][0] == 1 else "partially_correct" if marks[slot][0] else "incorrect",
                credits=[],
                grader_version=2,
            )
            for slot, question in enumerate(questions, start=1)
        )
        Attempt.objects.filter(pk=attempt.pk).update(
            state=Attempt.State.FINISHED, finished_at=START + datetime.timedelta(minutes=number)
        )
    return quiz


def test_the_stored_moodle_fixture_gives_moodles_figures(moodle_quiz):
    analysis = item_analysis(moodle_quiz)
    assert analysis.statistics.attempt_count == 25
    by_slot = {item.question.position: item.statistics for item in analysis.questions}
    # Within 1e-5, not Moodle's 1e-6: marks are kept to six decimals (``Behaviour.try_mark``), so the fixture's one
    # 0.3333333 is read as 0.333333, which moves slot 1's discrimination by about 1e-6.
    for slot, (facility, sd, effective_weight, discrimination, efficiency) in MOODLE_QSTATS00.items():
        stats = by_slot[slot]
        assert stats.attempt_count == 25
        assert stats.facility_index == pytest.approx(100 * facility, abs=1e-5)
        assert stats.standard_deviation == pytest.approx(100 * sd, abs=1e-5)
        assert stats.effective_weight == pytest.approx(effective_weight, abs=1e-5)
        assert stats.discrimination_index == pytest.approx(discrimination, abs=1e-5)
        assert stats.discriminative_efficiency == pytest.approx(efficiency, abs=1e-5)
    # The quiz's figures: the same as the pure functions give for the published marks (tested in test_statistics).
    expected = quiz_statistics(_moodle_attempts())
    for field in ("mean", "median", "standard_deviation", "skewness", "kurtosis", "internal_consistency"):
        assert getattr(analysis.statistics, field) == pytest.approx(getattr(expected, field), abs=1e-5), field


def test_the_date_filter_reads_finish_times_the_same_way(moodle_quiz):
    """Attempts finished 09:00-09:24 UTC on 2 March; the filter's dates are days in the site's time zone."""
    day = timezone.localtime(START).date()
    assert item_analysis(moodle_quiz).statistics.attempt_count == 25
    assert item_analysis(moodle_quiz, AttemptFilter(finished_from=day, finished_to=day)).statistics.attempt_count == 25
    later = day + datetime.timedelta(days=1)
    assert item_analysis(moodle_quiz, AttemptFilter(finished_from=later)).statistics.attempt_count == 0
