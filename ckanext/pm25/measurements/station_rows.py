"""A station's PM2.5 readings as the rows the harvesters and the readings summary work with
(``station_id``, ``datetime_utc``, ``datetime_local``, ``pm25``, ``pm25_24h``, ``aqi_th``,
``aqi_us``, ``quality_flag``), to and from the store's measurements. Pure: no CKAN."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ckanext.pm25.common.times import THAI_TZ, parse_utc
from ckanext.pm25.measurements.rows import Measurement, Number

PM25 = "pm25"


def _number(value: Any) -> Number | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def measurement(row: Mapping[str, Any], *, series_id: str, source: str,
                licence: str | None) -> Measurement:
    """The store's PM2.5 measurement of one station row."""
    return Measurement(
        series_id=series_id, parameter=PM25,
        hour_utc=parse_utc(row["datetime_utc"]).astimezone(timezone.utc),
        value=_number(row.get("pm25")), mean_24h=_number(row.get("pm25_24h")),
        aqi_th=_whole(row.get("aqi_th")), aqi_us=_whole(row.get("aqi_us")),
        quality_flag=str(row.get("quality_flag") or "ok"), source=source, licence=licence)


def _float(value: Any) -> float | None:
    number = _number(value)
    return None if number is None else float(number)


def station_row(record: Mapping[str, Any], station_id: str) -> dict[str, Any]:
    """A store record (``datastore_search`` output) as a station row, times as ISO 8601 (UTC
    with ``Z``, Thai time with +07:00) like the rows the harvesters make."""
    hour: datetime = parse_utc(record["hour_utc"]).astimezone(timezone.utc)
    return {
        "station_id": station_id,
        "datetime_utc": hour.isoformat().replace("+00:00", "Z"),
        "datetime_local": hour.astimezone(THAI_TZ).isoformat(),
        "pm25": _float(record.get("value")),
        "pm25_24h": _float(record.get("mean_24h")),
        "aqi_th": _whole(record.get("aqi_th")),
        "aqi_us": _whole(record.get("aqi_us")),
        "quality_flag": record.get("quality_flag") or "ok",
    }
