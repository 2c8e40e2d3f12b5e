"""Quiz and question statistics (classical item analysis), as Moodle's quiz statistics report computes them.

Plain Python, no Django: the caller loads each learner's first finished attempt and passes, for every
attempt, a mapping ``question id -> (mark earned, max mark)``. Two entry points:

* ``question_statistics(attempts, random_guess_scores)`` -> one ``QuestionStatistics`` per question;
* ``quiz_statistics(attempts)`` -> one ``QuizStatistics`` for the attempts' totals.

Sources read: Moodle's code, which is what Moodle shows. Its comments cite the developer docs
https://docs.moodle.org/dev/Quiz_statistics_calculations and
https://docs.moodle.org/dev/Quiz_item_analysis_calculations_in_practise as the definitions; those pages
were not in the searchable store, so the formulas here are transcribed from the code:

* moodle/moodle ``question/classes/statistics/questions/calculator.php``: per-question statistics
  (``initial_steps_walker``, ``initial_question_walker``, ``secondary_steps_walker``,
  ``secondary_question_walker`` and the effective-weight loop in ``calculate``).
* moodle/moodle ``mod/quiz/report/statistics/classes/calculator.php``: per-quiz statistics (median, standard
  deviation, skewness, kurtosis, coefficient of internal consistency, error ratio, standard error).
* moodle/moodle ``mod/quiz/report/statistics/statistics_table.php``: how each per-question value is shown
  (``col_sd`` divides the standard deviation by the max mark, ``col_intended_weight`` scales the max mark to
  the quiz's max, both as percentages).

Units: every field whose docstring says "%" is a percentage (0-100 for facility, weights and the like;
discrimination values run from -100 to 100). Marks are in the question's or quiz's own marks.

Edge cases are explicit: a value whose formula would divide by zero (fewer than two attempts, a question
or total with zero variance, a question worth 0 marks) is ``None``, never ``nan`` and never an exception.
"""

import math
import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace

QuestionId = Hashable
#: One attempt: for each question it contained, (mark earned, max mark).
Attempt = Mapping[QuestionId, tuple[float, float]]


@dataclass(frozen=True)
class QuestionStatistics:
    """Moodle's per-question statistics for one question (one quiz position).

    ``attempt_count``: attempts that contained the question (Moodle's ``s``).
    ``max_mark``: the question's max mark in this quiz.
    ``facility_index``: mean mark as a % of the max mark (Moodle ``facility`` x 100).
    ``standard_deviation``: sample standard deviation (n - 1) of the mark, as a % of the max mark
    (Moodle ``sd / maxmark`` x 100, as ``statistics_table::col_sd`` shows it).
    ``random_guess_score``: the caller's estimate of what random guessing scores, as a % (input, echoed).
    ``intended_weight``: max mark as a % of the quiz's max mark.
    ``effective_weight``: % share of the quiz's spread due to this question (Moodle's covariance formula).
    ``discrimination_index``: correlation x 100 of the question's mark with the rest of the quiz.
    ``discriminative_efficiency``: covariance with the rest of the quiz as a % of the largest covariance
    these same marks could have.
    ``mark_variance``: sample variance (n - 1) of the mark, in marks squared (feeds Cronbach's alpha).
    """

    question_id: QuestionId
    attempt_count: int
    max_mark: float
    facility_index: float | None
    standard_deviation: float | None
    random_guess_score: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    mark_variance: float | None


@dataclass(frozen=True)
class QuizStatistics:
    """Moodle's test statistics for the attempts' totals (sum of marks earned in each attempt).

    ``mean``, ``median``, ``standard_deviation`` and ``standard_error`` are in marks (out of ``max_mark``);
    use ``as_percentage`` for Moodle's display, which scales them to the quiz's max mark.
    ``internal_consistency`` (Cronbach's alpha) and ``error_ratio`` are %.
    """

    attempt_count: int
    max_mark: float
    mean: float | None
    median: float | None
    standard_deviation: float | None
    skewness: float | None
    kurtosis: float | None
    internal_consistency: float | None
    error_ratio: float | None
    standard_error: float | None

    def as_percentage(self, marks: float | None) -> float | None:
        """A value in marks as a % of the quiz's max mark (``quiz_report_scale_summarks_as_percentage``)."""
        if marks is None or self.max_mark == 0:
            return None
        return 100 * marks / self.max_mark


def question_max_marks(attempts: Sequence[Attempt]) -> dict[QuestionId, float]:
    """Each question's max mark, in order of first appearance; the quiz's max is their sum.

    Raises ``ValueError`` when one question has two different max marks: statistics over a question whose
    weight changed mid-way would mix two scales (Moodle flags this as ``differentweights``).
    """
    max_marks: dict[QuestionId, float] = {}
    for attempt in attempts:
        for question_id, (_mark, max_mark) in attempt.items():
            known = max_marks.setdefault(question_id, max_mark)
            if not math.isclose(known, max_mark):
                raise ValueError(f"question {question_id!r} has max marks {known} and {max_mark}")
    return max_marks


