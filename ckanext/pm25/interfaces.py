"""Hooks other code (this plugin's dashboard, or other extensions) can implement, in the style of
ckanext-dcat's interfaces."""
from __future__ import annotations

from typing import Any

from ckan.plugins.interfaces import Interface


class IPm25Readings(Interface):
    """Told whenever a harvester has stored readings of a station, after the DataStore upsert
    committed, so summaries (latest value per station and province) stay current at import
    instead of being recomputed per request."""

    def readings_stored(self, dataset: dict[str, Any], resource_id: str, rows: list[dict[str, Any]]) -> None:
        """`rows` are the upserted DataStore rows (columns of
        ckanext.pm25.harvesters.normalise.DATASTORE_COLUMNS) of the station dataset `dataset`."""

    def stations_readings_stored(self, batches: list[tuple[dict[str, Any], str, list[dict[str, Any]]]],
                                 ) -> None:
        """Readings of several stations stored in one merge: (dataset, resource id, rows) each,
        as for :meth:`readings_stored`, which this calls once per station unless overridden."""
        for dataset, resource_id, rows in batches:
            self.readings_stored(dataset, resource_id, rows)

    def station_status_changed(self, dataset: dict[str, Any]) -> None:
        """A station dataset was marked active/inactive, or moved (new geometry and provinces)."""

    def areas_stored(self, areas: list[dict[str, Any]]) -> None:
        """A model source (GISTDA) stored values of areas (provinces, districts) in its
        measurement store: each dict has ``series_id``, ``source_id``, ``kind`` (province or
        district), ``code``, ``province``, ``name_th``, ``name_en``, ``hour_utc``, ``pm25``,
        ``pm25_24h``, ``data_source``, ``licence``, ``resource_id`` and ``forecast`` (a list of
        (Thai day, PM2.5))."""
