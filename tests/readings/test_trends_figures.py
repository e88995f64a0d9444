"""The pure trends (readings/trends.py): days over the standard per month, year and burning
season, and a season under way compared with the earlier ones up to the same day."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ckanext.pm25.readings.series import HourlyValue
from ckanext.pm25.readings.trends import trends, trends_record

THAI = timezone(timedelta(hours=7))


def at(day: date, hour: int, value: float, count: int = 1) -> HourlyValue:
    """A value of ``count`` stations summing ``value`` each, at ``hour`` Thai time of ``day``."""
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=THAI).astimezone(timezone.utc)
    return HourlyValue(moment, value * count, count)


HOURS = [
    at(date(2024, 1, 15), 9, 80.0),                                  # over, season 2024
    at(date(2025, 2, 10), 9, 50.0), at(date(2025, 2, 10), 10, 60.0),  # mean 55.0: over, season 2025
    at(date(2025, 3, 5), 0, 20.0),                                   # Thai midnight: 5 March, not over
    at(date(2025, 3, 20), 9, 37.5),                                  # exactly the standard: not over
    at(date(2025, 11, 20), 9, 40.0),                                 # over, out of season
    at(date(2026, 1, 5), 9, 90.0, count=3),                          # three stations: one day, over
    at(date(2026, 2, 1), 9, 10.0),
    at(date(2026, 3, 1), 9, 99.0),                                   # after today in the tests below
]


def test_seasons_months_and_years() -> None:
    found = trends_record(trends(HOURS, today=date(2026, 6, 30), years=3))

    assert (found["first_year"], found["last_year"]) == (2024, 2026)
    seasons = {season["year"]: season for season in found["seasons"]}
    assert seasons[2025]["days_with_data"] == 3 and seasons[2025]["days_over_standard"] == 1
    assert seasons[2025]["mean_pm25"] == 41.9  # (50 + 60 + 20 + 37.5) / 4 = 41.875: every value, not daily means
    assert seasons[2025]["max_daily_pm25"] == 55.0
    assert seasons[2025]["start"] == "2025-01-01" and seasons[2025]["end"] == "2025-04-30"
    assert seasons[2024]["days_over_standard"] == 1 and seasons[2026]["days_over_standard"] == 2
    assert not any(season["in_progress"] or season["to_date"] for season in found["seasons"])  # June
    years = {year["year"]: year for year in found["years"]}
    assert (years[2025]["days_with_data"], years[2025]["days_over_standard"]) == (4, 2)
    months = {(m["year"], m["month"]): m for m in found["months"]}
    assert len(months) == 12 + 12 + 6  # up to this month
    assert months[(2025, 2)]["days_over_standard"] == 1 and months[(2025, 3)]["days_with_data"] == 2
    assert months[(2025, 11)]["days_over_standard"] == 1
    assert months[(2025, 7)] == {"year": 2025, "month": 7, "days_with_data": 0, "days_over_standard": 0,
                                 "mean_pm25": None, "max_daily_pm25": None}


def test_a_season_under_way_beside_the_earlier_ones_to_the_same_day() -> None:
    found = trends_record(trends(HOURS, today=date(2026, 2, 15), years=3))

    seasons = {season["year"]: season for season in found["seasons"]}
    assert seasons[2026]["in_progress"] and seasons[2026]["to_date"] is None
    assert seasons[2026]["days_with_data"] == 2 and seasons[2026]["days_over_standard"] == 1  # 1 March not yet
    assert seasons[2025]["to_date"]["days_over_standard"] == 1  # 10 February is before 15 February
    assert seasons[2025]["to_date"]["days_with_data"] == 1 and seasons[2025]["days_with_data"] == 3
    assert seasons[2024]["to_date"]["days_over_standard"] == 1
    assert [m["month"] for m in found["months"] if m["year"] == 2026] == [1, 2]


def test_years_before_the_window_and_no_data_at_all() -> None:
    this_year = trends_record(trends(HOURS, today=date(2026, 6, 30), years=1))
    assert [season["year"] for season in this_year["seasons"]] == [2026]
    assert this_year["seasons"][0]["days_with_data"] == 3 and [y["year"] for y in this_year["years"]] == [2026]
    empty = trends_record(trends([], today=date(2026, 12, 7), years=2))
    assert [year["days_with_data"] for year in empty["years"]] == [0, 0]
    assert len(empty["months"]) == 24 and len(empty["seasons"]) == 2


def test_a_29_february_season_compared_in_a_common_year() -> None:
    leap = [at(date(2024, 2, 29), 9, 70.0)]
    found = trends_record(trends(leap, today=date(2025, 2, 28), years=2))
    earlier = found["seasons"][0]
    assert earlier["year"] == 2024 and earlier["to_date"]["days_over_standard"] == 0  # 29 Feb is after 28 Feb
    assert earlier["days_over_standard"] == 1
