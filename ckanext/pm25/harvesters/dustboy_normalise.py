"""DustBoy (CCDC, Chiang Mai University) records as stations and readings. Pure: no CKAN, no
clock, no I/O.

Personal data: the service's station records carry its caretakers' names, phone numbers,
LINE ids and e-mail addresses (``dustboy_name_contact``, ``contact_name``, ``tel``, ``phone``,
``mobile``, ``line_id``, ``email``, nested objects...). Only the fields named in
:data:`STATION_FIELDS` and :data:`READING_FIELDS` are ever read, and only when they hold a
plain value (text or number); a record is cut down to them (:func:`allowed_only`) before
anything else sees it, so every issue snippet, note, harvest object and dataset is made from
the allowed fields alone. Whatever else upstream sends is dropped unread.

The field names are *unverified* (reference/sources.md section 3): each field is looked up
under its likely names, first found wins, and the names that were used are reported
(``seen``) so the job report says which shape upstream sent:

- station id ``dustboy_id`` / ``id`` / ``station_id``; name ``dustboy_name`` / ``name`` (Thai),
  ``dustboy_name_en`` / ``name_en``; coordinates ``dustboy_lat`` / ``lat`` / ``latitude`` and
  ``dustboy_lon`` / ``dustboy_lng`` / ``lon`` / ``lng`` / ``longitude``;
- PM2.5 ``pm25`` / ``pm2_5`` / ``pm25_th`` / ``pm25_value``;
- time: a date and a time apart, in Thai local time (``daily_date`` + ``daily_time``,
  ``date`` + ``time``), or one stamp (``log_datetime``, ``datetime``, ``timestamp``,
  ``time``): with a zone (``Z`` or an offset) it is read as such, without one as Thai time.

A 30-day series may hold several values within one hour: their mean is that hour's value (a
note says how many hours were averaged). The 24-hour means are computed afterwards
(``series.with_rolling_means``), as for Air4Thai.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ckanext.pm25.common.times import THAI_TZ, parse_thai_datetime
from ckanext.pm25.harvesters.normalise import (LAT_RANGE, LON_RANGE, Issue, ParsedNumber, PayloadError, Reading,
                                               Station,
                                               build_reading, classify_concentration, classify_number,
                                               load_payload, snippet_of)

STATION_FIELDS: dict[str, tuple[str, ...]] = {
    "station_id": ("dustboy_id", "id", "station_id"),
    "name_th": ("dustboy_name", "name", "name_th"),
    "name_en": ("dustboy_name_en", "name_en"),
    "lat": ("dustboy_lat", "lat", "latitude"),
    "lon": ("dustboy_lon", "dustboy_lng", "lon", "lng", "longitude"),
}
READING_FIELDS: dict[str, tuple[str, ...]] = {
    "pm25": ("pm25", "pm2_5", "pm25_th", "pm25_value"),
    "date": ("daily_date", "date"),
    "time_of_day": ("daily_time", "time"),
    "stamp": ("log_datetime", "datetime", "timestamp", "time"),
}
# The keys a list may sit under in an object answer.
LIST_KEYS = ("data", "stations", "result", "results", "items")


@dataclass
class Parsed:
    """What one payload gave: stations (the station list only), readings, issues, and the
    upstream field names that were used (``"pm25=pm2_5"``)."""

    stations: list[Station] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _plain(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def allowed_only(record: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The record cut down to the allowed upstream names holding a plain value: the only part
    of an upstream record anything else may see (snippets included)."""
    names = {name for variants in fields.values() for name in variants}
    return {key: value for key, value in record.items() if key in names and _plain(value)}


def _pick(record: Mapping[str, Any], field_name: str, fields: Mapping[str, tuple[str, ...]],
          seen: set[str]) -> Any:
    for name in fields[field_name]:
        if name in record and record[name] not in (None, ""):
            seen.add(f"{field_name}={name}")
            return record[name]
    return None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _records(payload: Any, what: str) -> list[Any]:
    data = load_payload(payload)
    if isinstance(data, Mapping):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return list(data[key])
        raise PayloadError(f"{what}: a JSON object without a list under {', '.join(LIST_KEYS)}")
    if isinstance(data, list):
        return data
    raise PayloadError(f"{what}: expected a JSON list or object")


