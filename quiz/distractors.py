"""What learners chose, and what it says about a question: distractor tables, missed reasoning, small-sample intervals.

Plain Python (standard library only, no Django): the caller loads the attempts and passes plain data in.

**Which attempts.** Each learner's first completed attempt, as Moodle's quiz statistics do by default: "the
report should only include data from the first attempt by each student. Subsequent attempts probably do not
satisfy the assumptions that underlie item analysis" (MoodleDocs, *Quiz statistics calculations*,
https://docs.moodle.org/dev/Quiz_statistics_calculations). The caller chooses; nothing here checks it.

**The distractor table** (``distractor_table``) is this site's version of Moodle's *response analysis*. Moodle
splits a question into sub-parts, each with response classes (the model responses: an option, a
true/false statement's answer, "other"), counts how many attempts gave each actual response and shows the
credit it earned; a class nobody chose still gets a row with count 0 (moodle/moodle
``question/classes/statistics/responses/analysis_for_class.php``, ``data_for_question_response_table``, and
``analyser.php`` beside it). Here each question kind turns a response into *choice keys*
(``QuestionKind.analysis_choices``: option keys ticked; ``"statement:true"`` for a true/false statement;
``"stem:choice"`` for a match; ``"a>b"`` for neighbours in an order; zone keys marked, or a mark outside them
all; the accepted answer matched, or none) and lists every possible key (``QuestionKind.analysis_rows``), so
unchosen ones get their row too. To each row we add two
classical item-analysis columns Moodle's table lacks:

- the share of the *top* and *bottom third* of learners by quiz total who chose it (the upper/lower groups
  of classical item analysis; thirds as in Allen & Yen, *Introduction to Measurement Theory*, 1979, as
  implemented by R's ``psychometric::discrim``: "the upper and lower groups are defined as the top and
  bottom 1/3 of the total");
- the *point-biserial* correlation of choosing it (1/0) with the *rest of the quiz* (total minus this
  question's mark). Moodle's discrimination index is the same correlation for the question's mark:
  ``covariance / sqrt(markvariance * othermarkvariance)`` with ``othermark = summarks - mark``, and it is
  null when that product of variances is zero (moodle/moodle
  ``question/classes/statistics/questions/calculator.php``, ``secondary_steps_walker`` and
  ``secondary_question_walker``). Removing the question's own mark keeps it from correlating with itself.

**The reasoning learners miss** (``missed_key_points``): per key point of the case, how learners did on the
questions testing it, worst first.

**Intervals for small classes** (``bootstrap_interval``): facility and discrimination from fewer than
``SMALL_SAMPLE_ATTEMPTS`` attempts are shown with a percentile-bootstrap 95 % interval.
"""

import bisect
import math
import random
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# --- thresholds ------------------------------------------------------------------------------------

#: A question fraction within this of 1 counts as fully right (the graders' rounding slack, ``quiz.grading.base``).
FULLY_RIGHT_EPSILON = 1e-6

#: Flag: a distractor chosen by at most this share of learners "works for nobody". 0.0 means nobody chose it
#: (the classical cut for a non-functioning distractor is < 5 %, but with the small classes of a teaching site
#: one learner is already more than 5 %, so only a distractor nobody chose is flagged).
UNCHOSEN_DISTRACTOR = "unchosen-distractor"
UNCHOSEN_DISTRACTOR_MAX_SHARE = 0.0

#: Flag: a distractor whose share in the top third exceeds its share in the bottom third by more than this
#: margin attracts the stronger learners: the option may be defensible, or the key wrong.
DISTRACTOR_ATTRACTS_TOP = "distractor-attracts-top"
DISTRACTOR_ATTRACTS_TOP_MARGIN = 0.0

#: Flag: a right option (or key: a true/false answer, a target, a right match) whose share in the bottom third
#: exceeds its share in the top third by more than this margin: weaker learners find it, stronger ones do not.
#: The key may be wrong, or the stronger learners know something the question did not expect.
RIGHT_ATTRACTS_BOTTOM = "right-attracts-bottom"
RIGHT_ATTRACTS_BOTTOM_MARGIN = 0.0

#: Below this many attempts, facility and discrimination are shown with a bootstrap interval.
SMALL_SAMPLE_ATTEMPTS = 30
DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95


