"""The pure parts of the dashboard: periods, Thai days, daily means, records, the SVG chart."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from ckanext.pm25.geo.provinces import by_code
from ckanext.pm25.readings.chart import ChartLabels, render_chart
from ckanext.pm25.readings.records import Freshness, province_record, sort_by_aqi
from ckanext.pm25.common.times import THAI_TZ, PeriodError, parse_instant
from ckanext.pm25.readings.series import (HourlyValue, Period, daily_means, days_over_standard, last_period,
                                          mean_24h, period_between, round1)

UTC = timezone.utc
HOUR = timedelta(hours=1)
NOW = datetime(2024, 5, 7, 13, 25, tzinfo=UTC)  # 20:25 in Thailand


@pytest.mark.parametrize("text, expected", [
    ("2024-05-07T13:00:00Z", datetime(2024, 5, 7, 13, tzinfo=UTC)),
    ("2024-05-07T20:00:00+07:00", datetime(2024, 5, 7, 13, tzinfo=UTC)),
    ("2024-05-07T13:00:00", datetime(2024, 5, 7, 13, tzinfo=UTC)),  # no offset: UTC
    ("2024-05-07", datetime(2024, 5, 6, 17, tzinfo=UTC)),  # a date: its Thai midnight
])
def test_instants(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected


@pytest.mark.parametrize("value", ["yesterday", "", "2024-13-01", 12])
def test_bad_instants_name_the_value(value: object) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_instant(value)
    assert "ISO 8601" in str(raised.value)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:00:00-10:00", "0001-01-01T00:00:00+14:00",
                                   datetime(1, 1, 1, tzinfo=THAI_TZ)])
def test_instants_without_a_utc_datetime_are_refused(value: object) -> None:
    with pytest.raises(PeriodError, match="outside the dates this server can work with"):
        parse_instant(value)


def test_an_unwritable_value_is_quoted_without_its_unwritable_characters() -> None:
    with pytest.raises(PeriodError) as raised:
        parse_instant("2024\x00-\ud800")
    assert str(raised.value).startswith("Not a date-time: 2024\ufffd-\ufffd ")


def test_a_default_start_before_year_1_is_refused() -> None:
    with pytest.raises(PeriodError, match="give a start") as raised:
        period_between(None, "0001-01-01T12:00:00Z", NOW, 31)
    assert raised.value.field == "start"


def test_named_ranges_end_with_the_current_hour() -> None:
    period = last_period("7d", NOW)
    assert period.end == datetime(2024, 5, 7, 14, tzinfo=UTC)
    assert period.span == timedelta(days=7)
    with pytest.raises(PeriodError):
        last_period("1y", NOW)


def test_periods_default_and_bounds() -> None:
    assert period_between(None, None, NOW, 31) == Period(datetime(2024, 5, 6, 14, tzinfo=UTC),
                                                         datetime(2024, 5, 7, 14, tzinfo=UTC))
    with pytest.raises(PeriodError, match=r"at most 31 days; 31\.5 days"):
        period_between("2024-04-01T00:00:00Z", "2024-05-02T12:00:00Z", NOW, 31)
    with pytest.raises(PeriodError, match="must be after the start") as raised:
        period_between("2024-05-02", "2024-05-01", NOW, 31)
    assert raised.value.field == "end"
    assert period_between("2024-04-01T00:00:00Z", "2024-05-02T00:00:00Z", NOW, 31).days == 31


def test_rounding_is_half_up() -> None:
    assert (round1(37.45), round1(37.55), round1(37.549), round1(0.05)) == (37.5, 37.6, 37.5, 0.1)


def test_a_mean_of_float_readings_rounds_as_its_exact_decimal_would() -> None:
    # In floats 34.9 + 35.1 + 0.1 + 0.1 is 70.19999999999999: its mean is 17.55 exactly.
    readings = [34.9, 35.1, 0.1, 0.1]
    assert sum(readings) / 4 < 17.55
    assert round1(sum(readings) / 4) == 17.6
    assert round1((61.3 + 61.2) / 2) == 61.3


def test_daily_means_follow_thai_days_and_the_standard() -> None:
    start = datetime(2024, 4, 30, 17, tzinfo=UTC)  # 1 May 00:00 in Thailand
    hours = [HourlyValue(start + n * HOUR, 37.5 * 2, 2) for n in range(24)]  # two stations at 37.5
    hours += [HourlyValue(start + (24 + n) * HOUR, 37.6, 1) for n in range(3)]
    days = daily_means(hours)
    assert [(d.day, d.pm25, d.hours, d.values, d.over_standard) for d in days] == [
        (date(2024, 5, 1), 37.5, 24, 48, False), (date(2024, 5, 2), 37.6, 3, 3, True)]
    assert days_over_standard(days) == 1
    assert days[1].start_utc == datetime(2024, 5, 1, 17, tzinfo=UTC)


def test_province_records_extend_the_province_and_rank_by_aqi() -> None:
    fresh = Freshness(NOW, timedelta(hours=3))
    hour = datetime(2024, 5, 7, 13, tzinfo=UTC)
    lampang = province_record(by_code("TH-52"), station_count=4, latest_total=160.0, latest_count=2,
                              latest_hour=hour, mean_24h=80.0, freshness=fresh, language="en")
    assert {key: lampang[key] for key in ("code", "name_en", "name_th", "region")} == by_code("TH-52").to_dict()
    assert lampang["latest"]["pm25"] == 80.0 and lampang["latest"]["aqi_th"]["value"] == 214
    old = province_record(by_code("TH-17"), station_count=1, latest_total=300.0, latest_count=1,
                          latest_hour=hour - 4 * HOUR, mean_24h=300.0, freshness=fresh, language="en")
    assert old["latest"]["status"] == "stale"
    empty = province_record(by_code("TH-10"), station_count=0, latest_total=None, latest_count=0,
                            latest_hour=None, mean_24h=None, freshness=fresh, language="en")
    good = province_record(by_code("TH-50"), station_count=1, latest_total=10.0, latest_count=1,
                           latest_hour=hour, mean_24h=10.0, freshness=fresh, language="en")
    assert [r["code"] for r in sort_by_aqi([empty, good, old, lampang])] == ["TH-52", "TH-50", "TH-17", "TH-10"]


def test_the_band_index_and_advice_follow_the_24_hour_mean_not_the_hour() -> None:
    fresh = Freshness(NOW, timedelta(hours=3))
    hour = datetime(2024, 5, 7, 13, tzinfo=UTC)
    # the hour is 90.0 ("affects health"), its 24-hour mean 36.3 ("moderate")
    latest = province_record(by_code("TH-52"), station_count=1, latest_total=90.0, latest_count=1,
                             latest_hour=hour, mean_24h=36.3, freshness=fresh, language="th")["latest"]
    assert (latest["pm25"], latest["pm25_24h"]) == (90.0, 36.3)
    assert (latest["aqi_th"]["band"], latest["aqi_th"]["value"], latest["aqi_us"]["value"]) == ("moderate", 95, 103)
    assert latest["advice"]["key"] == "moderate"
    assert latest["advice"]["sensitive_groups"].startswith("หากมีอาการเบื้องต้น")
    # without a 24-hour mean: no band, no index, no advice, however high the hour
    incomplete = province_record(by_code("TH-52"), station_count=1, latest_total=90.0, latest_count=1,
                                 latest_hour=hour, mean_24h=None, freshness=fresh, language="th")
    assert incomplete["latest"]["pm25"] == 90.0
    assert {key: incomplete["latest"][key] for key in ("pm25_24h", "aqi_th", "aqi_us", "advice")} == dict.fromkeys(
        ("pm25_24h", "aqi_th", "aqi_us", "advice"))
    # a current province without a 24-hour mean ranks after every one with a band
    banded = province_record(by_code("TH-10"), station_count=1, latest_total=5.0, latest_count=1,
                             latest_hour=hour, mean_24h=5.0, freshness=fresh, language="th")
    assert [r["code"] for r in sort_by_aqi([incomplete, banded])] == ["TH-10", "TH-52"]


def test_a_24_hour_mean_needs_18_of_its_24_hours() -> None:
    assert mean_24h(18 * 40.05, 18, 18) == 40.1  # rounded half-up, as every mean
    assert mean_24h(17 * 40.0, 17, 17) is None
    assert mean_24h(30 * 40.0, 30, 17) is None  # many values, too few hours: still none
    assert mean_24h(1000.0, 26, 24) == 38.5  # two stations' values pooled: (870 + 130) / 26
    assert mean_24h(None, 0, 0) is None


def test_the_chart_draws_every_hour_daily_means_and_the_standard() -> None:
    start = datetime(2024, 5, 6, 14, tzinfo=UTC)
    period = Period(start, start + 24 * HOUR)
    hours = [HourlyValue(start + n * HOUR, 20.0 + n, 1) for n in (0, 1, 2, 5, 6)]  # a gap after 2
    svg = render_chart(period, hours, daily_means(hours), ChartLabels(title="PM2.5 <Lampang>", english=True))
    points = re.findall(r'class="pm25-point"[^>]*data-hour="([^"]+)" data-value="([^"]+)"', svg)
    assert points == [(f"2024-05-06T{14 + n}:00:00Z", f"{20.0 + n:.1f}") for n in (0, 1, 2, 5, 6)]
    assert svg.count('class="pm25-line"') == 2  # the line breaks at the missing hours
    assert svg.count('class="pm25-daily-mean') == 2  # 6 May and 7 May (Thai days)
    assert 'data-value="37.5"' in svg and "Thai 24-hour standard 37.5 µg/m³" in svg
    assert "PM2.5 &lt;Lampang&gt;" in svg and "<Lampang>" not in svg
    assert "(Good)" in svg  # each point's tooltip writes its band


def test_an_empty_chart_still_shows_the_standard() -> None:
    period = Period(datetime(2024, 5, 6, tzinfo=UTC), datetime(2024, 5, 13, tzinfo=UTC))
    svg = render_chart(period, [], [], ChartLabels(title="empty"))
    assert "pm25-point" not in svg and "pm25-standard" in svg
