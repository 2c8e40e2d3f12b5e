"""Quiz statistics against values worked out by hand, and against Moodle's own fixture.

No database: ``quiz.statistics`` is plain Python.
"""

import math

import pytest

from quiz.statistics import QuestionStatistics, QuizStatistics, question_statistics, quiz_statistics

# --- a small quiz worked by hand -------------------------------------------------------------------
#
# Three questions: q1 and q2 worth 1 mark, q3 worth 2; quiz max 4. Four attempts:
#
#          q1  q2  q3 | total
#     A     1   1   2 |   4
#     B     1   0   1 |   2
#     C     0   1   0 |   1
#     D     0   0   1 |   1
#
# Totals: mean 8/4 = 2, deviations 2, 0, -1, -1; sums of powers: ^2 = 6, ^3 = 8 - 1 - 1 = 6,
# ^4 = 16 + 1 + 1 = 18.
HAND = [
    {"q1": (1, 1), "q2": (1, 1), "q3": (2, 2)},
    {"q1": (1, 1), "q2": (0, 1), "q3": (1, 2)},
    {"q1": (0, 1), "q2": (1, 1), "q3": (0, 2)},
    {"q1": (0, 1), "q2": (0, 1), "q3": (1, 2)},
]

# Covariance of each question with the total (for effective weight), all over s - 1 = 3:
#   q1: x - mean = .5, .5, -.5, -.5; sum of products with 2, 0, -1, -1 = 1 + 0 + .5 + .5 = 2 -> 2/3
#   q2: x - mean = .5, -.5, .5, -.5; 1 + 0 - .5 + .5 = 1 -> 1/3
#   q3: x - mean = 1, 0, -1, 0;      2 + 0 + 1 + 0 = 3 -> 1
#   (check: 2/3 + 1/3 + 1 = 2 = variance of the total)
ROOTS = math.sqrt(2 / 3) + math.sqrt(1 / 3) + math.sqrt(1)

HAND_QUESTIONS = [
    # (question, field, expected)
    # q1: marks 1, 1, 0, 0 -> mean .5 -> facility 50 %; variance (4 x .25) / 3 = 1/3, sd = sqrt(1/3) of max 1.
    ("q1", "facility_index", 50.0),
    ("q1", "standard_deviation", 100 * math.sqrt(1 / 3)),  # 57.735 %
    ("q1", "intended_weight", 25.0),  # 1 / 4
    # rest = total - q1 = 3, 1, 1, 1: mean 1.5, variance (2.25 + 3 x .25) / 3 = 1;
    # cov(q1, rest) = (.5 x 1.5 + .5 x -.5 + -.5 x -.5 + -.5 x -.5) / 3 = 1/3;
    # DI = 100 (1/3) / sqrt(1/3 x 1) = 100 sqrt(1/3) = 57.735.
    ("q1", "discrimination_index", 100 * math.sqrt(1 / 3)),
    # sorted q1 0, 0, 1, 1 against sorted rest 1, 1, 1, 3: (-.5)(-.5) + (-.5)(-.5) + (.5)(-.5) + (.5)(1.5) = 1
    # -> covmax 1/3 = cov, so DE = 100 %.
    ("q1", "discriminative_efficiency", 100.0),
    ("q1", "effective_weight", 100 * math.sqrt(2 / 3) / ROOTS),  # 34.11 %
    # q2: marks 1, 0, 1, 0 -> facility 50 %, sd sqrt(1/3).
    ("q2", "facility_index", 50.0),
    ("q2", "standard_deviation", 100 * math.sqrt(1 / 3)),
    # rest = 3, 2, 0, 1 (mean 1.5, dev 1.5, .5, -1.5, -.5); cov = (.75 - .25 - .75 + .25) / 3 = 0 -> DI 0.
    ("q2", "discrimination_index", 0.0),
    # covmax: sorted dev -.5, -.5, .5, .5 x -1.5, -.5, .5, 1.5 = .75 + .25 + .25 + .75 = 2 -> 2/3; DE = 0 / (2/3).
    ("q2", "discriminative_efficiency", 0.0),
    ("q2", "effective_weight", 100 * math.sqrt(1 / 3) / ROOTS),  # 24.12 %
    # q3 (max 2): marks 2, 1, 0, 1 -> mean 1 -> facility 1/2 = 50 %; variance (1 + 0 + 1 + 0) / 3 = 2/3,
    # sd sqrt(2/3) = 0.8165 marks = 40.82 % of 2.
    ("q3", "facility_index", 50.0),
    ("q3", "standard_deviation", 100 * math.sqrt(2 / 3) / 2),
    ("q3", "intended_weight", 50.0),
    # rest = 2, 1, 1, 0 (mean 1, dev 1, 0, 0, -1, variance 2/3); cov = (1 x 1) / 3 = 1/3;
    # DI = 100 (1/3) / sqrt(2/3 x 2/3) = 100 (1/3) / (2/3) = 50.
    ("q3", "discrimination_index", 50.0),
    # sorted q3 0, 1, 1, 2 and sorted rest 0, 1, 1, 2: 1 + 0 + 0 + 1 = 2 -> covmax 2/3; DE = (1/3) / (2/3) = 50 %.
    ("q3", "discriminative_efficiency", 50.0),
    ("q3", "effective_weight", 100 * 1 / ROOTS),  # 41.77 %
]


