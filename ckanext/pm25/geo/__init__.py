"""The gazetteer of ckanext-pm25: Thailand's provinces, their boundaries and geometry checks.

Pure Python (shapely, pyproj; pyshp for Shapefiles): nothing here imports CKAN.
"""
from __future__ import annotations

from .errors import BoundaryError, CRSError, GeoError, GeometryError
from .geometry import parse_geometry, point, to_geojson
from .lookup import (
    DEFAULT_MIN_SHARE,
    Gazetteer,
    current_gazetteer,
    default_gazetteer,
    load_gazetteer,
)
from .provinces import (
    REGIONS,
    Province,
    all_provinces,
    by_code,
    by_name,
    find_province,
    find_provinces_in_text,
    normalise_code,
)
from .reproject import SUPPORTED_EPSG, to_wgs84

__all__ = [
    "DEFAULT_MIN_SHARE",
    "REGIONS",
    "SUPPORTED_EPSG",
    "BoundaryError",
    "CRSError",
    "Gazetteer",
    "GeoError",
    "GeometryError",
    "Province",
    "all_provinces",
    "by_code",
    "by_name",
    "current_gazetteer",
    "default_gazetteer",
    "find_province",
    "find_provinces_in_text",
    "load_gazetteer",
    "normalise_code",
    "parse_geometry",
    "point",
    "to_geojson",
    "to_wgs84",
]
