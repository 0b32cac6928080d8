"""Bar charts: bars drawn as server-rendered SVG, text (axis values, labels) as HTML.

The bars stretch to the width of the page, while the axis values and labels are HTML text at
the page's font size, so they stay legible on a phone. Colours follow meaning: each series,
or each bar of a single-series chart, has a tone (`ok`, `bad`, `pending`, `neutral`,
`accent`) that the stylesheet paints the same way as the status badges. Every chart carries
its figures as a table too, for screen readers and for reading exact values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 600
PLOT_HEIGHT = 160  # height of the top of the axis
GROUP_FILL = 0.7  # share of a group's width taken by its bars
TICKS = 4  # intervals on the value axis
TONES = ("accent", "ok", "bad", "pending", "neutral")


@dataclass(frozen=True)
class Series:
    name: str
    tone: str = "accent"


@dataclass(frozen=True)
class Bar:
    series: Series
    tone: str
    value: Decimal | int
    x: float
    y: float
    width: float
    height: float

    @property
    def text(self) -> str:
        return format_value(self.value)


@dataclass(frozen=True)
class Group:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[Series]
    groups: list[Group]
    ticks: list[str]  # the value axis, top first
    gridlines: list[float]  # y of each tick's line
    width: int = WIDTH
    height: int = PLOT_HEIGHT

    @property
    def is_empty(self) -> bool:
        return all(bar.value == 0 for group in self.groups for bar in group.bars)

    @property
    def summary(self) -> str:
        """The chart in one sentence, for its text alternative."""
        parts = []
        for group in self.groups:
            values = ", ".join(
                f"{bar.series.name} {bar.text}" if len(self.series) > 1 else bar.text
                for bar in group.bars
            )
            parts.append(f"{group.label}: {values}")
        return "; ".join(parts)


def format_value(value: Decimal | int | float) -> str:
    """Thousands separated, without decimals: the axis and the bars' titles."""
    return f"{value:,.0f}"


def nice_step(largest: float) -> float:
    """The smallest step of 1, 2 or 5 times a power of ten whose TICKS intervals reach
    `largest`: axis values people read at a glance."""
    if largest <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(largest / TICKS))
    for factor in (1, 2, 5, 10):
        if factor * magnitude * TICKS >= largest:
            return max(1, factor * magnitude)
    return 10 * magnitude  # pragma: no cover (10 always reaches)


def bar_chart(
    title: str,
    series: list[str | tuple[str, str]],
    rows: list[tuple[str, list]],
    *,
    tone_by_label: dict[str, str] | None = None,
) -> BarChart:
    """`series` are names, or (name, tone); `rows` are (label, [one value per series]).
    `tone_by_label` colours a single-series chart's bars by their label (a status)."""
    all_series = [Series(*item) if isinstance(item, tuple) else Series(item) for item in series]
    largest = max((float(value) for _, values in rows for value in values), default=0)
    step = nice_step(largest)
    top = step * TICKS
    group_width = WIDTH / max(len(rows), 1)
    bar_width = group_width * GROUP_FILL / max(len(all_series), 1)
    groups = []
    for index, (label, values) in enumerate(rows):
        left = index * group_width + group_width * (1 - GROUP_FILL) / 2
        bars = []
        for position, value in enumerate(values):
            height = round(PLOT_HEIGHT * float(value) / top, 1)
            tone = all_series[position].tone
            if tone_by_label and label in tone_by_label:
                tone = tone_by_label[label]
            bars.append(
                Bar(
                    series=all_series[position],
                    tone=tone,
                    value=value,
                    x=round(left + position * bar_width, 1),
                    y=round(PLOT_HEIGHT - height, 1),
                    width=round(bar_width, 1),
                    height=height,
                )
            )
        groups.append(Group(label, bars))
    ticks = [format_value(step * n) for n in range(TICKS, -1, -1)]
    gridlines = [round(PLOT_HEIGHT * (TICKS - n) / TICKS, 1) for n in range(TICKS, -1, -1)]
    return BarChart(title, all_series, groups, ticks, gridlines)
