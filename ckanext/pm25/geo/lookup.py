"""Which province is this point, line or area in: the gazetteer over the province boundaries."""
from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any, cast

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from .coast import Coastline
from .point_grid import EXACT_TEST, NO_PROVINCE, PointGrid
from .provinces import Province, by_code, normalise_code

# A province touched by less than this share of a geometry (and covering less than this
# share of the province) is a sliver from imprecise borders, not a real overlap.
DEFAULT_MIN_SHARE = 0.02
# A line's share of each province is measured at this many points spread evenly along it:
# bounded work whatever the line (an exact overlay of a self-crossing line costs the square of
# its vertices), to 1/8192 of its length, far finer than the sliver rule.
LINE_SAMPLES = 8192
_METRES_PER_DEGREE = 111_320.0
_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Placement:
    """Where a point was placed: in ``province`` (``snapped_m`` metres off its boundary when it
    lay outside every province, off the coast), or nowhere. ``across_border`` is the province a
    point outside Thailand across a land border lies ``distance_m`` from, never placed in it."""

    province: Province | None
    snapped_m: float | None = None
    across_border: Province | None = None
    distance_m: float | None = None


class Gazetteer:
    """Province boundaries indexed for point-in-polygon and overlap queries (WGS 84).

    Build once and share: instances are read-only after construction (the point grid is
    added on first point lookup).
    """

    def __init__(self, provinces: Sequence[Province], geometries: Sequence[BaseGeometry]) -> None:
        if len(provinces) != len(geometries):
            raise ValueError("provinces and geometries differ in length")
        # Ordered by code, so that "the lowest index" (used to break ties on borders) is the lowest code.
        ordered = sorted(zip(provinces, geometries, strict=True), key=lambda pair: pair[0].code)
        self.provinces: tuple[Province, ...] = tuple(province for province, _ in ordered)
        self._geometries = np.asarray([geometry for _, geometry in ordered], dtype=object)
        shapely.prepare(self._geometries)
        self._areas = shapely.area(self._geometries)
        self._tree = STRtree(self._geometries)
        self._index_by_code = {province.code: index for index, province in enumerate(self.provinces)}

    @classmethod
    def from_geojson(
        cls, features: Iterable[Mapping[str, Any]] | Mapping[str, Any], code_field: str = "code"
    ) -> Gazetteer:
        """A gazetteer from WGS 84 GeoJSON features whose ``code_field`` holds a province code.

        Several features of one province (islands stored apart) are merged.
        """
        feature_list: Iterable[Mapping[str, Any]] = (
            features["features"] if isinstance(features, Mapping) else features
        )
        parts: dict[str, list[BaseGeometry]] = {}
        for feature in feature_list:
            value = (feature.get("properties") or {}).get(code_field)
            code = normalise_code(value)
            if code is None:
                raise ValueError(f"Unknown province code {value!r} in field {code_field!r}")
            parts.setdefault(code, []).append(shape(feature["geometry"]))
        codes = sorted(parts)
        geometries = [items[0] if len(items) == 1 else shapely.union_all(items) for items in (parts[c] for c in codes)]
        return cls([by_code(code) for code in codes], geometries)  # type: ignore[misc]  # normalised codes: all known

    def geometry_of(self, code: str) -> BaseGeometry | None:
        province = by_code(code)
        index = self._index_by_code.get(province.code) if province else None
        return None if index is None else self._geometries[index]

    def province_at(self, lon: float, lat: float, *, snap_m: float = 0.0) -> Province | None:
        """The province containing the point; with ``snap_m``, the nearest one within that
        distance when the point lies off the coast (never across a land border: see ``coast``).

        A point exactly on a shared border belongs to the province with the lowest code.
        """
        return self.place(lon, lat, snap_m=snap_m).province

    def place(self, lon: float, lat: float, *, snap_m: float = 0.0) -> Placement:
        """:meth:`province_at`, saying whether the point was snapped (and how far) or refused
        because it lies across a land border. ``snap_m`` is converted to degrees for the search,
        so it is approximate (up to ~6 % generous in longitude); distances are on the sphere."""
        known = self._grid.classify_one(lon, lat)
        if known >= 0:
            return Placement(self.provinces[known])
        if known == NO_PROVINCE and snap_m <= 0:
            return Placement(None)
        location = shapely.Point(lon, lat)
        if known == EXACT_TEST:
            hits = self._tree.query(location, predicate="intersects")
            if len(hits):
                return Placement(self.provinces[int(hits.min())])
        if snap_m <= 0:
            return Placement(None)
        nearest = self._tree.query_nearest(location, max_distance=snap_m / _METRES_PER_DEGREE)
        if not len(nearest):
            return Placement(None)
        index = int(nearest.min())
        distance = _metres_to(self._geometries[index], location)
        if self._coastline.faces_the_sea(lon, lat):
            return Placement(self.provinces[index], snapped_m=distance)
        return Placement(None, across_border=self.provinces[index], distance_m=distance)

    @cached_property
    def _coastline(self) -> Coastline:
        return Coastline(self._geometries.tolist())

    @cached_property
    def _grid(self) -> PointGrid:
        # Built on first point lookup (~0.1 s), not with the gazetteer: area queries never need it.
        return PointGrid(self._geometries, self._tree)

    def provinces_for(self, geometry: BaseGeometry, min_share: float = DEFAULT_MIN_SHARE) -> list[Province]:
        """Provinces a valid WGS 84 geometry (as from ``parse_geometry``) lies in, largest share first.

        Areas: a province counts when the overlap is at least ``min_share`` of the geometry's
        area or of the province's area, so a polygon grazing a neighbour does not count it,
        while a nationwide polygon still counts every province. Lines: by share of length.
        Points: every province a point lies in. When nothing passes the rule but something
        overlaps, the largest overlap is kept so a geometry in Thailand is never left without one.
        Shares are computed in degrees; the distortion across one geometry is negligible here.
        """
        found: dict[str, Province] = {}
        for part in _parts_by_dimension(geometry):
            for province in self._provinces_for_part(part, min_share):
                found.setdefault(province.code, province)
        return list(found.values())

    def intersecting(self, geometry: BaseGeometry) -> list[Province]:
        """Every province whose boundary the geometry intersects (touching included), by code.

        The exact answer, without :meth:`provinces_for`'s sliver rule: what a search for the
        datasets "in" a province must find, as Solr's ``Intersects`` would without its grid.
        """
        if geometry.is_empty:
            return []
        hits = self._tree.query(geometry, predicate="intersects")
        return [self.provinces[index] for index in sorted(hits.tolist())]

    def _provinces_for_part(self, part: BaseGeometry, min_share: float) -> list[Province]:
        dimension = shapely.get_dimensions(part)
        if dimension == 1:
            return self._provinces_for_line(part, min_share)
        candidates = self._tree.query(part, predicate="intersects")
        if len(candidates) == 0:
            return []
        if dimension == 0:
            points = shapely.get_parts(part)
            point_index, province_index = self._tree.query(points, predicate="intersects")
            order = np.lexsort((province_index, point_index))
            unique_provinces = dict.fromkeys(province_index[order].tolist())
            return [self.provinces[index] for index in unique_provinces]
        measure = shapely.area(shapely.intersection(part, self._geometries[candidates]))
        share = measure / part.area
        keep = (share >= min_share) | (measure / self._areas[candidates] >= min_share)
        return self._ranked(candidates, share, keep)

    def _provinces_for_line(self, line: BaseGeometry, min_share: float) -> list[Province]:
        """Provinces by share of the line's length, measured at ``LINE_SAMPLES`` points along it."""
        samples = _points_along(line, LINE_SAMPLES)
        sample_index, candidate_index = self._tree.query(samples)
        # province.intersects(point) so that the prepared provinces do the work.
        inside = shapely.intersects(self._geometries[candidate_index], samples[sample_index])
        if not inside.any():
            return []
        candidates, counts = np.unique(candidate_index[inside], return_counts=True)
        share = counts / len(samples)
        return self._ranked(candidates, share, share >= min_share)

    def _ranked(self, candidates: np.ndarray, share: np.ndarray, keep: np.ndarray) -> list[Province]:
        keep = keep & (share > 0)  # touching a border only is no overlap
        if not keep.any() and share.max() > 0:
            keep = share == share.max()
        ranked = sorted(zip(share[keep].tolist(), candidates[keep].tolist(), strict=True),
                        key=lambda item: (-item[0], item[1]))
        return [self.provinces[index] for _, index in ranked]


