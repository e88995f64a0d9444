"""A station dataset and its readings written the one way every station harvester shares: the
dataset created or updated through the PM2.5 schema only when its metadata changed (its
fingerprint, state or link), its "Hourly measurements" link to its series in the source's
measurement store, and only the rows that are new or changed merged into that store, with the
IPm25Readings hooks told of what was stored."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.harvesters import objects, readings_writer, site_user, station_privacy
from ckanext.pm25.harvesters.datasets import bounded_name, hourly_resource, hourly_resource_id
from ckanext.pm25.harvesters.series import changed_rows, without_hours
from ckanext.pm25.measurements.links import series_download_url


@dataclass(frozen=True)
class SavedStation:
    """``dataset``: as saved (None when not written, nor read); whether its metadata changed
    and whether its place or status did (the summary hooks' concern)."""

    package_id: str
    dataset: dict[str, Any] | None
    metadata_changed: bool
    status_changed: bool


def free_name(ideal: str, package_id: str, source_name: str) -> str:
    """``ideal``, or with the source's name added when another dataset (from another source of
    the same upstream) has it already."""
    holder = model.Package.get(ideal)
    if holder is None or holder.id == package_id:
        return ideal
    return bounded_name(ideal, source_name)


def save_station(obj: HarvestObject, *, package_id: str, desired: dict[str, Any], digest: str,
                 store_id: str, series: str, ideal_name: str, source_name: str,
                 known: dict[str, Any] | None) -> SavedStation:
    """Create or update the station dataset ``desired`` (no resources) when needed."""
    resource_id = hourly_resource_id(package_id)
    link = hourly_resource(package_id, series_download_url(
        tk.config.get("ckan.site_url"), store_id, series))
    # made private or public since its link was written, without package_update (an
    # organisation's bulk change): its series moves now; the link is rewritten below
    station_privacy.move_rows(model.Resource.get(resource_id), store_id)
    if known is None:
        objects.stand_for(obj, package_id)
        dataset = site_user.call("package_create", {
            **desired, "name": free_name(ideal_name, package_id, source_name),
            "resources": [link]})
        return SavedStation(package_id, dataset, True, False)
    link_resource = model.Resource.get(resource_id)
    changed = (known["state"] != "active"
               or link_resource is None or link_resource.state != "active"
               or link_resource.url != link["url"]
               or objects.previous_fingerprint(obj) != digest)
    if not changed:
        return SavedStation(package_id, None, False, False)
    existing = site_user.call("package_show", {"id": package_id})
    resources = [link if r["id"] == resource_id else r for r in existing["resources"]]
    if not any(r["id"] == resource_id for r in resources):
        resources.append(link)
    objects.stand_for(obj, package_id)
    dataset = site_user.call("package_update", {
        **existing, **desired, "name": existing["name"], "resources": resources,
        "state": "active"})
    moved = (existing.get("spatial") or "") != (dataset.get("spatial") or "")
    status_changed = (moved or existing["state"] != "active"
                      or existing.get("station_status") != dataset.get("station_status"))
    return SavedStation(package_id, dataset, True, status_changed)


def store_rows(obj: HarvestObject, saved: SavedStation, *, store_id: str, series: str,
               rows: Sequence[dict[str, Any]], stored: Sequence[dict[str, Any]],
               fill_only: Sequence[str], source: str, licence: str | None) -> int:
    """Merge the rows new or changed against ``stored`` (``fill_only`` hours only where none is
    stored) and tell the hooks; then the status hook when the station moved or changed status.
    Returns the rows written."""
    new, changed = changed_rows(rows, stored)
    changed = without_hours(changed, fill_only)
    dataset = saved.dataset
    if (new or changed) and dataset is None:
        dataset = site_user.call("package_show", {"id": saved.package_id})
    written = readings_writer.write_rows(
        store_id, [*new, *changed], series_id=series, source=source, licence=licence,
        after=lambda rows_written: readings_writer.notify_readings_stored(
            obj, dataset or {}, hourly_resource_id(saved.package_id), rows_written))
    if saved.status_changed and saved.dataset is not None:
        readings_writer.notify_station_status_changed(obj, saved.dataset)
    return written