# --- the data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One learner's (first completed) attempt, as seen from one question."""

    #: The attempt's total mark as a fraction of the quiz's maximum, 0-1.
    total: float
    #: This question's mark as a fraction of the question's maximum, 0-1.
    fraction: float
    #: The choice keys the learner made on this question.
    choices: frozenset[str]


@dataclass(frozen=True)
class ChoiceRow:
    """One row of the distractor table."""

    key: str
    right: bool
    count: int
    #: count / learners (0-1); 0.0 when there are no learners.
    share: float
    #: Share of the top / bottom third who chose it; None when that group is empty.
    top_share: float | None
    bottom_share: float | None
    #: Point-biserial correlation of choosing it with the rest of the quiz; None when undefined.
    point_biserial: float | None
    flags: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100 * self.share


@dataclass(frozen=True)
class DistractorTable:
    learners: int
    top_size: int
    bottom_size: int
    rows: tuple[ChoiceRow, ...]

    def row(self, key: str) -> ChoiceRow:
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True)
class KeyPointResult:
    key_point: str
    #: Learners who answered at least one question testing the key point.
    learners: int
    #: Mean over learners of each learner's mean fraction on those questions (partial credit counts as is).
    mean_fraction: float | None
    #: Share of learners who got every one of those questions fully right (fraction 1.0).
    fully_right_share: float | None


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    #: Resamples on which the statistic was defined (those where it was not are left out).
    resamples_used: int


# --- building blocks -------------------------------------------------------------------------------------


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation; None when either variable has no variance (or fewer than two pairs).

    r = sum((x - mx)(y - my)) / sqrt(sum((x - mx)^2) * sum((y - my)^2)). With x in {0, 1} this is the
    point-biserial correlation, r_pb = (M1 - M0) / s_y * sqrt(p q) (s_y with denominator n); the n - 1 that
    Moodle's ``calculator.php`` divides each sum by cancels out.
    """
    n = len(xs)
    if n != len(ys):
        raise ValueError("xs and ys differ in length")
    if n < 2:
        return None
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def thirds(totals: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indexes of the top and bottom third of learners by total.

    Each group holds at most k = n // 3 learners (rounded down, so the groups never overlap; fewer than 3
    learners give empty groups). Ties: a learner is in the top group only if every learner with a total at
    least as high also fits in it, i.e. #{total >= theirs} <= k (bottom: #{total <= theirs} <= k). Learners
    tied across the boundary are all left out, so a group can be smaller than k (even empty when everyone
    scored the same), but membership never depends on the order the attempts come in.
    """
    n = len(totals)
    k = n // 3
    ordered = sorted(totals)
    # #{u >= t} = n - #{u < t}; #{u <= t} = #{u <= t}: counted by bisection, so a thousand learners are quick.
    top = [i for i, t in enumerate(totals) if n - bisect.bisect_left(ordered, t) <= k]
    bottom = [i for i, t in enumerate(totals) if bisect.bisect_right(ordered, t) <= k]
    return top, bottom


def rest_of_quiz(response: Response, question_share: float) -> float:
    """The attempt's total without this question: total - question_share * fraction (all as quiz fractions)."""
    return response.total - question_share * response.fraction


def _share(hits: int, size: int) -> float | None:
    return hits / size if size else None


# --- 1. the distractor table ----------------------------------------------------------------------------