def _metres_to(geometry: BaseGeometry, location: shapely.Point) -> float:
    """Great-circle distance from the point to the nearest point of the geometry."""
    nearest = shapely.ops.nearest_points(geometry, location)[0]
    lon1, lat1, lon2, lat2 = map(math.radians, (location.x, location.y, nearest.x, nearest.y))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _points_along(line: BaseGeometry, count: int) -> np.ndarray:
    """``count`` points at equal steps of length along a (multi)line, each in the middle of its
    step: work in the number of vertices plus ``count``, whatever the line's crossings."""
    coordinates, part_of = shapely.get_coordinates(shapely.get_parts(line), return_index=True)
    within_a_part = part_of[:-1] == part_of[1:]
    start, end = coordinates[:-1][within_a_part], coordinates[1:][within_a_part]
    lengths = np.hypot(*(end - start).T)
    cumulative = np.cumsum(lengths)
    total = float(cumulative[-1])
    if total == 0:
        return shapely.points(start[:1])
    positions = (np.arange(count) + 0.5) * (total / count)
    segment = np.minimum(np.searchsorted(cumulative, positions, side="right"), len(lengths) - 1)
    offset = positions - (cumulative[segment] - lengths[segment])
    fraction = np.divide(offset, lengths[segment], out=np.zeros(count), where=lengths[segment] > 0)
    return shapely.points(start[segment] + (end[segment] - start[segment]) * fraction[:, None])


