"""A station's readings follow its dataset's privacy: a station made private has its series
moved to its source's private store (a private dataset, so CKAN's DataStore authorisation keeps
it to the organisation: ``datastore_search``, ``datastore_search_sql``, dumps), and back when
made public; its "Hourly measurements" link follows. Run when a dataset is updated
(``after_dataset_update``, before CKAN indexes and commits it, so the link is saved and indexed
with the change) and at every import (a dataset made private without ``package_update``, such
as an organisation's bulk "make private")."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestObject, HarvestSource
from ckanext.pm25.harvesters.datasets import hourly_resource_id, store_resource_id
from ckanext.pm25.measurements.bulk import move_series
from ckanext.pm25.measurements.links import parse_series_download_url, series_download_url
from ckanext.pm25.measurements.store import store_exists


def _source_of(package_id: str) -> HarvestSource | None:
    current = (model.Session.query(HarvestObject)
               .filter(HarvestObject.package_id == package_id, HarvestObject.current == True)  # noqa: E712
               .first())
    return current.source if current is not None else None


def move_rows(resource: model.Resource | None, target_store: str) -> str | None:
    """Move the series the link ``resource`` downloads into ``target_store``; its series id, or
    None when there is nothing to move (no series link, or it is there already)."""
    linked = parse_series_download_url(resource.url or "") if resource is not None else None
    if linked is None or linked[0] == target_store or not store_exists(target_store):
        return None
    store_id, series = linked
    if store_exists(store_id):
        move_series(store_id, target_store, series)
    return series


def move_to(resource: model.Resource, target_store: str) -> bool:
    """:func:`move_rows`, and the link pointed at ``target_store``; False when nothing moved."""
    series = move_rows(resource, target_store)
    if series is None:
        return False
    resource.url = series_download_url(tk.config.get("ckan.site_url"), target_store, series)
    return True


def dataset_updated(data: dict[str, Any]) -> None:
    """``after_dataset_update``: a station whose privacy no longer matches its store moves."""
    if not data.get("station_id") or not data.get("id"):
        return
    resource = model.Resource.get(hourly_resource_id(str(data["id"])))
    source = _source_of(str(data["id"])) if resource is not None else None
    if resource is None or source is None:
        return
    if move_to(resource, store_resource_id(source.id, bool(data.get("private")))):
        model.Session.flush()
