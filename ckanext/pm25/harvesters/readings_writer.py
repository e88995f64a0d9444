"""The DataStore table of hourly readings, upserted in batches on its primary key
(station_id, datetime_utc), and the :class:`~ckanext.pm25.interfaces.IPm25Readings` hooks
told of what was stored. A hook's failure is recorded against the object; what was stored
stays stored."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.harvesters import recording, site_user
from ckanext.pm25.interfaces import IPm25Readings

log = logging.getLogger(__name__)

DATASTORE_FIELDS: tuple[dict[str, Any], ...] = (
    {"id": "station_id", "type": "text",
     "info": {"label": "Station ID", "notes": "รหัสสถานี / upstream station id"}},
    {"id": "datetime_utc", "type": "timestamp",
     "info": {"label": "Hour (UTC)", "notes": "ต้นชั่วโมงของการตรวจวัด เวลา UTC / start of the "
                                                "measured hour, UTC"}},
    {"id": "datetime_local", "type": "text",
     "info": {"label": "Hour (Thai time)", "notes": "เวลาประเทศไทย ISO 8601 (+07:00) / the same "
                                                     "hour in Thai time, ISO 8601"}},
    {"id": "pm25", "type": "numeric",
     "info": {"label": "PM2.5 1-hour (µg/m³)", "notes": "ค่าเฉลี่ย 1 ชั่วโมง / hourly mean"}},
    {"id": "pm25_24h", "type": "numeric",
     "info": {"label": "PM2.5 24-hour (µg/m³)",
              "notes": "ค่าเฉลี่ยเคลื่อนที่ 24 ชั่วโมง (อย่างน้อย 18 ชั่วโมงที่มีค่า) / rolling "
                       "24-hour mean of at least 18 valid hours"}},
    {"id": "aqi_th", "type": "int",
     "info": {"label": "Thai AQI", "notes": "ดัชนีคุณภาพอากาศของกรมควบคุมมลพิษ / PCD AQI"}},
    {"id": "aqi_us", "type": "int",
     "info": {"label": "US EPA AQI", "notes": "US EPA AQI (2024)"}},
    {"id": "quality_flag", "type": "text",
     "info": {"label": "Quality flag", "notes": "ok หรือเหตุที่ไม่มีค่า / ok, or why a value is "
                                                "missing"}},
)
PRIMARY_KEY = ("station_id", "datetime_utc")


def upsert_batch_size() -> int:
    return int(tk.config.get("ckanext.pm25.harvest.upsert_batch_size"))


def stored_rows(resource_id: str, station_id: str, limit: int) -> list[dict[str, Any]] | None:
    """The station's newest ``limit`` rows, newest first; None when there is no table yet."""
    try:
        result = site_user.call("datastore_search", {
            "resource_id": resource_id, "filters": {"station_id": station_id},
            "sort": "datetime_utc desc", "limit": limit, "include_total": False})
    except tk.ObjectNotFound:
        return None
    return list(result["records"])


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield [dict(row) for row in rows[start:start + size]]


def write_rows(resource_id: str, new: Sequence[dict[str, Any]], changed: Sequence[dict[str, Any]],
               *, table_exists: bool, after_batch: Callable[[list[dict[str, Any]]], None]) -> int:
    """Store readings in batches: rows not stored yet are inserted (one statement per batch),
    rows that differ from the stored ones are upserted on the primary key (station_id,
    datetime_utc); the table is created with the first batch when missing. ``after_batch``
    runs after each batch committed. A key that turns out to exist already (a writer outside
    the harvester) makes its batch an upsert instead: never a duplicate, never an error."""
    size = upsert_batch_size()
    batches = [("insert", batch) for batch in _chunks(new, size)] + \
              [("upsert", batch) for batch in _chunks(changed, size)]
    if not table_exists:
        first = batches.pop(0)[1] if batches and batches[0][0] == "insert" else []
        site_user.call("datastore_create", {
            "resource_id": resource_id, "fields": list(DATASTORE_FIELDS),
            "primary_key": list(PRIMARY_KEY), "force": True, "records": first,
            "calculate_record_count": not batches})
        if first:
            after_batch(first)
    for position, (method, batch) in enumerate(batches):
        data = {"resource_id": resource_id, "records": batch, "method": method, "force": True,
                "calculate_record_count": position == len(batches) - 1}
        try:
            site_user.call("datastore_upsert", data)
        except tk.ValidationError:
            if method != "insert":
                raise
            model.Session.rollback()
            site_user.call("datastore_upsert", {**data, "method": "upsert"})
        after_batch(batch)
    return len(new) + len(changed)


def notify_readings_stored(obj: HarvestObject, dataset: dict[str, Any], resource_id: str,
                           rows: list[dict[str, Any]]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.readings_stored(dataset, resource_id, rows)
        except Exception as error:  # a hook's failure is recorded, and the readings stay stored
            model.Session.rollback()
            log.exception("readings_stored hook of %s failed", plugin.name)
            recording.record_object_error(obj, f"The readings were stored, but the readings_stored "
                                               f"hook of {plugin.name} failed: {error!r}", "Import")


def notify_station_status_changed(obj: HarvestObject, dataset: dict[str, Any]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.station_status_changed(dataset)
        except Exception as error:  # as above: recorded, the dataset change stands
            model.Session.rollback()
            log.exception("station_status_changed hook of %s failed", plugin.name)
            recording.record_object_error(obj, f"The station dataset was saved, but the "
                                               f"station_status_changed hook of {plugin.name} "
                                               f"failed: {error!r}", "Import")
