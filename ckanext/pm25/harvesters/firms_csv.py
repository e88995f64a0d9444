"""NASA FIRMS active-fire CSV (VIIRS and MODIS) read defensively into hotspots. Pure: no CKAN.

Columns are found by their header names, so the country form's leading ``country_id`` column
and a future added column do not matter. VIIRS has ``bright_ti4``/``bright_ti5`` and confidence
``l``/``n``/``h``; MODIS has ``brightness``/``bright_t31`` and confidence 0–100, classed as FIRMS
classes it (below 30 low, below 80 nominal, else high) with the percentage kept. ``acq_time`` is
HHMM in UTC and may come without its leading zeros (``7`` is 00:07, ``130`` is 01:30).

A body that is not such a CSV at all (empty, an HTML page, FIRMS' plain-text error such as
``Invalid MAP_KEY.``, a header without latitude/longitude) raises :class:`PayloadError`; a bad
line (wrong column count, a truncated last line, an unreadable value) is an :class:`Issue` and
the other lines are used. A header alone is a valid answer (no detections in the period).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ckanext.pm25.harvesters.normalise import Issue, PayloadError
from ckanext.pm25.measurements.hotspots import Hotspot

SENSORS: dict[str, tuple[str, str]] = {  # FIRMS SOURCE → (instrument, satellite)
    "VIIRS_SNPP_NRT": ("VIIRS", "N"),
    "VIIRS_NOAA20_NRT": ("VIIRS", "N20"),
    "VIIRS_NOAA21_NRT": ("VIIRS", "N21"),
    "MODIS_NRT": ("MODIS", ""),
}
# What FIRMS has written in its satellite column, to one name per satellite.
_SATELLITES = {"N": "N", "NPP": "N", "SNPP": "N", "N20": "N20", "1": "N20", "NOAA-20": "N20",
               "N21": "N21", "2": "N21", "NOAA-21": "N21", "T": "Terra", "TERRA": "Terra",
               "A": "Aqua", "AQUA": "Aqua"}
_VIIRS_CONFIDENCE = {"l": "low", "low": "low", "n": "nominal", "nominal": "nominal",
                     "h": "high", "high": "high"}
_DAY_NIGHT = {"D": "day", "N": "night"}
_REQUIRED = ("latitude", "longitude", "acq_date", "acq_time")
SNIPPET = 300


@dataclass
class ParsedCsv:
    hotspots: list[Hotspot] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    lines: int = 0  # data lines read (used or not)

    @property
    def header_only(self) -> bool:
        return self.lines == 0


def _snippet(text: str) -> str:
    return text.strip()[:SNIPPET]


def _check_body(text: str) -> None:
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise PayloadError("empty body: no CSV header")
    if stripped[:1] == "<":
        raise PayloadError("an HTML/XML page instead of CSV", _snippet(stripped))
    header = stripped.splitlines()[0].lower()
    names = {name.strip() for name in header.split(",")}
    missing = [name for name in _REQUIRED if name not in names]
    if missing:
        raise PayloadError(f"not a FIRMS CSV (no column {', '.join(missing)} in its first line)",
                           _snippet(stripped))


def _decimal(text: str | None) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {text.strip()[:40]!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {text.strip()[:40]!r}")
    return number


def acquired_at(day: str, hhmm: str) -> datetime:
    """``acq_date`` and ``acq_time`` (HHMM, UTC, leading zeros possibly dropped) as UTC."""
    digits = hhmm.strip()
    if not digits.isdigit() or len(digits) > 4:
        raise ValueError(f"acq_time is not HHMM: {hhmm.strip()[:20]!r}")
    digits = digits.zfill(4)
    hour, minute = int(digits[:2]), int(digits[2:])
    if hour > 23 or minute > 59:
        raise ValueError(f"acq_time is not a time of day: {hhmm.strip()!r}")
    try:
        date = datetime.strptime(day.strip(), "%Y-%m-%d")
    except ValueError:
        raise ValueError(f"acq_date is not YYYY-MM-DD: {day.strip()[:20]!r}") from None
    return date.replace(hour=hour, minute=minute, tzinfo=timezone.utc)


def _confidence(text: str, instrument: str) -> tuple[str | None, int | None]:
    value = text.strip()
    if not value:
        return None, None
    if value.lower() in _VIIRS_CONFIDENCE:
        return _VIIRS_CONFIDENCE[value.lower()], None
    if value.isdigit() and 0 <= int(value) <= 100:
        percent = int(value)
        return ("low" if percent < 30 else "nominal" if percent < 80 else "high"), percent
    raise ValueError(f"confidence is neither l/n/h nor 0–100: {value[:20]!r} ({instrument})")


def _hotspot(row: Mapping[str, str], sensor: str) -> Hotspot:
    instrument_default, satellite_default = SENSORS.get(sensor, ("", ""))
    latitude, longitude = _decimal(row.get("latitude")), _decimal(row.get("longitude"))
    if latitude is None or longitude is None:
        raise ValueError("no latitude or longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates out of range: {latitude}, {longitude}")
    instrument = (row.get("instrument") or "").strip().upper() or instrument_default
    if instrument not in ("VIIRS", "MODIS"):
        raise ValueError(f"unknown instrument {instrument[:20]!r}")
    raw_satellite = (row.get("satellite") or "").strip()
    satellite = _SATELLITES.get(raw_satellite.upper(), raw_satellite[:20]) or satellite_default
    if not satellite:
        raise ValueError("no satellite")
    confidence, percent = _confidence(row.get("confidence") or "", instrument)
    frp = _decimal(row.get("frp"))
    if frp is not None and frp < 0:
        raise ValueError(f"negative frp: {frp}")
    daynight = (row.get("daynight") or "").strip().upper()
    return Hotspot(
        satellite=satellite, instrument=instrument,
        acquired_utc=acquired_at(row.get("acq_date") or "", row.get("acq_time") or ""),
        latitude=latitude, longitude=longitude, confidence=confidence, confidence_pct=percent,
        frp=frp,
        brightness=_decimal(row.get("bright_ti4") or row.get("brightness")),
        brightness_2=_decimal(row.get("bright_ti5") or row.get("bright_t31")),
        scan=_decimal(row.get("scan")), track=_decimal(row.get("track")),
        daynight=_DAY_NIGHT.get(daynight), version=(row.get("version") or "").strip()[:20] or None)


def parse_firms_csv(text: str, sensor: str) -> ParsedCsv:
    """The hotspots of a FIRMS CSV answer for ``sensor`` (a FIRMS SOURCE such as
    ``VIIRS_SNPP_NRT``: it names the instrument and satellite when a line leaves them out).
    Raises :class:`PayloadError` when the body is not a FIRMS CSV at all."""
    _check_body(text)
    body = text.lstrip("\ufeff \t\r\n")
    ends_cleanly = body.endswith(("\n", "\r"))
    reader = csv.reader(io.StringIO(body))
    header = [name.strip().lower() for name in next(reader)]
    parsed = ParsedCsv()
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows and not ends_cleanly:
        raise PayloadError("truncated: the body ends inside its header line", _snippet(body))
    for number, cells in enumerate(rows, start=2):
        parsed.lines += 1
        snippet = json.dumps(",".join(cells)[:SNIPPET], ensure_ascii=False)
        last = number == len(rows) + 1
        if len(cells) != len(header):
            if last and not ends_cleanly and len(cells) < len(header):
                parsed.issues.append(Issue("truncated", f"line {number} is cut short "
                                           f"({len(cells)} of {len(header)} columns): the body "
                                           f"ended mid-line", snippet))
            else:
                parsed.issues.append(Issue("wrong_columns", f"line {number} has {len(cells)} "
                                           f"columns, the header {len(header)}", snippet))
            continue
        try:
            parsed.hotspots.append(_hotspot(dict(zip(header, cells, strict=True)), sensor))
        except ValueError as error:
            parsed.issues.append(Issue("bad_hotspot", f"line {number}: {error}", snippet))
    return parsed