@pytest.mark.parametrize(("question_id", "field", "expected"), HAND_QUESTIONS)
def test_question_statistics_worked_by_hand(question_id, field, expected):
    stats = question_statistics(HAND)[question_id]
    assert getattr(stats, field) == pytest.approx(expected, abs=1e-9)


HAND_QUIZ = [
    ("attempt_count", 4),
    ("max_mark", 4.0),
    ("mean", 2.0),
    ("median", 1.5),  # sorted totals 1, 1, 2, 4 -> (1 + 2) / 2
    ("standard_deviation", math.sqrt(2)),  # sqrt(6 / 3)
    # m2 = 6/4 = 1.5, m3 = 6/4 = 1.5, m4 = 18/4 = 4.5; k2 = 4 x 1.5 / 3 = 2;
    # k3 = 16 x 1.5 / (3 x 2) = 4 -> skewness = 4 / 2^1.5 = sqrt(2).
    ("skewness", math.sqrt(2)),
    # k4 = 16 (5 x 4.5 - 3 x 3 x 1.5^2) / (3 x 2 x 1) = 16 x 2.25 / 6 = 6 -> kurtosis = 6 / 2^2 = 1.5.
    ("kurtosis", 1.5),
    # sum of question variances 1/3 + 1/3 + 2/3 = 4/3; CIC = 100 x 3/2 x (1 - (4/3) / 2) = 150 x 1/3 = 50.
    ("internal_consistency", 50.0),
    ("error_ratio", 100 * math.sqrt(0.5)),  # 100 sqrt(1 - 0.5) = 70.71
    ("standard_error", 1.0),  # 70.71 % of sd sqrt(2) = sqrt(.5) x sqrt(2) = 1
]


@pytest.mark.parametrize(("field", "expected"), HAND_QUIZ)
def test_quiz_statistics_worked_by_hand(field, expected):
    assert getattr(quiz_statistics(HAND), field) == pytest.approx(expected, abs=1e-9)


def test_percentages_of_quiz_max():
    stats = quiz_statistics(HAND)
    assert stats.as_percentage(stats.mean) == 50.0  # 2 of 4
    assert stats.as_percentage(None) is None


def test_random_guess_score_is_echoed_as_a_percentage():
    stats = question_statistics(HAND, random_guess_scores={"q1": 0.25})
    assert stats["q1"].random_guess_score == 25.0
    assert stats["q2"].random_guess_score is None


# --- a question only the weakest learners get right -----------------------------------------------
#
#          q1  q2  q3  q4 | total | rest (total - q4)
#     A     1   1   1   0 |   3   |  3
#     B     1   1   0   0 |   2   |  2
#     C     1   0   0   0 |   1   |  1
#     D     0   0   0   1 |   1   |  0
#     E     0   0   0   1 |   1   |  0
#
# q4 deviations -.4, -.4, -.4, .6, .6 against rest deviations 1.8, .8, -.2, -1.2, -1.2:
# sum of products = -.72 - .32 + .08 - .72 - .72 = -2.4 -> covariance -0.6 < 0, so the discrimination index
# and efficiency are negative; its covariance with the total (deviations 1.4, .4, -.6, -.6, -.6) is
# -.56 - .16 + .24 - .36 - .36 = -1.2 < 0, so Moodle shows "negative covariance", not an effective weight.
INVERTED = [
    {"q1": (1, 1), "q2": (1, 1), "q3": (1, 1), "q4": (0, 1)},
    {"q1": (1, 1), "q2": (1, 1), "q3": (0, 1), "q4": (0, 1)},
    {"q1": (1, 1), "q2": (0, 1), "q3": (0, 1), "q4": (0, 1)},
    {"q1": (0, 1), "q2": (0, 1), "q3": (0, 1), "q4": (1, 1)},
    {"q1": (0, 1), "q2": (0, 1), "q3": (0, 1), "q4": (1, 1)},
]


