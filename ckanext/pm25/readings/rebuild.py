"""Rebuilding the summary from the DataStore: for a site whose stations were harvested before the
summary existed, or after readings were changed in the DataStore by hand. Reads each station
dataset's readings page by page (its series in the network's measurement store that its
"Hourly measurements" resource links to, or, on a site not migrated yet, that resource's own
DataStore table) and stores them through the same write path as the harvester's hook."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.pm25.measurements.links import parse_series_download_url
from ckanext.pm25.measurements.station_rows import PM25, station_row
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


def _pages(context: Context, query: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    offset = 0
    while True:
        result = tk.get_action("datastore_search")(context.copy(), {
            **query, "limit": PAGE, "offset": offset, "include_total": False})
        records = result["records"]
        if not records:
            return
        yield records
        offset += len(records)


def _readings(context: Context, resource: dict[str, Any],
              station_id: str) -> Iterator[list[dict[str, Any]]] | None:
    """The station's readings page by page, as station rows; None when it has none."""
    if resource.get("datastore_active"):  # a station table of before the measurement store
        return _pages(context, {"resource_id": resource["id"], "sort": "datetime_utc"})
    linked = parse_series_download_url(resource.get("url") or "")
    if linked is None:
        return None
    store_id, series_id = linked
    pages = _pages(context, {"resource_id": store_id, "sort": "hour_utc",
                             "filters": {"series_id": series_id, "parameter": PM25}})
    return ([station_row(record, station_id) for record in page] for page in pages)


def rebuild(echo: Callable[[str], Any] = print) -> tuple[int, int]:
    """Empty the summary and store every station's readings again, in one transaction (pages
    keep showing the old summary until it commits); returns (stations, readings)."""
    context: Context = {"ignore_auth": True}
    stations = readings = 0
    with hooks.writing() as conn:
        store.clear(conn)
        for package_id in station_dataset_ids():
            dataset = tk.get_action("package_show")(context.copy(), {"id": package_id})
            hourly = [r for r in dataset.get("resources", []) if r.get("name") == HOURLY_RESOURCE]
            pages = _readings(context, hourly[0], str(dataset.get("station_id"))) if hourly else None
            if pages is None:
                continue
            info = store.station_info(dataset, low_cost_in_mean=hooks.low_cost_in_mean())
            try:
                for page in pages:
                    readings += store.record_many(conn, [(info, hourly[0]["id"], page)],
                                                  refresh=False)
            except tk.ObjectNotFound:  # its store was deleted: nothing to rebuild from
                continue
            stations += 1
            echo(f"{dataset['name']}: {dataset.get('station_id')}")
        store.rebuild_aggregates(conn)
    return stations, readings
