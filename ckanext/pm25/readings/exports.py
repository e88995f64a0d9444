"""Downloads: CSV of series and readings, GeoJSON of stations. Pure: no CKAN.

CSV files start with a UTF-8 byte-order mark so that spreadsheet programs read the Thai text
correctly, and use the same column names as the API records.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ckanext.pm25.common.times import iso_local, iso_utc
from ckanext.pm25.readings.series import DailyMean, HourlyValue

BOM = "\ufeff"

PROVINCE_HOURLY_COLUMNS = ("province", "hour_utc", "hour_local", "pm25", "stations_reporting")
PROVINCE_DAILY_COLUMNS = ("province", "date", "pm25", "hours", "values", "over_standard")
READING_COLUMNS = ("station", "station_id", "datetime_utc", "datetime_local", "pm25", "pm25_24h", "aqi_th",
                   "aqi_us", "quality_flag")
DAILY_READING_COLUMNS = ("station", "station_id", "date", "pm25", "values", "over_standard")
TREND_COLUMNS = ("area", "year", "month", "days_with_data", "days_over_standard", "mean_pm25", "max_daily_pm25")
# Each reading's source and licence: the attribution some upstreams require (DustBoy's "CCDC,
# Chiang Mai University (DustBoy)") travels with every row of a download.
SOURCE_COLUMNS = ("data_source", "license_id")


def with_sources(rows: Iterable[Mapping[str, Any]], stations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Readings (``pm25_measurements`` results) with their station's data source and licence."""
    sources = {station["name"]: station.get("source") or {} for station in stations}
    return [{**row, "data_source": sources.get(row.get("station"), {}).get("data_source"),
             "license_id": sources.get(row.get("station"), {}).get("license_id")} for row in rows]


def hourly_items(province: str, hours: Iterable[HourlyValue]) -> list[dict[str, Any]]:
    return [{"province": province, "hour_utc": iso_utc(hour.hour_utc), "hour_local": iso_local(hour.hour_utc),
             "pm25": hour.pm25, "stations_reporting": hour.count} for hour in hours]


def daily_items(province: str | None, days: Iterable[DailyMean]) -> list[dict[str, Any]]:
    return [{**({"province": province} if province else {}), "date": day.day.isoformat(), "pm25": day.pm25,
             "hours": day.hours, "values": day.values, "over_standard": day.over_standard} for day in days]


def to_csv(columns: Sequence[str], items: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for item in items:
        writer.writerow(["" if item.get(column) is None else _cell(item.get(column)) for column in columns])
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def stations_geojson(stations: Iterable[Mapping[str, Any]],
                     extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Station records (see ``records.station_record``) as a FeatureCollection of points;
    ``extra`` adds properties per station name (e.g. its page URL)."""
    features = []
    for station in stations:
        if station.get("lon") is None or station.get("lat") is None:
            continue
        properties = {key: value for key, value in station.items() if key not in ("lon", "lat")}
        properties.update((extra or {}).get(station["name"], {}))
        features.append({"type": "Feature", "id": station["name"],
                         "geometry": {"type": "Point", "coordinates": [station["lon"], station["lat"]]},
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}
