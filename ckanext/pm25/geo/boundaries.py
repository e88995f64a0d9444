"""Administrators' official province boundaries: read, normalise, validate, write.

Reads GeoJSON or an ESRI Shapefile (``.shp`` with its ``.dbf``/``.prj``, or a ``.zip`` of
them, such as UN OCHA's COD-AB) in any CRS pyproj understands, and returns the 77
provinces in WGS 84 only when the file is complete and sound.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.common.messages import N_

from .errors import BoundaryError, CRSError
from .geometry import EXTENT_MARGIN, THAILAND_EXTENT
from .lookup import Gazetteer
from .provinces import by_code, known_codes, normalise_code
from .reproject import crs_from_user_text, crs_to_wgs84

# Fields that commonly carry the province code, tried in this order when none is named.
CODE_FIELD_CANDIDATES = ("code", "ADM1_PCODE", "iso_3166_2", "ISO", "pcode", "PROV_CODE", "P_CODE", "dopa",
                         "pv_idn", "PROV_ID")
SOURCE_META_NAME = "source.json"

log = logging.getLogger(__name__)

Record = tuple[dict[str, Any], dict[str, Any] | None]  # (properties, GeoJSON geometry)


@dataclass(frozen=True)
class LoadedBoundaries:
    features: list[dict[str, Any]]
    source: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_gazetteer(self) -> Gazetteer:
        return Gazetteer.from_geojson(self.features)


def _problem_error(problems: list[str], **details: list[str]) -> BoundaryError:
    return BoundaryError(
        N_("The boundary file cannot be used: %(problems)s"),
        {"problems": "; ".join(problems)},
        code="unusable_boundaries",
        problems=problems,
        **details,
    )


def _crs_option(crs: int | str | None) -> CRS | None:
    if crs is None:
        return None
    return crs_from_user_text(f"EPSG:{crs}" if isinstance(crs, int) or str(crs).isdigit() else str(crs))


def _read_geojson(path: Path) -> tuple[list[Record], CRS | None]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BoundaryError(N_("The GeoJSON file is not a FeatureCollection."), code="not_a_feature_collection")
    declared = ((data.get("crs") or {}).get("properties") or {}).get("name")
    records = [(dict(feature.get("properties") or {}), feature.get("geometry")) for feature in data["features"]]
    return records, crs_from_user_text(declared) if declared else None


def _shapefile_encoding(shp: Path) -> str:
    cpg = shp.with_suffix(".cpg")
    if not cpg.exists():
        return "utf-8"
    name = cpg.read_text(encoding="ascii", errors="ignore").strip().lower()
    # Thai shapefiles often say "874" (Windows Thai) or "tis-620".
    return {"874": "cp874", "65001": "utf-8"}.get(name, name or "utf-8")


def _read_shapefile(shp: Path) -> tuple[list[Record], CRS | None]:
    import shapefile  # pyshp: optional, only needed for Shapefiles

    encoding = _shapefile_encoding(shp)
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "utf-8"
    # Names are taken from the province table, so a wrongly declared encoding costs nothing.
    reader = shapefile.Reader(str(shp), encoding=encoding, encodingErrors="replace")
    with reader:  # (not `as reader`: pyshp types __enter__ as returning its base class)
        records = [(item.record.as_dict() if item.record is not None else {}, _shape_geometry(item.shape))
                   for item in reader.iterShapeRecords()]
    prj = shp.with_suffix(".prj")
    declared = crs_from_user_text(prj.read_text(encoding="utf-8", errors="replace")) if prj.exists() else None
    return records, declared


def _shape_geometry(shape_: Any) -> dict[str, Any] | None:
    return None if shape_.shapeType == 0 else shape_.__geo_interface__  # 0: null shape


def _choose_shapefile(folder: Path, level: str) -> Path:
    shapefiles = sorted(folder.rglob("*.shp"))
    if len(shapefiles) == 1:
        return shapefiles[0]
    of_level = [path for path in shapefiles if level in path.name.lower()]
    if len(of_level) == 1:
        return of_level[0]
    message = (N_("The archive must contain one district-level Shapefile; found: %(names)s.") if level == "adm2"
               else N_("The archive must contain one province-level Shapefile; found: %(names)s."))
    raise BoundaryError(message, {"names": ", ".join(path.name for path in shapefiles) or "-"},
                        code="ambiguous_archive")


def _read(path: Path, level: str = "adm1") -> tuple[list[Record], CRS | None, str]:
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return (*_read_geojson(path), "GeoJSON")
    if suffix == ".shp":
        return (*_read_shapefile(path), "Shapefile")
    if suffix == ".zip":
        with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                # Refuse path traversal from a crafted archive.
                if Path(member).is_absolute() or ".." in Path(member).parts:
                    raise BoundaryError(N_("The archive contains unsafe paths."), code="unsafe_archive")
            archive.extractall(folder)
            return (*_read_shapefile(_choose_shapefile(Path(folder), level)), "Shapefile (zip)")
    raise BoundaryError(
        N_("Unsupported boundary file type %(suffix)s: use GeoJSON, .shp or a .zip of a Shapefile."),
        {"suffix": suffix or "-"},
        code="unsupported_file_type",
    )


def _resolve_crs(declared: CRS | None, option: CRS | None, file_format: str) -> CRS:
    if declared is not None and option is not None and not declared.equals(option, ignore_axis_order=True):
        raise BoundaryError(
            N_("The file declares the coordinate system %(declared)s but %(given)s was given."),
            {"declared": declared.name, "given": option.name},
            code="conflicting_crs",
        )
    if declared is not None:
        return declared
    if option is not None:
        return option
    if file_format == "GeoJSON":
        return CRS.from_epsg(4326)  # RFC 7946
    raise BoundaryError(
        N_("The Shapefile has no .prj file: give its coordinate system (EPSG code)."), code="missing_crs"
    )


def read_records(path: Path, crs: int | str | None, level: str) -> tuple[list[Record], CRS, str]:
    """The features of a GeoJSON or Shapefile (``level``, e.g. ``adm2``, picks the Shapefile of a
    COD-AB archive), the CRS they are in, and the file's format."""
    records, declared, file_format = _read(path, level)
    return records, _resolve_crs(declared, _crs_option(crs), file_format.split(" ")[0]), file_format


