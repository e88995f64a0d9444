"""Build ckanext/pm25/geo/data/districts.csv from the GeoThai data (PyPI package geothai).

    .stack/venv-ckan-2.12/bin/python dev/build_districts.py          # runs `pip download geothai==3.2.1`
    .stack/venv-ckan-2.12/bin/python dev/build_districts.py --source geothai-3.2.1-py3-none-any.whl

The wheel's ``geothai/_data/districts.json`` holds ``[code, name_th, name_en]`` for every current
district (อำเภอ/เขต) under its DOPA code. The build keeps those three columns, NFC-normalised,
sorted by code, and fails unless there are 928 districts, every code is four digits whose first
two are a province of ``provinces.csv``, every province has at least one, and no name is empty.
It prints the SHA-256 of what it read, for ``data/README.md``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from ckanext.pm25.geo.provinces import all_provinces

REPO = Path(__file__).resolve().parents[1]

DATA = REPO / "ckanext" / "pm25" / "geo" / "data"
PACKAGE = "geothai==3.2.1"
MEMBER = "geothai/_data/districts.json"
DISTRICT_COUNT = 928


def fetch_wheel(directory: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(directory), PACKAGE],
                   check=True)
    return next(directory.glob("geothai-*.whl"))


def read_source(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(MEMBER)


def checked_rows(raw: bytes) -> list[tuple[str, str, str]]:
    provinces = {province.dopa for province in all_provinces()}
    rows = sorted((str(code), unicodedata.normalize("NFC", name_th).strip(),
                   unicodedata.normalize("NFC", name_en).strip()) for code, name_th, name_en in json.loads(raw))
    problems = [f"{code}: not a district code of a known province" for code, _, _ in rows
                if len(code) != 4 or not code.isdigit() or code[:2] not in provinces]
    problems += [f"{code}: a name is empty" for code, name_th, name_en in rows if not name_th or not name_en]
    if len({code for code, _, _ in rows}) != len(rows):
        problems.append("a code is listed twice")
    if len(rows) != DISTRICT_COUNT:
        problems.append(f"{len(rows)} districts, not {DISTRICT_COUNT}")
    without = provinces - {code[:2] for code, _, _ in rows}
    if without:
        problems.append(f"provinces without a district: {sorted(without)}")
    if problems:
        raise SystemExit("districts.json is not usable:\n" + "\n".join(problems))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="a geothai wheel (default: pip download it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        wheel = args.source or fetch_wheel(Path(scratch))
        raw = read_source(wheel)
    rows = checked_rows(raw)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("code", "name_th", "name_en"))
    writer.writerows(rows)
    target = DATA / "districts.csv"
    target.write_text(text.getvalue(), encoding="utf-8")
    print(f"{target.relative_to(REPO)}: {len(rows)} districts, {target.stat().st_size:,} bytes; "
          f"{MEMBER} SHA-256 {hashlib.sha256(raw).hexdigest()}")


if __name__ == "__main__":
    main()
