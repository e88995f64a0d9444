"""Trends of a province or station over years: days over the Thai 24-hour standard per month and
per year, and each burning season (January to April) beside the earlier ones. Pure: no CKAN,
no clock (callers pass ``today``), no I/O.

A day is a Thai calendar day with its daily mean (``series.daily_means``: every value of its
hours), over the standard when that rounded mean exceeds it, as on the province pages. A
month's or season's mean is the mean of every value in it, not a mean of daily means.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ckanext.pm25.readings.series import DailyMean, HourlyValue, round1

THAI_OFFSET = timedelta(hours=7)

BURNING_SEASON_MONTHS = (1, 2, 3, 4)
"""January to April: the north's burning season, when the haze is worst."""


@dataclass(frozen=True)
class Tally:
    """The days of one month, year or season: how many had a daily mean, how many of those
    were over the standard, the mean of every value and the highest daily mean."""

    days_with_data: int
    days_over_standard: int
    mean_pm25: float | None
    max_daily_pm25: float | None


@dataclass(frozen=True)
class MonthTrend:
    year: int
    month: int
    tally: Tally


@dataclass(frozen=True)
class SeasonTrend:
    """One burning season; ``to_date``, for an earlier season while this one is under way, is
    its tally up to the same day of the year as today, so a season so far is compared fairly."""

    year: int
    start: date
    end: date
    in_progress: bool
    tally: Tally
    to_date: Tally | None


@dataclass(frozen=True)
class Trends:
    first_year: int
    last_year: int
    months: list[MonthTrend]
    years: list[tuple[int, Tally]]
    seasons: list[SeasonTrend]


@dataclass(frozen=True)
class _Day:
    mean: DailyMean
    total: float  # of every value of the day, for the means of months and seasons


def first_day(today: date, years: int) -> date:
    """1 January of the first of the ``years`` calendar years ending with today's."""
    return date(today.year - years + 1, 1, 1)


def _tally(days: Sequence[_Day]) -> Tally:
    values = sum(day.mean.values for day in days)
    return Tally(days_with_data=len(days),
                 days_over_standard=sum(1 for day in days if day.mean.over_standard),
                 mean_pm25=round1(sum(day.total for day in days) / values) if values else None,
                 max_daily_pm25=max((day.mean.pm25 for day in days), default=None))


def _days_by_month(hours: Iterable[HourlyValue], start: date, today: date) -> dict[tuple[int, int], list[_Day]]:
    """The Thai days from ``start`` to ``today`` with data, by (year, month), in order. One pass
    over the hours: five years of a province are some 44,000 of them."""
    sums: dict[date, list[float]] = {}
    for hour in hours:
        if hour.count <= 0 or not math.isfinite(hour.total):
            continue
        day = (hour.hour_utc + THAI_OFFSET).date()  # the Thai day: UTC+07:00 all year
        if start <= day <= today:
            entry = sums.setdefault(day, [0.0, 0, 0])
            entry[0] += hour.total
            entry[1] += 1
            entry[2] += hour.count
    by_month: dict[tuple[int, int], list[_Day]] = {}
    for day in sorted(sums):
        total, hours_count, values = sums[day]
        mean = DailyMean(day, round1(total / values), int(hours_count), int(values))
        by_month.setdefault((day.year, day.month), []).append(_Day(mean, total))
    return by_month


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def trends(hours: Iterable[HourlyValue], today: date, years: int) -> Trends:
    """The trends of an hourly series over the ``years`` calendar years ending with today's
    (Thai) year; months after today's are left out."""
    start = first_day(today, years)
    by_month = _days_by_month(hours, start, today)
    all_years = range(start.year, today.year + 1)
    months = [MonthTrend(year, month, _tally(by_month.get((year, month), [])))
              for year in all_years for month in range(1, 13) if date(year, month, 1) <= today]
    by_year = [(year, _tally([day for month in range(1, 13) for day in by_month.get((year, month), [])]))
               for year in all_years]
    this_season_running = today.month in BURNING_SEASON_MONTHS
    seasons = []
    for year in all_years:
        season_days = [day for month in BURNING_SEASON_MONTHS for day in by_month.get((year, month), [])]
        to_date = None
        if this_season_running and year < today.year:
            same_day = date(year, today.month, min(today.day, _month_end(year, today.month).day))
            to_date = _tally([day for day in season_days if day.mean.day <= same_day])
        seasons.append(SeasonTrend(year, date(year, BURNING_SEASON_MONTHS[0], 1),
                                   _month_end(year, BURNING_SEASON_MONTHS[-1]),
                                   year == today.year and this_season_running, _tally(season_days), to_date))
    return Trends(start.year, today.year, months, by_year, seasons)


def _tally_record(tally: Tally) -> dict[str, object]:
    return {"days_with_data": tally.days_with_data, "days_over_standard": tally.days_over_standard,
            "mean_pm25": tally.mean_pm25, "max_daily_pm25": tally.max_daily_pm25}


def trends_record(found: Trends) -> dict[str, object]:
    """The trends as the API gives them (dates ISO 8601)."""
    return {
        "first_year": found.first_year,
        "last_year": found.last_year,
        "months": [{"year": item.year, "month": item.month, **_tally_record(item.tally)} for item in found.months],
        "years": [{"year": year, **_tally_record(tally)} for year, tally in found.years],
        "seasons": [{"year": item.year, "start": item.start.isoformat(), "end": item.end.isoformat(),
                     "in_progress": item.in_progress, **_tally_record(item.tally),
                     "to_date": None if item.to_date is None else _tally_record(item.to_date)}
                    for item in found.seasons],
    }