def code_value(value: Any) -> str | int | None:
    """A code field's value as read (a Shapefile's numeric field gives floats: 5201.0 is 5201)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, (str, int)) else None


def _detect_code_field(records: list[Record]) -> str:
    names = {name.casefold(): name for properties, _ in records for name in properties}
    for candidate in CODE_FIELD_CANDIDATES:
        name = names.get(candidate.casefold())
        if name is None:
            continue
        values = [code_value(properties.get(name)) for properties, _ in records]
        if sum(normalise_code(value) is not None for value in values) * 2 >= len(records):
            return name
    raise BoundaryError(
        N_("No field with province codes was found; name it. Fields: %(fields)s."),
        {"fields": ", ".join(sorted(names.values())) or "-"},
        code="no_code_field",
    )


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    polygons = [part for part in shapely.get_parts(geometry) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.Polygon()


def inside_extent(geometry: BaseGeometry) -> bool:
    min_x, min_y, max_x, max_y = geometry.bounds
    lon_min, lat_min, lon_max, lat_max = THAILAND_EXTENT
    return (min_x >= lon_min - EXTENT_MARGIN and max_x <= lon_max + EXTENT_MARGIN
            and min_y >= lat_min - EXTENT_MARGIN and max_y <= lat_max + EXTENT_MARGIN)


def load_boundaries(
    path: str | os.PathLike[str],
    *,
    code_field: str | None = None,
    crs: int | str | None = None,
    repair: bool = True,
) -> LoadedBoundaries:
    """The 77 province boundaries of a GeoJSON or Shapefile, in WGS 84, or a :class:`BoundaryError`.

    ``code_field`` names the field with the province code (``TH-52``, ``TH52``, ``52``,
    UN OCHA's ``ADM1_PCODE``); without it, common names are tried. ``crs`` is used when
    the file does not declare one (no ``.prj``; GeoJSON defaults to WGS 84). Invalid
    geometries are repaired with ``make_valid`` and reported in ``warnings`` if ``repair``,
    and refused otherwise.
    """
    source_path = Path(path)
    records, source_crs, file_format = read_records(source_path, crs, "adm1")
    if not records:
        raise _problem_error(["the file has no features"])
    field_name = code_field or _detect_code_field(records)
    if not any(field_name in properties for properties, _ in records):
        raise BoundaryError(
            N_("The field %(field)s is not in the file."), {"field": field_name}, code="no_code_field"
        )

    problems: list[str] = []
    warnings: list[str] = []
    unknown: list[str] = []
    invalid: list[str] = []
    parts: dict[str, list[BaseGeometry]] = {}
    seen: set[str] = set()
    for number, (properties, geometry_data) in enumerate(records, start=1):
        raw_code = properties.get(field_name)
        code = normalise_code(code_value(raw_code))
        if code is None:
            unknown.append(str(raw_code))
            continue
        seen.add(code)
        if not geometry_data:
            problems.append(f"feature {number} ({code}) has no geometry")
            continue
        geometry = shape(geometry_data)
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            problems.append(f"feature {number} ({code}) is a {geometry.geom_type}, not a polygon")
            continue
        try:
            geometry = crs_to_wgs84(geometry, source_crs)
        except CRSError as error:
            problems.append(f"feature {number} ({code}): {error.render()}")
            continue
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            if not repair:
                invalid.append(code)
                problems.append(f"{code} is not a valid geometry ({reason})")
                continue
            geometry = polygonal(shapely.make_valid(geometry))
            warnings.append(f"{code} was not a valid geometry ({reason}) and was repaired with make_valid")
            log.warning("Boundary file %s: %s", source_path.name, warnings[-1])
        if not inside_extent(geometry):
            problems.append(f"{code} lies outside Thailand (is the coordinate system {source_crs.name} right?)")
            continue
        parts.setdefault(code, []).append(geometry)

    missing = sorted(known_codes() - seen)
    if unknown:
        problems.insert(0, "unknown codes: " + ", ".join(sorted(set(unknown))))
    if missing:
        problems.insert(0, "missing codes: " + ", ".join(missing))
    if problems:
        raise _problem_error(problems, missing_codes=missing, unknown_codes=sorted(set(unknown)),
                             invalid_codes=invalid)

    features = []
    for code in sorted(parts):
        geometries = parts[code]
        if len(geometries) > 1:
            warnings.append(f"{code}: {len(geometries)} features merged")
        merged = geometries[0] if len(geometries) == 1 else shapely.union_all(geometries)
        province = by_code(code)
        assert province is not None
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name_en": province.name_en, "name_th": province.name_th},
            "geometry": json.loads(shapely.to_geojson(merged)),
        })
    source = {
        "file": source_path.name,
        "format": file_format,
        "crs": source_crs.to_string(),
        "code_field": field_name,
        "feature_count": len(records),
        "province_count": len(features),
    }
    return LoadedBoundaries(features=features, source=source, warnings=warnings)


def _atomic_write(path: Path, text: str) -> None:
    # mkstemp creates 0600 files; keep the mode of the file being replaced, else 0644.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_boundaries(
    features: Iterable[Mapping[str, Any]], path: str | os.PathLike[str], source_note: str | Mapping[str, Any]
) -> Path:
    """Write WGS 84 province features as a FeatureCollection, atomically, with ``source.json`` beside it.

    Readers never see a half-written file: each file is written to a temporary file in the
    same folder and moved into place with ``os.replace``. Returns the path of ``source.json``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    feature_list = [dict(feature) for feature in features]
    text = json.dumps({"type": "FeatureCollection", "features": feature_list}, ensure_ascii=False,
                      separators=(",", ":"))
    _atomic_write(target, text + "\n")
    meta = {
        "file": target.name,
        "source": source_note if isinstance(source_note, str) else dict(source_note),
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "feature_count": len(feature_list),
        "codes": sorted(str((feature.get("properties") or {}).get("code")) for feature in feature_list),
        "sha256": hashlib.sha256((text + "\n").encode("utf-8")).hexdigest(),
    }
    meta_path = target.parent / SOURCE_META_NAME
    _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    return meta_path
