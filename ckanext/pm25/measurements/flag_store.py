"""Setting an agency's flag (measurements/flags.py) on one reading of a measurement store, and
withdrawing it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.pm25.measurements.flags import AGENCY_FLAG


def _set_flag(store_id: str, series_id: str, parameter: str, hour_utc: datetime, flag: str | None,
              only_over: str | None) -> list[str | None]:
    """Set ``flag`` on the reading (only where its flag is ``only_over``, when given); the flags
    it had before, one per row changed (none when the store holds no such reading).
    ``_full_text`` is cleared so that the DataStore's trigger indexes the row again."""
    table = identifier(store_id)
    guard = "AND quality_flag = :only_over" if only_over is not None else ""
    with get_write_engine().begin() as connection:
        result = connection.execute(sa.text(
            f"UPDATE {table} AS t SET quality_flag = :flag, _full_text = NULL "
            f"FROM (SELECT ctid, quality_flag AS before FROM {table} "
            f"      WHERE series_id = :series AND parameter = :parameter AND hour_utc = :hour {guard} "
            f"      FOR UPDATE) AS old WHERE t.ctid = old.ctid RETURNING old.before"),
            {"flag": flag, "series": series_id, "parameter": parameter, "hour": hour_utc, "only_over": only_over})
        return [row[0] for row in result]


def flag_in_store(store_id: str, series_id: str, parameter: str, hour_utc: datetime) -> list[str | None]:
    """Set the agency's flag on one reading of the store table of ``store_id``; the flags the
    reading had before (empty when the store holds no such reading)."""
    return _set_flag(store_id, series_id, parameter, hour_utc, AGENCY_FLAG, None)


def unflag_in_store(store_id: str, series_id: str, parameter: str, hour_utc: datetime, flag: str | None) -> int:
    """Put ``flag`` (the upstream's) back on one reading that carries the agency's flag; the rows
    changed (0 when it carries no agency flag: withdrawn already, or no such reading)."""
    return len(_set_flag(store_id, series_id, parameter, hour_utc, flag, AGENCY_FLAG))
