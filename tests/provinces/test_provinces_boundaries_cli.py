"""`ckan pm25 provinces load|list`: official boundaries in any CRS replace the shipped ones only
when complete, and the datasets whose derived provinces change are updated and reindexed."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapefile
import shapely
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import helpers
from click.testing import CliRunner, Result
from pyproj import CRS, Transformer
from pyproj.enums import WktVersion
from shapely.geometry import shape

from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo.lookup import Gazetteer, default_gazetteer
from ckanext.pm25.provinces.cli import provinces
from tests.factories import create_pm25_dataset, point
from tests.provinces.conftest import read_seats

UTM47 = 32647


def shipped_features() -> list[dict[str, Any]]:
    text = resources.files("ckanext.pm25.geo").joinpath("data").joinpath("provinces.geojson").read_text(
        encoding="utf-8")
    return json.loads(text)["features"]


def in_utm(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The features reprojected to WGS 84 / UTM zone 47N, coded like UN OCHA's files (TH52)."""
    to_utm = Transformer.from_crs(4326, UTM47, always_xy=True)

    def project(coordinates: np.ndarray) -> np.ndarray:
        return np.column_stack(to_utm.transform(coordinates[:, 0], coordinates[:, 1]))

    return [{"type": "Feature",
             "properties": {"ADM1_PCODE": feature["properties"]["code"].replace("-", ""),
                            "ADM1_EN": feature["properties"]["name_en"]},
             "geometry": json.loads(shapely.to_geojson(shapely.transform(shape(feature["geometry"]), project)))}
            for feature in features]


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def write_shapefile(base: Path, features: list[dict[str, Any]]) -> Path:
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as writer:
        writer.field("ADM1_PCODE", "C", size=8)
        writer.field("ADM1_EN", "C", size=40)
        for feature in features:
            writer.shape(feature["geometry"])
            writer.record(feature["properties"]["ADM1_PCODE"], feature["properties"]["ADM1_EN"])
    base.with_suffix(".prj").write_text(CRS.from_epsg(UTM47).to_wkt(WktVersion.WKT1_ESRI), encoding="utf-8")
    return base.with_suffix(".shp")


