"""The public records of provinces and stations with their latest readings: one shape for the
API, the pages and the downloads. Pure: no CKAN, no clock.

A province record is :meth:`Province.to_dict` (the one place that says what a province is)
extended with its station count and a ``latest`` block; a station record carries the same
``latest`` block, so a client reads both the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ckanext.pm25.aqi import AqiResult, thai_aqi, us_aqi
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.common.times import floor_hour, iso_local, iso_utc
from ckanext.pm25.readings.series import round1

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


def latest_record(pm25: float | None, hour_utc: datetime | None, freshness: Freshness,
                  **extra: Any) -> dict[str, Any]:
    """The latest value with both AQIs. The AQI bands are those of 24-hour means applied to
    the hourly value shown beside them (an indication, as the page says)."""
    value = round1(pm25) if pm25 is not None and hour_utc is not None else None
    return {
        "pm25": value,
        "hour_utc": iso_utc(hour_utc) if hour_utc else None,
        "hour_local": iso_local(hour_utc) if hour_utc else None,
        "status": freshness.status(hour_utc if value is not None else None),
        "aqi_th": aqi_record(thai_aqi(value)),
        "aqi_us": aqi_record(us_aqi(value)),
        **extra,
    }


def province_record(province: Province, *, station_count: int, latest_total: float | None,
                    latest_count: int, latest_hour: datetime | None, freshness: Freshness) -> dict[str, Any]:
    mean = latest_total / latest_count if latest_total is not None and latest_count else None
    return {
        **province.to_dict(),
        "station_count": station_count,
        "latest": latest_record(mean, latest_hour, freshness,
                                stations_reporting=latest_count if mean is not None else 0),
    }


def station_record(row: Any, freshness: Freshness) -> dict[str, Any]:
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
        "latest": latest_record(row.latest_pm25, row.latest_hour, freshness),
    }


def sort_by_aqi(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Worst first; stale and empty ones after the current ones, each group by name."""
    def key(record: dict[str, Any]) -> tuple[int, float, str]:
        latest = record["latest"]
        rank = {CURRENT: 0, STALE: 1, NO_DATA: 2}[latest["status"]]
        aqi = latest["aqi_th"]["value"] if latest["aqi_th"] else -1
        return rank, -aqi if rank == 0 else 0, record.get("name_en") or record.get("title") or ""
    return sorted(records, key=key)
