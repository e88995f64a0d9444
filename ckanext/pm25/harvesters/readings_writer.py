"""A station's readings read from and merged into its network's measurement store
(``measurements/``), and the :class:`~ckanext.pm25.interfaces.IPm25Readings` hooks told of
what was stored. A hook's failure is recorded against the object; what was stored stays
stored."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import ckan.plugins as plugins
from ckan import model

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.harvesters import recording, site_user
from ckanext.pm25.interfaces import IPm25Readings
from ckanext.pm25.measurements.bulk import merge
from ckanext.pm25.measurements.station_rows import PM25, measurement, station_row

log = logging.getLogger(__name__)

def stored_rows(store_id: str, series_id: str, station_id: str, limit: int) -> list[dict[str, Any]]:
    """The station's newest ``limit`` PM2.5 rows in the store, newest first."""
    result = site_user.call("datastore_search", {
        "resource_id": store_id, "filters": {"series_id": series_id, "parameter": PM25},
        "sort": "hour_utc desc", "limit": limit, "include_total": False})
    return [station_row(record, station_id) for record in result["records"]]


def write_rows(store_id: str, rows: Sequence[dict[str, Any]], *, series_id: str, source: str,
               licence: str | None, after: Callable[[list[dict[str, Any]]], None]) -> int:
    """Merge the station's rows into the store in one transaction (new hours inserted, changed
    ones updated, nothing half-written on failure); ``after`` runs once it committed."""
    if not rows:
        return 0
    counts = merge(store_id, (measurement(row, series_id=series_id, source=source,
                                          licence=licence) for row in rows))
    after([dict(row) for row in rows])
    return counts.written


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


def notify_stations_readings_stored(obj: HarvestObject,
                                    batches: list[tuple[dict[str, Any], str, list[dict[str, Any]]]]) -> None:
    """The hooks told of a batch's stations at once; a failure is recorded against ``obj``."""
    if not batches:
        return
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.stations_readings_stored(batches)
        except Exception as error:  # as for one station: recorded, the readings stay stored
            model.Session.rollback()
            log.exception("stations_readings_stored hook of %s failed", plugin.name)
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
