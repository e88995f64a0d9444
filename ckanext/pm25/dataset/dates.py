"""Dates and years as agencies type them: ISO 8601, with Buddhist-era years (B.E. = C.E. + 543)
refused with a message that gives the Christian-era year, never stored as a wrong year.
Pure code: no CKAN imports."""
from __future__ import annotations

import datetime as dt
import re

from ckanext.pm25.common.messages import N_

BUDDHIST_ERA_OFFSET = 543
# Thai agencies write B.E. years 24xx-26xx; no PM2.5 record predates 1900 C.E. or follows 2200.
_EARLIEST_CE, _LATEST_CE = 1900, 2200
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


class DateError(ValueError):
    """A refused date or year: an English msgid template and its parameters."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params)


def looks_buddhist_era(year: int) -> bool:
    return _EARLIEST_CE + BUDDHIST_ERA_OFFSET <= year <= _LATEST_CE + BUDDHIST_ERA_OFFSET


def check_year(year: int) -> int:
    if looks_buddhist_era(year):
        raise DateError(N_("%(year)s looks like a Buddhist-era year: enter the Christian-era "
                           "year %(ce_year)s (B.E. − 543)."), year=year, ce_year=year - BUDDHIST_ERA_OFFSET)
    if not _EARLIEST_CE <= year <= _LATEST_CE:
        raise DateError(N_("The year %(year)s is outside %(earliest)s–%(latest)s."),
                        year=year, earliest=_EARLIEST_CE, latest=_LATEST_CE)
    return year


def parse_year(value: object) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise DateError(N_("Enter a four-digit year, e.g. 2024."))
    return check_year(int(text))


def parse_date(value: object) -> dt.date:
    """An ISO date (YYYY-MM-DD, an ISO datetime's date part is accepted)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _ISO_DATE.match(str(value).strip())
    if not match:
        raise DateError(N_("Enter the date as YYYY-MM-DD, e.g. 2024-05-07."))
    year, month, day = (int(part) for part in match.groups())
    check_year(year)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(N_("%(value)s is not a real calendar date."), value=str(value).strip()[:20]) from None
