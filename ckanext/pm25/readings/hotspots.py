"""Hotspots as the dashboard reads them: straight from the hotspot stores (the DataStore tables
the ``pm25_firms`` sources fill), not from a summary table of ours. Why: a FIRMS day over
Thailand is thousands of rows, and the questions asked of them (a province's days, everything
since an instant) are each one index range of the store (``(province, day_th)``,
``(acquired_utc)``), so a copy kept at import would only add a second write to keep right.
What it costs: a page reads every source's store (one ``UNION ALL``); a detection two sources
both hold is counted once (counted distinct on its key).

Only the stores of active, public network datasets of active ``pm25_firms`` sources are read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.exc import ProgrammingError
from ckanext.datastore.backend.postgres import get_read_engine, identifier

from ckanext.pm25.common.times import DAY, THAI_TZ, iso_local, iso_utc
from ckanext.pm25.measurements.hotspots import KEY, hotspot_store_id

SOURCE_TYPE = "pm25_firms"
COLUMNS = ("latitude", "longitude", "acquired_utc", "province", "satellite", "instrument",
           "confidence", "confidence_pct", "frp", "daynight")


@dataclass(frozen=True)
class HotspotFilter:
    since: datetime
    until: datetime
    province: str | None = None


def store_ids() -> list[str]:
    """The hotspot stores the public may read (their tables may not exist yet); none on a site
    without ckanext-harvest's tables."""
    try:
        return _public_store_ids()
    except ProgrammingError:
        model.Session.rollback()
        return []


def _public_store_ids() -> list[str]:
    rows = model.Session.execute(sa.text("""
        SELECT r.id FROM harvest_source AS s
        JOIN resource AS r ON r.id = ANY(:ids)
        JOIN package AS p ON p.id = r.package_id
        WHERE s.type = :type AND s.active AND r.state = 'active' AND p.state = 'active'
          AND NOT p.private"""), {"type": SOURCE_TYPE, "ids": _candidate_ids()}).fetchall()
    return sorted({row[0] for row in rows})


def _candidate_ids() -> list[str]:
    sources = model.Session.execute(sa.text(
        "SELECT id FROM harvest_source WHERE type = :type AND active"),
        {"type": SOURCE_TYPE}).fetchall()
    return [hotspot_store_id(row[0]) for row in sources]


def _existing(connection: Any, ids: list[str]) -> list[str]:
    """The stores among ``ids`` whose table exists (a source that never imported has none)."""
    return [resource_id for resource_id in ids if connection.execute(
        sa.text("SELECT to_regclass(:table) IS NOT NULL"),
        {"table": identifier(resource_id)}).scalar()]


def _union(connection: Any, ids: list[str]) -> str | None:
    """Every existing store as one relation of distinct detections, or None without any."""
    existing = _existing(connection, ids)
    if not existing:
        return None
    columns = ", ".join((*COLUMNS, "day_th"))
    parts = " UNION ALL ".join(f"SELECT {columns} FROM {identifier(i)}" for i in existing)
    if len(existing) == 1:
        return f"({parts})"
    return f"(SELECT DISTINCT ON ({', '.join(KEY)}) {columns} FROM ({parts}) AS every_store)"


def _record(row: Any) -> dict[str, Any]:
    acquired = row.acquired_utc
    return {
        "latitude": float(row.latitude), "longitude": float(row.longitude),
        "acquired_utc": iso_utc(acquired), "acquired_local": iso_local(acquired),
        "province": row.province, "satellite": row.satellite, "instrument": row.instrument,
        "confidence": row.confidence, "confidence_pct": row.confidence_pct,
        "frp": None if row.frp is None else float(row.frp), "daynight": row.daynight,
    }


def hotspot_page(wanted: HotspotFilter, limit: int | None, offset: int = 0) -> dict[str, Any]:
    """{``count``, ``results``}: the hotspots acquired in [since, until), newest first."""
    ids = store_ids()
    with get_read_engine().connect() as connection:
        relation = _union(connection, ids)
        if relation is None:
            return {"count": 0, "results": []}
        where = "acquired_utc >= :since AND acquired_utc < :until"
        params: dict[str, Any] = {"since": wanted.since, "until": wanted.until,
                                  "limit": limit, "offset": offset}
        if wanted.province:
            where += " AND province = :province"
            params["province"] = wanted.province
        count = connection.execute(sa.text(
            f"SELECT count(*) FROM {relation} AS h WHERE {where}"), params).scalar()
        rows = connection.execute(sa.text(
            f"SELECT {', '.join(COLUMNS)} FROM {relation} AS h WHERE {where} "
            f"ORDER BY acquired_utc DESC, latitude, longitude LIMIT :limit OFFSET :offset"),
            params).fetchall()
    return {"count": int(count or 0), "results": [_record(row) for row in rows]}


def newest_acquisition() -> datetime | None:
    """When the newest hotspot the public may read was acquired (None without any): each
    store's newest from its ``acquired_utc`` index, in one query."""
    ids = store_ids()
    with get_read_engine().connect() as connection:
        existing = _existing(connection, ids)
        if not existing:
            return None
        newest = " UNION ALL ".join(f"SELECT max(acquired_utc) AS acquired_utc FROM {identifier(i)}"
                                    for i in existing)
        value = connection.execute(sa.text(f"SELECT max(acquired_utc) FROM ({newest}) AS stores")).scalar()
    return value if isinstance(value, datetime) else None


def daily_counts(province: str, first: date, last: date) -> list[dict[str, Any]]:
    """Hotspots per Thai day from ``first`` to ``last`` (both included), days without any as
    0: [{``date``, ``hotspots``}]."""
    counted: dict[date, int] = {}
    ids = store_ids()
    with get_read_engine().connect() as connection:
        relation = _union(connection, ids)
        if relation is not None:
            counted = {row[0]: int(row[1]) for row in connection.execute(sa.text(
                f"SELECT day_th, count(*) FROM {relation} AS h WHERE province = :province "
                f"AND day_th BETWEEN :first AND :last GROUP BY day_th"),
                {"province": province, "first": first, "last": last}).fetchall()}
    days = (last - first).days + 1
    return [{"date": (first + timedelta(days=n)).isoformat(),
             "hotspots": counted.get(first + timedelta(days=n), 0)} for n in range(days)]


def thai_days_ending(now: datetime, days: int) -> tuple[date, date]:
    """The ``days`` Thai calendar days ending with today's (Thai time)."""
    today = now.astimezone(THAI_TZ).date()
    return today - (days - 1) * DAY, today
