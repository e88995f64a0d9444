"""GISTDA's model PM2.5 records normalised (reference/sources.md section 2). Pure: no CKAN.

Series are areas: ``gistda:province:TH-52`` and ``gistda:district:<DOPA code>``; a district's
province is the first two digits of its DOPA code (the province's DOPA number, which is also
its ISO 3166-2:TH number).

Time: the timestamps carry ``Z`` but are reported to be Thai local time (*unverified*). Each
payload's timestamps are read one way, decided by :func:`decide_time_reading`:

1. the record says its hour in words (``datetimeEng.timeEng`` or ``datetimeThai.timeThai``,
   Thai clock): the newest stamp's clock hour equal to it means Thai time, seven hours behind
   it means UTC;
2. otherwise the harvest time: read as UTC, a newest stamp more than the tolerance after the
   harvest is impossible, so Thai time;
3. when both readings are possible, the reference's (Thai time) is kept, and the note says it
   was assumed.

Each decision is recorded as a note on the job (:func:`time_notes`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from ckanext.pm25.common.times import THAI_TZ, UTC, floor_hour
from ckanext.pm25.geo import provinces
from ckanext.pm25.harvesters.normalise import (Issue, PayloadError, classify_concentration,
                                               load_payload, snippet_of)

SERIES_PREFIX = "gistda:"
TimeReading = Literal["thai", "utc"]
THAI_OFFSET = timedelta(hours=7)
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")
_DISTRICT_CODE = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Area:
    kind: Literal["province", "district"]
    code: str  # TH-52 for a province, the DOPA code (5201) for a district
    province: str  # ISO 3166-2:TH
    name_th: str | None
    name_en: str | None

    @property
    def series_id(self) -> str:
        return f"{SERIES_PREFIX}{self.kind}:{self.code}"


@dataclass(frozen=True)
class AreaReading:
    hour_utc: datetime
    value: float | None
    quality_flag: str


@dataclass(frozen=True)
class TimeDecision:
    reading: TimeReading
    rule: str  # how it was decided, for the job's notes


@dataclass(frozen=True)
class AreaSeries:
    """One area's hourly model values (oldest first) and upstream's 24-hour mean of the newest."""

    area: Area
    readings: tuple[AreaReading, ...]
    mean_24h: float | None
    time: TimeDecision | None

    @property
    def latest(self) -> AreaReading | None:
        return self.readings[-1] if self.readings else None


@dataclass(frozen=True)
class ForecastDay:
    day: date  # a Thai day
    value: float | None
    quality_flag: str


@dataclass(frozen=True)
class DistrictForecast:
    area: Area
    days: tuple[ForecastDay, ...]
    time: TimeDecision | None


@dataclass
class Parsed:
    series: list[AreaSeries] = field(default_factory=list)
    forecasts: list[DistrictForecast] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def province_series_id(code: str) -> str:
    return f"{SERIES_PREFIX}province:{code}"


def district_province(code: object) -> str | None:
    """The ISO 3166-2:TH code of a district's province, from its DOPA code; None when the code
    is not four digits or its first two name no province."""
    text = str(code).strip() if isinstance(code, (str, int)) and not isinstance(code, bool) else ""
    if not _DISTRICT_CODE.fullmatch(text):
        return None
    province = provinces.by_code(text[:2])
    return province.code if province else None


# --- time ------------------------------------------------------------------------------------


def _naive_stamp(value: object) -> datetime | None:
    """A ``2026-12-07T17:00:00.000Z`` stamp as its wall-clock (no zone); None when unreadable."""
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("Zz")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else None


def _said_hour(record: Mapping[str, Any]) -> int | None:
    """The Thai clock hour a record states in words, if it does."""
    for block, key in (("datetimeEng", "timeEng"), ("datetimeThai", "timeThai")):
        words = record.get(block)
        text = words.get(key) if isinstance(words, Mapping) else None
        match = _CLOCK.search(text) if isinstance(text, str) else None
        if match and int(match[1]) < 24:
            return int(match[1])
    return None


def decide_time_reading(newest: datetime, said_hour: int | None, now: datetime,
                        tolerance: timedelta) -> TimeDecision:
    """How to read a payload's ``Z`` stamps (see the module's docstring); ``newest`` is the
    newest stamp's wall clock."""
    if said_hour is not None:
        if newest.hour == said_hour:
            return TimeDecision("thai", f"the newest stamp {newest:%H:%M}Z is the hour the record "
                                        f"states in Thai time ({said_hour:02d}:00)")
        if (newest + THAI_OFFSET).hour == said_hour:
            return TimeDecision("utc", f"the newest stamp {newest:%H:%M}Z is seven hours before the "
                                       f"hour the record states in Thai time ({said_hour:02d}:00)")
    as_utc = newest.replace(tzinfo=UTC)
    if as_utc - now > tolerance:
        return TimeDecision("thai", f"read as UTC the newest stamp {newest:%Y-%m-%d %H:%M}Z would be "
                                    f"after the harvest ({now:%Y-%m-%d %H:%M} UTC)")
    return TimeDecision("thai", "assumed as the reference reports: the stamps fit both readings "
                                "and the record states no hour")


