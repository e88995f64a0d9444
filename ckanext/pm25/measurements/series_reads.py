"""Many series' stored rows read in one query each (a job-level merge compares a whole batch of
stations at once, instead of one ``datastore_search`` per station). Trusted callers, as in
``bulk.py``: no CKAN authorisation is checked here. A store table not made yet reads as empty."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from ckanext.datastore.backend.postgres import get_write_engine, identifier

_COLUMNS = "series_id, hour_utc, value, mean_24h, aqi_th, aqi_us, quality_flag"


def _rows(resource_id: str, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with get_write_engine().connect() as connection:
        exists = connection.execute(sa.text("SELECT to_regclass(:name)"),
                                    {"name": identifier(resource_id)}).scalar()
        if exists is None:
            return []
        result = connection.execute(sa.text(sql.format(table=identifier(resource_id))), params)
        return [dict(row._mapping) for row in result]


def last_measured(resource_id: str, series_ids: Sequence[str], parameter: str,
                  ) -> dict[str, dict[str, Any]]:
    """Each series' newest row that holds a measured value or says why it has none (a row that
    only holds a filled-in snapshot value does not count), by series."""
    rows = _rows(resource_id, f"SELECT DISTINCT ON (series_id) {_COLUMNS} FROM {{table}} "
                              "WHERE series_id = ANY(:series) AND parameter = :parameter "
                              "AND (value IS NOT NULL OR coalesce(quality_flag, 'ok') <> 'ok') "
                              "ORDER BY series_id, hour_utc DESC",
                 {"series": list(series_ids), "parameter": parameter})
    return {row["series_id"]: row for row in rows}


def rows_since(resource_id: str, series_ids: Sequence[str], parameter: str, since: datetime,
               ) -> dict[str, list[dict[str, Any]]]:
    """Each series' rows from ``since`` on, newest first, by series."""
    rows = _rows(resource_id, f"SELECT {_COLUMNS} FROM {{table}} WHERE series_id = ANY(:series) "
                              "AND parameter = :parameter AND hour_utc >= :since "
                              "ORDER BY series_id, hour_utc DESC",
                 {"series": list(series_ids), "parameter": parameter, "since": since})
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["series_id"], []).append(row)
    return found
