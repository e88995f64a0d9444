"""A hotspot (an active-fire detection by a satellite: NASA FIRMS) as the hotspot store keeps
it, checked and written as a line of PostgreSQL COPY, and the store table's shape. Pure: no CKAN.

Hotspots are events, not hourly series: one row per detection, keyed by what identifies it
upstream (satellite, instrument, acquisition time, latitude, longitude), so a re-run of the same
days merges onto the same rows. ``day_th`` is the Thai calendar day of the acquisition, kept so
that counts per province and day are an index range, not a time-zone computation per row.
"""
from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from ckanext.pm25.common.text import has_unwritable, shown
from ckanext.pm25.common.times import thai_day
from ckanext.pm25.measurements.rows import MAX_TEXT, InvalidMeasurement
from ckanext.pm25.measurements.shapes import TableShape

CONFIDENCE_CLASSES: tuple[str, ...] = ("low", "nominal", "high")
DAY_NIGHT: tuple[str, ...] = ("day", "night")
HOTSPOT_STORE_NAME = "Hotspots, every detection"
_STORE_NAMESPACE = uuid.UUID("0b6f3d1e-5a43-4c1f-9d0e-6a2f1f2c9e71")


def hotspot_store_id(source_id: str) -> str:
    """The resource id of the hotspot store of harvest source ``source_id``: the harvester
    makes it, the dashboard finds it, from the source alone."""
    return str(uuid.uuid5(_STORE_NAMESPACE, f"hotspot-store:{source_id}"))


class InvalidHotspot(InvalidMeasurement):
    """A hotspot the store refuses; the message names the field and the value."""


@dataclass(frozen=True)
class Hotspot:
    """One detection. ``confidence`` is the class every instrument has (VIIRS gives it; a
    MODIS percentage is classed as FIRMS classes it), ``confidence_pct`` MODIS's 0–100 (None for
    VIIRS); ``brightness`` the fire channel's brightness temperature (VIIRS I-4, MODIS 21/22)
    and ``brightness_2`` the background channel's (VIIRS I-5, MODIS 31), in kelvin."""

    satellite: str
    instrument: str
    acquired_utc: datetime
    latitude: Decimal
    longitude: Decimal
    confidence: str | None = None
    confidence_pct: int | None = None
    frp: Decimal | None = None
    brightness: Decimal | None = None
    brightness_2: Decimal | None = None
    scan: Decimal | None = None
    track: Decimal | None = None
    daynight: str | None = None
    version: str | None = None
    province: str | None = None
    source: str = ""
    licence: str | None = None

    @property
    def key(self) -> tuple[str, str, datetime, Decimal, Decimal]:
        return (self.satellite, self.instrument, self.acquired_utc, self.latitude, self.longitude)


_TYPES: tuple[tuple[str, str], ...] = (
    ("satellite", "text"), ("instrument", "text"), ("acquired_utc", "timestamptz"),
    ("latitude", "numeric"), ("longitude", "numeric"), ("province", "text"), ("day_th", "date"),
    ("confidence", "text"), ("confidence_pct", "int"), ("frp", "numeric"),
    ("brightness", "numeric"), ("brightness_2", "numeric"), ("scan", "numeric"),
    ("track", "numeric"), ("daynight", "text"), ("version", "text"), ("source", "text"),
    ("licence", "text"),
)
COLUMNS: tuple[str, ...] = tuple(name for name, _ in _TYPES)
KEY: tuple[str, ...] = ("satellite", "instrument", "acquired_utc", "latitude", "longitude")


def _info(label: str, notes: str) -> dict[str, str]:
    return {"label": label, "notes": notes}


