"""A PM2.5 time-series chart as inline SVG: hourly values (points coloured by Thai AQI band, each
with its value in a tooltip), daily means (one segment per Thai day), and the Thai 24-hour
standard as a labelled dashed line. Drawn on the server, so it needs no script, prints, and can
be tested by reading the markup. Pure: no CKAN; labels come in already translated.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from ckanext.pm25.aqi import THAI_24H_STANDARD, thai_aqi
from ckanext.pm25.common.times import HOUR, THAI_TZ, iso_utc
from ckanext.pm25.readings.series import DailyMean, HourlyValue, Period

WIDTH, HEIGHT = 860, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 18, 40


@dataclass(frozen=True)
class ChartLabels:
    title: str
    unit: str = "µg/m³"
    standard: str = "Thai 24-hour standard 37.5 µg/m³"
    hourly: str = "hourly value"
    daily: str = "daily mean"
    english: bool = False


def _nice_top(values: Sequence[float]) -> float:
    highest = max([THAI_24H_STANDARD, *values]) if values else THAI_24H_STANDARD
    return max(50.0, math.ceil(highest * 1.08 / 25.0) * 25.0)


def _ticks(period: Period) -> tuple[list[datetime], str]:
    """Label instants (on Thai local boundaries) and their strftime format."""
    span = period.span
    if span <= timedelta(hours=36):
        step, fmt = timedelta(hours=3), "%H:%M"
    elif span <= timedelta(days=10):
        step, fmt = timedelta(days=1), "%d/%m"
    else:
        step, fmt = timedelta(days=5), "%d/%m"
    local_start = period.start.astimezone(THAI_TZ)
    if step < timedelta(days=1):
        first = local_start.replace(minute=0, second=0, microsecond=0)
        while first.hour % 3:
            first += HOUR
    else:
        first = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    if first < local_start:
        first += step if step < timedelta(days=1) else timedelta(days=1)
    ticks = []
    tick = first
    while tick <= period.end:
        ticks.append(tick)
        tick += step
    return ticks, fmt


def _number(value: float) -> str:
    return f"{value:.1f}"


def render_chart(period: Period, hours: Sequence[HourlyValue], days: Sequence[DailyMean], labels: ChartLabels,
                 chart_id: str = "pm25-chart") -> str:
    """The SVG markup (safe: every text is escaped here)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    values = [hour.pm25 for hour in hours] + [day.pm25 for day in days]
    top = _nice_top(values)
    seconds = period.span.total_seconds()

    def x(instant: datetime) -> float:
        return round(LEFT + plot_width * (instant - period.start).total_seconds() / seconds, 2)

    def y(value: float) -> float:
        return round(TOP + plot_height * (1 - min(value, top) / top), 2)

    parts = [
        f'<svg class="pm25-chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" preserveAspectRatio="xMidYMid meet" '
        f'data-start="{iso_utc(period.start)}" data-end="{iso_utc(period.end)}">',
        f'<title id="{escape(chart_id)}-title">{escape(labels.title)}</title>',
    ]
    # horizontal grid and y labels
    step = 25.0 if top <= 150 else 50.0
    level = 0.0
    while level <= top + 0.01:
        parts.append(f'<line class="pm25-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level)}" y2="{y(level)}"/>')
        parts.append(f'<text class="pm25-axis" x="{LEFT - 6}" y="{y(level) + 4}" text-anchor="end">{level:g}</text>')
        level += step
    parts.append(f'<text class="pm25-axis" x="{LEFT - 6}" y="{TOP - 6}" text-anchor="end">{escape(labels.unit)}</text>')
    # x ticks
    ticks, fmt = _ticks(period)
    for tick in ticks:
        parts.append(f'<line class="pm25-tick" x1="{x(tick)}" x2="{x(tick)}" y1="{TOP + plot_height}" '
                     f'y2="{TOP + plot_height + 5}"/>')
        parts.append(f'<text class="pm25-axis" x="{x(tick)}" y="{TOP + plot_height + 18}" '
                     f'text-anchor="middle">{tick.strftime(fmt)}</text>')
    parts.append(f'<line class="pm25-axis-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" '
                 f'y2="{TOP + plot_height}"/>')
    # the standard
    parts.append(f'<line class="pm25-standard" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(THAI_24H_STANDARD)}" '
                 f'y2="{y(THAI_24H_STANDARD)}" data-value="{THAI_24H_STANDARD}">'
                 f'<title>{escape(labels.standard)}</title></line>')
    parts.append(f'<text class="pm25-standard-label" x="{WIDTH - RIGHT - 4}" y="{y(THAI_24H_STANDARD) - 5}" '
                 f'text-anchor="end">{escape(labels.standard)}</text>')
    # daily means
    for day in days:
        start = max(day.start_utc, period.start)
        end = min(day.end_utc, period.end)
        text = f"{day.day.strftime('%d/%m/%Y')}: {labels.daily} {_number(day.pm25)} {labels.unit}"
        parts.append(f'<line class="pm25-daily-mean{" pm25-over" if day.over_standard else ""}" '
                     f'x1="{x(start)}" x2="{x(end)}" y1="{y(day.pm25)}" y2="{y(day.pm25)}" '
                     f'data-day="{day.day.isoformat()}" data-value="{_number(day.pm25)}">'
                     f'<title>{escape(text)}</title></line>')
    # hourly line, broken where an hour is missing, then the points
    segment: list[str] = []
    previous: datetime | None = None
    for hour in hours:
        if previous is not None and hour.hour_utc - previous > HOUR and segment:
            parts.append(f'<polyline class="pm25-line" points="{" ".join(segment)}"/>')
            segment = []
        segment.append(f"{x(hour.hour_utc)},{y(hour.pm25)}")
        previous = hour.hour_utc
    if segment:
        parts.append(f'<polyline class="pm25-line" points="{" ".join(segment)}"/>')
    radius = 3 if len(hours) <= 48 else 2 if len(hours) <= 200 else 1.4
    for hour in hours:
        aqi = thai_aqi(hour.pm25)
        band = (aqi.name_en if labels.english else aqi.name_th) if aqi else ""
        colour = aqi.colour_hex if aqi else "#888888"
        text = f"{hour.hour_local.strftime('%d/%m/%Y %H:%M')}: {_number(hour.pm25)} {labels.unit} ({band})"
        parts.append(f'<circle class="pm25-point" cx="{x(hour.hour_utc)}" cy="{y(hour.pm25)}" r="{radius}" '
                     f'fill="{colour}" data-hour="{iso_utc(hour.hour_utc)}" data-value="{_number(hour.pm25)}">'
                     f'<title>{escape(text)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
