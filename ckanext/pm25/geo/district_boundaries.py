"""Administrators' official district boundaries (admin level 2): read, map to DOPA codes, validate.

Reads what :mod:`.boundaries` reads (GeoJSON, ``.shp``, a ``.zip`` such as UN OCHA's COD-AB
``tha_admbnda_adm2_rtsd_*``, any CRS) and returns the districts in WGS 84 only when every
feature is a known, unrepeated district with a sound polygon inside Thailand. A file with only
some of the 928 districts (a site's pilot provinces) is accepted, with a warning.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from ckanext.pm25.common.messages import N_

from .boundaries import Record, code_value, inside_extent, polygonal, read_records
from .districts import all_districts, district_by_code
from .errors import BoundaryError, CRSError
from .reproject import crs_to_wgs84

# Fields that commonly carry the district code, tried in this order when none is named.
CODE_FIELD_CANDIDATES = ("ADM2_PCODE", "code", "dopa", "amphoe_code", "AMP_CODE", "AP_IDN", "district_code",
                         "pcode")
_CODE_PATTERN = re.compile(r"^(?:TH)?[\s_-]?(\d{4})$", re.IGNORECASE)

Problem = tuple[str, dict[str, Any]]  # an English msgid and its parameters


def district_code(value: str | int | float | None) -> str | None:
    """``TH5201`` (OCHA's ADM2_PCODE), ``5201`` or 5201 to ``5201`` when DOPA has that district."""
    value = code_value(value)
    if value is None or isinstance(value, bool):
        return None
    match = _CODE_PATTERN.match(str(value).strip())
    if match is None or district_by_code(match.group(1)) is None:
        return None
    return match.group(1)


class DistrictBoundaryError(BoundaryError):
    """The district file is refused; ``reasons`` says why, each a msgid with its parameters."""

    def __init__(self, reasons: list[Problem]) -> None:
        self.reasons = reasons
        super().__init__(N_("The district boundary file cannot be used: %(problems)s"),
                         {"problems": "; ".join(message % params for message, params in reasons)},
                         code="unusable_district_boundaries",
                         problems=[message % params for message, params in reasons])

    def render_in(self, translate: Callable[[str], str]) -> str:
        """The message with each reason translated by ``translate`` (a gettext)."""
        problems = "; ".join(translate(message) % params for message, params in self.reasons)
        return translate(self.message) % {"problems": problems}


@dataclass(frozen=True)
class LoadedDistricts:
    features: list[dict[str, Any]]
    source: dict[str, Any]
    missing: int  # districts of the 928 not in the file
    warnings: list[Problem] = field(default_factory=list)


def _detect_code_field(records: list[Record]) -> str:
    names = {name.casefold(): name for properties, _ in records for name in properties}
    for candidate in CODE_FIELD_CANDIDATES:
        name = names.get(candidate.casefold())
        if name is not None and sum(district_code(properties.get(name)) is not None
                                    for properties, _ in records) * 2 >= len(records):
            return name
    raise BoundaryError(N_("No field with district codes was found; name it with --code-field. Fields: %(fields)s."),
                        {"fields": ", ".join(sorted(names.values())) or "-"}, code="no_code_field")


def _listed(values: list[str]) -> str:
    shown = ", ".join(values[:20])
    return shown + (f" … (+{len(values) - 20})" if len(values) > 20 else "")


def load_district_boundaries(path: str | os.PathLike[str], *, code_field: str | None = None,
                             crs: int | str | None = None, repair: bool = False) -> LoadedDistricts:
    """The districts of an admin-2 boundary file in WGS 84, or a :class:`BoundaryError`.

    ``code_field`` names the field with the district code (``TH5201`` as OCHA's ``ADM2_PCODE``,
    or ``5201``); without it, common names are tried. ``crs`` is used when the file declares
    none. An invalid polygon refuses the file unless ``repair`` (``make_valid``, with a warning).
    """
    source_path = Path(path)
    records, source_crs, file_format = read_records(source_path, crs, "adm2")
    if not records:
        raise DistrictBoundaryError([(N_("the file has no features"), {})])
    field_name = code_field or _detect_code_field(records)
    if not any(field_name in properties for properties, _ in records):
        raise BoundaryError(N_("The field %(field)s is not in the file."), {"field": field_name},
                            code="no_code_field")

    unknown: list[str] = []
    duplicated: list[str] = []
    invalid: list[str] = []
    outside: list[str] = []
    not_polygons: list[str] = []
    reasons: list[Problem] = []
    warnings: list[Problem] = []
    geometries: dict[str, Any] = {}
    for properties, geometry_data in records:
        raw = properties.get(field_name)
        code = district_code(raw)
        if code is None:
            unknown.append(str(raw))
            continue
        if code in geometries or code in duplicated:
            duplicated.append(code)
            continue
        geometry = shape(geometry_data) if geometry_data else shapely.Polygon()
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            not_polygons.append(code)
            continue
        try:
            geometry = crs_to_wgs84(geometry, source_crs)
        except CRSError as error:
            reasons.append((error.message, error.params))
            break
        if not geometry.is_valid:
            if not repair:
                invalid.append(f"{code} ({shapely.is_valid_reason(geometry)})")
                continue
            geometry = polygonal(shapely.make_valid(geometry))
            warnings.append((N_("%(code)s was not a valid polygon and was repaired"), {"code": code}))
        if not inside_extent(geometry):
            outside.append(code)
            continue
        geometries[code] = geometry

    for values, message in (
            (unknown, N_("codes that are no district of Thailand (field %(field)s): %(codes)s")),
            (sorted(set(duplicated)), N_("districts given more than once: %(codes)s")),
            (not_polygons, N_("districts without a polygon: %(codes)s")),
            (invalid, N_("invalid polygons (load with --repair to fix them with make_valid): %(codes)s")),
            (outside, N_("districts outside Thailand (is the coordinate system %(crs)s right?): %(codes)s"))):
        if values:
            reasons.append((message, {"codes": _listed(values), "field": field_name, "crs": source_crs.name}))
    if reasons:
        raise DistrictBoundaryError(reasons)

    missing = len(all_districts()) - len(geometries)
    if missing:
        warnings.insert(0, (N_("%(missing)s of the %(total)s districts are not in the file: a location there "
                               "gets its province's value only"), {"missing": missing, "total": len(all_districts())}))
    features = [_feature(code, geometries[code]) for code in sorted(geometries)]
    source = {"file": source_path.name, "format": file_format, "crs": source_crs.to_string(),
              "code_field": field_name, "feature_count": len(records), "district_count": len(features)}
    return LoadedDistricts(features=features, source=source, missing=missing, warnings=warnings)


def _feature(code: str, geometry: Any) -> dict[str, Any]:
    district = district_by_code(code)
    assert district is not None  # district_code() keeps known codes only
    properties: Mapping[str, str] = {"code": code, "name_th": district.name_th, "name_en": district.name_en,
                                     "province": district.province_code}
    return {"type": "Feature", "properties": dict(properties), "geometry": json.loads(shapely.to_geojson(geometry))}
