"""Bar charts drawn as server-rendered SVG: geometry here, markup in portal/bar_chart.html.

The drawing has a fixed size in SVG units and scales as a whole with the page, so bars and
labels keep their proportions at any width.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 600
PLOT_HEIGHT = 160  # height of the tallest bar
LABEL_HEIGHT = 22  # room under the bars for the labels
GROUP_FILL = 0.7  # share of a group's width taken by its bars


@dataclass(frozen=True)
class Bar:
    series: int  # index into the chart's series, for the colour class
    value: Decimal | int
    x: float
    y: int
    width: float
    height: int


@dataclass(frozen=True)
class Group:
    label: str
    centre: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[str]
    groups: list[Group]
    width: int = WIDTH
    height: int = PLOT_HEIGHT + LABEL_HEIGHT
    label_y: int = PLOT_HEIGHT + 15

    @property
    def is_empty(self) -> bool:
        return all(bar.value == 0 for group in self.groups for bar in group.bars)


def bar_chart(title: str, series: list[str], rows: list[tuple[str, list]]) -> BarChart:
    """`rows` are (label, [one value per series]); bars are scaled to the largest value."""
    largest = max((value for _, values in rows for value in values), default=0) or 1
    group_width = WIDTH / max(len(rows), 1)
    bar_width = group_width * GROUP_FILL / max(len(series), 1)
    groups = []
    for index, (label, values) in enumerate(rows):
        left = index * group_width + group_width * (1 - GROUP_FILL) / 2
        bars = []
        for position, value in enumerate(values):
            height = round(PLOT_HEIGHT * float(value) / float(largest))
            x = round(left + position * bar_width, 1)
            bars.append(Bar(position, value, x, PLOT_HEIGHT - height, round(bar_width, 1), height))
        groups.append(Group(label, round((index + 0.5) * group_width, 1), bars))
    return BarChart(title, series, groups)
