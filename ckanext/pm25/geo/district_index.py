"""Which district a point is in, over the district boundaries a site loaded (an STRtree)."""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

from .districts import District, district_by_code

log = logging.getLogger(__name__)


class DistrictIndex:
    """Loaded district polygons (WGS 84), indexed for point lookups. Read-only once built."""

    def __init__(self, features: Iterable[Mapping[str, Any]]) -> None:
        pairs = []
        for feature in features:
            code = str((feature.get("properties") or {}).get("code", ""))
            district = district_by_code(code)
            if district is None:  # stored before an upgrade dropped or renumbered it: its points get a province
                log.warning("District boundaries: %s is no longer a district; left out", code)
                continue
            pairs.append((district, shape(feature["geometry"])))
        # Ordered by code, so that a point on a shared border belongs to the lowest code.
        pairs.sort(key=lambda pair: pair[0].code)
        self.districts: tuple[District, ...] = tuple(district for district, _ in pairs)
        self._geometries = np.asarray([geometry for _, geometry in pairs], dtype=object)
        shapely.prepare(self._geometries)
        self._tree = STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self.districts)

    def district_at(self, lon: float, lat: float) -> District | None:
        """The district whose polygon holds the point (its border included), or None."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.districts[int(hits.min())] if len(hits) else None


def load_district_index(path: str | os.PathLike[str]) -> DistrictIndex:
    with open(path, encoding="utf-8") as handle:
        return DistrictIndex(json.load(handle)["features"])


def current_district_index(path: str | os.PathLike[str]) -> DistrictIndex | None:
    """The index over the districts stored at ``path``, or None when none are loaded.

    Rebuilt when the file changes (modification time and size), so every worker process follows
    an administrator's load or removal."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return _stored_index(os.fspath(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=2)
def _stored_index(path: str, mtime_ns: int, size: int) -> DistrictIndex:
    return load_district_index(path)
