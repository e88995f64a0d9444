"""Setting an agency's flag (measurements/flags.py) on one reading of a measurement store."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.pm25.measurements.flags import AGENCY_FLAG


def flag_in_store(store_id: str, series_id: str, parameter: str, hour_utc: datetime) -> int:
    """Set the agency's flag on one reading of the store table of ``store_id``; the rows
    changed (0 when the store holds no such reading). ``_full_text`` is cleared so that the
    DataStore's trigger indexes the row again with its new flag."""
    with get_write_engine().begin() as connection:
        result = connection.execute(sa.text(
            f"UPDATE {identifier(store_id)} SET quality_flag = :flag, _full_text = NULL "
            "WHERE series_id = :series AND parameter = :parameter AND hour_utc = :hour"),
            {"flag": AGENCY_FLAG, "series": series_id, "parameter": parameter, "hour": hour_utc})
        return int(result.rowcount or 0)
