"""Bar charts drawn as server-rendered SVG: geometry here, markup in portal/bar_chart.html."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HEIGHT = 160  # drawing height of the tallest bar, in SVG units
BAR_WIDTH = 14
GAP = 10


@dataclass(frozen=True)
class Bar:
    series: int  # index into the chart's series, for the colour class
    value: Decimal | int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Group:
    label: str
    x: int
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[str]
    groups: list[Group]
    width: int
    height: int = HEIGHT + 30

    @property
    def is_empty(self) -> bool:
        return all(bar.value == 0 for group in self.groups for bar in group.bars)


def bar_chart(title: str, series: list[str], rows: list[tuple[str, list]]) -> BarChart:
    """`rows` are (label, [one value per series]); bars are scaled to the largest value."""
    largest = max((value for _, values in rows for value in values), default=0) or 1
    group_width = len(series) * BAR_WIDTH + GAP
    groups = []
    for index, (label, values) in enumerate(rows):
        x0 = index * group_width
        bars = []
        for position, value in enumerate(values):
            height = round(HEIGHT * float(value) / float(largest))
            bars.append(Bar(position, value, x0 + position * BAR_WIDTH, HEIGHT - height, height))
        groups.append(Group(label, x0, bars))
    return BarChart(title, series, groups, width=max(len(rows) * group_width, 1))
