"""Normalising of upstream records into stations and readings. Pure: no CKAN, no clock, no I/O.

Two kinds of trouble are kept apart:

- a whole payload that cannot be used (not JSON, an HTML error page served with 200, truncated
  JSON, the wrong shape, an empty station list) raises :class:`PayloadError`;
- a problem with one record never raises: it is reported as an :class:`Issue` in the result,
  and the record is either kept with a flag (a reading with a sentinel value, a station with
  swapped coordinates) or, when nothing usable is left (no station id, no timestamp), left out
  with the issue explaining why. Nothing is dropped silently.

Choices worth knowing:

- Values that are not a plausible concentration (sentinels, non-numeric, negative, above
  :data:`MAX_PLAUSIBLE_PM25`) become ``None`` and the reason goes into ``quality_flag``;
  the original text is kept in the issue's snippet.
- ``quality_flag`` is ``"ok"`` or the sorted, comma-joined set of problems of that reading
  (``"future,sentinel"``), so ``= 'ok'`` selects the clean rows.
- A future-dated reading keeps its value and is flagged ``future``; the caller decides whether
  to store it.
- Thai time is UTC+07:00 all year; Thai local timestamps are read by
  :func:`ckanext.pm25.common.times.parse_thai_datetime`. Where Air4Thai puts them (``date`` and
  ``time`` fields, a history row's ``DATETIMEDATA``) is this module's business.
- Coordinates that are swapped (latitude in ``long``, longitude in ``lat``) are unambiguous for
  Thailand, whose latitude and longitude ranges do not overlap: they are corrected and the
  station carries the flag ``coords_swapped`` (and an issue), so no data is lost and the fix
  is visible.
- ``aqi_th``/``aqi_us`` are computed from ``pm25_24h`` when present, else from the hourly
  ``pm25``. Both indices are defined on 24-hour means; the hourly fallback is an indication only.
- Air4Thai's latest snapshot value (``AQILast.PM25.value``) is reported to be the 24-hour
  rolling mean, so by default it goes into ``pm25_24h`` (see ``latest_value_is_24h``).
- History readings are stamped at the hour's beginning. Pass ``hour_label="ending"`` for a
  source that labels the hour by its end; the stamp is then moved back one hour.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from ckanext.pm25.aqi import thai_aqi, us_aqi
from ckanext.pm25.common.times import THAI_TZ, parse_thai_datetime

MAX_PLAUSIBLE_PM25 = 1000.0
DEFAULT_FUTURE_TOLERANCE = timedelta(minutes=60)
SNIPPET_LIMIT = 500

SENTINEL_TEXTS = frozenset({"-", "--", "n/a", "na", "nan", "null", "none"})
SENTINEL_NUMBERS = frozenset({-1.0, -999.0, -9999.0})

# Thailand's extent with a 0.5° margin.
LAT_RANGE = (5.6 - 0.5, 20.5 + 0.5)
LON_RANGE = (97.3 - 0.5, 105.7 + 0.5)

STATION_TYPES = ("GROUND", "BKK", "MOBILE")
OTHER_STATION_TYPE = "other"

DATASTORE_COLUMNS = (
    "station_id", "datetime_utc", "datetime_local", "pm25", "pm25_24h", "aqi_th", "aqi_us",
    "quality_flag",
)

NumberFlag = Literal["ok", "missing", "sentinel", "non_numeric", "negative", "out_of_range"]
HourLabel = Literal["beginning", "ending"]


class PayloadError(ValueError):
    """The whole payload is unusable. ``snippet`` holds the start of what was received."""

    def __init__(self, message: str, snippet: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.snippet = snippet[:SNIPPET_LIMIT]


@dataclass(frozen=True)
class Issue:
    """A problem with one upstream record. ``snippet`` is the record as JSON, ≤ 500 chars."""

    code: str
    message: str
    snippet: str
    station_id: str | None = None


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    flag: NumberFlag


@dataclass(frozen=True)
class Station:
    station_id: str
    name_th: str | None
    name_en: str | None
    area_th: str | None
    area_en: str | None
    station_type: str
    lat: float | None
    lon: float | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    station_id: str
    datetime_utc: datetime
    datetime_local: datetime
    pm25: float | None
    pm25_24h: float | None
    aqi_th: int | None
    aqi_us: int | None
    quality_flag: str


@dataclass
class LatestResult:
    stations: list[Station] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class HistoryResult:
    readings: list[Reading] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class CatalogPage:
    """One page of an agency CKAN ``package_search``: ``count`` is the total over all pages."""

    count: int
    datasets: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


# --- numbers ---------------------------------------------------------------------------------


def classify_number(value: object) -> ParsedNumber:
    """Parse an upstream number (string or number); sentinels and junk become None with a flag."""
    if value is None:
        return ParsedNumber(None, "missing")
    if isinstance(value, bool):
        return ParsedNumber(None, "non_numeric")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return ParsedNumber(None, "missing")
        if text.lower() in SENTINEL_TEXTS:
            return ParsedNumber(None, "sentinel")
        try:
            number = float(text)
        except ValueError:
            return ParsedNumber(None, "non_numeric")
    else:
        return ParsedNumber(None, "non_numeric")
    if not math.isfinite(number):
        return ParsedNumber(None, "non_numeric")
    if number in SENTINEL_NUMBERS:
        return ParsedNumber(None, "sentinel")
    return ParsedNumber(number, "ok")


def parse_number(value: object) -> float | None:
    """The number in ``value``, or None for sentinels (``-``, ``-1``, ``-999``, ``-9999``, ``N/A``),
    empty or non-numeric values. Use :func:`classify_number` to learn why."""
    return classify_number(value).value


def classify_concentration(value: object) -> ParsedNumber:
    """Like :func:`classify_number`, and also refuses negative and implausibly high values."""
    parsed = classify_number(value)
    if parsed.value is None:
        return parsed
    if parsed.value < 0:
        return ParsedNumber(None, "negative")
    if parsed.value > MAX_PLAUSIBLE_PM25:
        return ParsedNumber(None, "out_of_range")
    return parsed


def _is_buddhist_era(date_text: str) -> bool:
    head = date_text.strip()[:4]
    return head.isdigit() and int(head) > 2400


# --- readings --------------------------------------------------------------------------------


def build_reading(
    station_id: str,
    local_time: datetime,
    pm25: ParsedNumber,
    pm25_24h: ParsedNumber,
    extra_flags: Iterable[str] = (),
) -> Reading:
    """A reading with its AQIs computed (from the 24-hour mean when present, else hourly)."""
    flags: set[str] = {parsed.flag for parsed in (pm25, pm25_24h) if parsed.flag != "ok"}
    flags.update(extra_flags)
    aqi_input = pm25_24h.value if pm25_24h.value is not None else pm25.value
    aqi_th, aqi_us = thai_aqi(aqi_input), us_aqi(aqi_input)
    return Reading(
        station_id=station_id,
        datetime_utc=local_time.astimezone(timezone.utc),
        datetime_local=local_time.astimezone(THAI_TZ),
        pm25=pm25.value,
        pm25_24h=pm25_24h.value,
        aqi_th=aqi_th.value if aqi_th else None,
        aqi_us=aqi_us.value if aqi_us else None,
        quality_flag=",".join(sorted(flags)) if flags else "ok",
    )


def reading_to_row(reading: Reading) -> dict[str, Any]:
    """The DataStore row of a reading; times as ISO 8601 (UTC with ``Z``, local with +07:00)."""
    return {
        "station_id": reading.station_id,
        "datetime_utc": reading.datetime_utc.astimezone(timezone.utc)
        .isoformat()
        .replace("+00:00", "Z"),
        "datetime_local": reading.datetime_local.astimezone(THAI_TZ).isoformat(),
        "pm25": reading.pm25,
        "pm25_24h": reading.pm25_24h,
        "aqi_th": reading.aqi_th,
        "aqi_us": reading.aqi_us,
        "quality_flag": reading.quality_flag,
    }


_NOT_OK_MESSAGES = {
    "missing": "no value",
    "sentinel": "sentinel value (no data)",
    "non_numeric": "value is not a number",
    "negative": "negative concentration",
    "out_of_range": f"concentration above {MAX_PLAUSIBLE_PM25:g} µg/m³",
}


class _Collector:
    """Collects issues, each with a snippet of the record it is about."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, code: str, message: str, record: object, station_id: str | None = None) -> None:
        self.issues.append(Issue(code, message, snippet_of(record), station_id))

    def value_flags(self, parsed: Iterable[tuple[str, ParsedNumber]], record: object,
                    station_id: str) -> None:
        for name, number in parsed:
            if number.flag != "ok":
                self.add(number.flag, f"{name}: {_NOT_OK_MESSAGES[number.flag]}", record,
                         station_id)

    def check_future(self, local_time: datetime, now: datetime, tolerance: timedelta,
                     record: object, station_id: str) -> list[str]:
        if local_time - now > tolerance:
            self.add("future", f"reading dated {local_time.isoformat()}, after {now.isoformat()}",
                     record, station_id)
            return ["future"]
        return []