@pytest.fixture
def boundaries_path(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where loaded boundaries go in this test (never the slot's storage)."""
    path = tmp_path / "storage" / "pm25" / "provinces.geojson"
    monkeypatch.setitem(ckan_config, "ckanext.pm25.boundaries_path", str(path))
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(provinces, list(args), catch_exceptions=False)


def codes_at(places: Gazetteer, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    found = (places.province_at(lon, lat) for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True))
    return np.array([province.code if province else "" for province in found])


def assert_same_lookups_as_shipped() -> None:
    loaded, shipped = gazetteer.gazetteer(), default_gazetteer()
    assert loaded is not shipped
    for seat in read_seats():
        found = loaded.province_at(float(seat["lon"]), float(seat["lat"]))
        assert found is not None and found.code == seat["code"], seat["seat_en"]
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(97.3, 105.7, 20_000), rng.uniform(5.6, 20.5, 20_000)
    different = np.flatnonzero(codes_at(loaded, lons, lats) != codes_at(shipped, lons, lats))
    # There and back through UTM moves vertices by nanometres: only points on a border may differ.
    assert len(different) <= 2
    for index in different:
        location = shapely.Point(lons[index], lats[index])
        assert min(shapely.distance(shipped.geometry_of(p.code).boundary, location) for p in shipped.provinces) < 1e-6
    for province in shipped.provinces:
        assert shapely.hausdorff_distance(loaded.geometry_of(province.code), shipped.geometry_of(province.code)) < 1e-6


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_geojson_file_in_utm_47n_gives_the_same_lookups_as_the_shipped_data(tmp_path: Path,
                                                                               boundaries_path: Path) -> None:
    source = write_geojson(tmp_path / "tha_adm1_utm47n.geojson", in_utm(shipped_features()))

    result = run("load", str(source), "--crs", "32647")

    assert result.exit_code == 0, result.output
    assert "77 provinces" in result.output and "32647" in result.output
    assert boundaries_path.exists()
    source_note = json.loads((boundaries_path.parent / "source.json").read_text(encoding="utf-8"))
    assert source_note["source"]["file"] == "tha_adm1_utm47n.geojson"
    assert source_note["source"]["code_field"] == "ADM1_PCODE"
    assert_same_lookups_as_shipped()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_shapefile_in_utm_47n_with_its_prj_gives_the_same_lookups(tmp_path: Path, boundaries_path: Path) -> None:
    source = write_shapefile(tmp_path / "tha_admbnda_adm1_rtsd", in_utm(shipped_features()))

    result = run("load", str(source))

    assert result.exit_code == 0, result.output
    assert "Shapefile" in result.output
    assert_same_lookups_as_shipped()


def swapped(features: list[dict[str, Any]], first: str, second: str) -> list[dict[str, Any]]:
    """The boundaries with two provinces' outlines exchanged: every dataset in them changes province."""
    outlines = {feature["properties"]["code"]: feature["geometry"] for feature in features}
    result = []
    for feature in features:
        code = feature["properties"]["code"]
        geometry = outlines[second] if code == first else outlines[first] if code == second else feature["geometry"]
        result.append({**feature, "geometry": geometry})
    return result


def seat_spatial(code: str) -> str:
    seat = next(seat for seat in read_seats() if seat["code"] == code)
    return point(float(seat["lon"]), float(seat["lat"]))


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_loading_updates_and_reindexes_only_the_datasets_whose_provinces_change(
        tmp_path: Path, boundaries_path: Path) -> None:
    lampang = create_pm25_dataset(name="at-lampang", spatial=seat_spatial("TH-52"))
    chiang_mai = create_pm25_dataset(name="at-chiang-mai", spatial=seat_spatial("TH-50"))
    bangkok = create_pm25_dataset(name="at-bangkok", spatial=seat_spatial("TH-10"))
    # In Lampang, 2 km from the Lamphun border; the publisher named both provinces.
    by_hand = create_pm25_dataset(name="given-by-hand", spatial=point(99.1059, 18.0146), provinces=["TH-52", "TH-51"])
    assert by_hand["provinces"] == ["TH-51", "TH-52"]
    no_location = create_pm25_dataset(name="no-location", provinces=["TH-52"])
    source = write_geojson(tmp_path / "swapped.geojson", swapped(shipped_features(), "TH-50", "TH-52"))

    result = run("load", str(source))

    assert result.exit_code == 0, result.output
    assert "Datasets with a location: 4; provinces changed: 2; given by hand (kept): 1" in result.output
    assert "at-lampang: TH-52 -> TH-50" in result.output
    assert "2 datasets updated and reindexed; 1 more reindexed for the province filter" in result.output

    def shown(dataset: dict[str, Any]) -> dict[str, Any]:
        return helpers.call_action("package_show", id=dataset["id"])

    assert shown(lampang)["provinces"] == ["TH-50"]
    assert shown(chiang_mai)["provinces"] == ["TH-52"]
    assert shown(bangkok)["metadata_modified"] == bangkok["metadata_modified"]
    assert shown(by_hand)["provinces"] == ["TH-51", "TH-52"]
    assert shown(no_location)["metadata_modified"] == no_location["metadata_modified"]
    in_chiang_mai = helpers.call_action("package_search", fq="provinces:TH-50")["results"]
    assert [dataset["name"] for dataset in in_chiang_mai] == ["at-lampang"]
    # The hand-tagged point now lies in the area loaded as TH-50: the province filter follows.
    by_area = helpers.call_action("package_search", ext_province="TH-50")["results"]
    assert {dataset["name"] for dataset in by_area} == {"at-lampang", "given-by-hand"}


def assert_refused_and_nothing_replaced(result: Result, boundaries_path: Path, before: bytes,
                                        source_before: bytes, named: str) -> None:
    assert result.exit_code == 1
    assert "Not loaded, nothing was replaced" in result.output
    assert named in result.output
    assert boundaries_path.read_bytes() == before
    assert (boundaries_path.parent / "source.json").read_bytes() == source_before


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_file_with_76_provinces_or_an_unknown_code_is_refused_and_nothing_is_replaced(
        tmp_path: Path, boundaries_path: Path) -> None:
    features = in_utm(shipped_features())
    assert run("load", str(write_geojson(tmp_path / "good.geojson", features)), "--crs", "32647").exit_code == 0
    before = boundaries_path.read_bytes()
    source_before = (boundaries_path.parent / "source.json").read_bytes()
    dataset = create_pm25_dataset(name="at-lampang", spatial=seat_spatial("TH-52"))

    missing_one = write_geojson(tmp_path / "76.geojson",
                                [f for f in features if f["properties"]["ADM1_PCODE"] != "TH96"])
    assert_refused_and_nothing_replaced(run("load", str(missing_one), "--crs", "32647"), boundaries_path, before,
                                        source_before, "missing codes: TH-96")

    unknown = [dict(f, properties={**f["properties"], "ADM1_PCODE": "TH99"}) if f["properties"]["ADM1_PCODE"] == "TH52"
               else f for f in features]
    assert_refused_and_nothing_replaced(
        run("load", str(write_geojson(tmp_path / "unknown.geojson", unknown)), "--crs", "32647"),
        boundaries_path, before, source_before, "unknown codes: TH99")

    # Without --crs, UTM metres read as degrees lie far outside Thailand.
    assert_refused_and_nothing_replaced(run("load", str(tmp_path / "good.geojson")), boundaries_path, before,
                                        source_before, "outside Thailand")
    assert helpers.call_action("package_show", id=dataset["id"])["provinces"] == ["TH-52"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_dry_run_counts_the_changes_and_replaces_nothing(tmp_path: Path, boundaries_path: Path) -> None:
    dataset = create_pm25_dataset(name="at-lampang", spatial=seat_spatial("TH-52"))
    source = write_geojson(tmp_path / "swapped.geojson", swapped(shipped_features(), "TH-50", "TH-52"))

    result = run("load", str(source), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "provinces would change: 1" in result.output and "Dry run: nothing was replaced." in result.output
    assert not boundaries_path.exists()
    assert helpers.call_action("package_show", id=dataset["id"])["provinces"] == ["TH-52"]


@pytest.mark.usefixtures("clean_db")
def test_list_shows_what_is_loaded_and_where_it_came_from(tmp_path: Path, boundaries_path: Path) -> None:
    shipped = run("list")
    assert shipped.exit_code == 0
    assert "In use: shipped Natural Earth boundaries" in shipped.output
    assert "Natural Earth 1:10m admin-1" in shipped.output
    assert "Checksum: matches source.json" in shipped.output
    assert "TH-52  52  Lampang" in shipped.output

    source = write_shapefile(tmp_path / "tha_admbnda_adm1_rtsd", in_utm(shipped_features()))
    assert run("load", str(source)).exit_code == 0
    loaded = run("list")
    assert f"In use: loaded boundaries: {boundaries_path}" in loaded.output
    assert "tha_admbnda_adm1_rtsd.shp" in loaded.output and "32647" in loaded.output
    assert "Checksum: matches source.json" in loaded.output

    boundaries_path.write_text(boundaries_path.read_text(encoding="utf-8").replace("TH-52", "TH-52 "),
                               encoding="utf-8")
    assert "DIFFERS from source.json" in run("list").output


def test_the_commands_are_part_of_ckan_pm25(cli: Any) -> None:
    result = cli.invoke(ckan_command, ["pm25", "provinces", "list"])
    assert result.exit_code == 0, result.output
    assert "In use:" in result.output
    assert cli.invoke(ckan_command, ["pm25", "provinces", "load", "--help"]).exit_code == 0
