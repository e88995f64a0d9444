"""OpenAQ v3 records normalised into locations and hourly readings. Pure: no CKAN, no clock, no I/O.

Whole pages that cannot be used (not an object, no ``results`` list) raise
:class:`~ckanext.pm25.harvesters.normalise.PayloadError`; a bad record is an
:class:`~ckanext.pm25.harvesters.normalise.Issue` and is left out (a location with no id, no
PM2.5 sensor) or kept with a flag (a value that is a sentinel or no number).

Variants accepted, each recorded as seen where it matters:

- ``meta.found`` is a number or a text such as ``">1000"`` (more than that many): paging then
  continues while a page is full;
- a value's hour is ``period.datetimeFrom`` (``/hours``, ``/measurements`` in v3), else
  ``datetime`` or ``date`` (older forms), each ``{"utc", "local"}`` or an ISO 8601 text;
- ``isMonitor`` (*unverified* in reference/sources.md): true is a reference monitor, false a
  low-cost sensor, missing or anything else is unknown (kept as unknown, treated as a
  reference station, and the location says so);
- ``provider``/``owner`` are objects with a ``name`` or bare texts; ``licenses`` a list of
  objects with ``name`` (or ``id`` only, named from ``/v3/licenses``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ckanext.pm25.harvesters.normalise import (Issue, ParsedNumber, PayloadError, Reading,
                                               build_reading, classify_concentration,
                                               classify_number, snippet_of)
from ckanext.pm25.common.times import parse_utc

PM25_PARAMETER_ID = 2
NO_MEAN = ParsedNumber(None, "ok")  # upstream gives hourly values; the 24-hour means are ours
_FOUND_AT_LEAST = re.compile(r"^\s*>\s*(\d+)\s*$")


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    locality: str | None
    provider: str
    owner: str
    licences: tuple[str, ...]
    licence_ids: tuple[str, ...]
    lat: float | None
    lon: float | None
    is_monitor: bool | None  # None: upstream did not say (isMonitor is unverified)
    sensor_ids: tuple[str, ...]  # its PM2.5 sensors

    @property
    def measurement_type(self) -> str:
        return "low_cost_sensor" if self.is_monitor is False else "reference_station"


@dataclass
class Page:
    """One page of a paged OpenAQ answer: ``found`` the total (None when only a lower bound
    such as ">1000" was given), ``more`` whether another page should be asked for."""

    results: list[Any]
    found: int | None
    found_text: str
    more: bool


@dataclass
class LocationsResult:
    locations: list[Location] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ValuesResult:
    readings: list[Reading] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def page_of(payload: Any, *, page: int, limit: int) -> Page:
    """The results of page ``page`` (1-based) and whether there are more."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("results"), list):
        raise PayloadError("not an OpenAQ answer (no results list)", snippet_of(payload))
    results = payload["results"]
    meta = payload.get("meta")
    raw = meta.get("found") if isinstance(meta, Mapping) else None
    found: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        found = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        found = int(raw.strip())
    at_least = _FOUND_AT_LEAST.match(raw) if isinstance(raw, str) else None
    full = len(results) >= limit
    if found is not None:
        more = full and page * limit < found
    elif at_least is not None:
        more = full
    else:
        more = full
    return Page(results, found, str(raw), more)


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("name")
    return value.strip() if isinstance(value, str) else ""


def _float(value: Any) -> float | None:
    parsed = classify_number(value)
    return parsed.value


def _licences(record: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    items = record.get("licenses")
    if not isinstance(items, list):
        return (), ()
    names, ids = [], []
    for item in items:
        if isinstance(item, Mapping):
            if _name(item):
                names.append(_name(item))
            elif item.get("id") is not None:
                ids.append(str(item["id"]))
        elif isinstance(item, str) and item.strip():
            names.append(item.strip())
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(ids))


def _pm25_sensors(record: Mapping[str, Any]) -> tuple[str, ...]:
    found = []
    for sensor in record.get("sensors") or []:
        if not isinstance(sensor, Mapping) or sensor.get("id") is None:
            continue
        parameter = sensor.get("parameter")
        parameter_id = parameter.get("id") if isinstance(parameter, Mapping) else None
        parameter_name = _name(parameter).lower()
        if parameter_id == PM25_PARAMETER_ID or parameter_name in ("pm25", "pm2.5"):
            found.append(str(sensor["id"]))
    return tuple(found)


def parse_locations(results: list[Any]) -> LocationsResult:
    """The locations of one page of ``/v3/locations`` that carry a PM2.5 sensor."""
    parsed = LocationsResult()
    for record in results:
        if not isinstance(record, Mapping) or record.get("id") in (None, ""):
            parsed.issues.append(Issue("no_location_id", "location without an id: left out",
                                       snippet_of(record)))
            continue
        location_id = str(record["id"])
        sensors = _pm25_sensors(record)
        if not sensors:
            parsed.issues.append(Issue("no_pm25_sensor", "location without a PM2.5 sensor: "
                                       "left out", snippet_of(record), location_id))
            continue
        coordinates = record.get("coordinates")
        coordinates = coordinates if isinstance(coordinates, Mapping) else {}
        names, ids = _licences(record)
        monitor = record.get("isMonitor")
        parsed.locations.append(Location(
            location_id=location_id,
            name=_name(record) or location_id,
            locality=_name(record.get("locality")) or None,
            provider=_name(record.get("provider")),
            owner=_name(record.get("owner")),
            licences=names, licence_ids=ids,
            lat=_float(coordinates.get("latitude")), lon=_float(coordinates.get("longitude")),
            is_monitor=monitor if isinstance(monitor, bool) else None,
            sensor_ids=sensors))
    return parsed


def licence_names(payload: Any) -> dict[str, str]:
    """id → name of ``/v3/licenses``."""
    page = page_of(payload, page=1, limit=1)
    return {str(item["id"]): _name(item) for item in page.results
            if isinstance(item, Mapping) and item.get("id") is not None and _name(item)}


def _instant(value: Any) -> datetime | None:
    if isinstance(value, Mapping):
        value = value.get("utc") or value.get("local")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_utc(value)
    except ValueError:
        return None


def _hour_of(record: Mapping[str, Any]) -> datetime | None:
    period = record.get("period")
    if isinstance(period, Mapping) and period.get("datetimeFrom") is not None:
        return _instant(period["datetimeFrom"])
    for key in ("datetime", "date"):
        if record.get(key) is not None:
            return _instant(record[key])
    return None


def parse_values(results: list[Any], location_id: str, *, now: datetime,
                 future_tolerance: timedelta) -> ValuesResult:
    """Hourly PM2.5 readings of one location from ``/hours`` or ``/measurements`` results,
    each stamped with the start of its UTC hour."""
    parsed = ValuesResult()
    for record in results:
        hour = _hour_of(record) if isinstance(record, Mapping) else None
        if hour is None:
            parsed.issues.append(Issue("no_datetime", "value without a usable date: left out",
                                       snippet_of(record), location_id))
            continue
        assert isinstance(record, Mapping)
        start = hour.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
        value = classify_concentration(record.get("value"))
        flags = ["future"] if start > now + future_tolerance else []
        if value.flag != "ok":
            parsed.issues.append(Issue(f"value_{value.flag}", f"value at {start.isoformat()}: "
                                       f"{value.flag}", snippet_of(record), location_id))
        parsed.readings.append(build_reading(location_id, start, value, NO_MEAN, flags))
    return parsed