ERROR_LIMIT = 200  # characters of an upstream error message quoted


def _json_kind(payload: Any) -> str:
    """What a decoded JSON value is, without its content."""
    if payload is None:
        return "null"
    if isinstance(payload, bool):
        return "true/false"
    if isinstance(payload, (int, float)):
        return "a number"
    return "a list" if isinstance(payload, list) else "a text"


def snippet_of(record: object) -> str:
    """A record as compact JSON (Thai kept readable), cut to 500 characters."""
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        text = repr(record)
    return text[:SNIPPET_LIMIT]


# --- payloads --------------------------------------------------------------------------------


def load_payload(raw: str | bytes | bytearray | Mapping[str, Any] | list[Any]) -> Any:
    """Decode a JSON payload, or pass through one already decoded. Raises PayloadError for HTML,
    truncated or otherwise invalid JSON."""
    if not isinstance(raw, (str, bytes, bytearray)):
        return raw
    text = raw.decode("utf-8-sig", errors="replace") if isinstance(raw, (bytes, bytearray)) else raw
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise PayloadError("empty response body", "")
    if stripped.startswith("<"):
        raise PayloadError("received HTML or XML, expected JSON", stripped[:300])
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as error:
        raise PayloadError(f"invalid or truncated JSON: {error}", stripped[:300]) from error


