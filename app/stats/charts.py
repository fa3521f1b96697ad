"""The statistics pages' charts, laid out here and drawn as SVG by stats/_charts.html.

Server-made SVG: no script, no chart library, nothing from a CDN, and it prints. Only published
figures are drawn; a "<10" day gets a stub bar of its own colour, never a height.
"""

import math
from dataclasses import dataclass

from app.posts.models import POST_KINDS

DAILY_WIDTH, DAILY_HEIGHT = 720, 240
# Room for the value axis on the left and the dates below.
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 44, 28, 12
STUB_HEIGHT = 3
GRID_LINES = 5
NICE_FACTORS = (1, 2, 5)
# At most this many date labels under the bars, however long the range.
DATE_LABELS = 8
RANKED_ROW_HEIGHT, RANKED_LABEL_WIDTH, RANKED_WIDTH = 26, 220, 560
# Longer names are cut with an ellipsis beside the bar; the bar's tooltip has them whole.
RANKED_LABEL_CHARACTERS = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    day: str
    shown: int | str
    suppressed: bool


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    baseline: float
    left: int
    bars: list[Bar]
    dates: list[Tick]
    grid: list[Tick]


@dataclass(frozen=True)
class RankedRow:
    y: float
    width: float
    name: str
    posts: int

    @property
    def label(self) -> str:
        if len(self.name) <= RANKED_LABEL_CHARACTERS:
            return self.name
        return self.name[: RANKED_LABEL_CHARACTERS - 1] + "…"


@dataclass(frozen=True)
class RankedChart:
    width: int
    height: int
    label_width: int
    rows: list[RankedRow]


def daily_chart(days: list[dict]) -> DailyChart:
    """Bars of needs and offers side by side for each day of StatsSchema's days."""
    baseline = DAILY_HEIGHT - MARGIN_BOTTOM
    plot_height = baseline - MARGIN_TOP
    plot_width = DAILY_WIDTH - MARGIN_LEFT
    figures = [day[kind] for day in days for kind in POST_KINDS if isinstance(day[kind], int)]
    top = _nice_top(max(figures, default=0))
    slot = plot_width / max(len(days), 1)
    bar_width = slot * 0.8 / len(POST_KINDS)
    bars = []
    for index, day in enumerate(days):
        for offset, kind in enumerate(POST_KINDS):
            value = day[kind]
            suppressed = not isinstance(value, int)
            height = STUB_HEIGHT if suppressed else plot_height * value / top
            bars.append(
                Bar(
                    x=MARGIN_LEFT + index * slot + slot * 0.1 + offset * bar_width,
                    y=baseline - height,
                    width=bar_width,
                    height=height,
                    kind=kind,
                    day=str(day["date"]),
                    shown=value,
                    suppressed=suppressed,
                )
            )
    every = max(1, math.ceil(len(days) / DATE_LABELS))
    dates = [
        Tick(MARGIN_LEFT + index * slot + slot / 2, str(day["date"])[5:])
        for index, day in enumerate(days)
        if index % every == 0
    ]
    grid = [
        Tick(baseline - plot_height * step / GRID_LINES, str(top * step // GRID_LINES))
        for step in range(GRID_LINES + 1)
    ]
    return DailyChart(DAILY_WIDTH, DAILY_HEIGHT, baseline, MARGIN_LEFT, bars, dates, grid)


def ranked_chart(items: list[dict]) -> RankedChart:
    """Horizontal bars for a top list of RankedSchema items, longest first as given."""
    longest = max((item["posts"] for item in items), default=1)
    plot_width = RANKED_WIDTH - RANKED_LABEL_WIDTH
    rows = [
        RankedRow(
            y=index * RANKED_ROW_HEIGHT,
            width=max(1.0, plot_width * 0.85 * item["posts"] / longest),
            name=item["name"] or item["code"],
            posts=item["posts"],
        )
        for index, item in enumerate(items)
    ]
    return RankedChart(RANKED_WIDTH, len(rows) * RANKED_ROW_HEIGHT, RANKED_LABEL_WIDTH, rows)


def _nice_top(value: int) -> int:
    """The smallest of 10, 20, 50, 100, 200, 500... at or above value, for the value axis
    (each divides into GRID_LINES whole steps)."""
    magnitude = 10
    while True:
        for factor in NICE_FACTORS:
            if factor * magnitude >= value:
                return factor * magnitude
        magnitude *= 10
