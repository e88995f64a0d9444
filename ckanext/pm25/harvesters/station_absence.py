"""A station harvested before and missing from a usable, non-empty upstream list: marked
inactive with the time of its newest stored reading, never deleted (issue 5), the same way for
every station source. Its GUID is ``<prefix><station id>`` and its series in the source's store
is named the same."""
from __future__ import annotations

import json
from collections.abc import Set
from datetime import timezone
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.common.times import parse_utc
from ckanext.pm25.harvesters import objects, readings_writer, site_user
from ckanext.pm25.harvesters.datasets import store_resource_id


def gone_objects(source_id: str, guid_prefix: str, listed: Set[str]) -> list[dict[str, Any]]:
    """Objects for stations harvested before, still active here, absent from ``listed``."""
    gone = []
    for guid, package_id, _modified in objects.current_objects(source_id):
        if not guid.startswith(guid_prefix) or guid in listed or not package_id:
            continue
        package = model.Package.get(package_id)
        if package is None or package.state != "active" \
                or (package.extras or {}).get("station_status") == "inactive":
            continue
        gone.append({"guid": guid, "content": json.dumps(
            {"gone": True, "station_id": guid[len(guid_prefix):]})})
    return gone


def _z(stamp: str) -> str:
    """A DataStore timestamp (UTC, no zone) as ISO 8601 with ``Z``, like the stored rows."""
    return parse_utc(stamp).astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def mark_inactive(obj: HarvestObject, package_id: str, guid_prefix: str) -> bool | str:
    """Mark the station dataset inactive, last seen at its newest stored reading."""
    if model.Package.get(package_id) is None:
        return "unchanged"
    existing = site_user.call("package_show", {"id": package_id})
    if existing.get("station_status") == "inactive":
        objects.make_current(obj, package_id)
        return "unchanged"
    station_id = str(existing.get("station_id"))
    store_id = store_resource_id(obj.harvest_source_id, bool(existing.get("private")))
    try:
        newest = readings_writer.stored_rows(store_id, guid_prefix + station_id, station_id, 1)
    except tk.ObjectNotFound:  # no store yet: what the dataset knew stands
        newest = []
    last_seen = _z(newest[0]["datetime_utc"]) if newest else existing.get("station_last_seen")
    dataset = site_user.call("package_update", {**existing, "station_status": "inactive",
                                                "station_last_seen": last_seen or ""})
    readings_writer.notify_station_status_changed(obj, dataset)
    objects.make_current(obj, package_id)
    return True
