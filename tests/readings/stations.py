"""Station datasets with readings for the dashboard tests, made the way the harvester makes them:
a PM2.5 dataset through the action API, its "Hourly measurements" DataStore table, then the
IPm25Readings hooks called as the harvester calls them after each committed upsert."""
from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

import ckan.plugins as plugins
from ckan.tests import helpers

from ckanext.pm25.aqi import thai_aqi, us_aqi
from ckanext.pm25.interfaces import IPm25Readings
from ckanext.pm25.readings.series import MEAN_WINDOW_HOURS, MIN_HOURS_FOR_MEAN, round1
from tests.factories import create_pm25_dataset, point

UTC = timezone.utc
THAI = timezone(timedelta(hours=7))
HOUR = timedelta(hours=1)
FIELDS = [
    {"id": "station_id", "type": "text"},
    {"id": "datetime_utc", "type": "timestamp"},
    {"id": "datetime_local", "type": "text"},
    {"id": "pm25", "type": "numeric"},
    {"id": "pm25_24h", "type": "numeric"},
    {"id": "aqi_th", "type": "int"},
    {"id": "aqi_us", "type": "int"},
    {"id": "quality_flag", "type": "text"},
]


@cache
def seats() -> dict[str, tuple[float, float]]:
    """Each province's seat (lon, lat): a point inside the province."""
    text = resources.files("ckanext.pm25.geo").joinpath("data").joinpath("seats.csv").read_text(encoding="utf-8")
    return {row["code"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(text.splitlines())}


def this_hour() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def rolling_mean(values: Mapping[datetime, float | None], hour: datetime) -> float | None:
    """The 24-hour mean ending with ``hour`` as the harvester stores it (at least 18 values)."""
    window = [values.get(hour - back * HOUR) for back in range(MEAN_WINDOW_HOURS)]
    present = [value for value in window if value is not None]
    return round1(math.fsum(present) / len(present)) if len(present) >= MIN_HOURS_FOR_MEAN else None


def rows_for(station_id: str, values: Mapping[datetime, float | None]) -> list[dict[str, Any]]:
    """The rows the harvester stores: each with the 24-hour mean of the given values ending with
    its hour, and AQIs of that mean, or (fewer than 18 hours) of the hourly value, as the
    harvester's fallback stores them."""
    rows = []
    for hour, value in sorted(values.items()):
        mean = rolling_mean(values, hour)
        aqi_th, aqi_us = thai_aqi(mean if mean is not None else value), us_aqi(mean if mean is not None else value)
        rows.append({
            "station_id": station_id,
            "datetime_utc": hour.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "datetime_local": hour.astimezone(THAI).isoformat(),
            "pm25": value,
            "pm25_24h": mean,
            "aqi_th": aqi_th.value if aqi_th else None,
            "aqi_us": aqi_us.value if aqi_us else None,
            "quality_flag": "ok" if value is not None else "sentinel",
        })
    return rows


def notify_stored(dataset: dict[str, Any], resource_id: str, rows: list[dict[str, Any]]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        plugin.readings_stored(dataset, resource_id, rows)


def notify_status(dataset: dict[str, Any]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        plugin.station_status_changed(dataset)


def create_station(province: str, station_id: str, values: Mapping[datetime, float | None], *,
                   user: dict[str, Any], owner_org: str, offset: tuple[float, float] = (0.0, 0.0),
                   status: str = "active", title: str | None = None, name: str | None = None) -> dict[str, Any]:
    """A station dataset in ``province`` (near its seat) with ``values`` by UTC hour."""
    lon, lat = seats()[province]
    dataset = create_pm25_dataset(
        user=user, owner_org=owner_org, name=name or f"air4thai-{station_id.lower()}",
        title=title or f"Station {station_id}", spatial=point(lon + offset[0], lat + offset[1]),
        station_id=station_id, station_type="GROUND", station_status=status)
    rows = rows_for(station_id, values)
    context = {"user": user["name"], "ignore_auth": False}
    created = helpers.call_action("datastore_create", context=context,
                                  resource={"package_id": dataset["id"], "name": "Hourly measurements"},
                                  fields=FIELDS, primary_key=["station_id", "datetime_utc"], records=rows)
    dataset = helpers.call_action("package_show", id=dataset["id"])
    notify_stored(dataset, created["resource_id"], rows)
    return dataset


def add_readings(dataset: dict[str, Any], values: Mapping[datetime, float | None], user: dict[str, Any]) -> None:
    """Upsert more readings into the station's table, then tell the hooks."""
    resource_id = dataset["resources"][0]["id"]
    rows = rows_for(dataset["station_id"], values)
    helpers.call_action("datastore_upsert", context={"user": user["name"]}, resource_id=resource_id,
                        records=rows, method="upsert", force=True)
    notify_stored(dataset, resource_id, rows)
