"""Time in ckanext-pm25: Thai time, hours, and the timestamp parsers. Pure: no CKAN.

Thai time is UTC+07:00 all year (no daylight saving since 1920), so a fixed offset is exact and
needs no tz database. Instants are aware datetimes; readings are stamped at the start of their
hour (:func:`floor_hour`).

Three parsers, because what they read differs on purpose:

- :func:`parse_utc`: a machine timestamp (our DataStore rows, ``2024-05-07 13:00:00`` as the
  DataStore returns them, ``2024-05-07T13:00:00Z``, an offset): without a zone it is UTC.
  Raises ``ValueError``; a stored value that cannot be read is a bug, not a user's mistake.
- :func:`parse_instant`: a period bound a person or API client types: ISO 8601 (without a zone,
  UTC) or a bare date, which means that day's Thai midnight (people ask for Thai days). Refused
  with a translatable :class:`PeriodError`.
- :func:`parse_thai_datetime`: Thai wall-clock time as Air4Thai and Thai agencies write it
  (``2024-05-07 20:00``, date and time apart, ``20.00 น.``, ``24:00``, Buddhist-era years),
  never with a zone: it is always +07:00.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.text import shown

UTC = timezone.utc
THAI_TZ = timezone(timedelta(hours=7), "+07:00")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_NOT_A_DATE_TIME = N_("Not a date-time: %(value)s (use ISO 8601, e.g. 2024-05-07T13:00:00Z)")
_OUT_OF_RANGE = N_("%(value)s is outside the dates this server can work with")
_THAI_STAMP = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[ T]+(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?:[:.](?P<second>\d{2}))?)?"
    r"(?:\s*น\.?)?"
)


class PeriodError(ValueError):
    """A time or period a caller gave cannot be used; ``message`` says why (English msgid)."""

    def __init__(self, message: str, field: str | None = None, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.field = field
        self.values = values


def utcnow() -> datetime:
    return datetime.now(UTC)


def floor_hour(instant: datetime) -> datetime:
    """The start of the instant's hour, in UTC (the same in Thai time: the offset is whole hours)."""
    return instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(instant: datetime) -> str:
    return instant.astimezone(THAI_TZ).isoformat(timespec="seconds")


def thai_day(instant: datetime) -> date:
    return instant.astimezone(THAI_TZ).date()


def thai_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=THAI_TZ).astimezone(UTC)


def parse_utc(value: object) -> datetime:
    """A machine timestamp (ISO 8601, ``T`` or a space, ``Z``, an offset or no zone = UTC) as an
    aware UTC datetime. Raises ValueError when unreadable."""
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_instant(value: object) -> datetime | date:
    """A period bound as typed, before any time-zone arithmetic: a ``datetime`` (aware, or naive
    meaning UTC) or a bare ``date``. Refused with a :class:`PeriodError` when unreadable."""
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise PeriodError(_NOT_A_DATE_TIME, value=shown(value)) from None
        return parsed.date() if len(text) == 10 else parsed  # a bare date
    raise PeriodError(_NOT_A_DATE_TIME, value=shown(value))


def parse_instant(value: object) -> datetime:
    """An ISO 8601 date-time (``Z`` or an offset; without one it is taken as UTC) or a date
    (its Thai midnight) as an aware UTC datetime. A moment that has no UTC datetime (the first
    hours of year 1, the last of year 9999) is refused, not an OverflowError."""
    typed = read_instant(value)
    try:
        if not isinstance(typed, datetime):
            return thai_day_start(typed)
        return (typed.replace(tzinfo=UTC) if typed.tzinfo is None else typed).astimezone(UTC)
    except OverflowError:
        raise PeriodError(_OUT_OF_RANGE, value=shown(value)) from None


def parse_thai_datetime(date_text: str, time_text: str | None = None) -> datetime:
    """A Thai local timestamp (``YYYY-MM-DD HH:MM[:SS]``, or date and time apart, ``20.00 น.``
    accepted) as an aware datetime in +07:00. ``24:00`` means midnight ending the day.
    Buddhist-Era years (> 2400) are converted. Raises ValueError when unreadable."""
    text = f"{date_text.strip()} {time_text.strip()}" if time_text is not None else date_text
    match = _THAI_STAMP.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a Thai local timestamp: {text!r}")
    year = int(match["year"])
    if year > 2400:
        year -= 543
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    next_day = hour == 24 and minute == 0 and second == 0
    local = datetime(year, int(match["month"]), int(match["day"]), 0 if next_day else hour,
                     minute, second, tzinfo=THAI_TZ)
    return local + timedelta(days=1) if next_day else local