def test_question_right_only_for_the_weakest_learners_discriminates_negatively():
    stats = question_statistics(INVERTED)
    # rest variance: 1.8^2 + .8^2 + .2^2 + 2 x 1.2^2 = 3.24 + .64 + .04 + 2.88 = 6.8 -> 1.7; q4 variance 1.2/4 = .3
    # DI = 100 x -0.6 / sqrt(.3 x 1.7) = -84.02
    assert stats["q4"].discrimination_index == pytest.approx(100 * -0.6 / math.sqrt(0.3 * 1.7))
    assert stats["q4"].discrimination_index < 0
    assert stats["q4"].discriminative_efficiency < 0
    assert stats["q4"].effective_weight is None
    # q2 (1, 1, 0, 0, 0) against its rest (2, 1, 1, 1, 1): the strong learners' question discriminates positively.
    assert stats["q2"].discrimination_index > 0


# --- Moodle's own fixture ---------------------------------------------------------------------------
#
# moodle/moodle mod/quiz/report/statistics/tests/fixtures/results00.csv (25 attempts x 7 one-mark slots,
# marks per slot) and the expected per-slot statistics in qstats00.csv from the same folder
# (facility and sd as fractions of the max mark 1; effective weight, discrimination index and
# discriminative efficiency already in %). Copied as read, 0.3333333 and all.
MOODLE_RESULTS00 = """\
1,1,1,1,1,0,1
1,1,1,1,0.5,1,0
1,1,1,1,0.5,0,1
0,0,1,1,1,0,0
1,0,1,0,0,1,0.5
1,1,1,1,0.5,0,0.5
0,1,1,1,0.5,1,0.5
1,1,1,0,0.5,1,0.5
1,0,1,1,1,1,1
0,1,1,0,0.5,1,0.5
0.8,0,1,1,0.5,1,0.5
1,1,1,0,0.5,1,1
1,0,1,1,0.5,1,0.5
1,0,1,1,1,0,0.5
0,0,1,1,0,1,1
1,0,1,0,0.5,1,1
0.8,0,1,1,0.5,0,1
1,0,1,1,0,1,0.5
1,0,1,1,0.5,0,0.5
0,1,1,0,0.5,1,0
1,1,0.3333333,1,0.5,0,0.5
1,1,1,0,0.5,0,0.5
1,1,1,1,0,1,0.5
0,0,1,0,0.5,1,1
0,0,1,1,1,1,1"""

# slot: facility, sd, effectiveweight, discriminationindex, discriminativeefficiency (qstats00.csv)
MOODLE_QSTATS00 = {
    1: (0.704, 0.4513682901, 21.2922742344, -7.0650767526, -9.4550536967),
    2: (0.48, 0.5099019514, 18.8979800309, -28.8982125772, -36.7834118938),
    3: (0.973333332, 0.13333334, 4.443012573, -9.1230674268, -21.6545012165),
    4: (0.68, 0.4760952286, 18.9347251357, -22.6306444113, -31.4411395613),
    5: (0.52, 0.3055050463, 11.1450138688, -17.6997047674, -21.1794802584),
    6: (0.64, 0.4898979486, 9.8081339177, -45.3785178421, -56.9365974439),
    7: (0.62, 0.331662479, 15.4788602394, -5.6543166602, -6.5043742058),
}


def _moodle_attempts():
    return [
        {slot: (float(mark), 1.0) for slot, mark in enumerate(line.split(","), start=1)}
        for line in MOODLE_RESULTS00.splitlines()
    ]


@pytest.mark.parametrize("slot", sorted(MOODLE_QSTATS00))
def test_matches_moodle_fixture_qstats00(slot):
    facility, sd, effective_weight, discrimination, efficiency = MOODLE_QSTATS00[slot]
    stats = question_statistics(_moodle_attempts())[slot]
    assert stats.attempt_count == 25
    assert stats.facility_index == pytest.approx(100 * facility, abs=1e-6)
    assert stats.standard_deviation == pytest.approx(100 * sd, abs=1e-6)
    assert stats.effective_weight == pytest.approx(effective_weight, abs=1e-6)
    assert stats.discrimination_index == pytest.approx(discrimination, abs=1e-6)
    assert stats.discriminative_efficiency == pytest.approx(efficiency, abs=1e-6)


