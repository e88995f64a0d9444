"""The district boundaries a site loaded, as CKAN uses them: where they are stored, the point
index over them, and loading or removing them (``ckan pm25 boundaries districts``)."""
from __future__ import annotations

import os
from pathlib import Path

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo.boundaries import SOURCE_META_NAME, write_boundaries
from ckanext.pm25.geo.district_boundaries import LoadedDistricts, load_district_boundaries
from ckanext.pm25.geo.district_index import DistrictIndex, current_district_index


def district_boundaries_path() -> Path:
    configured = tk.config.get("ckanext.pm25.district_boundaries_path")
    if configured:
        return Path(configured)
    return Path(tk.config.get("ckan.storage_path") or ".") / "pm25" / "districts" / "districts.geojson"


def district_index() -> DistrictIndex | None:
    """The index over the loaded districts, or None when the site has loaded none."""
    return current_district_index(district_boundaries_path())


def load_districts(path: str | os.PathLike[str], *, code_field: str | None = None, crs: str | None = None,
                   repair: bool = False, dry_run: bool = False) -> LoadedDistricts:
    """Read and validate the file; unless ``dry_run``, replace the stored districts with it
    (atomically, with ``source.json`` beside it). A :class:`BoundaryError` changes nothing."""
    loaded = load_district_boundaries(path, code_field=code_field, crs=crs, repair=repair)
    if not dry_run:
        write_boundaries(loaded.features, district_boundaries_path(),
                         {**loaded.source, "path": str(Path(path).resolve()), "missing": loaded.missing})
    return loaded


def remove_districts() -> bool:
    """Go back to no district boundaries; False when none were loaded."""
    target = district_boundaries_path()
    if not target.exists():
        return False
    target.unlink()
    (target.parent / SOURCE_META_NAME).unlink(missing_ok=True)
    return True
