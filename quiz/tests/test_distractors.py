"""Distractor tables, missed key points and bootstrap intervals, checked against small hand-computed datasets."""

import math
import random

import pytest

from quiz.distractors import (
    DISTRACTOR_ATTRACTS_TOP,
    RIGHT_ATTRACTS_BOTTOM,
    UNCHOSEN_DISTRACTOR,
    Response,
    bootstrap_interval,
    discrimination,
    distractor_table,
    facility,
    missed_key_points,
    needs_interval,
    pearson,
    thirds,
    thirds_difference,
    uncertain_flags,
)


def r(total, fraction, *choices):
    return Response(total=total, fraction=fraction, choices=frozenset(choices))


# A single-best question worth a quarter of the quiz (question_share 0.25); A is right, B, C, D distractors.
#            total  fraction  chose   rest = total - 0.25 * fraction
SIX = [
    r(1.00, 1.0, "A"),  # 0.75
    r(0.75, 0.0, "B"),  # 0.75
    r(0.50, 1.0, "A"),  # 0.25
    r(0.50, 0.0, "C"),  # 0.50
    r(0.25, 0.0, "C"),  # 0.25
    r(0.00, 0.0, "C"),  # 0.00
]
# n = 6, k = 6 // 3 = 2. Top: 1.00 (1 learner >= it) and 0.75 (2 >= it); 0.50 has 4 >= it, out.
# Bottom: 0.00 (1 <= it) and 0.25 (2 <= it); 0.50 has 4 <= it, out.


def six_table():
    return distractor_table(SIX, choices=["A", "B", "C", "D"], right={"A"}, question_share=0.25)


@pytest.mark.parametrize(
    ("key", "count", "share", "top", "bottom"),
    [
        ("A", 2, 2 / 6, 1 / 2, 0 / 2),  # top: the 1.00 learner; bottom: neither
        ("B", 1, 1 / 6, 1 / 2, 0 / 2),  # top: the 0.75 learner
        ("C", 3, 3 / 6, 0 / 2, 2 / 2),  # bottom: 0.25 and 0.00
        ("D", 0, 0 / 6, 0 / 2, 0 / 2),
    ],
)
def test_counts_and_thirds(key, count, share, top, bottom):
    table = six_table()
    assert (table.learners, table.top_size, table.bottom_size) == (6, 2, 2)
    row = table.row(key)
    assert (row.count, row.share, row.top_share, row.bottom_share) == (count, pytest.approx(share), top, bottom)
    assert row.percent == pytest.approx(100 * share)


def test_unlisted_choice_gets_a_row_after_the_listed_ones():
    table = distractor_table([r(1, 1, "A"), r(0, 0, "other")], choices=["A", "B"], right={"A"}, question_share=1)
    assert [row.key for row in table.rows] == ["A", "B", "other"]
    assert table.row("other").count == 1


@pytest.mark.parametrize(
    ("totals", "top", "bottom"),
    [
        # k = 2; 0.8 is tied across the top boundary (3 learners >= 0.8 > k): both 0.8s are left out.
        ([1.0, 0.8, 0.8, 0.2, 0.1, 0.0], [0], [4, 5]),
        # Everyone tied: nobody fits, both groups empty.
        ([0.5, 0.5, 0.5], [], []),
        # Fewer than 3 learners: k = 0.
        ([1.0, 0.0], [], []),
        # Order of the attempts does not matter: k = 1.
        ([0.0, 1.0, 0.5], [1], [0]),
    ],
)
def test_thirds_and_their_tie_rule(totals, top, bottom):
    assert thirds(totals) == (top, bottom)


def test_point_biserial_of_choosing_b():
    # x (chose B) = 0 1 0 0 0 0; y (rest) = .75 .75 .25 .50 .25 0, in twelfths 9 9 3 6 3 0, mean 5/12.
    # M1 = 0.75, M0 = (0.75 + 0.25 + 0.50 + 0.25 + 0) / 5 = 0.35; p = 1/6, q = 5/6.
    # Deviations of y (twelfths): 4 4 -2 1 -2 -5, squares sum to 66, so s_y = sqrt(66/6)/12 = sqrt(11)/12.
    # r = (M1 - M0) / s_y * sqrt(pq) = 0.4 * 12/sqrt(11) * sqrt(5)/6 = 0.8 * sqrt(5/11) = 0.5394
    assert six_table().row("B").point_biserial == pytest.approx(0.8 * math.sqrt(5 / 11))


