"""Reading an administrator's district boundaries (pure): codes mapped to DOPA's, bad files refused
with each reason, and the point index over the result."""
from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import mapping, box

from ckanext.pm25.geo.district_boundaries import DistrictBoundaryError, district_code, load_district_boundaries
from ckanext.pm25.geo.district_index import DistrictIndex, current_district_index
from ckanext.pm25.geo.errors import BoundaryError
from tests.geo.district_files import (BANGKOK, LAMPANG_CITY_HALL, MAE_MO, SING_BURI_CITY_HALL, district_features,
                                      write_geojson, write_zipped_shapefile)


@pytest.mark.parametrize(("value", "code"), [("TH5201", "5201"), ("5201", "5201"), (5201, "5201"),
                                             (5201.0, "5201"), ("th-1701", "1701"), ("TH9999", None),
                                             ("TH52", None), ("", None), (None, None), (True, None)])
def test_district_codes_as_files_carry_them(value: object, code: str | None) -> None:
    assert district_code(value) == code  # type: ignore[arg-type]


def test_a_partial_geojson_file_gives_its_districts_and_says_how_many_are_missing(tmp_path: Path) -> None:
    loaded = load_district_boundaries(write_geojson(tmp_path / "adm2.geojson", district_features()))

    assert [feature["properties"]["code"] for feature in loaded.features] == ["1701", "1702", "5201", "5202", "5401"]
    assert loaded.features[2]["properties"] == {"code": "5201", "name_th": "เมืองลำปาง", "name_en": "Mueang Lampang",
                                                "province": "TH-52"}
    assert loaded.missing == 928 - 5 and loaded.source["code_field"] == "ADM2_PCODE"
    message, params = loaded.warnings[0]
    assert message % params == ("923 of the 928 districts are not in the file: a location there gets its "
                                "province's value only")


def test_a_zipped_shapefile_in_utm_47n_gives_the_same_districts(tmp_path: Path) -> None:
    loaded = load_district_boundaries(write_zipped_shapefile(tmp_path, district_features(), 32647))
    index = DistrictIndex(loaded.features)

    assert loaded.source["format"] == "Shapefile (zip)" and "32647" in loaded.source["crs"]
    found = index.district_at(*LAMPANG_CITY_HALL)
    assert found is not None and found.code == "5201"


def test_the_index_finds_the_district_of_a_point_or_none() -> None:
    index = DistrictIndex(load_features())

    assert [getattr(index.district_at(*where), "code", None) for where in
            (LAMPANG_CITY_HALL, MAE_MO, SING_BURI_CITY_HALL, BANGKOK)] == ["5201", "5202", "1701", None]
    on_the_shared_border = index.district_at(99.65, 18.30)
    assert on_the_shared_border is not None and on_the_shared_border.code == "5201"  # the lowest code


def load_features() -> list[dict[str, object]]:
    return [{"type": "Feature", "properties": {"code": feature["properties"]["ADM2_PCODE"][2:]},
             "geometry": feature["geometry"]} for feature in district_features()]


def test_a_stored_district_no_longer_known_is_left_out() -> None:
    renumbered = {"1701": "9999"}  # as if an upgrade's district list had renumbered it
    index = DistrictIndex([{**feature, "properties": {"code": renumbered.get(code, code)}}
                           for feature in load_features() for code in [feature["properties"]["code"]]])
    assert len(index) == 4 and index.district_at(*SING_BURI_CITY_HALL) is None


def test_the_stored_index_follows_the_file(tmp_path: Path) -> None:
    stored = tmp_path / "districts.geojson"
    assert current_district_index(stored) is None
    write_geojson(stored, load_features()[:1])
    first = current_district_index(stored)
    assert first is not None and len(first) == 1 and current_district_index(stored) is first
    write_geojson(stored, load_features())
    second = current_district_index(stored)
    assert second is not None and len(second) == 5
    stored.unlink()
    assert current_district_index(stored) is None


def refusal(tmp_path: Path, features: list[dict[str, object]], **options: object) -> BoundaryError:
    with pytest.raises(BoundaryError) as refused:
        load_district_boundaries(write_geojson(tmp_path / "bad.geojson", features), **options)  # type: ignore[arg-type]
    return refused.value


def test_unknown_and_repeated_codes_are_refused_naming_them(tmp_path: Path) -> None:
    features = district_features()
    features.append({**features[0], "properties": {"ADM2_PCODE": "TH9999"}})
    features.append(features[1])

    error = refusal(tmp_path, features)

    assert isinstance(error, DistrictBoundaryError)
    assert error.render() == ("The district boundary file cannot be used: codes that are no district of Thailand "
                              "(field ADM2_PCODE): TH9999; districts given more than once: 5202")


def test_an_invalid_polygon_is_refused_unless_repaired(tmp_path: Path) -> None:
    crossed = [[99.4, 18.2], [99.6, 18.4], [99.6, 18.2], [99.4, 18.4], [99.4, 18.2]]
    bowtie = {"type": "Polygon", "coordinates": [crossed]}
    features = [{"type": "Feature", "properties": {"ADM2_PCODE": "TH5201"}, "geometry": bowtie}]

    assert "invalid polygons (load with --repair to fix them with make_valid): 5201 (Self-intersection" in \
        refusal(tmp_path, features).render()
    repaired = load_district_boundaries(tmp_path / "bad.geojson", repair=True)
    assert [feature["properties"]["code"] for feature in repaired.features] == ["5201"]
    assert ("%(code)s was not a valid polygon and was repaired", {"code": "5201"}) in repaired.warnings


def test_a_district_outside_thailand_and_a_line_are_refused(tmp_path: Path) -> None:
    features = [{"type": "Feature", "properties": {"ADM2_PCODE": "TH5201"},
                 "geometry": mapping(box(139, 35, 140, 36))},
                {"type": "Feature", "properties": {"ADM2_PCODE": "TH5202"},
                 "geometry": {"type": "LineString", "coordinates": [[99.7, 18.2], [99.8, 18.3]]}}]

    assert refusal(tmp_path, features).render() == (
        "The district boundary file cannot be used: districts without a polygon: 5202; "
        "districts outside Thailand (is the coordinate system WGS 84 right?): 5201")


def test_a_file_without_a_code_field_is_refused_with_its_fields(tmp_path: Path) -> None:
    features = [{"type": "Feature", "properties": {"name": "Mueang Lampang"},
                 "geometry": mapping(box(99.4, 18.2, 99.6, 18.4))}]
    assert refusal(tmp_path, features).render() == (
        "No field with district codes was found; name it with --code-field. Fields: name.")
    assert refusal(tmp_path, features, code_field="AMP_CODE").render() == "The field AMP_CODE is not in the file."


def test_a_plain_four_digit_code_field_is_found(tmp_path: Path) -> None:
    features = [{"type": "Feature", "properties": {"amphoe_code": 1701, "name": "x"},
                 "geometry": mapping(box(100.3, 14.8, 100.5, 15.0))}]
    loaded = load_district_boundaries(write_geojson(tmp_path / "plain.geojson", features))
    assert loaded.source["code_field"] == "amphoe_code" and loaded.features[0]["properties"]["code"] == "1701"
