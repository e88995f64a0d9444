"""A province's daily hotspot counts (bars, left axis) beside its daily mean PM2.5 (a line,
right axis, with the Thai 24-hour standard) as inline SVG: the view the northern provinces ask
for in the burning season. Drawn on the server like ``chart.py`` (no script, prints, testable
by reading the markup). Pure: no CKAN; labels come in already translated."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from ckanext.pm25.aqi import THAI_24H_STANDARD

WIDTH, HEIGHT = 860, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 56, 22, 40


@dataclass(frozen=True)
class HotspotDay:
    day: date
    hotspots: int
    pm25: float | None


@dataclass(frozen=True)
class HotspotChartLabels:
    title: str
    hotspots: str = "hotspots"
    pm25: str = "daily mean PM2.5"
    unit: str = "µg/m³"
    standard: str = "Thai 24-hour standard 37.5 µg/m³"


def _top_count(days: Sequence[HotspotDay]) -> int:
    highest = max([day.hotspots for day in days] + [1])
    step = 5 if highest <= 25 else 10 if highest <= 100 else 50 if highest <= 500 else 500
    return int(math.ceil(highest * 1.1 / step) * step)


def _top_pm25(days: Sequence[HotspotDay]) -> float:
    highest = max([THAI_24H_STANDARD] + [day.pm25 for day in days if day.pm25 is not None])
    return max(50.0, math.ceil(highest * 1.08 / 25.0) * 25.0)


def render_hotspot_chart(days: Sequence[HotspotDay], labels: HotspotChartLabels,
                         chart_id: str = "pm25-hotspot-chart") -> str:
    """The SVG markup (safe: every text is escaped here)."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count_top, pm25_top = _top_count(days), _top_pm25(days)
    slot = plot_width / max(len(days), 1)

    def x(index: int) -> float:
        return round(LEFT + slot * (index + 0.5), 2)

    def y_count(value: float) -> float:
        return round(TOP + plot_height * (1 - value / count_top), 2)

    def y_pm25(value: float) -> float:
        return round(TOP + plot_height * (1 - min(value, pm25_top) / pm25_top), 2)

    cid = escape(chart_id)
    parts = [f'<svg class="pm25-chart pm25-hotspot-chart" id="{cid}" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-labelledby="{cid}-title" preserveAspectRatio="xMidYMid meet">',
             f'<title id="{cid}-title">{escape(labels.title)}</title>']
    for step in range(5):
        count = count_top * step / 4
        parts.append(f'<line class="pm25-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y_count(count)}" '
                     f'y2="{y_count(count)}"/>')
        parts.append(f'<text class="pm25-axis" x="{LEFT - 6}" y="{y_count(count) + 4}" '
                     f'text-anchor="end">{count:g}</text>')
        level = pm25_top * step / 4
        parts.append(f'<text class="pm25-axis pm25-axis-right" x="{WIDTH - RIGHT + 6}" '
                     f'y="{y_pm25(level) + 4}">{level:g}</text>')
    parts.append(f'<text class="pm25-axis" x="{LEFT}" y="{TOP - 8}" text-anchor="start">'
                 f'{escape(labels.hotspots)}</text>')
    parts.append(f'<text class="pm25-axis" x="{WIDTH - RIGHT + 6}" y="{TOP - 8}">'
                 f'{escape(labels.unit)}</text>')
    bar = max(1.0, slot * 0.7)
    for index, day in enumerate(days):
        text = f"{day.day.strftime('%d/%m/%Y')}: {day.hotspots} {labels.hotspots}"
        parts.append(f'<rect class="pm25-hotspot-bar" x="{round(x(index) - bar / 2, 2)}" '
                     f'y="{y_count(day.hotspots)}" width="{round(bar, 2)}" '
                     f'height="{round(TOP + plot_height - y_count(day.hotspots), 2)}" '
                     f'data-day="{day.day.isoformat()}" data-count="{day.hotspots}">'
                     f'<title>{escape(text)}</title></rect>')
        if index % max(1, len(days) // 10) == 0:
            parts.append(f'<text class="pm25-axis" x="{x(index)}" y="{TOP + plot_height + 18}" '
                         f'text-anchor="middle">{day.day.strftime("%d/%m")}</text>')
    parts.append(f'<line class="pm25-standard" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                 f'y1="{y_pm25(THAI_24H_STANDARD)}" y2="{y_pm25(THAI_24H_STANDARD)}">'
                 f'<title>{escape(labels.standard)}</title></line>')
    segment: list[str] = []
    for index, day in enumerate(days):
        if day.pm25 is None:
            if segment:
                parts.append(f'<polyline class="pm25-line pm25-hotspot-pm25" points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{x(index)},{y_pm25(day.pm25)}")
    if segment:
        parts.append(f'<polyline class="pm25-line pm25-hotspot-pm25" points="{" ".join(segment)}"/>')
    for index, day in enumerate(days):
        if day.pm25 is not None:
            text = f"{day.day.strftime('%d/%m/%Y')}: {labels.pm25} {day.pm25:.1f} {labels.unit}"
            parts.append(f'<circle class="pm25-point pm25-hotspot-pm25-point" cx="{x(index)}" '
                         f'cy="{y_pm25(day.pm25)}" r="3" data-day="{day.day.isoformat()}" '
                         f'data-value="{day.pm25:.1f}"><title>{escape(text)}</title></circle>')
    parts.append(f'<line class="pm25-axis-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                 f'y1="{TOP + plot_height}" y2="{TOP + plot_height}"/>')
    parts.append("</svg>")
    return "".join(parts)
