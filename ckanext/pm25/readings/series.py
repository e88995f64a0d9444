"""Time periods and series arithmetic for readings: hours, Thai days, daily means, days over the
standard. Pure: no CKAN, no clock (callers pass ``now``), no I/O.

Conventions:

- instants are timezone-aware UTC ``datetime``s; readings are stamped at the start of their hour;
- a day is a Thai calendar day (UTC+07:00 all year, no daylight saving);
- a period is half-open, ``[start, end)``;
- a mean is the mean of every station value in the hour (or day, or 24 hours), not a mean of
  means, and is rounded half-up to 0.1 µg/m³, the precision upstream reports; whether a day is
  over the standard is decided on that rounded value, the one people see.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ckanext.pm25.aqi import THAI_24H_STANDARD
from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import (DAY, HOUR, THAI_TZ, PeriodError, floor_hour, iso_utc, parse_instant, thai_day,
                                        thai_day_start)

MEAN_WINDOW_HOURS = 24
MIN_HOURS_FOR_MEAN = 18
"""A 24-hour mean needs a value in at least 18 of its 24 hours (75 % completeness, the usual
rule for daily means); with fewer it is null, and no AQI band is given."""

RANGES: dict[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DEFAULT_RANGE = "24h"


def round1(value: float) -> float:
    """Half-up to one decimal (37.45 → 37.5), unlike ``round``'s half-even.

    A float sum of one-decimal readings carries binary noise (139.8 / 4 is 34.949999…), so the
    value is first taken to nine decimals: the noise goes, a real reading's digits stay."""
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Period:
    """``[start, end)``, both aware UTC."""

    start: datetime
    end: datetime

    @property
    def span(self) -> timedelta:
        return self.end - self.start

    @property
    def days(self) -> float:
        return self.span / DAY

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def last_period(range_key: str, now: datetime) -> Period:
    """The named range (``24h``, ``7d``, ``30d``) ending with the current hour included."""
    if range_key not in RANGES:
        raise PeriodError(N_("Unknown range %(range)s: use one of %(choices)s"), "range",
                          range=range_key, choices=", ".join(RANGES))
    end = floor_hour(now) + HOUR
    return Period(end - RANGES[range_key], end)


def period_between(start: object | None, end: object | None, now: datetime, max_days: float,
                   default_span: timedelta = RANGES[DEFAULT_RANGE]) -> Period:
    """A period from optional start/end values; missing ends default to the current hour and
    ``default_span`` before the end. Refused when reversed or longer than ``max_days``."""
    end_at = parse_instant(end) if end not in (None, "") else floor_hour(now) + HOUR
    try:
        start_at = parse_instant(start) if start not in (None, "") else end_at - default_span
    except OverflowError:  # an end in the first day of year 1
        raise PeriodError(N_("The period before %(end)s cannot be worked out: give a start"), "start",
                          end=iso_utc(end_at)) from None
    if end_at <= start_at:
        raise PeriodError(N_("The end (%(end)s) must be after the start (%(start)s)"), "end",
                          start=iso_utc(start_at), end=iso_utc(end_at))
    period = Period(start_at, end_at)
    if period.days > max_days:
        raise PeriodError(N_("The period may span at most %(max)s days; %(asked)s days were asked for"), "end",
                          max=_number_text(max_days), asked=_number_text(round(period.days, 1)))
    return period


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class HourlyValue:
    """The values of one hour: their sum and how many (stations) there were."""

    hour_utc: datetime
    total: float
    count: int

    @cached_property
    def pm25(self) -> float:
        return round1(self.total / self.count)

    @property
    def hour_local(self) -> datetime:
        return self.hour_utc.astimezone(THAI_TZ)


@dataclass(frozen=True)
class DailyMean:
    day: date
    pm25: float
    hours: int
    values: int

    @property
    def over_standard(self) -> bool:
        return self.pm25 > THAI_24H_STANDARD

    @property
    def start_utc(self) -> datetime:
        return thai_day_start(self.day)

    @property
    def end_utc(self) -> datetime:
        return thai_day_start(self.day + DAY)


def daily_means(hours: Iterable[HourlyValue]) -> list[DailyMean]:
    """Per Thai day: the mean of every value in its hours (a day partly outside the period
    counts on the hours inside), with how many hours and values it rests on."""
    totals: dict[date, list[float]] = {}
    for hour in hours:
        if hour.count <= 0 or not math.isfinite(hour.total):
            continue
        entry = totals.setdefault(thai_day(hour.hour_utc), [0.0, 0, 0])
        entry[0] += hour.total
        entry[1] += 1
        entry[2] += hour.count
    return [DailyMean(day, round1(total / values), int(hours_count), int(values))
            for day, (total, hours_count, values) in sorted(totals.items())]


def mean_24h(total: float | None, values: int, hours: int) -> float | None:
    """The 24-hour mean of ``values`` values summing to ``total`` that fall in ``hours`` of the
    24 hours (a province hour counts once however many stations reported in it), rounded as
    every mean is; None with fewer than :data:`MIN_HOURS_FOR_MEAN` hours."""
    if total is None or values <= 0 or hours < MIN_HOURS_FOR_MEAN or not math.isfinite(total):
        return None
    return round1(total / values)


def days_over_standard(days: Iterable[DailyMean]) -> int:
    return sum(1 for day in days if day.over_standard)
