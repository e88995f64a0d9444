"""Solr filter queries for the province and bounding-box search parameters (pure: no CKAN).

``ext_province`` becomes one filter query that is true for a dataset tagged with one of the
provinces *or* whose geometry intersects one of their boundaries. Two ways to ask the second half:

``index`` (the default, :func:`indexed_province_filter`): the provinces each dataset's geometry
intersects are computed exactly with shapely when the dataset is indexed (``provinces_geometry``),
so the filter is two term queries, as cheap as ``fq=provinces:TH-52``::

    provinces:("TH-52" OR "TH-50") OR provinces_geometry:("TH-52" OR "TH-50")

``solr`` (:func:`province_filter`): Solr intersects the ``spatial_geom`` field with the province
boundaries at query time; needs no reindex when boundaries change, costs a spatial query::

    provinces:("TH-52" OR "TH-50") OR spatial_geom:"Intersects(MULTIPOLYGON(...)) distErrPct=0"

ckanext-spatial filters ``ext_bbox`` with ``{!field f=spatial_geom}Intersects(ENVELOPE(...))``.
The same spatial operation is written here in the standard query parser's field syntax, which
Solr hands to the same field type, because CKAN allows one local-parameters prefix per filter
and refuses nested queries (``_query_``): the tag clause and the geometry clause could not be
OR-ed otherwise. ``distErrPct=0`` makes the query shape exact instead of the field's 2.5 %
grid approximation (about 3 km around a province). Uncached, the intersection costs Solr tens of
milliseconds at 10,000 datasets (bench/bench_province_search.py); a repeated filter comes from
Solr's filter cache until the next commit.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import shapely
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.provinces import find_province, normalise_code

# More items than there are provinces can only be a mistake or an attack.
MAX_CODES = 100
_SEPARATORS = re.compile(r"[,\s]+")
_SOLR_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SearchParameterError(GeoError):
    """A search parameter (``ext_province``, ``ext_bbox``) is malformed; says which and why."""

    def __init__(self, message: str, params: dict[str, object] | None = None, *, code: str,
                 parameter: str) -> None:
        super().__init__(message, params, code=code)
        self.parameter = parameter


def _parts(value: object) -> list[str]:
    """Comma-separated parts of the value (or of each item of a list): a part is a code, codes
    separated by spaces, or one name (``Chiang Mai``, ``เชียงใหม่``)."""
    values: Iterable[object] = value if isinstance(value, (list, tuple)) else [value]
    parts: list[str] = []
    for item in values:
        if item is None:
            continue
        parts.extend(part.strip() for part in str(item).split(",") if part.strip())
    return parts


def _codes_of(part: str) -> list[str] | None:
    """The province codes a part names; None when a word of it is no province."""
    province = find_province(part)
    if province is not None:
        return [province.code]
    codes = [normalise_code(word) for word in _SEPARATORS.split(part) if word]
    return None if None in codes else [code for code in codes if code]


def parse_province_codes(value: object, parameter: str = "ext_province") -> list[str]:
    """ISO 3166-2:TH codes from ``"TH-52"``, ``"TH-52,TH-50"``, Thai or English names
    (``"ลำปาง,Chiang Mai"``) or a list of those (repeated parameter).

    Accepts the forms :func:`normalise_code` accepts (``TH52``, ``52``) and the names
    :func:`find_province` knows; returns codes, in the order given, without duplicates. Raises
    :class:`SearchParameterError` naming every unknown province.
    """
    parts = _parts(value)
    if len(parts) > MAX_CODES:
        raise SearchParameterError(
            N_("%(parameter)s lists %(count)s codes; at most %(max)s are accepted."),
            {"parameter": parameter, "count": len(parts), "max": MAX_CODES},
            code="too_many_codes", parameter=parameter)
    codes: dict[str, None] = {}
    unknown: list[str] = []
    for part in parts:
        found = _codes_of(part)
        if found is None:
            unknown.append(part)
        else:
            codes.update(dict.fromkeys(found))
    if len(codes) > MAX_CODES:
        raise SearchParameterError(
            N_("%(parameter)s lists %(count)s codes; at most %(max)s are accepted."),
            {"parameter": parameter, "count": len(codes), "max": MAX_CODES},
            code="too_many_codes", parameter=parameter)
    if unknown:
        raise SearchParameterError(
            N_("Unknown province in %(parameter)s: %(codes)s. Use ISO 3166-2:TH codes such as "
               "TH-52, or Thai or English names such as ลำปาง or Lampang."),
            {"parameter": parameter, "codes": ", ".join(part[:20] for part in unknown[:5])},
            code="unknown_province", parameter=parameter)
    return list(codes)


def parse_bbox(value: object, parameter: str = "ext_bbox") -> tuple[float, float, float, float]:
    """``minx,miny,maxx,maxy`` (west, south, east, north in WGS 84 degrees) as four numbers, from
    that text or a list of four numbers (or numeric strings).

    The same format ckanext-spatial reads; refused here with a message instead of its bare
    "Wrong bounding box provided" search error. The one bbox parser: the readings API's
    ``bbox`` uses it too, with its own messages (``code`` says which refusal it was).
    """
    parts = list(value) if isinstance(value, (list, tuple)) else str(value).split(",")
    if len(parts) != 4:
        raise SearchParameterError(
            N_("%(parameter)s must be four numbers: west,south,east,north (e.g. 99.2,17.6,100.2,19.0)."),
            {"parameter": parameter}, code="malformed_bbox", parameter=parameter)
    try:
        minx, miny, maxx, maxy = (float(str(part).strip()) for part in parts)
    except ValueError:
        raise SearchParameterError(
            N_("%(parameter)s must be four numbers: west,south,east,north (e.g. 99.2,17.6,100.2,19.0)."),
            {"parameter": parameter}, code="malformed_bbox", parameter=parameter) from None
    if not all(math.isfinite(number) for number in (minx, miny, maxx, maxy)):
        raise SearchParameterError(N_("%(parameter)s contains a number that is not finite."),
                                   {"parameter": parameter}, code="malformed_bbox", parameter=parameter)
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise SearchParameterError(
            N_("%(parameter)s is outside the longitudes −180 to 180 or the latitudes −90 to 90."),
            {"parameter": parameter}, code="bbox_out_of_range", parameter=parameter)
    if minx > maxx or miny > maxy:
        raise SearchParameterError(
            N_("%(parameter)s must be west,south,east,north: its west is east of its east or its south "
               "north of its north."),
            {"parameter": parameter}, code="bbox_inverted", parameter=parameter)
    return minx, miny, maxx, maxy


def _oriented(geometry: BaseGeometry) -> BaseGeometry:
    # Counter-clockwise shells, as ckanext-spatial orients the boxes it indexes; JTS does not need
    # it, but a geodetic Spatial4j context would read a clockwise ring as its complement.
    return shapely.orient_polygons(geometry, exterior_cw=False)


def _without_specks(polygon: shapely.Polygon, min_area: float) -> shapely.Polygon:
    holes = [ring for ring in polygon.interiors if shapely.Polygon(ring).area > min_area]
    return polygon if len(holes) == len(polygon.interiors) else shapely.Polygon(polygon.exterior, holes)


def _simplified(geometry: BaseGeometry, tolerance: float) -> BaseGeometry:
    shape = shapely.simplify(geometry, tolerance, preserve_topology=True) if tolerance > 0 else geometry
    if not shape.is_valid:
        # Slivers of detailed boundaries can collapse to zero-area rings: repair, keep the areas.
        shape = shapely.make_valid(shape)
    # Parts and holes smaller than the tolerance (islets, slivers) are below the query's precision.
    min_area = tolerance * tolerance
    parts = [_without_specks(part, min_area) for part in shapely.get_parts(shape)
             if part.geom_type == "Polygon" and part.area > min_area]
    if not parts:
        return geometry
    if len(parts) == 1:
        return parts[0]
    combined = shapely.MultiPolygon(parts)
    return combined if combined.is_valid else shapely.union_all(parts)


def query_shape(geometry: BaseGeometry, tolerance: float, max_vertices: int) -> BaseGeometry:
    """The geometry simplified by ``tolerance`` degrees, and further until it has at most ``max_vertices``.

    Keeps a Solr request small even for detailed official boundaries (hundreds of thousands
    of vertices): each doubling of the tolerance roughly halves the vertices. Always valid.
    """
    shape = _simplified(geometry, tolerance)
    step = max(tolerance, 1e-4)
    while shapely.get_num_coordinates(shape) > max_vertices and step < 0.1:
        step *= 2
        shape = _simplified(geometry, step)
    return _oriented(shape)


@lru_cache(maxsize=256)
def _province_wkt(gazetteer: Gazetteer, codes: tuple[str, ...], tolerance: float, max_vertices: int) -> str:
    geometries = [gazetteer.geometry_of(code) for code in codes]
    present = [geometry for geometry in geometries if geometry is not None]
    if not present:
        return ""
    union = present[0] if len(present) == 1 else shapely.union_all(present)
    return shapely.to_wkt(query_shape(union, tolerance, max_vertices), rounding_precision=6, trim=True)


def province_wkt(gazetteer: Gazetteer, codes: Sequence[str], *, tolerance: float, max_vertices: int) -> str:
    """WKT of the union of the provinces' boundaries, simplified for a query (cached)."""
    return _province_wkt(gazetteer, tuple(sorted(codes)), tolerance, max_vertices)