def distractor_table(
    responses: Sequence[Response],
    *,
    choices: Sequence[str],
    right: Collection[str],
    question_share: float,
    unauthored: Collection[str] = (),
) -> DistractorTable:
    """Per choice: count and share, share in the top and bottom thirds, point-biserial with the rest of the quiz.

    ``choices`` lists every possible key in display order (chosen keys not listed, such as ``"other"``, are
    added after them, sorted); ``right`` says which are right (the others are distractors);
    ``question_share`` is the question's maximum mark as a fraction of the quiz's, so that the rest of the
    quiz is ``total - question_share * fraction`` (see ``rest_of_quiz``).

    Flags (constants above): ``UNCHOSEN_DISTRACTOR`` when a distractor's share <= ``UNCHOSEN_DISTRACTOR_MAX_SHARE``
    (and there is at least one learner), unless it is listed in ``unauthored`` (rows nobody wrote as a
    distractor, such as a catch-all "no accepted answer"; chosen keys that were not listed count as such);
    ``DISTRACTOR_ATTRACTS_TOP`` when a distractor's top share - bottom share > ``DISTRACTOR_ATTRACTS_TOP_MARGIN``;
    ``RIGHT_ATTRACTS_BOTTOM`` when a right row's bottom share - top share > ``RIGHT_ATTRACTS_BOTTOM_MARGIN`` (both
    groups non-empty for these two).
    """
    n = len(responses)
    listed = list(dict.fromkeys(choices))
    extra = sorted({c for r in responses for c in r.choices} - set(listed))
    top, bottom = thirds([r.total for r in responses])
    rests = [rest_of_quiz(r, question_share) for r in responses]

    rows = []
    for key in [*listed, *extra]:
        chose = [1.0 if key in r.choices else 0.0 for r in responses]
        count = int(sum(chose))
        share = count / n if n else 0.0
        top_share = _share(sum(1 for i in top if chose[i]), len(top))
        bottom_share = _share(sum(1 for i in bottom if chose[i]), len(bottom))
        is_right = key in right
        flags = []
        if not is_right and n and share <= UNCHOSEN_DISTRACTOR_MAX_SHARE and key not in unauthored:
            flags.append(UNCHOSEN_DISTRACTOR)
        if (
            not is_right
            and top_share is not None
            and bottom_share is not None
            and top_share - bottom_share > DISTRACTOR_ATTRACTS_TOP_MARGIN
        ):
            flags.append(DISTRACTOR_ATTRACTS_TOP)
        if (
            is_right
            and top_share is not None
            and bottom_share is not None
            and bottom_share - top_share > RIGHT_ATTRACTS_BOTTOM_MARGIN
        ):
            flags.append(RIGHT_ATTRACTS_BOTTOM)
        rows.append(
            ChoiceRow(
                key=key,
                right=is_right,
                count=count,
                share=share,
                top_share=top_share,
                bottom_share=bottom_share,
                point_biserial=pearson(chose, rests),
                flags=tuple(flags),
            )
        )
    return DistractorTable(learners=n, top_size=len(top), bottom_size=len(bottom), rows=tuple(rows))


# --- 2. the reasoning learners miss ---------------------------------------------------------------------


def fully_right(fraction: float) -> bool:
    return fraction >= 1.0 - FULLY_RIGHT_EPSILON


def missed_key_points(answers: Mapping[str, Sequence[tuple[Hashable, float]]]) -> list[KeyPointResult]:
    """Per key point, how learners did on the questions testing it; worst first.

    ``answers`` maps a key point to (learner id, question fraction) pairs, one per question answered. Each
    learner counts once per key point: their fraction is the mean of their fractions on its questions (so
    partial credit counts as earned), and they are *fully right* only if every one of those fractions is 1.0
    (within ``FULLY_RIGHT_EPSILON``). ``mean_fraction`` averages learners' fractions; ``fully_right_share``
    is the share of learners fully right.

    Order: lowest ``fully_right_share`` first, then lowest ``mean_fraction``, then key point; key points no
    learner answered come last.
    """
    results = []
    for key_point, pairs in answers.items():
        by_learner: dict[Hashable, list[float]] = defaultdict(list)
        for learner, fraction in pairs:
            by_learner[learner].append(fraction)
        n = len(by_learner)
        if not n:
            results.append(KeyPointResult(key_point, 0, None, None))
            continue
        means = [math.fsum(fs) / len(fs) for fs in by_learner.values()]
        right = sum(1 for fs in by_learner.values() if all(fully_right(f) for f in fs))
        results.append(KeyPointResult(key_point, n, math.fsum(means) / n, right / n))

    def worst_first(r: KeyPointResult) -> tuple[bool, float, float, str]:
        if r.fully_right_share is None or r.mean_fraction is None:
            return (True, 0.0, 0.0, r.key_point)
        return (False, r.fully_right_share, r.mean_fraction, r.key_point)

    return sorted(results, key=worst_first)


# --- 3. intervals for small classes ---------------------------------------------------------------------


def facility(responses: Sequence[Response]) -> float | None:
    """Mean question fraction: Moodle's facility index (``markaverage / maxmark``, ``calculator.php``)."""
    return math.fsum(r.fraction for r in responses) / len(responses) if responses else None


