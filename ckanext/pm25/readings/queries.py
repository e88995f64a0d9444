"""The read path of the summary: each function one indexed query on a SQLAlchemy connection.

Station metadata that users can change (title, name, organisation, visibility) is joined from
CKAN's own ``package`` and ``group`` tables at read time, so it is never out of date here.

The province figures come from ``pm25_province_hourly``, the sums over every station's readings.
A station whose dataset is not active and public now (deleted by any path, purged, cleared
with its harvest source in SQL, private) is *hidden*: its readings are taken back out of those
sums as they are read. There are normally none, so the usual cost is one look-up of the
stations against ``package`` (by primary key); each hidden station costs an index probe
per province hour read.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ckanext.pm25.readings.series import HourlyValue, Period

# Each province's latest hour, and the sums over the 24 hours ending with it (the hour and the
# 23 before), for its 24-hour mean: the values, how many, and in how many hours.
_LATEST_BY_PROVINCE = sa.text("""
    SELECT wanted.code, last.hour_utc, last.pm25_total, last.pm25_count,
           round(CAST(day.total AS numeric), 6), day.count, day.hours
      FROM unnest(CAST(:codes AS text[])) AS wanted(code)
      JOIN LATERAL (
            SELECT hour_utc, pm25_total, pm25_count FROM pm25_province_hourly AS hourly
             WHERE hourly.province = wanted.code
             ORDER BY hourly.hour_utc DESC LIMIT 1) AS last ON true
      JOIN LATERAL (
            SELECT sum(pm25_total) AS total, sum(pm25_count) AS count, count(*) AS hours
              FROM pm25_province_hourly AS hourly
             WHERE hourly.province = wanted.code AND hourly.hour_utc <= last.hour_utc
               AND hourly.hour_utc > last.hour_utc - interval '24 hours') AS day ON true
""")

# The same, with the hidden stations' readings taken out of each hour (an hour left without a
# value is skipped: the latest hour is the last one with a value from a public station).
_PUBLIC_HOURS = """
            SELECT hourly.hour_utc, round(CAST(hourly.pm25_total - coalesce(hidden.total, 0) AS numeric), 6) AS total,
                   hourly.pm25_count - coalesce(hidden.count, 0) AS count
              FROM pm25_province_hourly AS hourly
              LEFT JOIN LATERAL (
                    SELECT sum(h.pm25) AS total, count(h.pm25) AS count FROM pm25_station_hourly AS h
                     WHERE h.province = hourly.province AND h.hour_utc = hourly.hour_utc
                       AND h.station_key = ANY(CAST(:hidden AS integer[]))) AS hidden ON true
             WHERE hourly.province = wanted.code AND hourly.pm25_count > coalesce(hidden.count, 0)
"""
_LATEST_BY_PROVINCE_WITHOUT_HIDDEN = sa.text(f"""
    SELECT wanted.code, last.hour_utc, last.total, last.count, day.total, day.count, day.hours
      FROM unnest(CAST(:codes AS text[])) AS wanted(code)
      JOIN LATERAL ({_PUBLIC_HOURS} ORDER BY hourly.hour_utc DESC LIMIT 1) AS last ON true
      JOIN LATERAL (
            SELECT sum(pub.total) AS total, sum(pub.count) AS count, count(*) AS hours
              FROM ({_PUBLIC_HOURS} AND hourly.hour_utc <= last.hour_utc
                      AND hourly.hour_utc > last.hour_utc - interval '24 hours') AS pub) AS day ON true
""")

# Stations counted in the province sums whose dataset is gone, deleted or private (or not a
# dataset any more). Stations not counted (low-cost sensors, by default) have nothing to take out.
_HIDDEN_STATIONS = sa.text("""
    SELECT s.station_key FROM pm25_station_latest AS s
     WHERE s.in_province_mean AND NOT EXISTS (SELECT 1 FROM package AS p
                        WHERE p.id = s.package_id AND p.state = 'active' AND NOT p.private)
     ORDER BY s.station_key
""")

_PUBLIC_STATIONS = """
      FROM pm25_station_latest AS s
      JOIN package AS p ON p.id = s.package_id AND p.state = 'active' AND NOT p.private
      LEFT JOIN "group" AS g ON g.id = p.owner_org
      LEFT JOIN LATERAL (
            SELECT hs.type AS source_type, hs.id AS source_id, sp.name AS source_name
              FROM harvest_object AS ho JOIN harvest_source AS hs ON hs.id = ho.harvest_source_id
              LEFT JOIN package AS sp ON sp.id = hs.id
             WHERE ho.package_id = s.package_id AND ho.current LIMIT 1) AS src ON true
"""

_STATION_COLUMNS = """
    s.station_key, s.package_id, p.name, p.title, s.station_id, s.station_type, s.province, s.lon, s.lat,
    s.active, s.resource_id, s.latest_hour, s.latest_pm25, s.latest_pm25_24h, g.name AS org_name,
    g.title AS org_title, s.measurement_type, s.data_source, p.license_id, src.source_type, src.source_name
