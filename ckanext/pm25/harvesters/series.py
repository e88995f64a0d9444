"""Hourly series of one station: which hours to ask for, 24-hour means, and what changed.
Pure: no CKAN, no clock, no I/O.

Why we compute ``pm25_24h`` ourselves: the history endpoints give hourly values only, and the
snapshot's 24-hour value covers the latest hour alone. A rolling mean computed from the hourly
values makes every stored row self-consistent and the same however often it is recomputed, so
re-harvesting the same upstream data always yields the same rows. The mean needs at least
:data:`MIN_HOURS_FOR_MEAN` valid hours of the 24 (75 % completeness, the usual rule for daily
means); otherwise ``pm25_24h`` stays null and the AQIs fall back to the hourly value, as
:func:`ckanext.pm25.harvesters.normalise.build_reading` does.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ckanext.pm25.aqi import thai_aqi, us_aqi
from ckanext.pm25.common.times import HOUR, THAI_TZ, floor_hour, parse_utc
from ckanext.pm25.harvesters.normalise import Reading
from ckanext.pm25.measurements.flags import kept_flag
from ckanext.pm25.readings.series import MEAN_WINDOW_HOURS, MIN_HOURS_FOR_MEAN, round1


@dataclass(frozen=True)
class HistoryWindow:
    """Hours to fetch (``fetch_start``..``end``, UTC, inclusive) and the hours whose rows are
    stored (``store_start``..``end``); the extra 23 hours before ``store_start`` only feed the
    24-hour means."""

    fetch_start: datetime
    store_start: datetime
    end: datetime


def history_window(latest: datetime, last_stored: datetime | None, *, backfill_hours: int,
                   revisit_hours: int, max_catchup_hours: int) -> HistoryWindow:
    """The window for a station whose newest upstream hour is ``latest`` (aware).

    First run (nothing stored): the ``backfill_hours`` hours ending at ``latest``. Later: from
    ``revisit_hours`` before the last stored reading (late corrections upstream), but never more
    than ``max_catchup_hours`` back, so a station back from a long outage cannot ask for months.
    """
    end = floor_hour(latest.astimezone(timezone.utc))
    if last_stored is None:
        store_start = end - (backfill_hours - 1) * HOUR
    else:
        since = floor_hour(last_stored.astimezone(timezone.utc)) - revisit_hours * HOUR
        store_start = max(min(since, end - revisit_hours * HOUR),
                          end - (max_catchup_hours - 1) * HOUR)
    return HistoryWindow(store_start - (MEAN_WINDOW_HOURS - 1) * HOUR, store_start, end)


def with_rolling_means(readings: Iterable[Reading], store_start: datetime) -> list[Reading]:
    """The readings at or after ``store_start``, sorted by time, each with ``pm25_24h`` set to the
    mean of the valid hourly values of its 24 hours (ending with its own) and its AQIs computed
    from that mean. A reading that already carries a 24-hour value keeps it."""
    by_hour = {reading.datetime_utc: reading for reading in readings}
    result = []
    for hour in sorted(by_hour):
        if hour < store_start:
            continue
        reading = by_hour[hour]
        if reading.pm25_24h is not None:
            result.append(reading)
            continue
        window = [by_hour.get(hour - back * HOUR) for back in range(MEAN_WINDOW_HOURS)]
        values = [r.pm25 for r in window if r is not None and r.pm25 is not None]
        if len(values) < MIN_HOURS_FOR_MEAN:
            result.append(reading)
            continue
        mean = round1(math.fsum(values) / len(values))
        th, us = thai_aqi(mean), us_aqi(mean)
        result.append(replace(reading, pm25_24h=mean, aqi_th=th.value if th else None,
                              aqi_us=us.value if us else None))
    return result


# --- comparing with what is stored -----------------------------------------------------------


def _utc_key(value: Any) -> str:
    """``2024-05-07T13:00:00Z``, ``2024-05-07T13:00:00`` (DataStore output) → one form."""
    return parse_utc(value).replace(tzinfo=None).isoformat(timespec="seconds")


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _comparable(row: Mapping[str, Any], stored_flag: str | None = None) -> tuple[Any, ...]:
    """What tells two rows of one hour apart; ``stored_flag``: the stored row's, which a merge
    keeps over the row's own when it is the agency's (measurements/flags.py)."""
    return (
        str(row.get("datetime_local") or ""),
        _number(row.get("pm25")), _number(row.get("pm25_24h")),
        _number(row.get("aqi_th")), _number(row.get("aqi_us")),
        str(kept_flag(stored_flag, row.get("quality_flag")) or ""),
    )


def row_key(row: Mapping[str, Any]) -> tuple[str, str]:
    return str(row["station_id"]), _utc_key(row["datetime_utc"])


def changed_rows(new_rows: Sequence[Mapping[str, Any]], stored_rows: Iterable[Mapping[str, Any]],
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows not stored yet, rows that differ from the stored row with the same key). A stored
    hour the agency flagged differs only by its values: the merge would keep the flag."""
    stored = {row_key(row): _comparable(row) for row in stored_rows}
    absent, different = [], []
    for row in new_rows:
        key = row_key(row)
        if key not in stored:
            absent.append(dict(row))
        elif stored[key] != _comparable(row, stored[key][-1]):
            different.append(dict(row))
    return absent, different


def without_hours(rows: Sequence[Mapping[str, Any]], hours: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows whose hour (UTC, any of the stored forms) is not one of ``hours``."""
    left_out = {_utc_key(hour) for hour in hours}
    return [dict(row) for row in rows if _utc_key(row["datetime_utc"]) not in left_out]


def reading_from_row(row: Mapping[str, Any]) -> Reading:
    """The inverse of :func:`ckanext.pm25.harvesters.normalise.reading_to_row`."""
    utc = parse_utc(row["datetime_utc"])
    local = datetime.fromisoformat(str(row["datetime_local"])) if row.get("datetime_local") \
        else utc.astimezone(THAI_TZ)

    def whole(value: Any) -> int | None:
        number = _number(value)
        return None if number is None else int(number)

    return Reading(
        station_id=str(row["station_id"]), datetime_utc=utc.astimezone(timezone.utc),
        datetime_local=local.astimezone(THAI_TZ), pm25=_number(row.get("pm25")),
        pm25_24h=_number(row.get("pm25_24h")), aqi_th=whole(row.get("aqi_th")),
        aqi_us=whole(row.get("aqi_us")), quality_flag=str(row.get("quality_flag") or "ok"),
    )