def test_point_biserial_is_none_without_variance():
    assert six_table().row("D").point_biserial is None  # nobody chose D: x has no variance
    assert pearson([1.0], [0.5]) is None  # a single attempt


@pytest.mark.parametrize(
    ("key", "flags"),
    [
        ("A", ()),  # right: never flagged, although the top third chose it more
        ("B", (DISTRACTOR_ATTRACTS_TOP,)),  # top 1/2 > bottom 0/2
        ("C", ()),  # top 0/2 < bottom 2/2: a working distractor
        ("D", (UNCHOSEN_DISTRACTOR,)),  # 0 of 6 chose it
    ],
)
def test_flags(key, flags):
    assert six_table().row(key).flags == flags


def test_no_learners_no_flags():
    table = distractor_table([], choices=["A", "B"], right={"A"}, question_share=0.5)
    assert [(row.count, row.share, row.top_share, row.flags) for row in table.rows] == [(0, 0.0, None, ())] * 2


def test_key_points_worst_first():
    results = missed_key_points(
        {
            # 2 of 3 fully right; mean (1 + 1 + 0.5) / 3 = 0.833
            "calcium-phosphate": [("a", 1.0), ("b", 1.0), ("c", 0.5)],
            # a: mean (1 + 0) / 2 = 0.5, not fully right; b: 1.0, right. Share 1/2, mean 0.75
            "dystrophic": [("a", 1.0), ("a", 0.0), ("b", 1.0)],
            # partial credit is not fully right: share 0, mean 0.5
            "imaging": [("a", 0.5), ("b", 0.5)],
            # share 0 as well, but a lower mean (0.0): comes before imaging
            "elbow": [("a", 0.0)],
            "unseen": [],
        }
    )
    assert [(x.key_point, x.learners, x.fully_right_share, x.mean_fraction) for x in results] == [
        ("elbow", 1, 0.0, 0.0),
        ("imaging", 2, 0.0, 0.5),
        ("dystrophic", 2, 0.5, 0.75),
        ("calcium-phosphate", 3, pytest.approx(2 / 3), pytest.approx(2.5 / 3)),
        ("unseen", 0, None, None),
    ]


# Ten attempts at a question worth a fifth of the quiz; facility = 6 / 10 = 0.6.
TEN = [
    r(t, f)
    for t, f in [(0.9, 1), (0.8, 1), (0.8, 1), (0.7, 0), (0.6, 1), (0.5, 1), (0.4, 0), (0.3, 1), (0.2, 0), (0.1, 0)]
]


@pytest.mark.parametrize(
    "statistic",
    [facility, lambda rs: discrimination(rs, question_share=0.2)],
    ids=["facility", "discrimination"],
)
def test_bootstrap_interval_is_reproducible_and_holds_the_estimate(statistic):
    first = bootstrap_interval(TEN, statistic, seed=7)
    assert first is not None
    assert first == bootstrap_interval(TEN, statistic, seed=7)
    assert first.low <= first.estimate <= first.high
    assert first.low < first.high
    assert first.resamples_used <= 1000


def test_bootstrap_facility_estimate_and_bounds():
    interval = bootstrap_interval(TEN, facility, seed=1)
    assert interval.estimate == pytest.approx(0.6)
    assert interval.resamples_used == 1000  # a mean is defined on every resample
    # A resample's facility is k/10 for whole k: the bounds fall on that grid, within [0, 1].
    assert 0 <= interval.low <= interval.high <= 1
    assert round(interval.low * 10, 9).is_integer() and round(interval.high * 10, 9).is_integer()


def test_bootstrap_of_identical_attempts_is_a_point():
    same = [r(0.5, 1.0)] * 5
    interval = bootstrap_interval(same, facility)
    assert (interval.low, interval.estimate, interval.high) == (1.0, 1.0, 1.0)