def _terms(field: str, codes: Sequence[str]) -> str:
    if not _SOLR_FIELD_NAME.match(field):
        raise ValueError(f"not a Solr field name: {field!r}")
    quoted = " OR ".join(f'"{code}"' for code in codes)
    return f"{field}:({quoted})"


def indexed_province_filter(codes: Sequence[str], *, tag_field: str = "provinces",
                            geometry_field: str = "provinces_geometry") -> str:
    """The filter for datasets tagged with, or (by the index-time intersection) located in, any of ``codes``."""
    if not codes:
        raise ValueError("no province codes")
    return f"{_terms(tag_field, codes)} OR {_terms(geometry_field, codes)}"


def province_filter(gazetteer: Gazetteer, codes: Sequence[str], *, geometry_field: str | None,
                    tolerance: float, max_vertices: int, tag_field: str = "provinces") -> str:
    """The Solr filter query for datasets in any of ``codes`` (already normalised).

    ``geometry_field`` None leaves out the intersection (a site without the
    ``solr-spatial-field`` backend has no geometry field): only tagged datasets are found.
    """
    if not codes:
        raise ValueError("no province codes")
    clause = _terms(tag_field, codes)
    if geometry_field is None:
        return clause
    if not _SOLR_FIELD_NAME.match(geometry_field):
        raise ValueError(f"not a Solr field name: {geometry_field!r}")
    wkt = province_wkt(gazetteer, codes, tolerance=tolerance, max_vertices=max_vertices)
    if not wkt:
        return clause
    return f'{clause} OR {geometry_field}:"Intersects({wkt}) distErrPct=0"'