def _parts_by_dimension(geometry: BaseGeometry) -> list[BaseGeometry]:
    """One geometry per dimension (areas, then lines, then points) of a possibly mixed geometry."""
    if geometry.geom_type != "GeometryCollection":
        return [] if geometry.is_empty else [geometry]
    flat = shapely.get_parts(geometry)
    while (shapely.get_type_id(flat) == shapely.GeometryType.GEOMETRYCOLLECTION).any():
        flat = shapely.get_parts(flat)
    groups: list[BaseGeometry] = []
    dimensions = np.where(shapely.is_empty(flat), -1, shapely.get_dimensions(flat))
    for dimension in (2, 1, 0):
        members = flat[dimensions == dimension]
        if len(members):
            if dimension == 2:
                groups.append(shapely.union_all(members))
            elif dimension == 1:  # measured along, never noded: no union needed
                groups.append(cast(BaseGeometry, shapely.multilinestrings(shapely.get_parts(members))))
            else:
                groups.append(cast(BaseGeometry, shapely.multipoints(shapely.get_coordinates(members))))
    return groups


def load_gazetteer(path: str | os.PathLike[str], code_field: str = "code") -> Gazetteer:
    """A gazetteer from a WGS 84 GeoJSON FeatureCollection on disk (e.g. stored official boundaries)."""
    with open(path, encoding="utf-8") as handle:
        return Gazetteer.from_geojson(json.load(handle), code_field)


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer over the shipped Natural Earth boundaries, built once per process."""
    text = resources.files(__package__).joinpath("data").joinpath("provinces.geojson").read_text(encoding="utf-8")
    return Gazetteer.from_geojson(json.loads(text))


def current_gazetteer(path: str | os.PathLike[str] | None = None) -> Gazetteer:
    """The gazetteer over stored boundaries at ``path`` if that file exists, else the shipped one.

    Reloaded when the file changes (by modification time and size), so every worker process
    follows an administrator's replacement written by ``write_boundaries``.
    """
    if path is None:
        return default_gazetteer()
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return default_gazetteer()
    return _stored_gazetteer(os.fspath(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=2)
def _stored_gazetteer(path: str, mtime_ns: int, size: int) -> Gazetteer:
    return load_gazetteer(path)
