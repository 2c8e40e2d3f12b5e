"""CSV downloads of a quiz's item analysis, for educators: the responses table and the statistics.

Plain rows (lists of cells) from ``quiz.analysis``, written by ``csv_download`` as UTF-8 with a byte-order mark so
Excel reads the accents right. Learners' free text goes into these files, so every cell a spreadsheet would read
as a formula (starting with =, +, -, @, or a tab or carriage return) is prefixed with ' (OWASP's CSV injection
advice); numbers are written as numbers and stay numbers.
"""

import csv

from django.http import HttpResponse

from quiz.analysis import ItemAnalysis, ResponsesTable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """A cell a spreadsheet will show as text, never run: '' for None, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _figure(value: float | None, places: int) -> float | str:
    return "" if value is None else round(value, places)


def question_heading(question) -> str:
    return f"Step {question.step.position}, question {question.position}"


def responses_rows(table: ResponsesTable) -> list[list]:
    """A header row, then one row per counted attempt: learner, finish date, total, then per question its answer
    and its mark."""
    header = ["Learner", "Finished", f"Total (out of {table.max_mark:g})"]
    for question in table.questions:
        heading = question_heading(question)
        header += [f"{heading}: answer", f"{heading}: mark (out of {float(question.marks):g})"]
    rows = [header]
    for row in table.rows:
        line = [row.learner, row.finished_at.date().isoformat(), round(row.total, 3)]
        for cell in row.cells:
            line += [cell.answer, "" if cell.mark is None else round(cell.mark, 3)]
        rows.append(line)
    return rows


def statistics_rows(analysis: ItemAnalysis) -> list[list]:
    """The quiz summary (figure, value) and, after a blank row, one row per question with its figures."""
    stats = analysis.statistics
    rows = [
        ["Quiz", str(analysis.quiz)],
        ["Learners", f"first attempts {analysis.attempt_filter.description or 'of every learner'}"],
        ["Attempts counted", stats.attempt_count],
        ["Max mark", stats.max_mark],
        ["Mean", _figure(stats.mean, 3)],
        ["Median", _figure(stats.median, 3)],
        ["Standard deviation", _figure(stats.standard_deviation, 3)],
        ["Skewness", _figure(stats.skewness, 3)],
        ["Kurtosis", _figure(stats.kurtosis, 3)],
        ["Internal consistency (Cronbach's alpha, %)", _figure(stats.internal_consistency, 1)],
        ["Error ratio (%)", _figure(stats.error_ratio, 1)],
        ["Standard error", _figure(stats.standard_error, 3)],
        [],
        [
            "Question",
            "Prompt",
            "Kind",
            "Attempts",
            "Max mark",
            "Facility (%)",
            "Discrimination",
            "Discriminative efficiency (%)",
            "Standard deviation (%)",
            "Effective weight (%)",
            "Flags",
        ],
    ]
    for item in analysis.questions:
        figures = item.statistics
        rows.append(
            [
                question_heading(item.question),
                item.question.prompt,
                item.question.get_kind_display(),
                figures.attempt_count,
                figures.max_mark,
                _figure(figures.facility_index, 1),
                _figure(figures.discrimination_index, 1),
                _figure(figures.discriminative_efficiency, 1),
                _figure(figures.standard_deviation, 1),
                _figure(figures.effective_weight, 1),
                " ".join(item.flag_words),
            ]
        )
    return rows


def csv_download(filename: str, rows: list[list]) -> HttpResponse:
    """The rows as a CSV attachment, every cell made safe (``safe_cell``)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response