def test_bootstrap_undefined_statistic_gives_none():
    # Everyone scored the same on the rest of the quiz: discrimination is undefined.
    same = [r(0.5, 1.0), r(0.5, 1.0)]
    assert bootstrap_interval(same, lambda rs: discrimination(rs, question_share=0.2)) is None
    assert bootstrap_interval([], facility) is None


def test_bootstrap_rejects_a_bad_confidence():
    with pytest.raises(ValueError):
        bootstrap_interval(TEN, facility, confidence=1.0)


@pytest.mark.parametrize(("attempts", "needed"), [(29, True), (30, False)])
def test_intervals_below_thirty_attempts(attempts, needed):
    assert needs_interval(attempts) is needed


# --- the right answer the weaker learners find, catch-all rows, and flags the bootstrap can not confirm ----------


def test_a_right_answer_chosen_more_by_the_bottom_third_is_flagged():
    # SIX with C as the key: top 0/2 chose it, bottom 2/2.
    table = distractor_table(SIX, choices=["A", "B", "C", "D"], right={"C"}, question_share=0.25)
    assert table.row("C").flags == (RIGHT_ATTRACTS_BOTTOM,)
    assert RIGHT_ATTRACTS_BOTTOM not in table.row("A").flags  # a distractor: its own flags apply
    # The key of SIX (A: top 1/2, bottom 0/2) is not.
    assert RIGHT_ATTRACTS_BOTTOM not in six_table().row("A").flags


def test_a_row_nobody_wrote_as_a_distractor_is_not_flagged_when_unchosen():
    table = distractor_table(SIX, choices=["A", "B", "C", "D"], right={"A"}, question_share=0.25, unauthored={"D"})
    assert table.row("D").count == 0
    assert table.row("D").flags == ()


@pytest.mark.parametrize("seed", range(5))
def test_thirds_by_bisection_agree_with_the_definition(seed):
    rng = random.Random(seed)
    totals = [rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]) for _ in range(rng.randrange(0, 40))]
    k = len(totals) // 3
    top = [i for i, t in enumerate(totals) if sum(1 for u in totals if u >= t) <= k]
    bottom = [i for i, t in enumerate(totals) if sum(1 for u in totals if u <= t) <= k]
    assert thirds(totals) == (top, bottom)


def test_thirds_difference():
    assert thirds_difference(SIX, "C") == -1.0  # top 0/2, bottom 2/2
    assert thirds_difference(SIX, "B") == 0.5
    assert thirds_difference(SIX[:2], "A") is None  # two learners: no thirds


def test_a_flag_the_resamples_can_reverse_is_uncertain_and_a_clear_one_is_not():
    # Nine learners by total; the distractor X is chosen by the top three only (a clear lead), Y by one of the
    # top three and one of the bottom three (no lead: not flagged), Z by one of the top three only (a thin lead).
    learners = [
        r(1.0, 0.0, "X", "Y", "Z"),
        r(0.9, 0.0, "X"),
        r(0.8, 0.0, "X"),
        r(0.5, 0.0),
        r(0.5, 0.0),
        r(0.5, 0.0),
        r(0.2, 0.0, "Y"),
        r(0.1, 0.0),
        r(0.0, 0.0),
    ]
    table = distractor_table(learners, choices=["R", "X", "Y", "Z"], right={"R"}, question_share=0.1)
    assert DISTRACTOR_ATTRACTS_TOP in table.row("X").flags and DISTRACTOR_ATTRACTS_TOP in table.row("Z").flags
    assert DISTRACTOR_ATTRACTS_TOP not in table.row("Y").flags
    uncertain = uncertain_flags(learners, table)
    assert uncertain.get("Z") == {DISTRACTOR_ATTRACTS_TOP}
    assert "X" not in uncertain


def test_no_intervals_from_thirty_learners():
    learners = [r(i / 40, 0.0, "X") if i >= 20 else r(i / 40, 0.0) for i in range(40)]
    table = distractor_table(learners, choices=["R", "X"], right={"R"}, question_share=0.1)
    assert DISTRACTOR_ATTRACTS_TOP in table.row("X").flags
    assert uncertain_flags(learners, table) == {}
