"""`ckan pm25 boundaries districts FILE|--remove`: an administrator's admin-2 file (GeoJSON, or a
zipped Shapefile in UTM 47N) is stored where the site's data lives; a bad file is refused in Thai
and English and leaves the stored districts as they were."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ckanext.pm25.provinces.boundaries_cli import boundaries
from ckanext.pm25.provinces.districts import district_index
from tests.geo.district_files import (BANGKOK, LAMPANG_CITY_HALL, SING_BURI_CITY_HALL, district_features,
                                      write_geojson, write_zipped_shapefile)


@pytest.fixture
def districts_path(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where loaded districts go in this test (never the slot's storage)."""
    path = tmp_path / "storage" / "pm25" / "districts" / "districts.geojson"
    monkeypatch.setitem(ckan_config, "ckanext.pm25.district_boundaries_path", str(path))
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(boundaries, ["districts", *args], catch_exceptions=False)


def codes_at(*points: tuple[float, float]) -> list[str | None]:
    index = district_index()
    assert index is not None
    return [getattr(index.district_at(*where), "code", None) for where in points]


def test_a_geojson_file_is_stored_with_its_source_and_a_warning_for_the_missing(
        tmp_path: Path, districts_path: Path) -> None:
    result = run(str(write_geojson(tmp_path / "tha_admbnda_adm2.geojson", district_features())))

    assert result.exit_code == 0, result.output
    assert "tha_admbnda_adm2.geojson: 5 districts, GeoJSON" in result.output
    assert "ไฟล์ไม่มี 923 จาก 928 อำเภอ" in result.output  # the site's language (test.ini: th) first
    assert "923 of the 928 districts are not in the file" in result.output
    source = json.loads((districts_path.parent / "source.json").read_text(encoding="utf-8"))
    assert source["source"]["code_field"] == "ADM2_PCODE" and source["feature_count"] == 5
    assert codes_at(LAMPANG_CITY_HALL, SING_BURI_CITY_HALL, BANGKOK) == ["5201", "1701", None]


def test_a_zipped_shapefile_in_utm_47n_gives_the_same_districts(tmp_path: Path, districts_path: Path) -> None:
    result = run(str(write_zipped_shapefile(tmp_path, district_features(), 32647)))

    assert result.exit_code == 0, result.output
    assert "Shapefile (zip)" in result.output and "32647" in result.output
    assert codes_at(LAMPANG_CITY_HALL, SING_BURI_CITY_HALL, BANGKOK) == ["5201", "1701", None]


def test_a_bad_file_is_refused_in_thai_and_english_and_the_loaded_districts_stay(
        tmp_path: Path, districts_path: Path) -> None:
    assert run(str(write_geojson(tmp_path / "good.geojson", district_features()))).exit_code == 0
    before = districts_path.read_bytes()
    features = district_features()
    features.append({**features[0], "properties": {"ADM2_PCODE": "TH9999"}})

    result = run(str(write_geojson(tmp_path / "bad.geojson", features)))

    assert result.exit_code == 1
    assert "ใช้ไฟล์ขอบเขตอำเภอนี้ไม่ได้: รหัสที่ไม่ใช่อำเภอของประเทศไทย (ฟิลด์ ADM2_PCODE): TH9999" in result.output
    assert ("The district boundary file cannot be used: codes that are no district of Thailand "
            "(field ADM2_PCODE): TH9999") in result.output
    assert districts_path.read_bytes() == before


def test_a_dry_run_stores_nothing_and_remove_goes_back_to_none(tmp_path: Path, districts_path: Path) -> None:
    source = str(write_geojson(tmp_path / "adm2.geojson", district_features()))
    assert run(source, "--dry-run").exit_code == 0
    assert not districts_path.exists() and district_index() is None
    assert run(source).exit_code == 0 and district_index() is not None

    removed = run("--remove")

    assert removed.exit_code == 0 and "District boundaries removed" in removed.output
    assert not districts_path.exists() and not (districts_path.parent / "source.json").exists()
    assert district_index() is None
    assert "No district boundaries were loaded." in run("--remove").output


def test_a_file_and_remove_together_or_neither_is_a_usage_error(tmp_path: Path, districts_path: Path) -> None:
    assert run().exit_code == 2
    assert run(str(write_geojson(tmp_path / "adm2.geojson", district_features())), "--remove").exit_code == 2
