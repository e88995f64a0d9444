"""Replacing the province boundaries of a running catalogue.

An administrator's file (GeoJSON or Shapefile, any CRS) is read and validated completely
before anything is replaced; then the datasets whose derived provinces change under the new
boundaries are updated (and so reindexed), and the datasets whose geometry now intersects other
provinces (the `ext_province` filter's index field) are reindexed; only those.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import search as search_index
from ckan.types import Context

from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo import geometry
from ckanext.pm25.geo.boundaries import SOURCE_META_NAME, LoadedBoundaries, load_boundaries, write_boundaries
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.common.stored import stored_list

SEARCH_PAGE = 1000  # CKAN's default ckan.search.rows_max


@dataclass(frozen=True)
class ProvinceChange:
    id: str
    name: str
    old: list[str]
    new: list[str]


@dataclass
class ChangePlan:
    """What the new boundaries change in the catalogue."""

    checked: int = 0  # datasets with a location
    changes: list[ProvinceChange] = field(default_factory=list)
    # Provinces given by hand (not the ones derived from the location): never overwritten.
    given_by_hand: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    # Ids whose geometry intersects other provinces under the new boundaries (reindexed only).
    reindex: list[str] = field(default_factory=list)


@dataclass
class ReplaceResult:
    boundaries: LoadedBoundaries
    plan: ChangePlan
    written_to: Path | None = None
    updated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    reindexed: int = 0


def datasets_with_location(context: Context) -> Iterator[dict[str, Any]]:
    """Every dataset (private and drafts too) that has a `spatial` location, from the search index."""
    start = 0
    while True:
        result = tk.get_action("package_search")(context.copy(), {
            "q": "", "rows": SEARCH_PAGE, "start": start,
            "sort": "id asc", "include_private": True, "include_drafts": True,
            "fl": ["id", "name", "validated_data_dict"],
        })
        for row in result["results"]:
            dataset = json.loads(row.get("validated_data_dict") or "{}")
            if dataset.get("spatial"):
                yield dataset
        start += SEARCH_PAGE
        if start >= result["count"]:
            return


def plan_changes(datasets: Iterator[dict[str, Any]], old: Gazetteer, new: Gazetteer, min_share: float) -> ChangePlan:
    """Datasets whose provinces were derived from their location and differ under ``new``."""
    plan = ChangePlan()
    limits = gazetteer.geometry_limits()
    for dataset in datasets:
        plan.checked += 1
        try:
            shape = geometry.parse_geometry(dataset["spatial"], **limits)
        except GeoError:
            plan.unreadable.append(dataset["name"])
            continue
        if _codes(old.intersecting(shape)) != _codes(new.intersecting(shape)):
            plan.reindex.append(dataset["id"])
        stored = sorted(stored_list(dataset.get("provinces")))
        derived_before = sorted(province.code for province in old.provinces_for(shape, min_share))
        if stored != derived_before:
            plan.given_by_hand.append(dataset["name"])
            continue
        derived_now = sorted(province.code for province in new.provinces_for(shape, min_share))
        if derived_now != stored:
            plan.changes.append(ProvinceChange(dataset["id"], dataset["name"], stored, derived_now))
    return plan


def _codes(found: list[Province]) -> list[str]:
    return [province.code for province in found]


def _site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def apply_changes(plan: ChangePlan) -> tuple[list[str], dict[str, str]]:
    """package_patch each changed dataset's provinces (validated, stored and reindexed as any update)."""
    updated: list[str] = []
    failed: dict[str, str] = {}
    context = _site_context()
    for change in plan.changes:
        try:
            tk.get_action("package_patch")(context.copy(), {"id": change.id, "provinces": change.new})
        except tk.ValidationError as error:
            failed[change.name] = "; ".join(f"{key}: {messages}" for key, messages in error.error_dict.items())
        except tk.ObjectNotFound:
            failed[change.name] = "deleted meanwhile"
        else:
            updated.append(change.name)
    return updated, failed


def reindex(package_ids: Iterable[str]) -> int:
    """Index the datasets again (as `ckan search-index rebuild` does, one commit for all), under
    the boundaries in use now."""
    ids = list(package_ids)
    if ids:
        search_index.rebuild(package_ids=ids)
        search_index.commit()  # rebuild leaves the commit of a list of ids to its caller
    return len(ids)


def replace_boundaries(path: str | os.PathLike[str], *, code_field: str | None = None, crs: str | None = None,
                       dry_run: bool = False) -> ReplaceResult:
    """Load, validate, plan, write and apply. A :class:`BoundaryError` leaves everything as it was."""
    loaded = load_boundaries(path, code_field=code_field, crs=crs)
    new = loaded.to_gazetteer()
    old = gazetteer.gazetteer()
    plan = plan_changes(datasets_with_location(_site_context()), old, new, gazetteer.min_share())
    result = ReplaceResult(boundaries=loaded, plan=plan)
    if dry_run:
        return result
    target = Path(gazetteer.boundaries_path())
    write_boundaries(loaded.features, target, {**loaded.source, "path": str(Path(path).resolve()),
                                               "warnings": loaded.warnings})
    result.written_to = target
    result.updated, result.failed = apply_changes(plan)
    result.reindexed = reindex(id_ for id_ in plan.reindex if id_ not in {change.id for change in plan.changes})
    return result


@dataclass(frozen=True)
class BoundariesInUse:
    path: Path
    shipped: bool
    source: dict[str, Any]
    intact: bool | None  # the file still has the checksum recorded when it was written


def boundaries_in_use() -> BoundariesInUse:
    stored = Path(gazetteer.boundaries_path())
    if stored.exists():
        path, shipped = stored, False
    else:
        path, shipped = Path(__file__).resolve().parents[1] / "geo" / "data" / "provinces.geojson", True
    meta_path = path.parent / SOURCE_META_NAME
    source: dict[str, Any] = {}
    intact: bool | None = None
    if meta_path.exists():
        source = json.loads(meta_path.read_text(encoding="utf-8"))
        if source.get("sha256"):
            intact = hashlib.sha256(path.read_bytes()).hexdigest() == source["sha256"]
    return BoundariesInUse(path=path, shipped=shipped, source=source, intact=intact)
