"""The public records of provinces and stations with their latest readings: one shape for the
API, the pages and the downloads. Pure: no CKAN, no clock.

A province record is :meth:`Province.to_dict` (the one place that says what a province is)
extended with its station count and a ``latest`` block; a station record carries the same
``latest`` block, so a client reads both the same way.

The AQI bands are defined on 24-hour means, so ``aqi_th``, ``aqi_us`` and the health
``advice`` of a ``latest`` block follow its ``pm25_24h`` (Air4Thai's practice); ``pm25`` is the
hourly value beside it. Without a 24-hour mean (fewer than 18 of the 24 hours with a value)
there is no band, no index and no advice: a band is never guessed from the hourly value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ckanext.pm25.advice import advice_record
from ckanext.pm25.aqi import AqiResult, thai_aqi, us_aqi
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.common.times import floor_hour, iso_local, iso_utc, parse_instant
from ckanext.pm25.readings.series import MEAN_WINDOW_HOURS, round1

CURRENT = "current"
STALE = "stale"
NO_DATA = "no_data"


def aqi_record(result: AqiResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"value": result.value, "band": result.band, "name_th": result.name_th, "name_en": result.name_en,
            "colour": result.colour_hex}


@dataclass(frozen=True)
class Freshness:
    """When a latest value stops being current: ``stale_after`` past the current hour."""

    now: datetime
    stale_after: timedelta

    def status(self, hour_utc: datetime | None) -> str:
        if hour_utc is None:
            return NO_DATA
        return STALE if floor_hour(self.now) - hour_utc > self.stale_after else CURRENT


def latest_record(pm25: float | None, pm25_24h: float | None, hour_utc: datetime | None, freshness: Freshness,
                  language: str, **extra: Any) -> dict[str, Any]:
    """The latest hourly value and the 24-hour mean of the same hour, with both AQIs and the
    Thai band's advice (in ``language``) of the 24-hour mean; none of them without it."""
    value = round1(pm25) if pm25 is not None and hour_utc is not None else None
    mean = round1(pm25_24h) if pm25_24h is not None and value is not None else None
    thai = thai_aqi(mean)
    return {
        "pm25": value,
        "pm25_24h": mean,
        "hour_utc": iso_utc(hour_utc) if hour_utc else None,
        "hour_local": iso_local(hour_utc) if hour_utc else None,
        "status": freshness.status(hour_utc if value is not None else None),
        "aqi_th": aqi_record(thai),
        "aqi_us": aqi_record(us_aqi(mean)),
        "advice": advice_record(thai.band if thai else None, language),
        **extra,
    }


def province_record(province: Province, *, station_count: int, latest_total: float | None,
                    latest_count: int, latest_hour: datetime | None, mean_24h: float | None,
                    freshness: Freshness, language: str) -> dict[str, Any]:
    """``mean_24h``: the province's 24-hour mean ending with ``latest_hour`` (``series.mean_24h``)."""
    mean = latest_total / latest_count if latest_total is not None and latest_count else None
    return {
        **province.to_dict(),
        "station_count": station_count,
        "latest": latest_record(mean, mean_24h, latest_hour, freshness, language,
                                stations_reporting=latest_count if mean is not None else 0),
    }


MODEL = "model"
STATIONS = "stations"


def model_record(row: Any, freshness: Freshness, language: str) -> dict[str, Any]:
    """A modelled area's latest value (``row``: of ``area_store``) as a ``latest`` block, with
    the model's source, licence and series."""
    return latest_record(row.pm25, row.pm25_24h, row.hour_utc, freshness, language,
                         kind="model_estimate", source=row.data_source, licence=row.licence,
                         series_id=row.series_id, resource_id=row.resource_id)


def with_model(record: dict[str, Any], model: dict[str, Any] | None) -> dict[str, Any]:
    """A province record with its model estimate and ``value_source``: the stations' value when
    it is current, else the model's when that is current, else whichever has a value (the
    stations' first); None when neither has."""
    latest = record["latest"]
    if latest["status"] == CURRENT:
        source: str | None = STATIONS
    elif model is not None and model["status"] == CURRENT:
        source = MODEL
    elif latest["status"] != NO_DATA:
        source = STATIONS
    elif model is not None and model["status"] != NO_DATA:
        source = MODEL
    else:
        source = None
    return {**record, "model": model, "value_source": source}


def shown_value(record: dict[str, Any]) -> dict[str, Any]:
    """The block a page shows for a province: its model estimate when that is its value."""
    return record["model"] if record.get("value_source") == MODEL else record["latest"]


def station_record(row: Any, freshness: Freshness, language: str) -> dict[str, Any]:
    """``row``: a result row of :func:`ckanext.pm25.readings.queries.stations`."""
    return {
        "id": row.package_id,
        "name": row.name,
        "title": row.title,
        "station_id": row.station_id,
        "station_type": row.station_type,
        "province": row.province,
        "organization": {"name": row.org_name, "title": row.org_title} if row.org_name else None,
        "active": bool(row.active),
        "lon": row.lon,
        "lat": row.lat,
        "resource_id": row.resource_id,
        "measurement_type": row.measurement_type,
        # where its data comes from and under which licence (an attribution upstream requires,
        # such as DustBoy's, is in data_source)
        "source": {"type": row.source_type, "name": row.source_name, "data_source": row.data_source,
                   "license_id": row.license_id},
        "latest": latest_record(row.latest_pm25, row.latest_pm25_24h, row.latest_hour, freshness, language),
    }


def sort_by_aqi(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Worst first by the AQI of the 24-hour mean; current ones without a 24-hour mean after
    them, then stale and empty ones, each group by name."""
    def key(record: dict[str, Any]) -> tuple[int, float, str]:
        latest = shown_value(record)
        rank = {CURRENT: 0, STALE: 1, NO_DATA: 2}[latest["status"]]
        aqi = latest["aqi_th"]["value"] if latest["aqi_th"] else -1
        return rank, -aqi if rank == 0 else 0, record.get("name_en") or record.get("title") or ""
    return sorted(records, key=key)


def sources(latest: dict[str, Any], stations: list[dict[str, Any]]) -> list[str]:
    """The publishers (organisation titles, first seen first) of the stations behind a
    province's ``latest`` block: those with a reading in the 24 hours ending with its hour (the
    hourly value and the 24-hour mean are made of those hours); none without a latest hour."""
    if not latest.get("hour_utc"):
        return []
    end = parse_instant(latest["hour_utc"])
    start = end - timedelta(hours=MEAN_WINDOW_HOURS)
    titles: list[str] = []
    for station in stations:
        hour = station["latest"].get("hour_utc")
        organization = station.get("organization") or {}
        title = organization.get("title") or organization.get("name")
        if hour and title and start < parse_instant(hour) <= end and title not in titles:
            titles.append(title)
    return titles
