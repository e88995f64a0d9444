"""What the actions and pages ask of the summary, as records. Takes a connection and already
validated arguments; no CKAN imports (limits and the clock come in as arguments)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Row

from ckanext.pm25.aqi import THAI_24H_STANDARD, AqiResult, thai_aqi, us_aqi
from ckanext.pm25.geo import provinces
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.readings import area_store, queries
from ckanext.pm25.readings.exports import daily_items, hourly_items
from ckanext.pm25.readings.records import (Freshness, model_record, province_record, station_record,
                                           with_model)
from ckanext.pm25.common.times import iso_local, iso_utc, thai_day
from ckanext.pm25.readings.series import (DailyMean, HourlyValue, Period, daily_means, days_over_standard, mean_24h,
                                          round1)


def province_records(conn: Connection, freshness: Freshness, language: str,
                     only: Sequence[Province] | None = None) -> list[dict[str, Any]]:
    """Every province (or ``only`` these), by code, with its latest value, its 24-hour mean (of
    every station value in the 24 hours ending with that hour) and station count; texts in
    ``language``."""
    chosen = list(only) if only is not None else list(provinces.all_provinces())
    latest = queries.province_latest(conn, [province.code for province in chosen])
    counts = queries.station_counts(conn)
    models = area_store.province_models(conn, [province.code for province in chosen])
    records = []
    for province in chosen:
        last = latest.get(province.code)
        modelled = models.get(province.code)
        model = model_record(modelled, freshness, language) if modelled else None
        records.append(with_model(province_record(
            province, station_count=counts.get(province.code, 0), latest_total=last.total if last else None,
            latest_count=last.count if last else 0, latest_hour=last.hour_utc if last else None,
            mean_24h=mean_24h(last.day_total, last.day_count, last.day_hours) if last else None,
            freshness=freshness, language=language), model))
    return records


@dataclass(frozen=True)
class Series:
    period: Period
    hours: list[HourlyValue]
    days: list[DailyMean]

    @property
    def days_over_standard(self) -> int:
        return days_over_standard(self.days)


def province_series(conn: Connection, province: Province, period: Period) -> Series:
    hours = queries.province_hours(conn, province.code, period)
    return Series(period, hours, daily_means(hours))


def station_series(conn: Connection, station_key: int, period: Period) -> Series:
    hours = queries.station_hours(conn, station_key, period)
    return Series(period, hours, daily_means(hours))


def province_show(conn: Connection, province: Province, period: Period, aggregate: str,
                  freshness: Freshness, language: str) -> dict[str, Any]:
    record = province_records(conn, freshness, language, only=[province])[0]
    series = province_series(conn, province, period)
    stations = queries.stations(conn, queries.StationFilter(province=province.code))
    result = {
        **record,
        "period": {"start": iso_utc(period.start), "end": iso_utc(period.end)},
        "aggregate": aggregate,
        "standard_pm25_24h": THAI_24H_STANDARD,
        "days_over_standard": series.days_over_standard,
        "stations": [station_record(row, freshness, language) for row in stations],
        "daily": daily_items(None, series.days),
        "districts": district_records(conn, province, freshness, language),
    }
    if aggregate == "hour":
        result["hourly"] = [{key: value for key, value in item.items() if key != "province"}
                            for item in hourly_items(province.code, series.hours)]
    return result


def district_records(conn: Connection, province: Province, freshness: Freshness,
                     language: str) -> list[dict[str, Any]]:
    """The province's modelled districts, each with its latest model estimate and its forecast
    days from today (Thai) on."""
    forecasts = area_store.forecasts(conn, province.code, thai_day(freshness.now))
    return [{"code": row.code, "name_th": row.name_th, "name_en": row.name_en,
             "latest": model_record(row, freshness, language),
             "forecast": [{"date": day.day.isoformat(), "pm25": day.pm25}
                          for day in forecasts.get(row.series_id, [])]}
            for row in area_store.district_models(conn, province.code)]


def station_list(conn: Connection, filters: queries.StationFilter, limit: int, offset: int,
                 freshness: Freshness, language: str) -> dict[str, Any]:
    rows = queries.stations(conn, filters, limit, offset)
    return {"count": queries.station_count(conn, filters), "limit": limit, "offset": offset,
            "results": [station_record(row, freshness, language) for row in rows]}


def _index(result: AqiResult | None) -> int | None:
    return result.value if result else None


class UnknownStations(LookupError):
    def __init__(self, unknown: list[str], ambiguous: list[str]) -> None:
        super().__init__(", ".join(unknown + ambiguous))
        self.unknown = unknown
        self.ambiguous = ambiguous


def resolve_stations(conn: Connection, wanted: Sequence[str]) -> list[Row]:
    """Stations by dataset id or name, or by upstream station id when that names only one; in
    the order asked, each once."""
    rows = queries.stations(conn, queries.StationFilter(ids=list(wanted)))
    found: list[Row] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for item in wanted:
        matches = [row for row in rows if item in (row.package_id, row.name)]
        if not matches:
            matches = [row for row in rows if row.station_id == item]
        if not matches:
            unknown.append(item)
        elif len(matches) > 1:
            ambiguous.append(item)
        elif matches[0] not in found:
            found.append(matches[0])
    if unknown or ambiguous:
        raise UnknownStations(unknown, ambiguous)
    return found


def measurements(conn: Connection, stations: Sequence[Row], period: Period, aggregate: str, limit: int | None,
                 offset: int, freshness: Freshness, language: str) -> dict[str, Any]:
    """Readings (``aggregate="hour"``: as stored) or daily means (``"day"``) of the stations,
    by station then time; ``limit=None`` for everything (downloads, already bounded). Each
    station comes as its full station record, latest reading included.

    A reading's ``aqi_th``/``aqi_us`` are those of its ``pm25_24h``, worked out as it is read
    (null without a 24-hour mean): what a source stored there may be an index of the hourly
    value, which the bands are not defined on."""
    keys = [row.station_key for row in stations]
    by_key = {row.station_key: row for row in stations}
    if aggregate == "day":
        count = queries.station_daily_count(conn, keys, period)
        results = []
        for row in queries.station_daily(conn, keys, period, limit, offset):
            station = by_key[row.station_key]
            mean = round1(row.total / row.value_count)
            results.append({"station": station.name, "station_id": station.station_id, "date": row.day.isoformat(),
                            "pm25": mean, "values": row.value_count, "over_standard": mean > THAI_24H_STANDARD})
    else:
        count = queries.station_reading_count(conn, keys, period)
        results = []
        for row in queries.station_readings(conn, keys, period, limit, offset):
            station = by_key[row.station_key]
            results.append({"station": station.name, "station_id": station.station_id,
                            "datetime_utc": iso_utc(row.hour_utc), "datetime_local": iso_local(row.hour_utc),
                            "pm25": row.pm25, "pm25_24h": row.pm25_24h, "aqi_th": _index(thai_aqi(row.pm25_24h)),
                            "aqi_us": _index(us_aqi(row.pm25_24h)), "quality_flag": row.quality_flag})
    return {
        "stations": [station_record(row, freshness, language) for row in stations],
        "period": {"start": iso_utc(period.start), "end": iso_utc(period.end)},
        "aggregate": aggregate,
        "count": count,
        "limit": limit,
        "offset": offset,
        "results": results,
    }