# --- edge cases -------------------------------------------------------------------------------------


def test_no_attempts():
    assert question_statistics([]) == {}
    assert quiz_statistics([]) == QuizStatistics(
        attempt_count=0,
        max_mark=0.0,
        mean=None,
        median=None,
        standard_deviation=None,
        skewness=None,
        kurtosis=None,
        internal_consistency=None,
        error_ratio=None,
        standard_error=None,
    )


def test_one_attempt_has_a_mean_but_no_spread():
    attempts = [{"q1": (1, 1), "q2": (0.5, 2)}]
    quiz = quiz_statistics(attempts)
    assert (quiz.mean, quiz.median) == (1.5, 1.5)
    assert quiz.standard_deviation is None
    assert quiz.internal_consistency is None
    assert question_statistics(attempts)["q2"] == QuestionStatistics(
        question_id="q2",
        attempt_count=1,
        max_mark=2,
        facility_index=25.0,  # 0.5 of 2
        standard_deviation=None,
        random_guess_score=None,
        intended_weight=200 / 3,  # 2 of 3
        effective_weight=None,
        discrimination_index=None,
        discriminative_efficiency=None,
        mark_variance=None,
    )


TWO_ATTEMPTS = [{"q1": (1, 1), "q2": (1, 1)}, {"q1": (0, 1), "q2": (1, 1)}]
THREE_ATTEMPTS = [*TWO_ATTEMPTS, {"q1": (1, 1), "q2": (0, 1)}]
SAME_MARKS = [{"q1": (1, 1), "q2": (0, 1)}] * 4


@pytest.mark.parametrize(
    ("attempts", "field", "is_none"),
    [
        # Two attempts: totals 2, 1 -> sd sqrt(.5 / 1); Moodle needs s > 2 for the rest.
        (TWO_ATTEMPTS, "standard_deviation", False),
        (TWO_ATTEMPTS, "skewness", True),
        (TWO_ATTEMPTS, "internal_consistency", True),
        # Three attempts: skewness yes, kurtosis needs s > 3.
        (THREE_ATTEMPTS, "skewness", False),
        (THREE_ATTEMPTS, "kurtosis", True),
        (THREE_ATTEMPTS, "internal_consistency", False),
        # Everyone scores the same: k2 = 0, so nothing divides by it.
        (SAME_MARKS, "standard_deviation", False),
        (SAME_MARKS, "skewness", True),
        (SAME_MARKS, "kurtosis", True),
        (SAME_MARKS, "internal_consistency", True),
        (SAME_MARKS, "error_ratio", True),
        (SAME_MARKS, "standard_error", True),
    ],
)
def test_quiz_statistics_that_cannot_be_computed_are_none(attempts, field, is_none):
    assert (getattr(quiz_statistics(attempts), field) is None) is is_none


def test_two_attempts_standard_deviation():
    # totals 2 and 1: mean 1.5, (0.25 + 0.25) / (2 - 1) = 0.5
    assert quiz_statistics(TWO_ATTEMPTS).standard_deviation == pytest.approx(math.sqrt(0.5))


def test_question_everyone_gets_right_has_no_discrimination():
    # q2 in TWO_ATTEMPTS: 1 and 1 -> variance 0; its sd is 0 but DI and DE would divide by 0.
    stats = question_statistics(TWO_ATTEMPTS)["q2"]
    assert stats.facility_index == 100.0
    assert stats.standard_deviation == 0.0
    assert stats.discrimination_index is None
    assert stats.discriminative_efficiency is None
    # q1 carries all the spread, so all the effective weight: cov(q2, total) = 0 -> weight 0 %.
    assert question_statistics(TWO_ATTEMPTS)["q1"].effective_weight == pytest.approx(100.0)
    assert stats.effective_weight == 0.0


def test_question_worth_no_marks_has_no_facility():
    stats = question_statistics([{"q1": (0, 0), "q2": (1, 1)}, {"q1": (0, 0), "q2": (0, 1)}])["q1"]
    assert stats.facility_index is None
    assert stats.standard_deviation is None
    assert stats.intended_weight == 0.0


def test_a_question_with_two_max_marks_is_refused():
    with pytest.raises(ValueError, match="max marks"):
        question_statistics([{"q1": (1, 1)}, {"q1": (1, 2)}])
