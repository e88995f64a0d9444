"""Rebuilding the summary from the DataStore: for a site whose stations were harvested before the
summary existed, or after readings were changed in the DataStore by hand. Reads each station
dataset's "Hourly measurements" table page by page and stores it through the same write path
as the harvester's hook."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.pm25.readings import hooks, store

HOURLY_RESOURCE = "Hourly measurements"
PAGE = 10000


def station_dataset_ids() -> list[str]:
    """Active datasets that carry a station id (extras are a JSONB column in CKAN 2.12 and a
    table in 2.11: ``Package.extras`` reads both)."""
    packages = (model.Session.query(model.Package)
                .filter(model.Package.state == "active", model.Package.type == "dataset")
                .order_by(model.Package.name))
    return [package.id for package in packages if (package.extras or {}).get("station_id")]


def _rows(context: Context, resource_id: str) -> Iterator[list[dict[str, Any]]]:
    offset = 0
    while True:
        result = tk.get_action("datastore_search")(context.copy(), {
            "resource_id": resource_id, "limit": PAGE, "offset": offset, "sort": "datetime_utc",
            "include_total": False})
        records = result["records"]
        if not records:
            return
        yield records
        offset += len(records)


def rebuild(echo: Callable[[str], Any] = print) -> tuple[int, int]:
    """Empty the summary and store every station's readings again, in one transaction (pages
    keep showing the old summary until it commits); returns (stations, readings)."""
    context: Context = {"ignore_auth": True}
    stations = readings = 0
    with hooks.writing() as conn:
        store.clear(conn)
        for package_id in station_dataset_ids():
            dataset = tk.get_action("package_show")(context.copy(), {"id": package_id})
            tables = [r for r in dataset.get("resources", [])
                      if r.get("name") == HOURLY_RESOURCE and r.get("datastore_active")]
            if not tables:
                continue
            info = store.station_info(dataset)
            for page in _rows(context, tables[0]["id"]):
                readings += store.record_many(conn, [(info, tables[0]["id"], page)], refresh=False)
            stations += 1
            echo(f"{dataset['name']}: {dataset.get('station_id')}")
        store.rebuild_aggregates(conn)
    return stations, readings
