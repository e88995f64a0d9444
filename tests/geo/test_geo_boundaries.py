from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from pyproj.enums import WktVersion
from shapely.geometry import shape

from ckanext.pm25.geo.boundaries import (
    LoadedBoundaries,
    load_boundaries,
    write_boundaries,
)
from ckanext.pm25.geo.errors import BoundaryError
from ckanext.pm25.geo.lookup import (
    Gazetteer,
    current_gazetteer,
    default_gazetteer,
    load_gazetteer,
)

UTM47 = 32647
BOWTIE = {"type": "Polygon", "coordinates": [[[100.0, 14.0], [100.2, 14.2], [100.2, 14.0], [100.0, 14.2],
                                              [100.0, 14.0]]]}


@pytest.fixture(scope="module")
def shipped() -> list[dict[str, Any]]:
    from importlib import resources

    data = resources.files("ckanext.pm25.geo").joinpath("data")
    text = data.joinpath("provinces.geojson").read_text(encoding="utf-8")
    return json.loads(text)["features"]


@pytest.fixture(scope="module")
def utm_features(shipped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shipped boundaries reprojected to UTM 47N, coded like UN OCHA's files (TH52)."""
    to_utm = Transformer.from_crs(4326, UTM47, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(to_utm.transform(coords[:, 0], coords[:, 1]))

    return [
        {"type": "Feature",
         "properties": {"ADM1_PCODE": feature["properties"]["code"].replace("-", ""),
                        "ADM1_EN": feature["properties"]["name_en"]},
         "geometry": json.loads(shapely.to_geojson(shapely.transform(shape(feature["geometry"]), project)))}
        for feature in shipped
    ]


def write_geojson(path: Path, features: list[dict[str, Any]], crs_name: str | None = None) -> Path:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs_name:
        collection["crs"] = {"type": "name", "properties": {"name": crs_name}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def write_shapefile(base: Path, features: list[dict[str, Any]], epsg: int | None = UTM47,
                    code_field: str = "ADM1_PCODE") -> Path:
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as writer:
        writer.field(code_field, "C", size=8)
        writer.field("ADM1_EN", "C", size=40)
        for feature in features:
            writer.shape(feature["geometry"])
            writer.record(feature["properties"]["ADM1_PCODE"], feature["properties"]["ADM1_EN"])
    if epsg is not None:
        base.with_suffix(".prj").write_text(CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI), encoding="utf-8")
    return base.with_suffix(".shp")


def codes_at(gazetteer: Gazetteer, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    found = (gazetteer.province_at(lon, lat) for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True))
    return np.array([province.code if province else "" for province in found])


def assert_same_lookups(loaded: Gazetteer, reference: Gazetteer) -> None:
    rng = np.random.default_rng(11)
    lons, lats = rng.uniform(97.3, 105.7, 20_000), rng.uniform(5.6, 20.5, 20_000)
    got, expected = codes_at(loaded, lons, lats), codes_at(reference, lons, lats)
    different = np.flatnonzero(got != expected)
    # Reprojecting there and back moves vertices by nanometres: only points on a border may differ.
    borders = shapely.union_all([shapely.boundary(geometry) for geometry in reference._geometries])
    near = shapely.distance(borders, shapely.points(lons[different], lats[different]))
    assert (near < 1e-6).all()
    assert len(different) <= 2
    assert [p.code for p in loaded.provinces] == [p.code for p in reference.provinces]


def test_geojson_in_utm_with_crs_member(tmp_path: Path, utm_features: list, gazetteer: Gazetteer) -> None:
    path = write_geojson(tmp_path / "adm1.geojson", utm_features, "urn:ogc:def:crs:EPSG::32647")
    loaded = load_boundaries(path)
    assert loaded.source["code_field"] == "ADM1_PCODE" and "32647" in loaded.source["crs"]
    assert len(loaded.features) == 77 and loaded.warnings == []
    assert_same_lookups(loaded.to_gazetteer(), gazetteer)


def test_shapefile_in_utm_with_prj(tmp_path: Path, utm_features: list, gazetteer: Gazetteer) -> None:
    loaded = load_boundaries(write_shapefile(tmp_path / "tha_admbnda_adm1", utm_features))
    assert loaded.source["format"] == "Shapefile" and loaded.source["province_count"] == 77
    assert_same_lookups(loaded.to_gazetteer(), gazetteer)


def test_zipped_shapefile(tmp_path: Path, utm_features: list, gazetteer: Gazetteer) -> None:
    shp = write_shapefile(tmp_path / "tha_admbnda_adm1_rtsd", utm_features)
    archive = tmp_path / "tha_adm.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in tmp_path.glob("tha_admbnda_adm1_rtsd.*"):
            bundle.write(part, f"shapes/{part.name}")
    loaded = load_boundaries(archive)
    assert loaded.source["format"] == "Shapefile (zip)"
    assert_same_lookups(loaded.to_gazetteer(), gazetteer)
    assert shp.exists()


def test_shapefile_without_prj_needs_a_crs(tmp_path: Path, utm_features: list) -> None:
    shp = write_shapefile(tmp_path / "noprj", utm_features, epsg=None)
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(shp)
    assert caught.value.code == "missing_crs"
    assert len(load_boundaries(shp, crs=UTM47).features) == 77


def test_conflicting_crs_is_refused(tmp_path: Path, utm_features: list) -> None:
    path = write_geojson(tmp_path / "a.geojson", utm_features, "EPSG:32647")
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(path, crs=32648)
    assert caught.value.code == "conflicting_crs"


def test_wrong_crs_shows_as_outside_thailand(tmp_path: Path, utm_features: list) -> None:
    path = write_geojson(tmp_path / "undeclared.geojson", utm_features)  # UTM numbers, read as WGS 84
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(path)
    assert "outside Thailand" in caught.value.render()


def test_code_field_by_name(tmp_path: Path, utm_features: list) -> None:
    shp = write_shapefile(tmp_path / "odd", utm_features, code_field="PROVNUM")
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(shp)
    assert caught.value.code == "no_code_field" and "PROVNUM" in caught.value.render()
    assert load_boundaries(shp, code_field="PROVNUM").source["code_field"] == "PROVNUM"


def test_missing_and_unknown_codes_are_listed(tmp_path: Path, shipped: list) -> None:
    features = [f for f in shipped if f["properties"]["code"] not in ("TH-38", "TH-10")]
    features.append({"type": "Feature", "properties": {"code": "TH-S"}, "geometry": shipped[0]["geometry"]})
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(write_geojson(tmp_path / "b.geojson", features))
    error = caught.value
    assert error.missing_codes == ["TH-10", "TH-38"]
    assert error.unknown_codes == ["TH-S"]
    assert "missing codes: TH-10, TH-38" in error.render() and "unknown codes: TH-S" in error.render()


def test_invalid_geometry_refused_or_repaired_with_a_warning(tmp_path: Path, shipped: list) -> None:
    features = [dict(f) for f in shipped]
    index = next(i for i, f in enumerate(features) if f["properties"]["code"] == "TH-14")
    features[index] = {"type": "Feature", "properties": {"code": "TH-14"}, "geometry": BOWTIE}
    path = write_geojson(tmp_path / "c.geojson", features)
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(path, repair=False)
    assert caught.value.invalid_codes == ["TH-14"]
    assert "TH-14 is not a valid geometry (Self-intersection" in caught.value.render()
    loaded = load_boundaries(path)
    assert any(w.startswith("TH-14 was not a valid geometry") for w in loaded.warnings)
    repaired = next(f for f in loaded.features if f["properties"]["code"] == "TH-14")
    assert shape(repaired["geometry"]).is_valid


def test_several_features_of_one_province_are_merged(tmp_path: Path, shipped: list) -> None:
    features = [f for f in shipped if f["properties"]["code"] != "TH-83"]
    phuket = shape(next(f for f in shipped if f["properties"]["code"] == "TH-83")["geometry"])
    for part in shapely.get_parts(phuket):
        geometry = json.loads(shapely.to_geojson(part))
        features.append({"type": "Feature", "properties": {"code": "83"}, "geometry": geometry})
    loaded = load_boundaries(write_geojson(tmp_path / "d.geojson", features))
    assert shape(next(f for f in loaded.features if f["properties"]["code"] == "TH-83")["geometry"]).area == \
        pytest.approx(phuket.area)


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "provinces.kml"
    path.write_text("<kml/>")
    with pytest.raises(BoundaryError) as caught:
        load_boundaries(path)
    assert caught.value.code == "unsupported_file_type"


def test_write_boundaries_atomically_with_source_meta(tmp_path: Path, utm_features: list,
                                                      gazetteer: Gazetteer) -> None:
    loaded: LoadedBoundaries = load_boundaries(
        write_geojson(tmp_path / "official.geojson", utm_features, "EPSG:32647"))
    target = tmp_path / "store" / "provinces.geojson"
    meta_path = write_boundaries(loaded.features, target, loaded.source)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["feature_count"] == 77 and meta["source"]["file"] == "official.geojson"
    assert meta["codes"][0] == "TH-10" and meta["written_at"].endswith("+00:00")
    assert sorted(p.name for p in target.parent.iterdir()) == ["provinces.geojson", "source.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert_same_lookups(load_gazetteer(target), gazetteer)
    write_boundaries(loaded.features[:1], target, "second write")
    assert len(json.loads(target.read_text(encoding="utf-8"))["features"]) == 1
    assert json.loads(meta_path.read_text(encoding="utf-8"))["source"] == "second write"


def test_current_gazetteer_follows_the_stored_file(tmp_path: Path, shipped: list) -> None:
    target = tmp_path / "provinces.geojson"
    assert current_gazetteer(target) is default_gazetteer()  # nothing stored yet
    write_boundaries(shipped, target, "first")
    first = current_gazetteer(target)
    assert first is not default_gazetteer() and current_gazetteer(target) is first
    without_bangkok = [f for f in shipped if f["properties"]["code"] != "TH-10"]
    write_boundaries(without_bangkok, target, "second")
    second = current_gazetteer(target)
    assert second is not first and len(second.provinces) == 76
    assert second.province_at(100.5018, 13.7563) is None