def discrimination(responses: Sequence[Response], *, question_share: float) -> float | None:
    """Correlation of the question's fraction with the rest of the quiz (Moodle's discrimination index / 100)."""
    return pearson([r.fraction for r in responses], [rest_of_quiz(r, question_share) for r in responses])


def needs_interval(attempts: int) -> bool:
    return attempts < SMALL_SAMPLE_ATTEMPTS


def bootstrap_interval(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
) -> Interval | None:
    """Percentile-bootstrap interval for ``statistic`` over attempts; None when the statistic is undefined.

    Method (Efron's percentile interval: Efron 1979; Efron & Tibshirani, *An Introduction to the Bootstrap*,
    1993, ch. 13; Davison & Hinkley 1997, eq. 5.18, as summarised in the documentation of R's
    ``snowboot::boot_ci``: "(theta*_[B alpha/2], theta*_[B(1 - alpha/2)]), where [these] are empirical
    quantiles of the bootstrap distribution with B bootstrap replications"):

    1. draw B = ``resamples`` samples of n attempts with replacement from the n attempts, using
       ``random.Random(seed)`` so the same data and seed give the same interval;
    2. compute the statistic on each; resamples where it is undefined (None: e.g. no variance, so no
       discrimination) are dropped, leaving B' values, reported as ``resamples_used``;
    3. sort them; with alpha = 1 - confidence, the bounds are the ceil(B' alpha/2)-th and the
       ceil(B' (1 - alpha/2))-th values (1-based): for B' = 1000 and 95 %, the 25th and the 975th.

    The percentile interval is first-order accurate only and can under-cover when the bootstrap
    distribution is skewed; it is shown to warn that a small class's figures are uncertain, not as a test.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    estimate = statistic(items)
    if estimate is None or not items:
        return None
    rng = random.Random(seed)
    n = len(items)
    values = sorted(
        v for v in (statistic([items[rng.randrange(n)] for _ in range(n)]) for _ in range(resamples)) if v is not None
    )
    if not values:
        return None
    alpha = 1 - confidence
    used = len(values)

    def order_statistic(p: float) -> float:
        # Round before ceil so 1000 * 0.025 = 25.000000000000004 still gives the 25th value.
        rank = math.ceil(round(used * p, 9))
        return values[min(max(rank, 1), used) - 1]

    return Interval(
        estimate=estimate, low=order_statistic(alpha / 2), high=order_statistic(1 - alpha / 2), resamples_used=used
    )


def thirds_difference(responses: Sequence[Response], key: str) -> float | None:
    """Share of the top third who chose ``key`` minus the share of the bottom third; None when a third is empty.

    The statistic behind ``DISTRACTOR_ATTRACTS_TOP`` (flagged above 0) and ``RIGHT_ATTRACTS_BOTTOM`` (below 0).
    """
    top, bottom = thirds([r.total for r in responses])
    if not top or not bottom:
        return None
    top_share = sum(1 for i in top if key in responses[i].choices) / len(top)
    bottom_share = sum(1 for i in bottom if key in responses[i].choices) / len(bottom)
    return top_share - bottom_share


#: The flags that compare the thirds, each with the side of 0 its difference (``thirds_difference``) falls on.
THIRDS_FLAGS = {DISTRACTOR_ATTRACTS_TOP: 1, RIGHT_ATTRACTS_BOTTOM: -1}


def uncertain_flags(responses: Sequence[Response], table: DistractorTable, **bootstrap) -> dict[str, set[str]]:
    """Key -> the flags comparing the thirds whose bootstrap 95 % interval of the difference reaches 0.

    Such a flag is shown as a possibility ("may"): resampling the same learners could as well reverse it.
    Computed only below ``SMALL_SAMPLE_ATTEMPTS`` attempts, as the question's intervals are (and for the same
    reason: the percentile bootstrap costs a thousand recomputations of the thirds per flag). A difference
    the bootstrap can not estimate (every resample with an empty third) is uncertain too.
    """
    if not needs_interval(len(responses)):
        return {}
    uncertain: dict[str, set[str]] = {}
    for row in table.rows:
        for flag in set(row.flags) & set(THIRDS_FLAGS):
            interval = bootstrap_interval(responses, lambda rs, key=row.key: thirds_difference(rs, key), **bootstrap)
            if interval is None or interval.low <= 0 <= interval.high:
                uncertain.setdefault(row.key, set()).add(flag)
    return uncertain
