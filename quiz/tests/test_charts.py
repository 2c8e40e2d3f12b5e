"""Chart geometry (quiz.charts): values land where the axes say, bins count every score once, and the page
draws both charts with a table of the same figures beside each."""

import pytest
from django.urls import reverse

from quiz import charts
from quiz.tests.test_item_analysis import class_of, quiz  # noqa: F401 (quiz is a fixture)

# The plot frame: x from 50 to 380, y from 250 (bottom) up to 20 (top).
SCATTER_ROWS = [
    # facility, discrimination, (cx, cy)
    (0, -100, (50, 250)),
    (100, 100, (380, 20)),
    (50, 0, (215, 135)),
    (20, 20, (116, 112)),
    (90, -50, (347, 192.5)),
]


@pytest.mark.parametrize(("facility", "discrimination", "expected"), SCATTER_ROWS)
def test_a_question_is_drawn_at_its_facility_and_discrimination(facility, discrimination, expected):
    [point] = charts.facility_discrimination([("S1 Q1", facility, discrimination)]).points
    assert (point.cx, point.cy) == pytest.approx(expected)
    assert (point.label, point.facility, point.discrimination) == ("S1 Q1", facility, discrimination)


def test_values_beyond_the_axes_stay_on_the_frame():
    [point] = charts.facility_discrimination([("S1 Q1", 100.0000001, -100.5)]).points
    assert (point.cx, point.cy) == (charts.PLOT_RIGHT, charts.PLOT_BOTTOM)


def test_threshold_lines_cross_the_frame_at_their_values():
    chart = charts.facility_discrimination([], facility_thresholds=(20, 90), discrimination_thresholds=(0, 20))
    vertical = [(line.x1, line.x2, line.y1, line.y2, line.label) for line in chart.lines if line.x1 == line.x2]
    horizontal = [(line.y1, line.y2, line.css_class, line.label) for line in chart.lines if line.y1 == line.y2]
    assert vertical == [(116, 116, 20, 250, "Facility 20%"), (347, 347, 20, 250, "Facility 90%")]
    assert horizontal == [
        (135, 135, "chart-zero", "Discrimination 0"),
        (112, 112, "chart-threshold", "Discrimination 20"),
    ]


def test_questions_with_an_undefined_figure_are_listed_not_plotted():
    chart = charts.facility_discrimination([("S1 Q1", 50, None), ("S1 Q2", 40, 30), ("S1 Q3", None, 10)])
    assert [point.label for point in chart.points] == ["S1 Q2"]
    assert chart.unplotted == ["S1 Q1", "S1 Q3"]


def test_no_questions_give_an_empty_scatter_with_its_axes():
    chart = charts.facility_discrimination([])
    assert chart.is_empty and chart.points == [] and chart.unplotted == []
    assert [tick.label for tick in chart.x_ticks] == ["0", "20", "40", "60", "80", "100"]
    assert [tick.label for tick in chart.y_ticks] == ["-100", "-50", "0", "50", "100"]
    assert chart.view_box == "0 0 400 300"


@pytest.mark.parametrize(
    ("percentage", "expected_bin"),
    [
        (0, 0),
        (9.99, 0),
        (10, 1),
        (0.57 * 100, 5),  # 56.99999999999999
        (0.3 / 0.1 * 10, 3),  # 29.999999999999996 means 30
        (89.9, 8),
        (90, 9),
        (100, 9),  # the last bin includes 100
        (-1, 0),
        (101, 9),
    ],
)
def test_a_score_falls_in_its_bin(percentage, expected_bin):
    assert charts.score_bin(percentage) == expected_bin


def test_the_histogram_counts_every_score_once_including_full_marks():
    histogram = charts.score_histogram([0, 5, 10, 55, 55, 55, 99.5, 100, 100])
    assert [bar.count for bar in histogram.bars] == [2, 1, 0, 0, 0, 3, 0, 0, 0, 3]
    assert histogram.total == 9
    assert [bar.label for bar in histogram.bars][-1] == "90–100%"
    assert (histogram.bars[0].low, histogram.bars[0].high) == (0, 10)


def test_bar_heights_are_proportional_and_stand_on_the_axis():
    histogram = charts.score_histogram([5, 5, 15, 15, 15, 15, 95])
    first, second, empty = histogram.bars[0], histogram.bars[1], histogram.bars[2]
    # Axis top is 4 learners: two learners reach half the plot's height, four its top.
    assert second.y == charts.PLOT_TOP and second.height == charts.PLOT_BOTTOM - charts.PLOT_TOP
    assert first.height == pytest.approx(second.height / 2)
    assert empty.height == 0 and empty.y == charts.PLOT_BOTTOM
    for bar in histogram.bars:
        assert bar.y + bar.height == pytest.approx(charts.PLOT_BOTTOM)
        assert charts.PLOT_LEFT <= bar.x and bar.x + bar.width <= charts.PLOT_RIGHT
    assert [tick.label for tick in histogram.y_ticks] == ["0", "1", "2", "3", "4"]


def test_count_ticks_stay_few_for_a_large_class():
    histogram = charts.score_histogram([50] * 23)
    labels = [tick.label for tick in histogram.y_ticks]
    assert labels == ["0", "5", "10", "15", "20", "25"]
    assert histogram.bars[5].y > charts.PLOT_TOP  # 23 of 25: just below the top


def test_no_scores_give_an_empty_histogram():
    histogram = charts.score_histogram([])
    assert histogram.is_empty and histogram.bars == [] and histogram.total == 0
    assert [tick.label for tick in histogram.y_ticks] == ["0", "1"]


@pytest.mark.django_db
def test_the_page_draws_both_charts_with_a_table_beside_each(client, make_educator, quiz):  # noqa: F811
    class_of(quiz)
    client.force_login(make_educator())
    page = client.get(reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])).content.decode()
    content = page.split('id="content"')[1]
    assert content.count('<svg class="chart"') == 2
    assert 'aria-labelledby="scatter-title scatter-desc"' in content
    assert 'aria-labelledby="histogram-title histogram-desc"' in content
    assert "<caption>Facility and discrimination by question" in content
    assert "<caption>Learners by total score" in content
    # Five questions, five points, each named in the table; the flawed question (facility 25%) among them.
    assert content.count('class="chart-dot"') == 5
    assert '<th scope="row">S1 Q3</th><td>25.0</td>' in content
    # Totals of 12 learners out of 5 marks: 0 (once), 1 (3 x 20%), 2 (4 x 40%), 4 (4 x 80%).
    assert content.count('class="chart-bar"') == 10
    for band, count in [("0–10%", 1), ("20–30%", 3), ("40–50%", 4), ("80–90%", 4), ("90–100%", 0)]:
        assert f'<th scope="row">{band}</th><td>{count}</td>' in content
    assert "style=" not in content and "<script" not in content
