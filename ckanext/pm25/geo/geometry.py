"""The single entry point for geometries from forms, the API and harvesters.

Checks run cheapest first, so a hostile input is refused before any heavy work:
size in bytes, JSON, GeoJSON structure and vertex budget, numbers, reprojection,
extent (with a swapped-axes hint), and finally geometric validity.
"""
from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.common.messages import N_

from .errors import GeometryError
from .reproject import WGS84, parse_epsg, to_wgs84, xy_to_wgs84

__all__ = ["EXTENT_MARGIN", "THAILAND_EXTENT", "GeometryError", "parse_geometry", "point", "to_geojson"]

# lon min, lat min, lon max, lat max of the country's territory (islands included).
THAILAND_EXTENT: tuple[float, float, float, float] = (97.3, 5.6, 105.7, 20.5)
EXTENT_MARGIN = 0.5
_MAX_COLLECTION_DEPTH = 4

# How deep the coordinate arrays of each type nest above a single position.
_NESTING: dict[str, int] = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}

Position = tuple[float, float]


class _VertexBudget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise GeometryError(
                N_("The geometry has more than %(max_vertices)s vertices."),
                {"max_vertices": self.limit},
                code="too_many_vertices",
            )


class _NonFiniteConstant(ValueError):
    pass


def _reject_constant(name: str) -> float:
    raise _NonFiniteConstant(name)


def _too_large(size: int, max_bytes: int) -> GeometryError:
    return GeometryError(
        N_("The geometry is larger than %(max_bytes)s bytes (%(size)s bytes)."),
        {"max_bytes": max_bytes, "size": size},
        code="too_many_bytes",
    )


def _not_finite(value: object) -> GeometryError:
    return GeometryError(
        N_("A coordinate is not a finite number: %(value)s."), {"value": value}, code="not_finite"
    )


def _decode(value: object, max_bytes: int) -> dict[str, Any]:
    if isinstance(value, Mapping):
        try:
            size = len(json.dumps(value, separators=(",", ":")).encode("utf-8"))
        except (TypeError, ValueError, RecursionError) as error:
            raise GeometryError(
                N_("The geometry is not valid JSON: %(reason)s"), {"reason": str(error)}, code="invalid_json"
            ) from error
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        data: object = dict(value)
    elif isinstance(value, (str, bytes)):
        # UTF-8 needs at least one byte per character: a long string is refused unencoded.
        if len(value) > max_bytes:
            raise _too_large(len(value), max_bytes)
        raw = value.encode("utf-8") if isinstance(value, str) else value
        if len(raw) > max_bytes:
            raise _too_large(len(raw), max_bytes)
        try:
            data = json.loads(raw, parse_constant=_reject_constant)
        except _NonFiniteConstant as error:
            raise _not_finite(str(error)) from error
        except (ValueError, RecursionError) as error:
            raise GeometryError(
                N_("The geometry is not valid JSON: %(reason)s"), {"reason": str(error)}, code="invalid_json"
            ) from error
    else:
        raise GeometryError(N_("The geometry must be a GeoJSON object."), code="not_an_object")
    if not isinstance(data, dict):
        raise GeometryError(N_("The geometry must be a GeoJSON object."), code="not_an_object")
    return data


def _declared_crs(data: Mapping[str, Any]) -> str | None:
    """The name in a legacy GeoJSON (2008) ``crs`` member, if any."""
    crs = data.get("crs")
    if isinstance(crs, Mapping) and isinstance(crs.get("properties"), Mapping):
        name = crs["properties"].get("name")
        return name if isinstance(name, str) else None
    return None


def _type_error(kind: object) -> GeometryError:
    return GeometryError(
        N_("Unsupported GeoJSON type: %(type)s. Expected a Geometry, a Feature or a FeatureCollection."),
        {"type": kind},
        code="unsupported_type",
    )


def _malformed(kind: str) -> GeometryError:
    return GeometryError(
        N_("The coordinates of the GeoJSON %(type)s are malformed."), {"type": kind}, code="malformed_coordinates"
    )


