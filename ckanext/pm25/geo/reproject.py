"""Reprojection to WGS 84 (longitude, latitude) with pyproj."""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.common.messages import N_

from .errors import CRSError

WGS84 = 4326

# Coordinate systems a user, an API client or a harvested record may declare. Anything else
# is refused rather than guessed: a wrong datum silently moves a station by hundreds of metres.
SUPPORTED_EPSG: dict[int, str] = {
    4326: "WGS 84",
    4240: "Indian 1975",
    4239: "Indian 1954",
    32647: "WGS 84 / UTM zone 47N",
    32648: "WGS 84 / UTM zone 48N",
    24047: "Indian 1975 / UTM zone 47N",
    24048: "Indian 1975 / UTM zone 48N",
    23947: "Indian 1954 / UTM zone 47N",
    23948: "Indian 1954 / UTM zone 48N",
    3857: "WGS 84 / Pseudo-Mercator",
}

_CRS84_NAMES = frozenset({"crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84",
                          "http://www.opengis.net/def/crs/ogc/1.3/crs84"})
_EPSG_NAME = re.compile(
    r"^(?:epsg:{1,2}|urn:ogc:def:crs:epsg:[\d.]*:|https?://www\.opengis\.net/def/crs/epsg/[\d.]+/)?(\d{4,5})$"
)


def _unsupported(value: object) -> CRSError:
    return CRSError(
        N_("Unsupported coordinate reference system %(crs)s. Supported EPSG codes: %(supported)s."),
        {"crs": value, "supported": ", ".join(str(code) for code in SUPPORTED_EPSG)},
        code="unsupported_crs",
    )


def parse_epsg(value: int | str) -> int:
    """An accepted EPSG code from ``4326``, ``"EPSG:32647"``, an OGC URN/URL, or CRS84."""
    if isinstance(value, bool):
        raise _unsupported(value)
    if isinstance(value, int):
        epsg = value
    else:
        name = value.strip().casefold()
        if name in _CRS84_NAMES:
            return WGS84
        match = _EPSG_NAME.match(name)
        if match is None:
            raise _unsupported(value)
        epsg = int(match.group(1))
    if epsg not in SUPPORTED_EPSG:
        raise _unsupported(value)
    return epsg


@cache
def _transformer_for_epsg(epsg: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(epsg), CRS.from_epsg(WGS84), always_xy=True)


@cache
def _transformer_for_wkt(wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(wkt), CRS.from_epsg(WGS84), always_xy=True)


def _apply(transformer: Transformer, geometry: BaseGeometry) -> BaseGeometry:
    def transform_xy(coords: np.ndarray) -> np.ndarray:
        xs, ys = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack((xs, ys))

    result = shapely.transform(geometry, transform_xy)
    if not np.isfinite(shapely.get_coordinates(result)).all():
        raise CRSError(
            N_("The coordinates cannot be transformed from %(crs)s to WGS 84."),
            {"crs": transformer.source_crs.name if transformer.source_crs else "?"},
            code="transform_failed",
        )
    return result


def to_wgs84(geometry: BaseGeometry, epsg: int | str) -> BaseGeometry:
    """``geometry`` from an accepted EPSG code to WGS 84, x = longitude, y = latitude."""
    code = parse_epsg(epsg)
    if code == WGS84:
        return geometry
    return _apply(_transformer_for_epsg(code), geometry)


def xy_to_wgs84(xs: Sequence[float], ys: Sequence[float], epsg: int | str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinate arrays from an accepted EPSG code to WGS 84 longitudes and latitudes."""
    code = parse_epsg(epsg)
    if code == WGS84:
        return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    lons, lats = _transformer_for_epsg(code).transform(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    return np.asarray(lons), np.asarray(lats)


def crs_from_user_text(text: str) -> CRS:
    """Any CRS pyproj understands (WKT from a .prj, ``EPSG:…``, a URN), for administrators' files."""
    try:
        return CRS.from_user_input(text)
    except PyprojCRSError as error:
        raise CRSError(
            N_("The coordinate reference system cannot be read: %(reason)s"),
            {"reason": str(error)},
            code="unreadable_crs",
        ) from error


def crs_to_wgs84(geometry: BaseGeometry, crs: CRS) -> BaseGeometry:
    """``geometry`` from any pyproj CRS to WGS 84 (administrators' boundary files)."""
    if crs.to_epsg() == WGS84 or crs.equals(CRS.from_epsg(WGS84), ignore_axis_order=True):
        return geometry
    return _apply(_transformer_for_wkt(crs.to_wkt()), geometry)