_FIELD_INFO: dict[str, dict[str, str]] = {
    "satellite": _info("Satellite", "ดาวเทียม (N = Suomi NPP, N20 = NOAA-20, N21 = NOAA-21, Terra, "
                                    "Aqua) / satellite"),
    "instrument": _info("Instrument", "เครื่องวัด VIIRS หรือ MODIS / instrument"),
    "acquired_utc": _info("Acquired (UTC)", "เวลาที่ดาวเทียมผ่าน เวลา UTC / acquisition time, UTC"),
    "latitude": _info("Latitude", "ละติจูด (WGS 84) ของจุดกลางพิกเซล / pixel centre latitude"),
    "longitude": _info("Longitude", "ลองจิจูด (WGS 84) ของจุดกลางพิกเซล / pixel centre longitude"),
    "province": _info("Province", "จังหวัด (ISO 3166-2:TH) / province code"),
    "day_th": _info("Day (Thai time)", "วันที่ตามเวลาประเทศไทย / calendar day in Thai time"),
    "confidence": _info("Confidence", "ความเชื่อมั่น low, nominal, high / detection confidence"),
    "confidence_pct": _info("Confidence (%)", "ความเชื่อมั่นของ MODIS 0–100 / MODIS confidence"),
    "frp": _info("Fire radiative power (MW)", "กำลังการแผ่รังสีของไฟ เมกะวัตต์ / FRP, MW"),
    "brightness": _info("Brightness temperature (K)",
                        "VIIRS I-4 หรือ MODIS ช่อง 21/22 / VIIRS I-4 or MODIS channel 21/22"),
    "brightness_2": _info("Background brightness temperature (K)",
                          "VIIRS I-5 หรือ MODIS ช่อง 31 / VIIRS I-5 or MODIS channel 31"),
    "scan": _info("Scan pixel size (km)", "ขนาดพิกเซลตามแนวกวาด / along scan"),
    "track": _info("Track pixel size (km)", "ขนาดพิกเซลตามแนวโคจร / along track"),
    "daynight": _info("Day or night", "กลางวัน (day) หรือกลางคืน (night) / day or night pass"),
    "version": _info("Version", "รุ่นของผลิตภัณฑ์ข้อมูล / product version"),
    "source": _info("Source", "แหล่งข้อมูลต้นทาง / the upstream source"),
    "licence": _info("Licence", "สัญญาอนุญาตของข้อมูล / the data's licence"),
}
FIELDS: tuple[dict[str, Any], ...] = tuple(
    {"id": name, "type": "int" if sql_type == "int" else sql_type, "info": _FIELD_INFO[name]}
    for name, sql_type in _TYPES)
# A province's days (counts, the province page), and every hotspot since an instant (the map).
INDEXES: tuple[str, ...] = ("province,day_th", "acquired_utc")


def _text(field: str, value: object, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidHotspot(f"{field} must be text, not {shown(value)!r}")
    if required and not value.strip():
        raise InvalidHotspot(f"{field} is empty")
    if has_unwritable(value) or len(value) > MAX_TEXT:
        raise InvalidHotspot(f"{field} cannot be stored: {shown(value)!r}")
    return '"' + value.replace('"', '""') + '"'


def _decimal(field: str, value: object, low: float, high: float, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidHotspot(f"{field} must be a number, not {shown(value)!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidHotspot(f"{field} must be a number from {low} to {high}, not {shown(value)}")
    return str(value) if not isinstance(value, float) else repr(value)


def _instant(value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidHotspot(f"acquired_utc must be an aware datetime, not {shown(value)!r}")
    return value.astimezone(timezone.utc)


def _choice(field: str, value: object, choices: tuple[str, ...]) -> str:
    if value is None:
        return ""
    if value not in choices:
        raise InvalidHotspot(f"{field} must be one of {', '.join(choices)}, not {shown(value)!r}")
    return str(value)


def copy_line(hotspot: Hotspot) -> str:
    """The hotspot as one CSV line of COPY, in :data:`COLUMNS` order; raises
    :class:`InvalidHotspot` for what the store cannot hold (a hotspot with no province: the
    store keeps Thailand's only)."""
    h = hotspot
    acquired = _instant(h.acquired_utc)
    pct = h.confidence_pct
    if pct is not None and (isinstance(pct, bool) or not isinstance(pct, int) or not 0 <= pct <= 100):
        raise InvalidHotspot(f"confidence_pct must be a whole number from 0 to 100, not {shown(pct)!r}")
    return ",".join((
        _text("satellite", h.satellite, required=True),
        _text("instrument", h.instrument, required=True),
        acquired.strftime("%Y-%m-%d %H:%M:%S+00"),
        _decimal("latitude", h.latitude, -90, 90, required=True),
        _decimal("longitude", h.longitude, -180, 180, required=True),
        _text("province", h.province, required=True),
        thai_day(acquired).isoformat(),
        _choice("confidence", h.confidence, CONFIDENCE_CLASSES),
        "" if pct is None else str(pct),
        _decimal("frp", h.frp, 0, 1e6),
        _decimal("brightness", h.brightness, 0, 1000),
        _decimal("brightness_2", h.brightness_2, 0, 1000),
        _decimal("scan", h.scan, 0, 100),
        _decimal("track", h.track, 0, 100),
        _choice("daynight", h.daynight, DAY_NIGHT),
        _text("version", h.version, required=False),
        _text("source", h.source, required=True),
        _text("licence", h.licence, required=False),
    )) + "\n"


def copy_lines(hotspots: Iterable[Hotspot]) -> Iterator[str]:
    """Lines for COPY, made as COPY reads them (a refused hotspot fails the batch as a whole)."""
    for hotspot in hotspots:
        yield copy_line(hotspot)


HOTSPOTS = TableShape(
    name="hotspots",
    column_types=_TYPES,
    key=KEY,
    not_null=frozenset({*KEY, "province", "day_th", "source"}),
    words=("satellite", "instrument", "province", "confidence", "daynight", "source", "licence"),
    numbers=("frp", "confidence_pct"),
    fields=FIELDS,
    indexes=INDEXES,
    copy_lines=copy_lines,
)
