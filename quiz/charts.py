"""Chart geometry for the item analysis page: numbers in, SVG coordinates out. Plain Python, no Django.

The site's Content Security Policy forbids inline styles and scripts, so charts are drawn on the server as SVG
whose shapes carry only geometry attributes (x, y, width, height, cx, cy) and classes; colours live in
``static/css/admin-quiz.css``. Every chart uses the same fixed ``viewBox`` (``VIEW_WIDTH`` x ``VIEW_HEIGHT``)
and plot frame, with SVG's y axis pointing down: a larger value is drawn higher, so at a smaller y.

* ``facility_discrimination``: one point per question, facility (0 to 100 %) across, discrimination (-100 to
  100) up, with reference lines at the flag thresholds the caller passes in (kept out of here so this module
  stays pure).
* ``score_histogram``: learners' totals as % of the quiz's max mark in ten bins of 10 points; the last bin,
  90-100, includes 100.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

VIEW_WIDTH = 400
VIEW_HEIGHT = 300
#: The plot area inside the viewBox; the margins hold the ticks and axis titles.
PLOT_LEFT = 50.0
PLOT_RIGHT = 380.0
PLOT_TOP = 20.0
PLOT_BOTTOM = 250.0

FACILITY_RANGE = (0.0, 100.0)
DISCRIMINATION_RANGE = (-100.0, 100.0)
SCORE_BINS = 10


#: How far a tick mark sticks out of the plot frame.
TICK_LENGTH = 5.0


@dataclass(frozen=True)
class Tick:
    """A tick mark and its label; ``x``/``y`` is where the tick meets its axis, ``axis`` is "x" or "y"."""

    x: float
    y: float
    label: str
    axis: str

    @property
    def outer_x(self) -> float:
        return self.x - TICK_LENGTH if self.axis == "y" else self.x

    @property
    def outer_y(self) -> float:
        return self.y + TICK_LENGTH if self.axis == "x" else self.y


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    #: A CSS class: ``chart-threshold`` for a flag threshold, ``chart-zero`` for the zero line.
    css_class: str


@dataclass(frozen=True)
class Point:
    cx: float
    cy: float
    label: str
    facility: float
    discrimination: float


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"


@dataclass(frozen=True)
class Chart:
    """What every chart shares: the viewBox, the plot frame and the two axes."""

    x_title: str
    y_title: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    view_width: int = VIEW_WIDTH
    view_height: int = VIEW_HEIGHT
    left: float = PLOT_LEFT
    right: float = PLOT_RIGHT
    top: float = PLOT_TOP
    bottom: float = PLOT_BOTTOM

    @property
    def view_box(self) -> str:
        return f"0 0 {self.view_width} {self.view_height}"

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_title_y(self) -> float:
        return self.view_height - 10

    @property
    def x_title_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y_title_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class ScatterChart(Chart):
    points: list[Point] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    #: Labels of questions left out because a figure is undefined (e.g. discrimination when all marks are equal).
    unplotted: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class Histogram(Chart):
    #: Ten bars, one per 10 % of the max mark; none when there are no scores.
    bars: list[Bar] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.bars

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """``value`` in [low, high] mapped linearly onto [start, end], clamped to it; rounded for a tidy SVG."""
    value = min(max(value, low), high)
    return round(start + (value - low) / (high - low) * (end - start), 2)


def _x(value: float, value_range: tuple[float, float]) -> float:
    return _scale(value, *value_range, PLOT_LEFT, PLOT_RIGHT)


def _y(value: float, value_range: tuple[float, float]) -> float:
    return _scale(value, *value_range, PLOT_BOTTOM, PLOT_TOP)


def _number(value: float) -> str:
    return f"{value:g}"


def facility_discrimination(
    questions: Iterable[tuple[str, float | None, float | None]],
    *,
    facility_thresholds: Sequence[float] = (),
    discrimination_thresholds: Sequence[float] = (),
) -> ScatterChart:
    """Questions as (label, facility %, discrimination), facility across and discrimination up.

    Thresholds draw dashed reference lines (a vertical line per facility threshold, a horizontal one per
    discrimination threshold); a discrimination threshold of 0 is drawn as the solid zero line.
    """
    points, unplotted = [], []
    for label, facility, discrimination in questions:
        if facility is None or discrimination is None:
            unplotted.append(label)
            continue
        points.append(
            Point(
                _x(facility, FACILITY_RANGE), _y(discrimination, DISCRIMINATION_RANGE), label, facility, discrimination
            )
        )
    lines = [
        Line(x, PLOT_TOP, x, PLOT_BOTTOM, f"Facility {_number(value)}%", "chart-threshold")
        for value in facility_thresholds
        for x in [_x(value, FACILITY_RANGE)]
    ]
    lines += [
        Line(
            PLOT_LEFT,
            y,
            PLOT_RIGHT,
            y,
            f"Discrimination {_number(value)}",
            "chart-zero" if value == 0 else "chart-threshold",
        )
        for value in discrimination_thresholds
        for y in [_y(value, DISCRIMINATION_RANGE)]
    ]
    return ScatterChart(
        x_title="Facility (%)",
        y_title="Discrimination",
        x_ticks=[Tick(_x(v, FACILITY_RANGE), PLOT_BOTTOM, _number(v), "x") for v in range(0, 101, 20)],
        y_ticks=[Tick(PLOT_LEFT, _y(v, DISCRIMINATION_RANGE), _number(v), "y") for v in range(-100, 101, 50)],
        points=points,
        lines=lines,
        unplotted=unplotted,
    )


def score_bin(percentage: float) -> int:
    """The bin (0-9) of a total as % of the max: [0, 10), [10, 20), ..., [90, 100]; 100 goes in the last."""
    # Rounding first keeps a float such as 69.99999999999999 (from 0.7 x 100) in the bin it means.
    percentage = min(max(round(percentage, 6), 0.0), 100.0)
    return min(int(percentage // (100 / SCORE_BINS)), SCORE_BINS - 1)


def _count_axis_top(largest: int) -> tuple[int, int]:
    """A round top for a count axis and its tick step: at most six ticks, integer steps."""
    step = max(1, math.ceil(largest / 5))
    return step * max(1, math.ceil(largest / step)), step


def score_histogram(percentages: Iterable[float]) -> Histogram:
    """Learners' totals, each as % of the quiz's max mark, counted in ten bins of 10 points."""
    counts = [0] * SCORE_BINS
    for percentage in percentages:
        counts[score_bin(percentage)] += 1
    total = sum(counts)
    top, step = _count_axis_top(max(counts))
    slot = (PLOT_RIGHT - PLOT_LEFT) / SCORE_BINS
    gap = 2.0  # between neighbouring bars, so each reads as its own bin
    bars = []
    if total:
        for index, count in enumerate(counts):
            y = _scale(count, 0, top, PLOT_BOTTOM, PLOT_TOP)
            width = 100 // SCORE_BINS
            bars.append(
                Bar(
                    x=round(PLOT_LEFT + index * slot + gap / 2, 2),
                    y=y,
                    width=round(slot - gap, 2),
                    height=round(PLOT_BOTTOM - y, 2),
                    low=index * width,
                    high=(index + 1) * width,
                    count=count,
                )
            )
    return Histogram(
        x_title="Total score (% of the maximum)",
        y_title="Learners",
        x_ticks=[Tick(_x(v, (0, 100)), PLOT_BOTTOM, _number(v), "x") for v in range(0, 101, 20)],
        y_ticks=[
            Tick(PLOT_LEFT, _scale(v, 0, top, PLOT_BOTTOM, PLOT_TOP), str(v), "y") for v in range(0, top + 1, step)
        ],
        bars=bars,
    )