def _instant(stamp: datetime, reading: TimeReading) -> datetime:
    zone = THAI_TZ if reading == "thai" else UTC
    return stamp.replace(tzinfo=zone).astimezone(UTC)


# --- records ---------------------------------------------------------------------------------


def _text(record: Mapping[str, Any], key: str) -> str | None:
    loc = record.get("loc")
    value = loc.get(key) if isinstance(loc, Mapping) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _pairs(record: Mapping[str, Any], key: str, area: Area, issues: list[Issue]
           ) -> list[tuple[datetime, object]]:
    """The ``[value, stamp]`` pairs of ``key``; a pair that is not one is an issue."""
    raw = record.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        issues.append(Issue("wrong_type", f"{key} of {area.series_id} is not a list", snippet_of(raw),
                            area.series_id))
        return []
    pairs = []
    for item in raw:
        stamp = _naive_stamp(item[1]) if isinstance(item, list) and len(item) == 2 else None
        if stamp is None:
            issues.append(Issue("bad_record", f"an entry of {key} of {area.series_id} is not "
                                              f"[value, timestamp]", snippet_of(item), area.series_id))
            continue
        pairs.append((stamp, item[0]))
    return pairs


def _series(record: Mapping[str, Any], area: Area, now: datetime, tolerance: timedelta,
            issues: list[Issue]) -> AreaSeries:
    pairs = _pairs(record, "graphHistory24hrs", area, issues)
    mean = classify_concentration(record.get("pm25Avg24hrs"))
    if not pairs:
        issues.append(Issue("no_history", f"{area.series_id} has no graphHistory24hrs",
                            snippet_of(record), area.series_id))
        return AreaSeries(area, (), None, None)
    decision = decide_time_reading(max(stamp for stamp, _ in pairs), _said_hour(record), now,
                                   tolerance)
    readings: dict[datetime, AreaReading] = {}
    for stamp, raw in pairs:
        hour = _instant(stamp, decision.reading)
        if hour != floor_hour(hour):
            issues.append(Issue("bad_record", f"{area.series_id}: {stamp:%H:%M} is not the start of "
                                              f"an hour", snippet_of([raw, str(stamp)]), area.series_id))
            continue
        if hour - now > tolerance:
            issues.append(Issue("future", f"{area.series_id}: a value dated {hour:%Y-%m-%d %H:%M} UTC, "
                                          f"after the harvest", snippet_of([raw, str(stamp)]),
                                area.series_id))
            continue
        parsed = classify_concentration(raw)
        readings[hour] = AreaReading(hour, parsed.value, parsed.flag)
    ordered = tuple(readings[hour] for hour in sorted(readings))
    return AreaSeries(area, ordered, mean.value, decision)


def _records(payload: Any, what: str, many: bool) -> list[Any]:
    if not isinstance(payload, Mapping):
        raise PayloadError(f"the {what} is not a JSON object", snippet_of(payload))
    data = payload.get("data")
    if many and not isinstance(data, list):
        raise PayloadError(f"the {what} has no list under data", snippet_of(payload))
    if not many and not isinstance(data, Mapping):
        raise PayloadError(f"the {what} has no record under data", snippet_of(payload))
    return list(data) if isinstance(data, list) else [data]


def parse_provinces(raw: Any, *, now: datetime, tolerance: timedelta) -> Parsed:
    """``/rest/getPm25byProvince``: one series per known province; a record of an unknown
    province code, or one that is not a record, is an issue. Raises PayloadError for a payload
    that is not one (HTML, truncated JSON, no list)."""
    result = Parsed()
    seen: set[str] = set()
    for record in _records(load_payload(raw), "province list", many=True):
        if not isinstance(record, Mapping):
            result.issues.append(Issue("bad_record", "a province record is not an object",
                                       snippet_of(record)))
            continue
        code = record.get("pv_idn")
        province = provinces.by_code(code) if isinstance(code, (int, str)) \
            and not isinstance(code, bool) and str(code).strip().isdigit() else None
        if province is None:
            result.issues.append(Issue("unknown_province", f"unknown province code {code!r}",
                                       snippet_of(record)))
            continue
        if province.code in seen:
            result.issues.append(Issue("duplicate_reading", f"{province.code} listed twice; the "
                                                            f"first kept", snippet_of(record)))
            continue
        seen.add(province.code)
        area = Area("province", province.code, province.code, _text(record, "pv_tn") or province.name_th,
                    _text(record, "pv_en") or province.name_en)
        result.series.append(_series(record, area, now, tolerance, result.issues))
    return result


def parse_district(raw: Any, *, province: str, now: datetime, tolerance: timedelta) -> Parsed:
    """``/rest/getPM25byAmphoe24hrs?ap_idn=``: the district's series, when its code is a district
    of ``province``."""
    result = Parsed()
    record = _records(load_payload(raw), "district record", many=False)[0]
    code = str(record.get("ap_idn") or "").strip()
    if district_province(code) != province:
        result.issues.append(Issue("unknown_district", f"district code {record.get('ap_idn')!r} is "
                                                       f"not a district of {province}",
                                   snippet_of(record)))
        return result
    area = Area("district", code, province, _text(record, "ap_tn"), _text(record, "ap_en"))
    result.series.append(_series(record, area, now, tolerance, result.issues))
    return result


