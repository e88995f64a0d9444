"""Modelled areas in the summary (issue 12): written at import (``area_values_stored``), read by
the province records and the province page. Takes a connection; no CKAN imports.

An area counts only while the store it came from is published (``_active_sources``)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Row

from ckanext.pm25.readings.area_tables import area_forecast, area_latest

_LATEST_VALUES = ("source_id", "kind", "code", "province", "name_th", "name_en", "hour_utc", "pm25",
                  "pm25_24h", "data_source", "licence", "resource_id")


def record_areas(conn: Connection, areas: Sequence[Mapping[str, Any]]) -> int:
    """Upsert each area's latest value (keys of :data:`area_latest`; ``forecast``: a list of
    (day, pm25) replacing the area's stored forecast days from the first given on), in three
    statements for the whole batch. An area whose new hour is older than the stored one keeps
    the stored value. Returns the areas written."""
    if not areas:
        return 0
    rows = [{key: area.get(key) for key in ("series_id", *_LATEST_VALUES)} for area in areas]
    statement = pg_insert(area_latest).values(rows)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[area_latest.c.series_id],
        set_={**{key: excluded[key] for key in _LATEST_VALUES}, "updated_at": sa.func.now()},
        where=sa.or_(area_latest.c.hour_utc.is_(None), excluded.hour_utc.is_(None),
                     excluded.hour_utc >= area_latest.c.hour_utc))
    written = conn.execute(statement).rowcount
    days: list[dict[str, Any]] = [
        {"series_id": area["series_id"], "day": day, "province": area["province"], "pm25": value}
        for area in areas for day, value in (area.get("forecast") or [])]
    if days:
        first = min(row["day"] for row in days)
        conn.execute(area_forecast.delete().where(
            area_forecast.c.series_id.in_({row["series_id"] for row in days}),
            area_forecast.c.day >= first))
        conn.execute(area_forecast.insert(), days)
    return written


def _active_sources() -> Any:
    """Only areas whose store is still published: its resource and network dataset active and
    public in CKAN (a source cleared or deleted, or its dataset made private, takes its areas
    off the public figures, as for stations)."""
    return sa.text("EXISTS (SELECT 1 FROM resource AS r JOIN package AS p ON p.id = r.package_id "
                   "WHERE r.id = pm25_area_latest.resource_id AND r.state = 'active' "
                   "AND p.state = 'active' AND NOT p.private)")


def province_models(conn: Connection, codes: Sequence[str] | None = None) -> dict[str, Row]:
    """The newest modelled province value of each province (of any model source)."""
    query = sa.select(area_latest).where(area_latest.c.kind == "province", _active_sources())
    if codes is not None:
        query = query.where(area_latest.c.province.in_(list(codes)))
    newest: dict[str, Row] = {}
    for row in conn.execute(query.order_by(area_latest.c.hour_utc.desc().nullslast())):
        newest.setdefault(row.province, row)
    return newest


def district_models(conn: Connection, province: str) -> list[Row]:
    query = sa.select(area_latest).where(area_latest.c.kind == "district",
                                         area_latest.c.province == province, _active_sources())
    return list(conn.execute(query.order_by(area_latest.c.code)))


def district_model(conn: Connection, code: str) -> Row | None:
    """The newest modelled value of one district (DOPA code), of any published model source."""
    query = sa.select(area_latest).where(area_latest.c.kind == "district", area_latest.c.code == code,
                                         _active_sources())
    return conn.execute(query.order_by(area_latest.c.hour_utc.desc().nullslast()).limit(1)).first()


def all_district_models(conn: Connection) -> list[Row]:
    """Every modelled district of a published source, by code."""
    query = sa.select(area_latest).where(area_latest.c.kind == "district", _active_sources())
    return list(conn.execute(query.order_by(area_latest.c.code)))


def forecasts(conn: Connection, province: str, since: date) -> dict[str, list[Row]]:
    """Forecast days from ``since`` on, by series."""
    by_series: dict[str, list[Row]] = {}
    query = sa.select(area_forecast).where(area_forecast.c.province == province,
                                           area_forecast.c.day >= since).order_by(area_forecast.c.day)
    for row in conn.execute(query):
        by_series.setdefault(row.series_id, []).append(row)
    return by_series


def known_districts(conn: Connection, source_id: str, province: str) -> list[str]:
    """The district codes a source reported for a province before (used when its list fails)."""
    query = sa.select(area_latest.c.code).where(
        area_latest.c.source_id == source_id, area_latest.c.kind == "district",
        area_latest.c.province == province).order_by(area_latest.c.code)
    return list(conn.execute(query).scalars())