def _in_thailand(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _coordinates(kept: Mapping[str, Any], station_id: str, parsed: Parsed,
                 ) -> tuple[float | None, float | None, list[str]]:
    lat = classify_number(_pick(kept, "lat", STATION_FIELDS, parsed.seen))
    lon = classify_number(_pick(kept, "lon", STATION_FIELDS, parsed.seen))
    if lat.value is None or lon.value is None:
        parsed.issues.append(Issue("coords_missing", "coordinates missing or not numbers",
                                   snippet_of(kept), station_id))
        return None, None, ["coords_missing"]
    if _in_thailand(lat.value, lon.value):
        return lat.value, lon.value, []
    if _in_thailand(lon.value, lat.value):
        parsed.issues.append(Issue("coords_swapped", "latitude and longitude swapped; corrected",
                                   snippet_of(kept), station_id))
        return lon.value, lat.value, ["coords_swapped"]
    parsed.issues.append(Issue("coords_outside_thailand", "coordinates outside Thailand",
                               snippet_of(kept), station_id))
    return None, None, ["coords_outside_thailand"]


def read_time(kept: Mapping[str, Any], seen: set[str]) -> datetime | None:
    """The record's time (aware), or None when it has none readable."""
    day = _pick(kept, "date", READING_FIELDS, seen)
    try:
        if day is not None:
            clock = _pick(kept, "time_of_day", READING_FIELDS, seen)
            return parse_thai_datetime(str(day), str(clock) if clock is not None else "00:00")
        stamp = _pick(kept, "stamp", READING_FIELDS, seen)
        if stamp is None:
            return None
        text = str(stamp).strip().replace(" ", "T", 1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return parse_thai_datetime(str(stamp))
        return moment.replace(tzinfo=THAI_TZ) if moment.tzinfo is None else moment
    except (ValueError, TypeError, OverflowError):
        return None


def _reading(kept: Mapping[str, Any], station_id: str, now: datetime, tolerance: timedelta,
             parsed: Parsed) -> tuple[datetime, ParsedNumber] | None:
    moment = read_time(kept, parsed.seen)
    if moment is None:
        parsed.issues.append(Issue("missing_time", "a value without a readable time",
                                   snippet_of(kept), station_id))
        return None
    value = classify_concentration(_pick(kept, "pm25", READING_FIELDS, parsed.seen))
    if moment - now > tolerance:
        parsed.issues.append(Issue("future", f"reading dated {moment.isoformat()}, after "
                                             f"{now.isoformat()}", snippet_of(kept), station_id))
        return None
    return moment, value


def parse_stations(payload: Any, *, now: datetime, future_tolerance: timedelta) -> Parsed:
    """The station list: one :class:`Station` per usable record (type ``SENSOR``) and its
    latest value as a reading, when it carries one with a time."""
    records = _records(payload, "station list")
    parsed = Parsed()
    if not records:
        raise PayloadError("station list: empty")
    known: set[str] = set()
    for record in records:
        if not isinstance(record, Mapping):
            parsed.issues.append(Issue("not_a_record", "a station entry that is not an object", ""))
            continue
        kept = allowed_only(record, {**STATION_FIELDS, **READING_FIELDS})
        del record  # nothing outside the allow-list is read past this point
        station_id = _text(_pick(kept, "station_id", STATION_FIELDS, parsed.seen))
        if station_id is None:
            parsed.issues.append(Issue("missing_station_id", "station record without an id",
                                       snippet_of(kept)))
            continue
        if station_id in known:
            parsed.issues.append(Issue("duplicate_station", f"station {station_id} listed twice; "
                                                            "the first kept", snippet_of(kept), station_id))
            continue
        known.add(station_id)
        lat, lon, flags = _coordinates(kept, station_id, parsed)
        parsed.stations.append(Station(
            station_id=station_id, name_th=_text(_pick(kept, "name_th", STATION_FIELDS, parsed.seen)),
            name_en=_text(_pick(kept, "name_en", STATION_FIELDS, parsed.seen)), area_th=None,
            area_en=None, station_type="SENSOR", lat=lat, lon=lon, flags=tuple(flags)))
        if any(name in kept for name in READING_FIELDS["pm25"]):
            found = _reading(kept, station_id, now, future_tolerance, parsed)
            if found is not None:
                moment, value = found
                parsed.readings.append(build_reading(station_id, _hour(moment), value,
                                                     ParsedNumber(None, "ok")))
    return parsed


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(THAI_TZ).replace(minute=0, second=0, microsecond=0)


def parse_series(payload: Any, station_id: str, *, now: datetime,
                 future_tolerance: timedelta) -> Parsed:
    """A station's 30-day data as hourly readings: values within one hour averaged."""
    records = _records(payload, "30-day data")
    parsed = Parsed()
    hours: dict[datetime, list[ParsedNumber]] = {}
    for record in records:
        if not isinstance(record, Mapping):
            parsed.issues.append(Issue("not_a_record", "a data entry that is not an object", "",
                                       station_id))
            continue
        kept = allowed_only(record, READING_FIELDS)
        del record
        found = _reading(kept, station_id, now, future_tolerance, parsed)
        if found is not None:
            hours.setdefault(_hour(found[0]), []).append(found[1])
    averaged = 0
    for hour in sorted(hours):
        values = [item.value for item in hours[hour] if item.value is not None]
        if values:
            averaged += len(hours[hour]) > 1
            value = ParsedNumber(round(math.fsum(values) / len(values), 1), "ok")
        else:
            value = hours[hour][0]
        parsed.readings.append(build_reading(station_id, hour, value, ParsedNumber(None, "ok")))
    if averaged:
        parsed.notes.append(f"{averaged} hours had several values: their mean stored")
    return parsed


def seen_note(seen: Sequence[str] | set[str]) -> str:
    """The upstream names used, for the job report: ``pm25=pm2_5, station_id=dustboy_id``."""
    return ", ".join(sorted(seen))

