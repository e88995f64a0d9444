"""One measurement of the national store, checked, and written as a line of PostgreSQL COPY
(CSV format). Pure: no CKAN, no database.

A measurement is one value of one ``parameter`` ('pm25', 'pm10', ...) for one series (a
station, a sensor, a grid cell or an administrative area: ``air4thai:L1``) and one UTC hour.
Text is always written quoted, so an empty string stays an empty string; a missing value is an
unquoted empty field, which COPY reads as NULL.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from ckanext.pm25.common.text import has_unwritable, shown

COLUMNS: tuple[str, ...] = ("series_id", "parameter", "hour_utc", "value", "mean_24h", "aqi_th",
                            "aqi_us", "quality_flag", "source", "licence")
KEY: tuple[str, ...] = ("series_id", "parameter", "hour_utc")
VALUES: tuple[str, ...] = tuple(column for column in COLUMNS if column not in KEY)

_PARAMETER = re.compile(r"[a-z][a-z0-9_.]{0,31}")
MAX_TEXT = 500  # characters of a series id, flag, source or licence
MAX_AQI = 32767  # the DataStore column is int; an AQI above this is a unit mistake
Number = int | float | Decimal


class InvalidMeasurement(ValueError):
    """A measurement the store refuses; the message names the field and the value."""


@dataclass(frozen=True)
class Measurement:
    series_id: str
    parameter: str
    hour_utc: datetime
    value: Number | None
    mean_24h: Number | None = None
    aqi_th: int | None = None
    aqi_us: int | None = None
    quality_flag: str = "ok"
    source: str = ""
    licence: str | None = None


def _text(field: str, value: object, *, required: bool) -> str:
    if not isinstance(value, str):
        raise InvalidMeasurement(f"{field} must be text, not {shown(value)!r}")
    if required and not value.strip():
        raise InvalidMeasurement(f"{field} is empty")
    if has_unwritable(value) or len(value) > MAX_TEXT:
        raise InvalidMeasurement(f"{field} cannot be stored: {shown(value)!r}")
    return value


def _number(field: str, value: object) -> str:
    """A finite, non-negative concentration, written exactly (``repr`` of a float is its
    shortest exact form)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidMeasurement(f"{field} must be a number, not {shown(value)!r}")
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0:
            raise InvalidMeasurement(f"{field} must be a finite number ≥ 0, not {shown(value)}")
        return str(value)
    if not math.isfinite(value) or value < 0:
        raise InvalidMeasurement(f"{field} must be a finite number ≥ 0, not {shown(value)}")
    return repr(value)


def _aqi(field: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AQI:
        raise InvalidMeasurement(f"{field} must be a whole number from 0 to {MAX_AQI}, "
                                 f"not {shown(value)!r}")
    return str(value)


def _hour(value: object) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidMeasurement(f"hour_utc must be an aware datetime, not {shown(value)!r}")
    utc = value.astimezone(timezone.utc)
    if utc.minute or utc.second or utc.microsecond:
        raise InvalidMeasurement(f"hour_utc must be the start of an hour, not {utc.isoformat()}")
    return utc.strftime("%Y-%m-%d %H:00:00+00")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _series_part(series_id: object, parameter: object) -> str:
    parameter = _text("parameter", parameter, required=True)
    if not _PARAMETER.fullmatch(parameter):
        raise InvalidMeasurement(f"parameter must be a lower-case name like pm25, not "
                                 f"{shown(parameter)!r}")
    return f"{_quoted(_text('series_id', series_id, required=True))},{_quoted(parameter)},"


def _provenance_part(quality_flag: object, source: object, licence: object) -> str:
    return ",".join((
        _quoted(_text("quality_flag", quality_flag, required=True)),
        _quoted(_text("source", source, required=True)),
        "" if licence is None else _quoted(_text("licence", licence, required=False)),
    ))


def _values_part(m: Measurement) -> str:
    return ",".join((
        "" if m.value is None else _number("value", m.value),
        "" if m.mean_24h is None else _number("mean_24h", m.mean_24h),
        "" if m.aqi_th is None else _aqi("aqi_th", m.aqi_th),
        "" if m.aqi_us is None else _aqi("aqi_us", m.aqi_us),
    ))


def copy_line(measurement: Measurement) -> str:
    """The measurement as one CSV line of COPY, in :data:`COLUMNS` order, ending with a newline;
    raises :class:`InvalidMeasurement` for what the store cannot hold."""
    m = measurement
    return (f"{_series_part(m.series_id, m.parameter)}{_hour(m.hour_utc)},{_values_part(m)},"
            f"{_provenance_part(m.quality_flag, m.source, m.licence)}\n")


_CACHED = 4096  # distinct series, hours and provenances remembered while a batch is written


def copy_lines(measurements: Iterable[Measurement]) -> Iterator[str]:
    """Lines for COPY, made one at a time as COPY reads them: a measurement the store refuses
    raises while the batch is being written, so the batch fails as a whole. The text of a
    series, an hour or a provenance, checked once, is reused for the next measurements that
    share it (a batch has few of each)."""
    series: dict[tuple[object, object], str] = {}
    hours: dict[object, str] = {}
    provenance: dict[tuple[object, object, object], str] = {}
    for m in measurements:
        key = (m.series_id, m.parameter)
        try:
            hash((key, m.hour_utc, m.quality_flag, m.source, m.licence))
        except TypeError:  # not text or a datetime where one belongs: refused with its field
            yield copy_line(m)
            continue
        head = series.get(key)
        if head is None:
            if len(series) >= _CACHED:
                series.clear()
            head = series[key] = _series_part(*key)
        hour = hours.get(m.hour_utc)
        if hour is None:
            if len(hours) >= _CACHED:
                hours.clear()
            hour = hours[m.hour_utc] = _hour(m.hour_utc)
        tail_key = (m.quality_flag, m.source, m.licence)
        tail = provenance.get(tail_key)
        if tail is None:
            if len(provenance) >= _CACHED:
                provenance.clear()
            tail = provenance[tail_key] = _provenance_part(*tail_key)
        yield f"{head}{hour},{_values_part(m)},{tail}\n"


class LinesFile:
    """A read-only file over lines made on demand (what psycopg2's ``copy_expert`` reads), so a
    batch is never held in memory as one string. ``lines`` counts the lines handed out;
    ``error`` keeps what the lines' maker raised (the COPY driver reports it as its own error)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._pending = ""
        self.lines = 0
        self.error: Exception | None = None

    def read(self, size: int = -1) -> str:
        parts = [self._pending]
        length = len(self._pending)
        while size < 0 or length < size:
            try:
                line = next(self._lines, None)
            except Exception as error:
                self.error = error
                raise
            if line is None:
                break
            self.lines += 1
            parts.append(line)
            length += len(line)
        text = "".join(parts)
        if size < 0 or len(text) <= size:
            self._pending = ""
            return text
        self._pending = text[size:]
        return text[:size]

