"""Reports on values in their table, and the agency's flag on the reading in the dashboard's
summary (readings/tables.py). Takes a connection (the caller owns the transaction) and already
validated values."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.participation import report_rules as rules
from ckanext.pm25.participation.request_rules import Timing
from ckanext.pm25.participation.report_tables import value_report
from ckanext.pm25.readings.tables import station_hourly, station_latest


def create(conn: Connection, package_id: str, hour_utc: datetime, reason: str, message: str, reporter_id: str,
           language: str, now: datetime) -> str:
    report_id = str(uuid.uuid4())
    conn.execute(value_report.insert().values(
        id=report_id, package_id=package_id, hour_utc=hour_utc, reason=reason, message=message,
        reporter_id=reporter_id, language=language, status=rules.OPEN, created=now))
    station_page_changed(conn, package_id)
    return report_id


def station_page_changed(conn: Connection, package_id: str) -> None:
    """Move the station's ``updated_at``: the validator of its cached page and of the readings'
    API answers (readings/stamps.py) changes with it, so nobody is served the page of before."""
    conn.execute(station_latest.update().where(station_latest.c.package_id == package_id)
                 .values(updated_at=sa.func.now()))


def get(conn: Connection, report_id: str) -> Any | None:
    return conn.execute(sa.select(value_report).where(value_report.c.id == report_id)).first()


def search(conn: Connection, package_id: str | None, status: str | None, limit: int,
           offset: int) -> tuple[int, list[Any]]:
    """(count, reports newest first) of one station and/or status."""
    where = [column == value for column, value in ((value_report.c.package_id, package_id),
                                                   (value_report.c.status, status)) if value]
    total = conn.execute(sa.select(sa.func.count()).select_from(value_report).where(*where)).scalar_one()
    rows = conn.execute(sa.select(value_report).where(*where)
                        .order_by(value_report.c.created.desc(), value_report.c.id)
                        .limit(limit).offset(offset)).all()
    return int(total), list(rows)


def reports_since(conn: Connection, reporter_id: str, since: datetime) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(value_report).where(
        value_report.c.reporter_id == reporter_id, value_report.c.created >= since)).scalar_one())


def close(conn: Connection, report_id: str, status: str, answer: str, actor_id: str, now: datetime,
          upstream_flag: str | None = None) -> bool:
    """Close an open report (``upstream_flag``: the reading's flag before the agency's, when it
    flags); False when someone closed it first."""
    result = conn.execute(value_report.update().where(
        value_report.c.id == report_id, value_report.c.status == rules.OPEN).values(
        status=status, answer=answer, actor_id=actor_id, closed=now, upstream_flag=upstream_flag,
    ).returning(value_report.c.package_id))
    package_id = result.scalar_one_or_none()
    if package_id is not None:
        station_page_changed(conn, package_id)
    return package_id is not None


def _flagged_on(package_id: str, hour_utc: datetime) -> Any:
    return sa.and_(value_report.c.package_id == package_id, value_report.c.hour_utc == hour_utc,
                   value_report.c.status == rules.FLAGGED)


def kept_upstream_flags(conn: Connection, package_id: str, hour_utc: datetime) -> list[str | None]:
    """The upstream flags kept by the reports already flagged on this reading, first flagged first."""
    return list(conn.execute(sa.select(value_report.c.upstream_flag).where(_flagged_on(package_id, hour_utc))
                             .order_by(value_report.c.closed)).scalars())


def unflag(conn: Connection, package_id: str, hour_utc: datetime, note: str, actor_id: str,
           now: datetime) -> list[str]:
    """The agency's flag on a reading withdrawn: every report flagged on it becomes ``unflagged``
    (the flag is the reading's, not one report's). The reports' ids (none when someone withdrew
    it first)."""
    ids = list(conn.execute(value_report.update().where(_flagged_on(package_id, hour_utc)).values(
        status=rules.UNFLAGGED, unflagged=now, unflag_actor_id=actor_id, unflag_note=note,
    ).returning(value_report.c.id)).scalars())
    if ids:
        station_page_changed(conn, package_id)
    return ids


def remove(conn: Connection, report_id: str, now: datetime) -> bool:
    """A reporter's removal of their report (PDPA): an open one is deleted; one the agency acted
    on stays, with its reason category and what the agency did, without the reporter and their
    text. False when there is no such report."""
    deleted = conn.execute(value_report.delete().where(
        value_report.c.id == report_id, value_report.c.status == rules.OPEN).returning(value_report.c.package_id))
    package_id = deleted.scalar_one_or_none()
    if package_id is None:
        package_id = conn.execute(value_report.update().where(value_report.c.id == report_id).values(
            reporter_id=None, message="", reporter_removed=now).returning(value_report.c.package_id)
        ).scalar_one_or_none()
    if package_id is not None:
        station_page_changed(conn, package_id)
    return package_id is not None


def agency_timings(conn: Connection) -> dict[str, list[Timing]]:
    """Each agency's reports (by the id of the organisation that owns the station) as timings:
    received, and resolved (``closed``: flagged or answered) or not."""
    package = sa.table("package", sa.column("id"), sa.column("owner_org"))
    query = (sa.select(package.c.owner_org, value_report.c.created, value_report.c.closed)
             .join(package, package.c.id == value_report.c.package_id)
             .where(package.c.owner_org.isnot(None)))
    found: dict[str, list[Timing]] = {}
    for row in conn.execute(query):
        found.setdefault(row.owner_org, []).append(Timing(row.created, row.closed))
    return found


def _station_hour(package_id: str, hour_utc: datetime) -> Any:
    return sa.and_(station_hourly.c.station_key == sa.select(station_latest.c.station_key)
                   .where(station_latest.c.package_id == package_id).scalar_subquery(),
                   station_hourly.c.hour_utc == hour_utc)


def reading(conn: Connection, package_id: str, hour_utc: datetime) -> Any | None:
    """The station's summary reading of that hour (``pm25``, ``quality_flag``), if any."""
    return conn.execute(sa.select(station_hourly.c.pm25, station_hourly.c.quality_flag)
                        .where(_station_hour(package_id, hour_utc))).first()


def latest_readings(conn: Connection, package_id: str, limit: int) -> list[Any]:
    """The station's newest readings with a value (``hour_utc``, ``pm25``), newest first."""
    return list(conn.execute(
        sa.select(station_hourly.c.hour_utc, station_hourly.c.pm25)
        .join(station_latest, station_latest.c.station_key == station_hourly.c.station_key)
        .where(station_latest.c.package_id == package_id, station_hourly.c.pm25.is_not(None))
        .order_by(station_hourly.c.hour_utc.desc()).limit(limit)).all())
