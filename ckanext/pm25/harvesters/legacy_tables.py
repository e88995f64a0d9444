"""Moving a site's readings out of the per-station DataStore tables of before the measurement
store (one "Hourly measurements" table per station dataset) into its source's store.

Per station, in this order: the table's rows are merged into the store page by page (each page
one transaction; a re-run merges the same rows again and changes nothing); the station's
hours are then counted in the store, and only when every hour of the table is there is the
table deleted and the station's resource turned into the link to its series. A station whose
counts do not match keeps its table, and the command reports it."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.harvest.model import HarvestObject, HarvestSource
from ckanext.pm25.harvesters import network, publishing, site_user
from ckanext.pm25.harvesters.datasets import (DEFAULT_LICENSE, hourly_resource, hourly_resource_id,
                                              series_id)
from ckanext.pm25.harvesters.source_config import parse_air4thai_config
from ckanext.pm25.measurements.bulk import merge
from ckanext.pm25.measurements.links import series_download_url
from ckanext.pm25.measurements.station_rows import PM25, measurement

PAGE = 10000
SOURCE_TYPE = "pm25_air4thai"


@dataclass(frozen=True)
class Moved:
    dataset: str
    table_rows: int
    store_rows: int

    @property
    def complete(self) -> bool:
        return self.store_rows >= self.table_rows


def _is_station_table(resource_id: str) -> bool:
    """A DataStore table of the old station layout (``station_id``, ``datetime_utc``)."""
    with get_write_engine().connect() as connection:
        columns = set(connection.execute(sa.text(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(:table) "
            "AND attnum > 0 AND NOT attisdropped"), {"table": identifier(resource_id)}).scalars())
    return {"station_id", "datetime_utc", "pm25"} <= columns


def _table_pages(resource_id: str) -> Iterator[list[dict[str, Any]]]:
    offset = 0
    while True:
        records = site_user.call("datastore_search", {
            "resource_id": resource_id, "sort": "datetime_utc", "limit": PAGE,
            "offset": offset, "include_total": False})["records"]
        if not records:
            return
        yield records
        offset += len(records)


def _count(resource_id: str, where: str, values: dict[str, str]) -> int:
    with get_write_engine().connect() as connection:
        return int(connection.execute(sa.text(
            f"SELECT count(*) FROM {identifier(resource_id)} WHERE {where}"), values).scalar() or 0)


def _stations() -> Iterator[tuple[model.Package, HarvestSource]]:
    """Station datasets of Air4Thai sources, with their source."""
    query = (model.Session.query(model.Package, HarvestSource)
             .join(HarvestObject, HarvestObject.package_id == model.Package.id)
             .join(HarvestSource, HarvestSource.id == HarvestObject.harvest_source_id)
             .filter(HarvestObject.current == True, HarvestSource.type == SOURCE_TYPE)  # noqa: E712
             .order_by(model.Package.name))
    yield from query.all()


def _move(package: model.Package, source: HarvestSource) -> Moved | None:
    table_id = hourly_resource_id(package.id)
    if not _is_station_table(table_id):
        return None
    config = parse_air4thai_config(source.config)
    publisher = publishing.publisher_for(source, config)
    store_id = network.ensure_stores(publisher, config.data_source).of(bool(package.private))
    station_id = str((package.extras or {}).get("station_id") or "")
    series = series_id(station_id)
    licence = publisher.license_id or DEFAULT_LICENSE
    for page in _table_pages(table_id):
        merge(store_id, (measurement(row, series_id=series, source=config.data_source,
                                     licence=licence) for row in page))
    table_rows = _count(table_id, "true", {})
    store_rows = _count(store_id, "series_id = :series AND parameter = :parameter AND hour_utc IN "
                        f"(SELECT datetime_utc AT TIME ZONE 'UTC' FROM {identifier(table_id)})",
                        {"series": series, "parameter": PM25})
    moved = Moved(package.name, table_rows, store_rows)
    if moved.complete:
        site_user.call("datastore_delete", {"resource_id": table_id, "force": True})
        link = hourly_resource(package.id, series_download_url(
            tk.config.get("ckan.site_url"), store_id, series))
        site_user.call("resource_update", {**link, "package_id": package.id, "url_type": ""})
    return moved


def move_station_tables(echo: Callable[[Moved], Any] = print) -> list[Moved]:
    """Move every station table into its source's store; returns what was found per station."""
    found = []
    for package, source in _stations():
        moved = _move(package, source)
        if moved is not None:
            echo(moved)
            found.append(moved)
    return found
