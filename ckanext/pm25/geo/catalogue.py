"""A location in the national catalogue's own terms (GD-Catalog, the schema of ckanext-thai_gdc):
its bounding fields, its geographic coverage level and its provinces' names as tags.

That schema has no field for a geometry or for provinces: a catalogue harvesting ours keeps the
location only in these. Pure: no CKAN; the dataset room applies it in validation.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo import provinces

WEST, EAST = "west_bound_longitude", "east_bound_longitude"
# GD-Catalog's names: these two hold latitudes despite "longitude" in the name.
NORTH, SOUTH = "north_bound_longitude", "south_bound_longitude"
BOUND_FIELDS = (WEST, EAST, NORTH, SOUTH)

# GD-Catalog's stored values of `geo_coverage` (gd-catalog.md) that a location tells.
COORDINATES = "พิกัด"
PROVINCE = "จังหวัด"
COUNTRY = "ประเทศ"
# What a dataset that says nothing about its coverage, and has no location, is taken to cover.
DEFAULT_COVERAGE = PROVINCE

# A degree to six decimals is about 0.1 m: finer than any boundary or station position here.
DECIMALS = 6
_POINT_TYPES = frozenset({"Point", "MultiPoint"})


def degrees(value: float) -> str:
    """A coordinate as the bounding fields store it (the text of the float, as typed ones are)."""
    return str(round(float(value), DECIMALS) + 0.0)  # + 0.0: never "-0.0"


def bounds(shape: BaseGeometry) -> dict[str, str]:
    """The four bounding fields of a WGS 84 geometry (a point's box is the point itself)."""
    west, south, east, north = shape.bounds
    return {WEST: degrees(west), EAST: degrees(east), NORTH: degrees(north), SOUTH: degrees(south)}


def coverage_level(shape: BaseGeometry | None, codes: Collection[str],
                   touched: Collection[str] = ()) -> str | None:
    """The `geo_coverage` a location means: coordinates for a point (or points), the country for
    a location in every province (``codes``, its provinces, or ``touched``, every province it
    intersects), a province for one in some; None when it tells nothing (no location, no
    province)."""
    if shape is not None and not shape.is_empty and shape.geom_type in _POINT_TYPES:
        return COORDINATES
    every = provinces.known_codes()
    if every <= set(codes) or every <= set(touched):
        return COUNTRY
    return PROVINCE if codes else None


def province_tags(codes: Iterable[str]) -> list[str]:
    """The Thai and English names of the provinces, in the order given, each once."""
    names: list[str] = []
    for code in codes:
        province = provinces.by_code(code)
        if province is not None:
            names += [province.name_th, province.name_en]
    return list(dict.fromkeys(names))


def with_province_tags(tags: Sequence[str], before: Iterable[str], now: Iterable[str]) -> list[str]:
    """``tags`` carrying the names in ``now`` (the dataset's provinces' names): names in
    ``before`` (those of the provinces it lay in) that are no longer its provinces' are taken
    away, the others kept in their order, and a name is added only if no tag has it already
    (ignoring case: "lampang" typed by the agency is not repeated as "Lampang")."""
    current = list(now)
    left = {name.casefold() for name in before} - {name.casefold() for name in current}
    kept = [tag for tag in tags if tag.casefold() not in left]
    present = {tag.casefold() for tag in kept}
    added = [name for name in current if name.casefold() not in present]
    return kept + added


def number(value: Any) -> float | None:
    """A bounding field's value as a finite number; None when it is empty or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(str(value).strip())
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def same_bounds(given: Mapping[str, Any], derived: Mapping[str, str] | None) -> bool:
    """Whether the given bounding fields are the ones ``derived`` from a location (to the
    stored precision): the agency did not set them, the location did."""
    if derived is None:
        return False
    for field in BOUND_FIELDS:
        value, expected = number(given.get(field)), number(derived.get(field))
        if value is None or expected is None or abs(value - expected) > 0.5 * 10 ** -DECIMALS:
            return False
    return True


def bounds_problems(given: Mapping[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """What is wrong with a box whose sides are all numbers: (field, msgid, parameters) for a
    west side east of the east side and a south side north of the north side."""
    west, east = number(given.get(WEST)), number(given.get(EAST))
    north, south = number(given.get(NORTH)), number(given.get(SOUTH))
    problems: list[tuple[str, str, dict[str, str]]] = []
    if west is not None and east is not None and west > east:
        problems.append((WEST, N_("The west bound longitude %(west)s is east of the east bound "
                                  "longitude %(east)s."),
                         {"west": str(given.get(WEST)), "east": str(given.get(EAST))}))
    if south is not None and north is not None and south > north:
        problems.append((SOUTH, N_("The south bound latitude %(south)s is north of the north bound "
                                   "latitude %(north)s."),
                         {"south": str(given.get(SOUTH)), "north": str(given.get(NORTH))}))
    return problems
