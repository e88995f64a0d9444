"""An OpenAQ location that republishes a station we harvest from its primary source (Air4Thai):
found among the Air4Thai station datasets (``duplicates.py`` decides), then linked, never
counted twice.

The rule, whichever of the two was harvested first:

- the location gets no station dataset of its own, so the dashboard, the station counts and
  the province means see the station once, through its primary dataset;
- its readings are still kept, in the OpenAQ source's store under ``openaq:<location id>``
  with the provider and licence OpenAQ gives (nothing a user could download is lost), and the
  IPm25Readings hooks are not told of them;
- the primary station's dataset names it (``also_published_by_openaq``: the location ids),
  shown on the station's page; the harvest object's note names the primary and why it matched;
- when the primary appears after the location (an OpenAQ dataset exists already), that dataset
  is deleted (CKAN's ``package_delete``: the public figures leave out a deleted station's
  readings at once, issue 13) and its readings stay in the store.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ckan import model

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.harvesters import objects, readings_writer, recording, site_user
from ckanext.pm25.harvesters.duplicates import Match, Primary, primary_of as match_primary
from ckanext.pm25.harvesters.openaq_format import Location
from ckanext.pm25.harvesters.series import changed_rows
from ckanext.pm25.harvesters.source_config import OpenAQConfig

PRIMARY_GUID_PREFIX = "air4thai:"
LINK_FIELD = "also_published_by_openaq"


def _point(spatial: Any) -> tuple[float | None, float | None]:
    try:
        data = json.loads(spatial) if isinstance(spatial, str) else spatial
        if data.get("type") == "Point":
            return float(data["coordinates"][0]), float(data["coordinates"][1])
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        pass
    return None, None


def primaries() -> list[Primary]:
    """The active Air4Thai station datasets of every Air4Thai source."""
    rows = model.Session.query(model.Package).join(
        HarvestObject, HarvestObject.package_id == model.Package.id).filter(
        HarvestObject.current.is_(True), HarvestObject.guid.like(f"{PRIMARY_GUID_PREFIX}%"),
        model.Package.state == "active").distinct().all()
    found = []
    for package in rows:
        extras = package.extras or {}
        if not extras.get("station_id"):
            continue
        lon, lat = _point(extras.get("spatial"))
        found.append(Primary(package.id, package.name, str(extras["station_id"]), lon, lat))
    return found


def primary_of(location: Location, config: OpenAQConfig) -> Match | None:
    return match_primary(location, primaries(), primary_providers=config.primary_providers,
                         within_m=config.match_distance_m)


def _link(primary: Primary, location_id: str) -> bool:
    """Name the location on the primary's dataset; False when it was named already (no
    rewrite)."""
    package = model.Package.get(primary.package_id)
    if package is None:
        return False
    named = [part for part in str((package.extras or {}).get(LINK_FIELD) or "").split(",") if part]
    if location_id in named:
        return False
    value = ",".join(sorted({*named, location_id}, key=lambda part: (len(part), part)))
    site_user.call("package_patch", {"id": primary.package_id, LINK_FIELD: value})
    return True


def keep_as_republished(obj: HarvestObject, location: Location, match: Match, package_id: str, *,
                        store_id: str, series: str, rows: Sequence[dict[str, Any]],
                        stored: Sequence[dict[str, Any]], source: str,
                        licence: str | None) -> int:
    """Store the location's readings for the record, link it to its primary, and withdraw its
    own dataset if it had one. Returns the rows written."""
    primary = match.primary
    new, changed = changed_rows(rows, stored)
    written = readings_writer.write_rows(store_id, [*new, *changed], series_id=series,
                                         source=source, licence=licence, after=lambda _rows: None)
    if _link(primary, location.location_id):
        written += 1  # the link is news: "updated", and the note says why
        recording.record_object_note(
            obj, f"OpenAQ location {location.location_id} ({location.name}, provider "
                 f"{location.provider or 'not given'}) is Air4Thai station {primary.station_id} "
                 f"(dataset {primary.name}; {match.how}): counted once, under that station; its "
                 f"readings are kept in the OpenAQ store as series {series}")
    own = model.Package.get(package_id)
    if own is not None and own.state == "active":
        site_user.call("package_delete", {"id": package_id})
        objects.make_withdrawn(obj, package_id)
        recording.record_object_note(
            obj, f"The dataset {own.name} made for OpenAQ location {location.location_id} before "
                 f"Air4Thai station {primary.station_id} was harvested is deleted; its readings "
                 f"stay in the OpenAQ store")
        written += 1
    return written