def _geometry_objects(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The geometry objects inside a Geometry, Feature or FeatureCollection."""
    kind = data.get("type")
    if kind == "Feature":
        geometry = data.get("geometry")
        if not isinstance(geometry, Mapping):
            raise GeometryError(N_("The GeoJSON Feature has no geometry."), code="feature_without_geometry")
        return [geometry]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise GeometryError(N_("The GeoJSON FeatureCollection has no features."), code="empty_collection")
        objects: list[Mapping[str, Any]] = []
        for feature in features:
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                raise _type_error(feature.get("type") if isinstance(feature, Mapping) else type(feature).__name__)
            objects.extend(_geometry_objects(feature))
        return objects
    if kind in _NESTING or kind == "GeometryCollection":
        return [data]
    raise _type_error(kind)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GeometryError(
            N_("A coordinate is not a number: %(value)s."), {"value": repr(value)[:40]}, code="not_a_number"
        )
    number = float(value)
    if not math.isfinite(number):
        raise _not_finite(value)
    return number


def _position(value: object, kind: str, budget: _VertexBudget) -> Position:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise _malformed(kind)
    budget.take(1)
    # Elevation and any further members are not used: the gazetteer is two-dimensional.
    return _number(value[0]), _number(value[1])


def _positions(value: object, kind: str, budget: _VertexBudget) -> list[Position]:
    if not isinstance(value, (list, tuple)):
        raise _malformed(kind)
    return [_position(item, kind, budget) for item in value]


def _line(value: object, kind: str, budget: _VertexBudget) -> list[Position]:
    positions = _positions(value, kind, budget)
    if len(positions) < 2:
        raise _malformed(kind)
    return positions


def _ring(value: object, kind: str, budget: _VertexBudget) -> list[Position]:
    positions = _positions(value, kind, budget)
    if len(positions) < 4 or positions[0] != positions[-1]:
        raise GeometryError(
            N_("Every polygon ring must be closed and have at least 4 positions."), code="unclosed_ring"
        )
    return positions


def _polygon(value: object, kind: str, budget: _VertexBudget) -> Polygon:
    if not isinstance(value, (list, tuple)) or not value:
        raise _malformed(kind)
    rings = [_ring(ring, kind, budget) for ring in value]
    return Polygon(rings[0], rings[1:])


def _multipoint(positions: list[Position]) -> BaseGeometry:
    # From one coordinate array: MultiPoint(positions) builds a Point per position (20 µs each).
    return cast(BaseGeometry, shapely.multipoints(np.asarray(positions, dtype=float))) if positions else MultiPoint()


def _list(value: object, kind: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise _malformed(kind)
    return list(value)


def _build(data: Mapping[str, Any], budget: _VertexBudget, depth: int = 0) -> BaseGeometry:
    kind = data.get("type")
    if kind == "GeometryCollection":
        members = data.get("geometries")
        if not isinstance(members, list) or depth >= _MAX_COLLECTION_DEPTH:
            raise _malformed(kind)
        built = []
        for member in members:
            if not isinstance(member, Mapping):
                raise _malformed(kind)
            built.append(_build(member, budget, depth + 1))
        return GeometryCollection(built)
    if kind not in _NESTING:
        raise _type_error(kind)
    coordinates = data.get("coordinates")
    if kind == "Point":
        return Point(_position(coordinates, kind, budget))
    if kind == "MultiPoint":
        return _multipoint(_positions(coordinates, kind, budget))
    if kind == "LineString":
        return LineString(_line(coordinates, kind, budget))
    if kind == "MultiLineString":
        return MultiLineString([_line(line, kind, budget) for line in _list(coordinates, kind)])
    if kind == "Polygon":
        return _polygon(coordinates, kind, budget)
    return MultiPolygon([_polygon(polygon, kind, budget) for polygon in _list(coordinates, kind)])


def _inside_extent(bounds: tuple[float, float, float, float]) -> bool:
    min_x, min_y, max_x, max_y = bounds
    lon_min, lat_min, lon_max, lat_max = THAILAND_EXTENT
    return (
        min_x >= lon_min - EXTENT_MARGIN
        and max_x <= lon_max + EXTENT_MARGIN
        and min_y >= lat_min - EXTENT_MARGIN
        and max_y <= lat_max + EXTENT_MARGIN
    )


def _float_bounds(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    min_x, min_y, max_x, max_y = (float(value) for value in geometry.bounds)
    return min_x, min_y, max_x, max_y


def _swapped_bounds_in_wgs84(source_bounds: tuple[float, float, float, float],
                             epsg: int) -> tuple[float, float, float, float] | None:
    min_x, min_y, max_x, max_y = source_bounds
    try:
        lons, lats = xy_to_wgs84([min_y, min_y, max_y, max_y], [min_x, max_x, min_x, max_x], epsg)
    except Exception:  # any failure simply means "no better explanation"
        return None
    if not (np.isfinite(lons).all() and np.isfinite(lats).all()):
        return None
    return float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max())


def _check_extent(geometry: BaseGeometry, source_bounds: tuple[float, float, float, float], epsg: int) -> None:
    bounds = _float_bounds(geometry)
    if _inside_extent(bounds):
        return
    swapped = _swapped_bounds_in_wgs84(source_bounds, epsg)
    if swapped is not None and _inside_extent(swapped):
        raise GeometryError(
            N_(
                "The geometry lies outside Thailand, but would lie inside if its coordinates were swapped: "
                "latitude and longitude appear to be in the wrong order. GeoJSON positions are "
                "[longitude, latitude]."
            ),
            code="swapped_coordinates",
        )
    raise GeometryError(
        N_("The geometry lies outside Thailand (bounds %(bounds)s)."),
        {"bounds": ", ".join(f"{value:.4f}" for value in bounds)},
        code="outside_thailand",
    )


def _check_valid(geometry: BaseGeometry) -> None:
    if not shapely.is_valid(geometry):
        raise GeometryError(
            N_("The geometry is not valid: %(reason)s."),
            {"reason": shapely.is_valid_reason(geometry)},
            code="invalid_geometry",
        )


def _combine(parts: list[BaseGeometry]) -> BaseGeometry:
    if len(parts) == 1:
        return parts[0]
    kinds = {part.geom_type.removeprefix("Multi") for part in parts}
    if kinds == {"Polygon"}:
        # Features of one collection may overlap each other; their union is one clean area.
        return shapely.union_all(parts)
    members = [member for part in parts for member in getattr(part, "geoms", [part])]
    if kinds == {"Point"}:
        return _multipoint([(point.x, point.y) for point in members])
    if kinds == {"LineString"}:
        return MultiLineString(members)
    return GeometryCollection(parts)


def parse_geometry(
    value: object,
    crs: int | str | None = None,
    *,
    max_bytes: int,
    max_vertices: int,
) -> BaseGeometry:
    """A validated WGS 84 geometry from GeoJSON text or an already decoded GeoJSON object
    (anything else is refused with a :class:`GeometryError`).

    ``crs`` (an accepted EPSG code) overrides a legacy ``crs`` member of the object; without
    either, coordinates are WGS 84 longitude, latitude as RFC 7946 requires.
    Raises :class:`GeometryError`.
    """
    data = _decode(value, max_bytes)
    declared = crs if crs is not None else _declared_crs(data)
    epsg = parse_epsg(declared) if declared is not None else WGS84
    budget = _VertexBudget(max_vertices)
    parts = [_build(obj, budget) for obj in _geometry_objects(data)]
    if any(part.is_empty for part in parts):
        raise GeometryError(N_("The geometry is empty."), code="empty_geometry")
    checked: list[BaseGeometry] = []
    for part in parts:
        source_bounds = _float_bounds(part)
        part = to_wgs84(part, epsg)
        _check_extent(part, source_bounds, epsg)
        _check_valid(part)
        checked.append(part)
    return _combine(checked)


_NOT_A_NUMBER = {
    "latitude": N_("The latitude is not a number: %(value)s."),
    "longitude": N_("The longitude is not a number: %(value)s."),
}


def _coordinate(value: object, name: str) -> float:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GeometryError(_NOT_A_NUMBER[name], {"value": repr(value)[:40]}, code="not_a_number")
    if not math.isfinite(value):
        raise _not_finite(value)
    return float(value)


def point(lat: float | str, lon: float | str) -> Point:
    """A validated WGS 84 point from latitude and longitude (numbers or numeric strings)."""
    latitude = _coordinate(lat, "latitude")
    longitude = _coordinate(lon, "longitude")
    location = Point(longitude, latitude)
    _check_extent(location, (longitude, latitude, longitude, latitude), WGS84)
    return location


def to_geojson(geometry: BaseGeometry) -> str:
    """Compact GeoJSON text of a geometry (for the dataset ``spatial`` field)."""
    return shapely.to_geojson(geometry)