def parse_forecast(raw: Any, *, province: str, now: datetime) -> Parsed:
    """``/rest/getPm25byAmphoePred3?pv_idn=``: each district's three forecast days. A forecast
    stamp is the start of its day, read as the district's history is (Thai time when the
    day starts at 00:00, UTC when it starts at 17:00)."""
    result = Parsed()
    for record in _records(load_payload(raw), "district forecast", many=True):
        if not isinstance(record, Mapping):
            result.issues.append(Issue("bad_record", "a forecast record is not an object",
                                       snippet_of(record)))
            continue
        code = str(record.get("ap_idn") or "").strip()
        if district_province(code) != province:
            result.issues.append(Issue("unknown_district", f"district code {record.get('ap_idn')!r} "
                                                           f"is not a district of {province}",
                                       snippet_of(record)))
            continue
        area = Area("district", code, province, _text(record, "ap_tn"), _text(record, "ap_en"))
        days: dict[date, ForecastDay] = {}
        decision: TimeDecision | None = None
        for stamp, raw_value in _pairs(record, "pm25Pred3", area, result.issues):
            if stamp.hour == 0:
                decision = TimeDecision("thai", "forecast days start at 00:00Z: Thai midnight")
                day = stamp.date()
            elif stamp.hour == 17:
                decision = TimeDecision("utc", "forecast days start at 17:00Z: Thai midnight in UTC")
                day = (stamp + THAI_OFFSET).date()
            else:
                result.issues.append(Issue("bad_record", f"{area.series_id}: forecast stamp "
                                                         f"{stamp:%H:%M} starts no Thai day",
                                           snippet_of(record), area.series_id))
                continue
            parsed = classify_concentration(raw_value)
            days[day] = ForecastDay(day, parsed.value, parsed.flag)
        result.forecasts.append(DistrictForecast(area, tuple(days[d] for d in sorted(days)), decision))
    return result


def time_notes(parsed: Sequence[AreaSeries | DistrictForecast]) -> list[str]:
    """One line per distinct reading of the stamps seen, with how often and why."""
    counts: dict[tuple[str, str], int] = {}
    for item in parsed:
        if item.time is not None:
            key = (item.time.reading, item.time.rule.split(":")[0] if item.time.rule.startswith(
                "forecast") else _rule_kind(item.time.rule))
            counts[key] = counts.get(key, 0) + 1
    words = {"thai": "Thai local time (the Z ignored)", "utc": "UTC (as the Z says)"}
    return [f"Timestamps read as {words[reading]} in {count} record(s): {why}"
            for (reading, why), count in sorted(counts.items())]


def _rule_kind(rule: str) -> str:
    if "states in Thai time" in rule:
        return "the newest stamp against the hour the record states in Thai time"
    if "after the harvest" in rule:
        return "read as UTC the newest stamp would be after the harvest"
    return rule


# --- harvest-object content (JSON) -----------------------------------------------------------


def _time_json(time: TimeDecision | None) -> dict[str, str] | None:
    return {"reading": time.reading, "rule": time.rule} if time else None


def _time_from(data: Any) -> TimeDecision | None:
    return TimeDecision(data["reading"], data["rule"]) if data else None


def _area_json(area: Area) -> dict[str, Any]:
    return {"kind": area.kind, "code": area.code, "province": area.province,
            "name_th": area.name_th, "name_en": area.name_en}


def series_to_json(series: AreaSeries) -> dict[str, Any]:
    return {"area": _area_json(series.area), "mean_24h": series.mean_24h,
            "time": _time_json(series.time),
            "readings": [[r.hour_utc.isoformat(), r.value, r.quality_flag] for r in series.readings]}


def series_from_json(data: Mapping[str, Any]) -> AreaSeries:
    readings = tuple(AreaReading(datetime.fromisoformat(hour), value, flag)
                     for hour, value, flag in data["readings"])
    return AreaSeries(Area(**data["area"]), readings, data["mean_24h"], _time_from(data["time"]))


def forecast_to_json(forecast: DistrictForecast) -> dict[str, Any]:
    return {"area": _area_json(forecast.area), "time": _time_json(forecast.time),
            "days": [[d.day.isoformat(), d.value, d.quality_flag] for d in forecast.days]}


def forecast_from_json(data: Mapping[str, Any]) -> DistrictForecast:
    days = tuple(ForecastDay(date.fromisoformat(day), value, flag) for day, value, flag in data["days"])
    return DistrictForecast(Area(**data["area"]), days, _time_from(data["time"]))


def issue_to_json(issue: Issue) -> dict[str, Any]:
    return {"code": issue.code, "message": issue.message, "snippet": issue.snippet,
            "station_id": issue.station_id}