"""


@dataclass(frozen=True)
class LatestHour:
    """A province's latest hour (sum and number of its values) and the sums of the 24 hours
    ending with it: ``day_total`` of ``day_count`` values in ``day_hours`` hours."""

    hour_utc: datetime
    total: float
    count: int
    day_total: float
    day_count: int
    day_hours: int


def hidden_stations(conn: Connection) -> list[int]:
    """The keys of the stations no public figure may count now."""
    return list(conn.execute(_HIDDEN_STATIONS).scalars())


def province_latest(conn: Connection, codes: Sequence[str]) -> dict[str, LatestHour]:
    """Each province's last hour with data from public stations (a backward index scan per
    province) and the 24 hours ending with it (an index range scan)."""
    hidden = hidden_stations(conn)
    if hidden:
        rows = conn.execute(_LATEST_BY_PROVINCE_WITHOUT_HIDDEN, {"codes": list(codes), "hidden": hidden})
    else:
        rows = conn.execute(_LATEST_BY_PROVINCE, {"codes": list(codes)})
    return {code: LatestHour(hour, float(total), count, float(day_total), int(day_count), int(day_hours))
            for code, hour, total, count, day_total, day_count, day_hours in rows}


def station_counts(conn: Connection, active_only: bool = True) -> dict[str, int]:
    sql = f"SELECT s.province, count(*) {_PUBLIC_STATIONS} WHERE s.province IS NOT NULL AND s.in_province_mean"
    if active_only:
        sql += " AND s.active"
    sql += " GROUP BY s.province"
    return {province: count for province, count in conn.execute(sa.text(sql))}


@dataclass(frozen=True)
class StationFilter:
    province: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    organization: str | None = None
    active: bool | None = None
    ids: Sequence[str] | None = None  # dataset ids or names, or station ids
    kind: str | None = None  # the dataset's measurement_type
    source: str | None = None  # harvest source type (pm25_dustboy), or a source's name or id


def _where(filters: StationFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.province:
        clauses.append("s.province = :province")
        params["province"] = filters.province
    if filters.bbox:
        clauses.append("s.lon BETWEEN :min_lon AND :max_lon AND s.lat BETWEEN :min_lat AND :max_lat")
        params.update(zip(("min_lon", "min_lat", "max_lon", "max_lat"), filters.bbox, strict=True))
    if filters.organization:
        clauses.append("(g.name = :organization OR g.id = :organization)")
        params["organization"] = filters.organization
    if filters.active is not None:
        clauses.append("s.active = :active")
        params["active"] = filters.active
    if filters.kind:
        clauses.append("s.measurement_type = :kind")
        params["kind"] = filters.kind
    if filters.source:
        clauses.append("(src.source_type = :source OR src.source_name = :source OR src.source_id = :source)")
        params["source"] = filters.source
    if filters.ids is not None:
        clauses.append("(p.id = ANY(:ids) OR p.name = ANY(:ids) OR s.station_id = ANY(:ids))")
        params["ids"] = list(filters.ids)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _page(conn: Connection, sql: str, params: dict[str, Any], limit: int | None, offset: int) -> list[Row]:
    """The rows of ``sql``, all of them or the page ``limit`` rows long from ``offset``."""
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params = {**params, "limit": limit, "offset": offset}
    return list(conn.execute(sa.text(sql), params))


def stations(conn: Connection, filters: StationFilter, limit: int | None = None, offset: int = 0) -> list[Row]:
    where, params = _where(filters)
    sql = f"SELECT {_STATION_COLUMNS} {_PUBLIC_STATIONS} {where} ORDER BY s.province NULLS LAST, p.name"
    return _page(conn, sql, params, limit, offset)


def stations_near(conn: Connection, lon: float, lat: float, filters: StationFilter, limit: int) -> list[Row]:
    """The ``limit`` stations with a place closest to (``lon``, ``lat``) by a flat-earth
    distance scaled for the latitude: a shortlist, ranked exactly by the caller."""
    where, params = _where(filters)
    where = f"{where} AND" if where else "WHERE"
    sql = f"""SELECT {_STATION_COLUMNS} {_PUBLIC_STATIONS} {where} s.lon IS NOT NULL AND s.lat IS NOT NULL
               ORDER BY power((s.lon - :near_lon) * :lon_scale, 2) + power(s.lat - :near_lat, 2), p.name
               LIMIT :near_limit"""
    return list(conn.execute(sa.text(sql), {**params, "near_lon": lon, "near_lat": lat, "near_limit": limit,
                                            "lon_scale": math.cos(math.radians(lat))}))


def station_count(conn: Connection, filters: StationFilter) -> int:
    where, params = _where(filters)
    return int(conn.execute(sa.text(f"SELECT count(*) {_PUBLIC_STATIONS} {where}"), params).scalar_one())


def province_hours(conn: Connection, province: str, period: Period) -> list[HourlyValue]:
    """The province's hours with a value from public stations in the period."""
    params = {"province": province, "start": period.start, "end": period.end}
    hidden = hidden_stations(conn)
    if not hidden:
        rows = conn.execute(sa.text("""
            SELECT hour_utc, pm25_total, pm25_count FROM pm25_province_hourly
             WHERE province = :province AND hour_utc >= :start AND hour_utc < :end
             ORDER BY hour_utc"""), params)
    else:
        rows = conn.execute(sa.text("""
            SELECT hourly.hour_utc,
                   round(CAST(hourly.pm25_total - coalesce(hidden.total, 0) AS numeric), 6),
                   hourly.pm25_count - coalesce(hidden.count, 0)
              FROM pm25_province_hourly AS hourly
              LEFT JOIN (SELECT h.hour_utc, sum(h.pm25) AS total, count(h.pm25) AS count
                           FROM pm25_station_hourly AS h
                          WHERE h.province = :province AND h.hour_utc >= :start AND h.hour_utc < :end
                            AND h.station_key = ANY(CAST(:hidden AS integer[]))
                          GROUP BY h.hour_utc) AS hidden ON hidden.hour_utc = hourly.hour_utc
             WHERE hourly.province = :province AND hourly.hour_utc >= :start AND hourly.hour_utc < :end
               AND hourly.pm25_count > coalesce(hidden.count, 0)
             ORDER BY hourly.hour_utc"""), {**params, "hidden": hidden})
    return [HourlyValue(hour, float(total), count) for hour, total, count in rows]


_READING_COLUMNS = "h.station_key, h.hour_utc, h.pm25, h.pm25_24h, h.aqi_th, h.aqi_us, h.quality_flag"


def station_readings(conn: Connection, keys: Sequence[int], period: Period, limit: int | None = None,
                     offset: int = 0) -> list[Row]:
    """Readings of the stations in the period, by station (in the order of ``keys``) then hour."""
    sql = f"""
        SELECT {_READING_COLUMNS} FROM pm25_station_hourly AS h
          JOIN unnest(CAST(:keys AS integer[])) WITH ORDINALITY AS wanted(key, position)
            ON h.station_key = wanted.key
         WHERE h.hour_utc >= :start AND h.hour_utc < :end
         ORDER BY wanted.position, h.hour_utc"""
    return _page(conn, sql, {"keys": list(keys), "start": period.start, "end": period.end}, limit, offset)


def station_reading_count(conn: Connection, keys: Sequence[int], period: Period) -> int:
    return int(conn.execute(sa.text("""
        SELECT count(*) FROM pm25_station_hourly
         WHERE station_key = ANY(CAST(:keys AS integer[])) AND hour_utc >= :start AND hour_utc < :end"""),
        {"keys": list(keys), "start": period.start, "end": period.end}).scalar_one())


# A Thai day is the UTC instant shifted by seven hours, truncated to the day.
_THAI_DAY = "date_trunc('day', (h.hour_utc AT TIME ZONE 'UTC') + interval '7 hours')::date"


def station_daily(conn: Connection, keys: Sequence[int], period: Period, limit: int | None = None,
                  offset: int = 0) -> list[Row]:
    """Per station and Thai day: the sum and number of values and the hours with a value."""
    sql = f"""
        SELECT h.station_key, {_THAI_DAY} AS day, sum(h.pm25) AS total, count(h.pm25) AS value_count
          FROM pm25_station_hourly AS h
          JOIN unnest(CAST(:keys AS integer[])) WITH ORDINALITY AS wanted(key, position)
            ON h.station_key = wanted.key
         WHERE h.hour_utc >= :start AND h.hour_utc < :end AND h.pm25 IS NOT NULL
         GROUP BY wanted.position, h.station_key, day
         ORDER BY wanted.position, day"""
    return _page(conn, sql, {"keys": list(keys), "start": period.start, "end": period.end}, limit, offset)


def station_daily_count(conn: Connection, keys: Sequence[int], period: Period) -> int:
    return int(conn.execute(sa.text(f"""
        SELECT count(*) FROM (SELECT DISTINCT h.station_key, {_THAI_DAY} FROM pm25_station_hourly AS h
         WHERE h.station_key = ANY(CAST(:keys AS integer[])) AND h.hour_utc >= :start AND h.hour_utc < :end
           AND h.pm25 IS NOT NULL) AS days"""),
        {"keys": list(keys), "start": period.start, "end": period.end}).scalar_one())


def station_hours(conn: Connection, key: int, period: Period) -> list[HourlyValue]:
    """One station's values as an hourly series (count 1 per hour with a value)."""
    rows = conn.execute(sa.text("""
        SELECT hour_utc, pm25 FROM pm25_station_hourly
         WHERE station_key = :key AND hour_utc >= :start AND hour_utc < :end AND pm25 IS NOT NULL
         ORDER BY hour_utc"""), {"key": key, "start": period.start, "end": period.end})
    return [HourlyValue(hour, value, 1) for hour, value in rows]
