"""The location in the national catalogue's own fields, filled in validation (issue 14).

GD-Catalog (ckanext-thai_gdc's schema, which the national catalogue harvests with) has no field
for a geometry or for provinces: a dataset's location reaches it only through the bounding
fields, `geo_coverage` and the tags. `pm25_catalogue_location` (an after validator of the
schema, after the provinces are derived) fills them from the dataset's location, so a form, an
API client and a harvester get them alike, without the agency typing them twice:

- the bounding fields are the box of `spatial`, unless the agency gave others;
- `geo_coverage` is the level the location means (`geo.catalogue.coverage_level`: พิกัด for a
  point, ประเทศ for every province, จังหวัด for some), unless the agency chose a level;
- the Thai and English names of the dataset's provinces are among its tags.

A value "follows the location" when it is missing or equal to what the dataset's stored
location gave before this write (an edit form and a client sending package_show back send the
old values again): it is worked out again, so moving the location moves it. Anything else is
the agency's and is kept; a province's name leaves the tags when the dataset leaves the province.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.dataset import previous, validators
from ckanext.pm25.geo import catalogue
from ckanext.pm25.provinces import located

GEO_COVERAGE = "geo_coverage"
_LOCATION_FIELDS = ("spatial", "spatial_crs", "provinces")


@dataclass(frozen=True)
class Derived:
    """What a location gives to the catalogue's fields."""

    bounds: dict[str, str] | None
    level: str | None
    names: list[str]


def derive(shape: BaseGeometry | None, codes: list[str], touched: list[str]) -> Derived:
    return Derived(bounds=catalogue.bounds(shape) if shape is not None else None,
                   level=catalogue.coverage_level(shape, codes, touched),
                   names=catalogue.province_tags(codes))


def _touched(record: located.LocatedGeometry | None) -> list[str]:
    """Every province a non-point location intersects (a point's level needs none)."""
    if record is None or record.shape.geom_type in ("Point", "MultiPoint"):
        return []
    return record.intersected


def _codes(text: Any) -> list[str]:
    try:
        return validators.province_codes(text)
    except tk.Invalid:
        return []


def _before(data: FlattenDataDict, context: Context) -> Derived | None:
    """What the stored location gave, for an update; None for a new dataset."""
    fields = previous.stored_fields(data, context)
    if fields is None:
        return None
    record = previous.stored_location(fields)
    return derive(record.shape if record else None, _codes(fields.get("provinces")), _touched(record))


def _set(data: FlattenDataDict, name: str, value: str) -> None:
    """Set a field after the main run, in `extras` too: scheming has copied the fields it saw
    there, and a field that was missing gets an entry of its own."""
    data[(name,)] = value
    numbers = [flat_key[1] for flat_key in data
               if len(flat_key) == 3 and flat_key[0] == "extras" and isinstance(flat_key[1], int)]
    for number in set(numbers):
        if data.get(("extras", number, "key")) == name and not data.get(("extras", number, "deleted")):
            data[("extras", number, "value")] = value
            return
    number = max(numbers, default=-1) + 1
    data[("extras", number, "key")] = name
    data[("extras", number, "value")] = value


def _fill_bounds(data: FlattenDataDict, errors: FlattenErrorDict, before: Derived | None,
                 now: Derived, located_now: bool) -> None:
    if any(errors.get((field,)) for field in catalogue.BOUND_FIELDS):
        return
    given = {field: data.get((field,)) for field in catalogue.BOUND_FIELDS}
    follows = (all(validators.is_missing(value) for value in given.values())
               or catalogue.same_bounds(given, before.bounds if before else None))
    if follows and now.bounds is not None:
        for field, value in now.bounds.items():
            _set(data, field, value)
        return
    if follows and located_now:
        return  # the location was refused: the write fails, nothing to fill
    if follows and before is not None and before.bounds is not None:
        for field in catalogue.BOUND_FIELDS:  # the location they came from was taken away
            _set(data, field, "")
        return
    _check_box(data, errors)


def _check_box(data: FlattenDataDict, errors: FlattenErrorDict) -> None:
    """Bounds given by the agency describe a box: west not east of east, south not north of north."""
    if any(errors.get((field,)) for field in catalogue.BOUND_FIELDS):
        return
    given = {field: data.get((field,)) for field in catalogue.BOUND_FIELDS}
    for field, message, params in catalogue.bounds_problems(given):
        errors.setdefault((field,), []).append(tk._(message) % params)


def _fill_level(data: FlattenDataDict, errors: FlattenErrorDict, before: Derived | None, now: Derived) -> None:
    if errors.get((GEO_COVERAGE,)):
        return
    given = data.get((GEO_COVERAGE,))
    if validators.is_missing(given):
        _set(data, GEO_COVERAGE, now.level or catalogue.DEFAULT_COVERAGE)
    elif now.level is not None and before is not None and given == before.level:
        _set(data, GEO_COVERAGE, now.level)


def _free_tags(data: FlattenDataDict) -> dict[int, dict[str, Any]]:
    tags: dict[int, dict[str, Any]] = {}
    for flat_key, value in data.items():
        if len(flat_key) == 3 and flat_key[0] == "tags" and isinstance(flat_key[1], int):
            tags.setdefault(flat_key[1], {})[flat_key[2]] = value
    return tags


def _fill_tags(data: FlattenDataDict, before: Derived | None, now: Derived) -> None:
    entries = _free_tags(data)
    free = {number: entry for number, entry in entries.items()
            if validators.is_missing(entry.get("vocabulary_id")) and isinstance(entry.get("name"), str)}
    names = [free[number]["name"] for number in sorted(free)]
    wanted = catalogue.with_province_tags(names, before.names if before else [], now.names)
    if wanted == names:
        return
    kept = {entry["name"]: entry for entry in free.values()}
    for flat_key in [flat_key for flat_key in data if flat_key[0] == "tags" and len(flat_key) == 3
                     and flat_key[1] in free]:
        del data[flat_key]
    others = [number for number in entries if number not in free]
    number = max(others, default=-1) + 1
    for name in wanted:
        for part, value in kept.get(name, {"name": name}).items():
            data[("tags", number, part)] = value
        number += 1


def pm25_catalogue_location(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """GD-Catalog's bounding fields, `geo_coverage` and province-name tags from the location
    (after `pm25_provinces_match_spatial`, which derives the provinces)."""
    located_now = not validators.is_missing(data.get(("spatial",)))
    if any(errors.get((field,)) for field in _LOCATION_FIELDS):
        _check_box(data, errors)  # the location is refused (the agency reads why there): nothing to derive
        return
    record = validators.stored_geometry(data, errors, context) if located_now else None
    codes = _codes(data.get(("provinces",)))
    now = derive(record.shape if record else None, codes, _touched(record))
    before = _before(data, context)
    _fill_bounds(data, errors, before, now, located_now)
    _fill_level(data, errors, before, now)
    if not any(flat_key[0] == "tags" and errors.get(flat_key) for flat_key in errors) \
            and not errors.get(("tag_string",)):
        _fill_tags(data, before, now)


def get_validators() -> dict[str, Any]:
    return {"pm25_catalogue_location": pm25_catalogue_location}