def _stations_list(payload: Any, source: str) -> list[Any]:
    # A response that is not of the format at all is not quoted: the URL may not be Air4Thai.
    if not isinstance(payload, dict):
        raise PayloadError(f"{source}: expected a JSON object, got {_json_kind(payload)}")
    stations = payload.get("stations")
    if not isinstance(stations, list):
        raise PayloadError(f"{source}: no 'stations' list (not an Air4Thai response)")
    if not stations:
        raise PayloadError(f"{source}: empty station list", snippet_of(payload))
    return stations


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


# --- stations --------------------------------------------------------------------------------


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _station_id(record: Mapping[str, Any]) -> str | None:
    return _text(record, "stationID")


def _in_thailand(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _coordinates(record: Mapping[str, Any], station_id: str, collector: _Collector,
                 ) -> tuple[float | None, float | None, list[str]]:
    lat_raw, lon_raw = record.get("lat"), record.get("long", record.get("lon"))
    lat, lon = classify_number(lat_raw), classify_number(lon_raw)
    if lat.value is None or lon.value is None:
        worst = "coords_missing" if {lat.flag, lon.flag} <= {"ok", "missing", "sentinel"} \
            else "coords_non_numeric"
        collector.add(worst, f"coordinates unusable: lat={lat_raw!r} long={lon_raw!r}", record,
                      station_id)
        return None, None, [worst]
    if lat.value == 0 and lon.value == 0:
        collector.add("coords_zero", "coordinates are 0,0", record, station_id)
        return None, None, ["coords_zero"]
    if _in_thailand(lat.value, lon.value):
        return lat.value, lon.value, []
    if _in_thailand(lon.value, lat.value):
        collector.add("coords_swapped", f"lat/long swapped ({lat_raw!r}, {lon_raw!r}); corrected",
                      record, station_id)
        return lon.value, lat.value, ["coords_swapped"]
    collector.add("coords_outside_thailand",
                  f"coordinates outside Thailand: lat={lat_raw!r} long={lon_raw!r}", record,
                  station_id)
    return None, None, ["coords_outside_thailand"]


def _normalise_station(record: Mapping[str, Any], collector: _Collector) -> Station | None:
    station_id = _station_id(record)
    if station_id is None:
        collector.add("missing_station_id", "station record without stationID", record)
        return None
    lat, lon, flags = _coordinates(record, station_id, collector)
    raw_type = (_text(record, "stationType") or "").upper()
    station_type = raw_type if raw_type in STATION_TYPES else OTHER_STATION_TYPE
    if station_type == OTHER_STATION_TYPE:
        flags.append("unknown_station_type")
        collector.add("unknown_station_type", f"stationType {record.get('stationType')!r}",
                      record, station_id)
    return Station(
        station_id=station_id,
        name_th=_text(record, "nameTH"),
        name_en=_text(record, "nameEN"),
        area_th=_text(record, "areaTH"),
        area_en=_text(record, "areaEN"),
        station_type=station_type,
        lat=lat,
        lon=lon,
        flags=tuple(flags),
    )


# --- Air4Thai latest -------------------------------------------------------------------------


def _latest_stamp(record: Mapping[str, Any]) -> tuple[int, str]:
    """Sort key for duplicate stations: a readable AQILast time beats none, later beats earlier."""
    last = record.get("AQILast")
    if isinstance(last, Mapping):
        try:
            stamp = parse_thai_datetime(str(last.get("date", "")), str(last.get("time", "")))
            return 1, stamp.astimezone(timezone.utc).isoformat()
        except (ValueError, TypeError):
            pass
    return 0, ""


def _deduplicate(records: list[Any], collector: _Collector) -> list[Mapping[str, Any]]:
    """One record per station id: the latest AQILast, the first seen on a tie. Order is kept."""
    chosen: dict[str, int] = {}
    kept: list[Any] = []
    for record in records:
        if not isinstance(record, Mapping):
            collector.add("bad_record", "station entry is not an object", record)
            continue
        station_id = _station_id(record)
        if station_id is None:
            collector.add("missing_station_id", "station record without stationID", record)
            continue
        if station_id not in chosen:
            chosen[station_id] = len(kept)
            kept.append(record)
            continue
        position = chosen[station_id]
        current = kept[position]
        if _latest_stamp(record) > _latest_stamp(current):
            kept[position], dropped = record, current
        else:
            dropped = record
        collector.add("duplicate_station",
                      f"station {station_id} appears more than once; kept the latest AQILast",
                      dropped, station_id)
    return kept


def parse_air4thai_latest(
    payload: str | bytes | Mapping[str, Any],
    *,
    now: datetime,
    future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE,
    latest_value_is_24h: bool = True,
) -> LatestResult:
    """Stations and their latest readings from ``getNewAQI_JSON.php``.

    ``now`` (aware) is the harvest time used to flag future-dated readings.
    """
    _require_aware(now)
    records = _stations_list(load_payload(payload), "Air4Thai latest")
    collector = _Collector()
    result = LatestResult()
    unique = _deduplicate(records, collector)
    duplicated = {issue.station_id for issue in collector.issues
                  if issue.code == "duplicate_station"}
    for record in unique:
        station = _normalise_station(record, collector)
        if station is None:
            continue
        if station.station_id in duplicated:
            station = replace(station, flags=(*station.flags, "duplicate_id"))
        result.stations.append(station)
        reading = _latest_reading(record, station.station_id, now, future_tolerance,
                                  latest_value_is_24h, collector)
        if reading is not None:
            result.readings.append(reading)
    result.issues = collector.issues
    return result


def _latest_reading(record: Mapping[str, Any], station_id: str, now: datetime,
                    future_tolerance: timedelta, latest_value_is_24h: bool,
                    collector: _Collector) -> Reading | None:
    last = record.get("AQILast")
    if not isinstance(last, Mapping):
        collector.add("no_latest_reading", "station has no AQILast", record, station_id)
        return None
    date_text, time_text = last.get("date"), last.get("time")
    try:
        local_time = parse_thai_datetime(str(date_text), str(time_text))
    except (ValueError, TypeError):
        collector.add("bad_datetime", f"unreadable AQILast date/time {date_text!r} {time_text!r}",
                      record, station_id)
        return None
    if _is_buddhist_era(str(date_text)):
        collector.add("buddhist_era_year", "year given in the Buddhist Era; converted", record,
                      station_id)
    pm25_block = last.get("PM25")
    raw_value = pm25_block.get("value") if isinstance(pm25_block, Mapping) else None
    value = classify_concentration(raw_value)
    absent = ParsedNumber(None, "ok")
    collector.value_flags([("PM25", value)], record, station_id)
    extra = collector.check_future(local_time, now, future_tolerance, record, station_id)
    if latest_value_is_24h:
        return build_reading(station_id, local_time, absent, value, extra)
    return build_reading(station_id, local_time, value, absent, extra)


# --- Air4Thai history ------------------------------------------------------------------------


def _pm25_field(row: Mapping[str, Any]) -> object:
    for key in ("PM25", "pm25", "PM2.5", "pm2.5", "PM2_5"):
        if key in row:
            return row[key]
    return None


def parse_air4thai_history(
    payload: str | bytes | Mapping[str, Any],
    *,
    now: datetime,
    future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE,
    hour_label: HourLabel = "beginning",
) -> HistoryResult:
    """Hourly readings from either history form (``/webV2/history/api/data.php`` or
    ``/forweb/getHistoryData.php``, which wraps the same list with ``"result": "OK"``).

    Values go into ``pm25`` (hourly); ``pm25_24h`` stays None. Duplicate (station, hour) rows
    keep the first and are reported.
    """
    _require_aware(now)
    payload = load_payload(payload)
    if isinstance(payload, dict) and "result" in payload and payload["result"] != "OK":
        raise PayloadError(f"Air4Thai history: result {payload['result']!r}", snippet_of(payload))
    records = _stations_list(payload, "Air4Thai history")
    shift = timedelta(hours=-1) if hour_label == "ending" else timedelta(0)
    collector = _Collector()
    result = HistoryResult()
    seen: set[tuple[str, datetime]] = set()
    for record in records:
        if not isinstance(record, Mapping):
            collector.add("bad_record", "station entry is not an object", record)
            continue
        station_id = _station_id(record)
        if station_id is None:
            collector.add("missing_station_id", "station record without stationID", record)
            continue
        rows = record.get("data")
        if not isinstance(rows, list):
            collector.add("no_data", "station entry has no 'data' list", record, station_id)
            continue
        if not rows:
            collector.add("no_data", "station has no readings in the range", record, station_id)
        for row in rows:
            reading = _history_reading(row, station_id, now, future_tolerance, shift, collector)
            if reading is None:
                continue
            key = (reading.station_id, reading.datetime_utc)
            if key in seen:
                collector.add("duplicate_reading", "second reading for the same hour; kept the "
                              "first", row, station_id)
                continue
            seen.add(key)
            result.readings.append(reading)
    result.issues = collector.issues
    return result


def _history_reading(row: object, station_id: str, now: datetime, future_tolerance: timedelta,
                     shift: timedelta, collector: _Collector) -> Reading | None:
    if not isinstance(row, Mapping):
        collector.add("bad_record", "history row is not an object", row, station_id)
        return None
    stamp = row.get("DATETIMEDATA")
    try:
        local_time = parse_thai_datetime(str(stamp)) + shift
    except (ValueError, TypeError):
        collector.add("bad_datetime", f"unreadable DATETIMEDATA {stamp!r}", row, station_id)
        return None
    if _is_buddhist_era(str(stamp)):
        collector.add("buddhist_era_year", "year given in the Buddhist Era; converted", row,
                      station_id)
    value = classify_concentration(_pm25_field(row))
    collector.value_flags([("PM25", value)], row, station_id)
    extra = collector.check_future(local_time, now, future_tolerance, row, station_id)
    return build_reading(station_id, local_time, value, ParsedNumber(None, "ok"), extra)


# --- agency CKAN catalogues ------------------------------------------------------------------


def _action_result(payload: Any, action: str) -> Any:
    payload = load_payload(payload)
    # A response that is not a CKAN action API answer is not quoted: the URL may be any service.
    if not isinstance(payload, dict):
        raise PayloadError(f"{action}: expected a JSON object, got {_json_kind(payload)}")
    if not isinstance(payload.get("success"), bool):
        raise PayloadError(f"{action}: not a CKAN action API response (no 'success')")
    if payload["success"] is not True:
        error = payload.get("error")
        raise PayloadError(f"{action}: success is not true: {snippet_of(error)[:ERROR_LIMIT]}")
    if "result" not in payload:
        raise PayloadError(f"{action}: no 'result'", snippet_of(payload))
    return payload["result"]


def parse_package_search(payload: str | bytes | Mapping[str, Any]) -> CatalogPage:
    """One page of a CKAN ``package_search`` response. Entries that are not datasets (no object,
    no ``name``/``id``) are reported and left out."""
    result = _action_result(payload, "package_search")
    if not isinstance(result, dict):
        raise PayloadError("package_search: 'result' is not an object", snippet_of(result))
    count, results = result.get("count"), result.get("results")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise PayloadError("package_search: 'count' is not a non-negative integer",
                           snippet_of(result))
    if not isinstance(results, list):
        raise PayloadError("package_search: 'results' is not a list", snippet_of(result))
    collector = _Collector()
    page = CatalogPage(count=count)
    for dataset in results:
        if not isinstance(dataset, dict) or not (dataset.get("id") or dataset.get("name")):
            collector.add("bad_dataset", "search result without id or name", dataset)
            continue
        page.datasets.append(dataset)
    page.issues = collector.issues
    return page


def parse_package_show(payload: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """The dataset of a CKAN ``package_show`` response."""
    result = _action_result(payload, "package_show")
    if not isinstance(result, dict) or not (result.get("id") or result.get("name")):
        raise PayloadError("package_show: 'result' is not a dataset", snippet_of(result))
    return result