def _total(attempt: Attempt) -> float:
    return math.fsum(mark for mark, _max_mark in attempt.values())


def _sample_covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sum of products of deviations from the means over (n - 1); ``None`` when n < 2."""
    n = len(xs)
    if n < 2:
        return None
    x_mean = math.fsum(xs) / n
    y_mean = math.fsum(ys) / n
    return math.fsum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def question_statistics(
    attempts: Sequence[Attempt],
    random_guess_scores: Mapping[QuestionId, float] | None = None,
) -> dict[QuestionId, QuestionStatistics]:
    """Per-question statistics, keyed by question id in order of first appearance.

    ``random_guess_scores`` maps question id -> fraction (0-1) a random guesser scores; it is returned
    as a % and ``None`` for questions without one (Moodle asks the question type; here the caller does).

    Formulas, from moodle/moodle ``question/classes/statistics/questions/calculator.php`` (mark ``x`` of
    the question, ``y`` = attempt total minus ``x`` = "the rest of the quiz", ``T`` = attempt total, sums
    over the ``s`` attempts that contain the question):

    * facility = mean(x) / max mark (``initial_question_walker``); ``None`` when the max mark is 0.
    * sd = sqrt(sum (x - mean x)^2 / (s - 1)) (``secondary_question_walker``); shown / max mark as in
      ``statistics_table::col_sd``. ``None`` when s < 2 or the max mark is 0.
    * discrimination index = 100 cov(x, y) / sqrt(var(x) var(y)), all with s - 1; ``None`` when s < 2 or
      either variance is 0 (Moodle: ``if ($stats->markvariance * $stats->othermarkvariance)``).
    * discriminative efficiency = 100 cov(x, y) / covmax, where covmax pairs the sorted x with the sorted y
      (``covariancemaxsum += sortedmarkdifference * sortedothermarkdifference``): the largest covariance
      the two sets of marks could have. ``None`` when s < 2 or covmax is 0.
    * effective weight = 100 sqrt(cov(x, T)) / sum over questions of sqrt(cov(x_q, T)), the sum taken over
      questions whose covariance with the total is >= 0 (the loop at the end of ``calculate``). ``None``
      for a question whose covariance with the total is negative (Moodle's ``negcovar``, shown as
      "Negative covariance"), when the sum is 0, or when s < 2 (where Moodle would print 0).
    * intended weight = 100 max mark / quiz max mark (``statistics_table::col_intended_weight``).
    """
    random_guess_scores = random_guess_scores or {}
    max_marks = question_max_marks(attempts)
    quiz_max = math.fsum(max_marks.values())
    totals = [_total(attempt) for attempt in attempts]

    raw: dict[QuestionId, dict[str, float | None]] = {}
    counts: dict[QuestionId, int] = {}
    for question_id in max_marks:
        marks: list[float] = []
        rest: list[float] = []
        overall: list[float] = []
        for attempt, total in zip(attempts, totals, strict=True):
            if question_id in attempt:
                mark = attempt[question_id][0]
                marks.append(mark)
                rest.append(total - mark)
                overall.append(total)
        counts[question_id] = len(marks)
        mark_variance = _sample_covariance(marks, marks)
        rest_variance = _sample_covariance(rest, rest)
        covariance = _sample_covariance(marks, rest)
        covariance_max = _sample_covariance(sorted(marks), sorted(rest))
        raw[question_id] = {
            "mean": math.fsum(marks) / len(marks) if marks else None,
            "mark_variance": mark_variance,
            "discrimination": (
                100 * covariance / math.sqrt(mark_variance * rest_variance)
                if covariance is not None and mark_variance and rest_variance
                else None
            ),
            "efficiency": (100 * covariance / covariance_max if covariance is not None and covariance_max else None),
            "covariance_with_total": _sample_covariance(marks, overall),
        }

    sum_of_roots = math.fsum(
        math.sqrt(values["covariance_with_total"])
        for values in raw.values()
        if values["covariance_with_total"] is not None and values["covariance_with_total"] >= 0
    )

    result: dict[QuestionId, QuestionStatistics] = {}
    for question_id, max_mark in max_marks.items():
        values = raw[question_id]
        mean = values["mean"]
        mark_variance = values["mark_variance"]
        covariance_with_total = values["covariance_with_total"]
        guess = random_guess_scores.get(question_id)
        result[question_id] = QuestionStatistics(
            question_id=question_id,
            attempt_count=counts[question_id],
            max_mark=max_mark,
            facility_index=100 * mean / max_mark if mean is not None and max_mark else None,
            standard_deviation=(
                100 * math.sqrt(mark_variance) / max_mark if mark_variance is not None and max_mark else None
            ),
            random_guess_score=100 * guess if guess is not None else None,
            intended_weight=100 * max_mark / quiz_max if quiz_max else None,
            effective_weight=(
                100 * math.sqrt(covariance_with_total) / sum_of_roots
                if covariance_with_total is not None and covariance_with_total >= 0 and sum_of_roots
                else None
            ),
            discrimination_index=values["discrimination"],
            discriminative_efficiency=values["efficiency"],
            mark_variance=mark_variance,
        )
    return result


def quiz_statistics(attempts: Sequence[Attempt]) -> QuizStatistics:
    """Test statistics of the attempts' totals.

    Formulas, from moodle/moodle ``mod/quiz/report/statistics/classes/calculator.php`` (``calculate``), which
    cites https://docs.moodle.org/dev/Quiz_statistics_calculations#Test_statistics; ``T_i`` is attempt i's
    total, ``s`` the number of attempts, ``m_k = sum (T_i - mean)^k / s``:

    * mean = sum T_i / s; median = middle total, or the mean of the two middle ones (``median``).
    * standard deviation = sqrt(sum (T_i - mean)^2 / (s - 1)); ``None`` when s < 2.
    * skewness = k3 / k2^(3/2) with k2 = s m2 / (s - 1), k3 = s^2 m3 / ((s - 1)(s - 2)); needs s > 2.
    * kurtosis = k4 / k2^2 with k4 = s^2 ((s + 1) m4 - 3 (s - 1) m2^2) / ((s - 1)(s - 2)(s - 3)); needs s > 3.
      (Moodle's k-statistics; the docs' "Skewness and Kurtosis" section of "Quiz item analysis
      calculations in practise".) Kurtosis so defined is excess kurtosis: 0 for a normal distribution.
    * coefficient of internal consistency (Cronbach's alpha) = 100 p / (p - 1) (1 - sum of question mark
      variances / k2), p = number of questions, question variances with s - 1 (``get_sum_of_mark_variance``
      in the question calculator); needs p > 1.
    * error ratio = 100 sqrt(1 - CIC / 100); standard error = error ratio x standard deviation / 100.

    As in Moodle, skewness, kurtosis, CIC, error ratio and standard error need s > 2 and a total variance
    k2 != 0 (Moodle nests them inside ``if ($s > 2)`` and ``if ($k2 != 0)``); otherwise they are ``None``.
    With no attempts every statistic is ``None``.
    """
    max_marks = question_max_marks(attempts)
    max_mark = math.fsum(max_marks.values())
    s = len(attempts)
    totals = [_total(attempt) for attempt in attempts]
    none = QuizStatistics(
        attempt_count=s,
        max_mark=max_mark,
        mean=None,
        median=None,
        standard_deviation=None,
        skewness=None,
        kurtosis=None,
        internal_consistency=None,
        error_ratio=None,
        standard_error=None,
    )
    if s == 0:
        return none

    mean = math.fsum(totals) / s
    median = statistics.median(totals)
    if s < 2:
        return replace(none, mean=mean, median=median)

    power2 = math.fsum((total - mean) ** 2 for total in totals)
    power3 = math.fsum((total - mean) ** 3 for total in totals)
    power4 = math.fsum((total - mean) ** 4 for total in totals)
    standard_deviation = math.sqrt(power2 / (s - 1))

    skewness = kurtosis = internal_consistency = error_ratio = standard_error = None
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    if s > 2 and k2 != 0:
        k3 = s * s * m3 / ((s - 1) * (s - 2))
        skewness = k3 / k2**1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / (k2 * k2)
        p = len(max_marks)
        if p > 1:
            per_question = question_statistics(attempts)
            # Moodle adds a null variance (a question seen in fewer than two attempts) as 0.
            sum_of_mark_variance = math.fsum(q.mark_variance or 0.0 for q in per_question.values())
            internal_consistency = (100 * p / (p - 1)) * (1 - sum_of_mark_variance / k2)
            # Alpha cannot exceed 100 in exact arithmetic; clamp rounding noise before the square root.
            error_ratio = 100 * math.sqrt(max(0.0, 1 - internal_consistency / 100))
            standard_error = error_ratio * standard_deviation / 100

    return QuizStatistics(
        attempt_count=s,
        max_mark=max_mark,
        mean=mean,
        median=median,
        standard_deviation=standard_deviation,
        skewness=skewness,
        kurtosis=kurtosis,
        internal_consistency=internal_consistency,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )
