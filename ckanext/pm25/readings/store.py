"""The write path of the summary: readings in, station and province aggregates updated, in the
caller's transaction (a SQLAlchemy connection from ``engine.begin()``).

Each write touches only what it changes: the station's row, its readings, and the province
hours those readings fall in (recomputed from the stations' readings, so a re-harvested hour
replaces its value instead of being counted twice). A per-province advisory lock keeps two
harvest workers from interleaving recomputations of the same province.

Whether a station is public is not stored here: the tables hold the readings of every station
dataset, deleted, purged and private ones included, and the read path (``queries``) leaves out
every station whose dataset is not active and public in CKAN's ``package`` table at the moment
of reading. So no way of removing a dataset (``package_delete`` by id or name, ``dataset_purge``,
ckanext-harvest's SQL ``harvest_source_clear``, making it private) can leave its readings in a
public figure, and the dataset coming back (a re-harvest re-creates the same id and reactivates
it; made public again) brings its whole history back without anything to re-send.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ckanext.pm25.geo.provinces import normalise_code
from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.common.times import PeriodError, parse_instant
from ckanext.pm25.measurements.flags import AGENCY_FLAG, kept_flag_sql
from ckanext.pm25.readings.tables import province_hourly, station_hourly, station_latest

INSERT_CHUNK = 20000


@dataclass(frozen=True)
class StationInfo:
    """What the summary keeps of a station dataset."""

    package_id: str
    station_id: str | None
    station_type: str | None
    province: str | None
    lon: float | None
    lat: float | None
    active: bool
    measurement_type: str | None = None
    data_source: str | None = None
    in_province_mean: bool = True


LOW_COST = "low_cost_sensor"


@dataclass(frozen=True)
class Reading:
    hour_utc: datetime
    pm25: float | None
    pm25_24h: float | None
    aqi_th: int | None
    aqi_us: int | None
    quality_flag: str | None


def _location(spatial: Any) -> tuple[float | None, float | None]:
    """A point for the station: its own coordinates, or a point inside its geometry."""
    if not spatial:
        return None, None
    try:
        data = json.loads(spatial) if isinstance(spatial, str) else spatial
        if data.get("type") == "Point":
            lon, lat = data["coordinates"][:2]
            return float(lon), float(lat)
        from shapely.geometry import shape

        inside = shape(data).representative_point()
        return inside.x, inside.y
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None, None


def station_info(dataset: Mapping[str, Any], *, low_cost_in_mean: bool = False) -> StationInfo:
    """From a station dataset dict (package_show/package_update output or validated data). A
    low-cost sensor's readings count in its province's mean only with ``low_cost_in_mean``
    (config ``ckanext.pm25.dashboard.low_cost_in_province_mean``)."""
    kind = dataset.get("measurement_type") or None
    provinces = [code for code in map(normalise_code, stored_list(dataset.get("provinces"))) if code]
    lon, lat = _location(dataset.get("spatial"))
    return StationInfo(
        package_id=str(dataset["id"]),
        station_id=dataset.get("station_id") or None,
        station_type=dataset.get("station_type") or None,
        province=provinces[0] if provinces else None,
        lon=lon,
        lat=lat,
        active=dataset.get("station_status") != "inactive",
        measurement_type=kind,
        data_source=dataset.get("data_source") or None,
        in_province_mean=kind != LOW_COST or low_cost_in_mean,
    )


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return round(number) if number is not None and abs(number) < 32767 else None


def reading(row: Mapping[str, Any]) -> Reading | None:
    """A DataStore row (columns of ``harvesters.normalise.DATASTORE_COLUMNS``) as a reading;
    None without a usable ``datetime_utc``."""
    try:
        hour = parse_instant(row.get("datetime_utc"))
    except PeriodError:
        return None
    flag = row.get("quality_flag")
    return Reading(hour, _number(row.get("pm25")), _number(row.get("pm25_24h")), _integer(row.get("aqi_th")),
                   _integer(row.get("aqi_us")), str(flag) if flag is not None else None)


def _station_values(station: StationInfo, resource_id: str | None) -> dict[str, Any]:
    values = {
        "package_id": station.package_id, "station_id": station.station_id,
        "station_type": station.station_type, "province": station.province, "lon": station.lon,
        "lat": station.lat, "active": station.active, "updated_at": sa.func.now(),
        "measurement_type": station.measurement_type, "data_source": station.data_source,
        "in_province_mean": station.in_province_mean,
    }
    if resource_id:
        values["resource_id"] = resource_id
    return values


def upsert_station(conn: Connection, station: StationInfo, resource_id: str | None = None) -> int:
    """The station's row, made or updated; when whether it counts in its province's mean
    changed, the province hours of its readings are recomputed at once, so the province sums
    and the hidden stations taken out of them (``queries``) always agree."""
    counted_before = conn.execute(sa.select(station_latest.c.in_province_mean)
                                  .where(station_latest.c.package_id == station.package_id)).scalar_one_or_none()
    key = _upsert_station(conn, station, resource_id)
    if counted_before is not None and counted_before != station.in_province_mean:
        for province, low, high in conn.execute(
                sa.select(station_hourly.c.province, sa.func.min(station_hourly.c.hour_utc),
                          sa.func.max(station_hourly.c.hour_utc))
                .where(station_hourly.c.station_key == key, station_hourly.c.province.is_not(None))
                .group_by(station_hourly.c.province)):
            refresh_province_hours(conn, province, low, high)
    return key


def _upsert_station(conn: Connection, station: StationInfo, resource_id: str | None) -> int:
    values = _station_values(station, resource_id)
    statement = pg_insert(station_latest).values(**values)
    upsert = statement.on_conflict_do_update(
        index_elements=[station_latest.c.package_id],
        set_={name: statement.excluded[name] for name in values if name != "package_id"},
    ).returning(station_latest.c.station_key)
    return int(conn.execute(upsert).scalar_one())


def _station_key(conn: Connection, package_id: str) -> int | None:
    return conn.execute(sa.select(station_latest.c.station_key)
                        .where(station_latest.c.package_id == package_id)).scalar_one_or_none()


Span = tuple[datetime, datetime]


def _widen(spans: dict[str, Span], province: str | None, low: datetime, high: datetime) -> None:
    if province is None:
        return
    if province in spans:
        old_low, old_high = spans[province]
        spans[province] = (min(old_low, low), max(old_high, high))
    else:
        spans[province] = (low, high)


def record_many(conn: Connection, batches: Iterable[tuple[StationInfo, str | None, Iterable[Mapping[str, Any]]]],
                *, refresh: bool = True) -> int:
    """Store the readings of several stations, then recompute the touched province hours and
    latest values once (``refresh=False`` leaves that to a later :func:`rebuild_aggregates`).
    Returns the number of readings stored (of private or deleted datasets too: the read path
    leaves them out while they are)."""
    spans: dict[str, Span] = {}
    keys: list[int] = []
    stored = 0
    pending: list[dict[str, Any]] = []
    for station, resource_id, rows in batches:
        key = upsert_station(conn, station, resource_id)
        keys.append(key)
        readings = [item for item in map(reading, rows) if item is not None]
        if not readings:
            continue
        low = min(item.hour_utc for item in readings)
        high = max(item.hour_utc for item in readings)
        _widen(spans, station.province, low, high)
        # hours stored earlier while the station was in another province leave that province
        for (moved_from,) in conn.execute(
                sa.select(station_hourly.c.province).distinct()
                .where(station_hourly.c.station_key == key, station_hourly.c.hour_utc.between(low, high),
                       station_hourly.c.province.is_distinct_from(station.province))):
            _widen(spans, moved_from, low, high)
        pending.extend(
            {"station_key": key, "hour_utc": item.hour_utc, "province": station.province, "pm25": item.pm25,
             "pm25_24h": item.pm25_24h, "aqi_th": item.aqi_th, "aqi_us": item.aqi_us,
             "quality_flag": item.quality_flag}
            for item in readings)
        stored += len(readings)
        if len(pending) >= INSERT_CHUNK:
            _insert_readings(conn, pending)
            pending = []
    _insert_readings(conn, pending)
    if refresh:
        for province, (low, high) in sorted(spans.items()):
            refresh_province_hours(conn, province, low, high)
        refresh_latest(conn, keys)
    return stored


def record_readings(conn: Connection, dataset: Mapping[str, Any], resource_id: str | None,
                    rows: Iterable[Mapping[str, Any]], *, low_cost_in_mean: bool = False) -> int:
    return record_many(conn, [(station_info(dataset, low_cost_in_mean=low_cost_in_mean), resource_id, rows)])


_UPSERT_READINGS = sa.text("""
    INSERT INTO pm25_station_hourly
           (station_key, hour_utc, province, pm25, pm25_24h, aqi_th, aqi_us, quality_flag)
    SELECT * FROM unnest(CAST(:station_key AS integer[]), CAST(:hour_utc AS timestamptz[]),
                         CAST(:province AS text[]), CAST(:pm25 AS float8[]), CAST(:pm25_24h AS float8[]),
                         CAST(:aqi_th AS smallint[]), CAST(:aqi_us AS smallint[]), CAST(:quality_flag AS text[]))
    ON CONFLICT (station_key, hour_utc) DO UPDATE SET
           province = EXCLUDED.province, pm25 = EXCLUDED.pm25, pm25_24h = EXCLUDED.pm25_24h,
           aqi_th = EXCLUDED.aqi_th, aqi_us = EXCLUDED.aqi_us,
           quality_flag = """ + kept_flag_sql("pm25_station_hourly.quality_flag", "EXCLUDED.quality_flag"))
_READING_COLUMNS = ("station_key", "hour_utc", "province", "pm25", "pm25_24h", "aqi_th", "aqi_us", "quality_flag")


def _insert_readings(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """One statement per chunk (columns as arrays), not one round trip per row."""
    if not rows:
        return
    # the same hour twice in one batch: the last one wins, as in an upsert
    unique = list({(row["station_key"], row["hour_utc"]): row for row in rows}.values())
    for start in range(0, len(unique), INSERT_CHUNK):
        chunk = unique[start:start + INSERT_CHUNK]
        conn.execute(_UPSERT_READINGS, {column: [row[column] for row in chunk] for column in _READING_COLUMNS})


# The stations whose readings make their province's figures (not low-cost sensors, by default).
_COUNTED = sa.select(station_latest.c.station_key).where(station_latest.c.in_province_mean)


def refresh_province_hours(conn: Connection, province: str, low: datetime, high: datetime) -> None:
    """Recompute the province's hourly sums between ``low`` and ``high`` (inclusive)."""
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("pm25_province:" + province))))
    conn.execute(sa.delete(province_hourly).where(province_hourly.c.province == province,
                                                  province_hourly.c.hour_utc.between(low, high)))
    aggregate = (
        sa.select(station_hourly.c.province, station_hourly.c.hour_utc, sa.func.sum(station_hourly.c.pm25),
                  sa.func.count(station_hourly.c.pm25))
        .where(station_hourly.c.province == province, station_hourly.c.hour_utc.between(low, high),
               station_hourly.c.pm25.is_not(None), station_hourly.c.station_key.in_(_COUNTED))
        .group_by(station_hourly.c.province, station_hourly.c.hour_utc)
    )
    conn.execute(province_hourly.insert().from_select(["province", "hour_utc", "pm25_total", "pm25_count"], aggregate))


_REFRESH_LATEST = sa.text("""
    UPDATE pm25_station_latest AS station
       SET latest_hour = last.hour_utc, latest_pm25 = last.pm25, latest_pm25_24h = last.pm25_24h,
           updated_at = now()
      FROM unnest(CAST(:keys AS integer[])) AS wanted(key)
      LEFT JOIN LATERAL (
            SELECT hour_utc, pm25, pm25_24h FROM pm25_station_hourly AS hourly
             WHERE hourly.station_key = wanted.key AND hourly.pm25 IS NOT NULL
             ORDER BY hourly.hour_utc DESC LIMIT 1) AS last ON true
     WHERE station.station_key = wanted.key
""")


def refresh_latest(conn: Connection, keys: Sequence[int]) -> None:
    if keys:
        conn.execute(_REFRESH_LATEST, {"keys": sorted(set(keys))})


def update_station(conn: Connection, station: StationInfo, *, create: bool = False) -> None:
    """A station dataset changed (status, place). Readings already stored keep the province they
    were taken in; new ones go to the new province."""
    if create or _station_key(conn, station.package_id) is not None:
        upsert_station(conn, station)


def clear(conn: Connection) -> None:
    """Empty the summary (before a rebuild in the same transaction)."""
    conn.execute(sa.delete(province_hourly))
    conn.execute(sa.delete(station_hourly))
    conn.execute(sa.delete(station_latest))


def rebuild_aggregates(conn: Connection) -> None:
    """Recompute every province hour and latest value from the stored readings (after a bulk
    load, or to repair)."""
    conn.execute(sa.delete(province_hourly))
    aggregate = (
        sa.select(station_hourly.c.province, station_hourly.c.hour_utc, sa.func.sum(station_hourly.c.pm25),
                  sa.func.count(station_hourly.c.pm25))
        .where(station_hourly.c.province.is_not(None), station_hourly.c.pm25.is_not(None),
               station_hourly.c.station_key.in_(_COUNTED))
        .group_by(station_hourly.c.province, station_hourly.c.hour_utc)
    )
    conn.execute(province_hourly.insert().from_select(["province", "hour_utc", "pm25_total", "pm25_count"], aggregate))
    keys = conn.execute(sa.select(station_latest.c.station_key)).scalars().all()
    refresh_latest(conn, keys)


def flag_reading(conn: Connection, package_id: str, hour_utc: datetime) -> int:
    """An agency's flag on the station's reading of that hour (measurements/flags.py), in the
    summary that ``pm25_measurements`` and the dashboard's CSV read; the harvests' upsert keeps it.
    Returns the rows changed (0 or 1)."""
    station = sa.select(station_latest.c.station_key).where(station_latest.c.package_id == package_id)
    return int(conn.execute(station_hourly.update()
                            .where(station_hourly.c.station_key == station.scalar_subquery(),
                                   station_hourly.c.hour_utc == hour_utc)
                            .values(quality_flag=AGENCY_FLAG)).rowcount or 0)


def unflag_reading(conn: Connection, package_id: str, hour_utc: datetime, flag: str | None) -> int:
    """Withdraw an agency's flag on the station's reading of that hour: ``flag`` (the upstream's)
    again in the summary. Returns the rows changed (0 when the reading carries no agency flag)."""
    station = sa.select(station_latest.c.station_key).where(station_latest.c.package_id == package_id)
    return int(conn.execute(station_hourly.update()
                            .where(station_hourly.c.station_key == station.scalar_subquery(),
                                   station_hourly.c.hour_utc == hour_utc,
                                   station_hourly.c.quality_flag == AGENCY_FLAG)
                            .values(quality_flag=flag)).rowcount or 0)
