from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest
from pyproj import Transformer

from ckanext.pm25.geo import errors, geometry, reproject
from ckanext.pm25.geo.errors import GeometryError
from ckanext.pm25.geo.geometry import parse_geometry, point

LIMITS = {"max_bytes": 100_000, "max_vertices": 1_000}
LAMPANG = (99.4908, 18.2888)
BANGKOK_BOX = [[[100.45, 13.70], [100.60, 13.70], [100.60, 13.80], [100.45, 13.80], [100.45, 13.70]]]


def parse(value: object, crs: int | str | None = None, **limits: int) -> object:
    return parse_geometry(value, crs, **{**LIMITS, **limits})  # type: ignore[arg-type]


def refused(value: object, code: str, crs: int | str | None = None, **limits: int) -> GeometryError:
    with pytest.raises(GeometryError) as caught:
        parse(value, crs, **limits)
    assert caught.value.code == code, caught.value.render()
    return caught.value


def marked_messages() -> set[str]:
    """Every string literal wrapped in N_() in the package: what Babel will extract."""
    found: set[str] = set()
    for module in (errors, geometry, reproject):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[arg-type]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                found.add(ast.literal_eval(node.args[0]))
    return found


def test_point_geometry_text() -> None:
    result = parse(json.dumps({"type": "Point", "coordinates": list(LAMPANG)}))
    assert result.geom_type == "Point" and (result.x, result.y) == LAMPANG  # type: ignore[attr-defined]


def test_polygon_dict_and_bytes() -> None:
    polygon = {"type": "Polygon", "coordinates": BANGKOK_BOX}
    assert parse(polygon).area == pytest.approx(0.015)  # type: ignore[attr-defined]
    assert parse(json.dumps(polygon).encode()).area == pytest.approx(0.015)  # type: ignore[attr-defined]


def test_feature_and_collection_are_unwrapped() -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": list(LAMPANG)}}
    assert parse(feature).geom_type == "Point"  # type: ignore[attr-defined]
    second = {"type": "Feature", "properties": None, "geometry": {"type": "Point", "coordinates": [100.5, 13.75]}}
    collection = parse({"type": "FeatureCollection", "features": [feature, second]})
    assert collection.geom_type == "MultiPoint" and len(collection.geoms) == 2  # type: ignore[attr-defined]


def test_overlapping_features_become_one_clean_area() -> None:
    shifted = [[[x + 0.05, y] for x, y in BANGKOK_BOX[0]]]
    features = [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": ring}}
                for ring in (BANGKOK_BOX, shifted)]
    result = parse({"type": "FeatureCollection", "features": features})
    assert result.is_valid and result.area == pytest.approx(0.02)  # type: ignore[attr-defined]


def test_elevation_is_dropped() -> None:
    result = parse({"type": "LineString", "coordinates": [[100.5, 13.7, 5.0], [100.6, 13.8, 7.0]]})
    assert not result.has_z  # type: ignore[attr-defined]


def test_invalid_json() -> None:
    refused('{"type": "Point", "coordinates": [100, 13', "invalid_json")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ('[100.5, 13.7]', "not_an_object"),
        (42, "not_an_object"),
        ({"type": "Circle", "coordinates": [100.5, 13.7]}, "unsupported_type"),
        ({"coordinates": [100.5, 13.7]}, "unsupported_type"),
        ({"type": "Feature", "properties": {}, "geometry": None}, "feature_without_geometry"),
        ({"type": "FeatureCollection", "features": []}, "empty_collection"),
        ({"type": "Point", "coordinates": [100.5]}, "malformed_coordinates"),
        ({"type": "Point", "coordinates": "100.5,13.7"}, "malformed_coordinates"),
        ({"type": "LineString", "coordinates": [[100.5, 13.7]]}, "malformed_coordinates"),
        ({"type": "Polygon", "coordinates": [[[100.5, 13.7], [100.6, 13.7], [100.6, 13.8]]]}, "unclosed_ring"),
        ({"type": "Point", "coordinates": ["100.5", 13.7]}, "not_a_number"),
        ({"type": "Point", "coordinates": [True, 13.7]}, "not_a_number"),
        ({"type": "MultiPoint", "coordinates": []}, "empty_geometry"),
    ],
)
def test_wrong_structure(value: object, code: str) -> None:
    refused(value, code)


def test_self_intersecting_polygon_reports_the_reason() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[100.0, 13.0], [100.2, 13.2], [100.2, 13.0], [100.0, 13.2],
                                                  [100.0, 13.0]]]}
    error = refused(bowtie, "invalid_geometry")
    assert "Self-intersection" in error.params["reason"]
    assert "Self-intersection" in str(error)


def test_outside_thailand() -> None:
    error = refused({"type": "Point", "coordinates": [2.35, 48.85]}, "outside_thailand")  # Paris
    assert "2.3500" in error.params["bounds"]
    refused({"type": "Point", "coordinates": [106.7, 10.8]}, "outside_thailand")  # Ho Chi Minh City


def test_swapped_latitude_longitude_is_named() -> None:
    error = refused({"type": "Point", "coordinates": [13.7563, 100.5018]}, "swapped_coordinates")
    assert "swapped" in error.render() and "longitude" in error.render()


def test_swapped_easting_northing_in_utm() -> None:
    easting, northing = Transformer.from_crs(4326, 32647, always_xy=True).transform(*LAMPANG)
    refused({"type": "Point", "coordinates": [northing, easting]}, "swapped_coordinates", crs=32647)


def test_too_many_vertices_is_refused_before_building() -> None:
    ring = [[100 + 0.01 * math.cos(math.tau * i / 200), 13 + 0.01 * math.sin(math.tau * i / 200)] for i in range(200)]
    ring.append(ring[0])
    error = refused({"type": "Polygon", "coordinates": [ring]}, "too_many_vertices", max_vertices=100)
    assert error.params == {"max_vertices": 100}
    assert parse({"type": "Polygon", "coordinates": [ring]}, max_vertices=201).is_valid  # type: ignore[attr-defined]


def test_too_many_bytes_is_refused_before_parsing() -> None:
    text = json.dumps({"type": "Point", "coordinates": list(LAMPANG)})
    error = refused(text + " " * 500, "too_many_bytes", max_bytes=200)
    assert error.params["max_bytes"] == 200
    refused("{" * 10_000, "too_many_bytes", max_bytes=5_000)  # never reaches the JSON parser
    refused({"type": "Polygon", "coordinates": BANGKOK_BOX}, "too_many_bytes", max_bytes=50)
    # Thai text counts in UTF-8 bytes, not characters.
    thai = json.dumps({"type": "Point", "coordinates": list(LAMPANG), "name": "ลำปาง" * 20}, ensure_ascii=False)
    assert len(thai) < 200 < len(thai.encode())
    refused(thai, "too_many_bytes", max_bytes=200)


@pytest.mark.parametrize(
    "value",
    [
        '{"type": "Point", "coordinates": [NaN, 13.7]}',
        '{"type": "Point", "coordinates": [100.5, Infinity]}',
        {"type": "Point", "coordinates": [float("nan"), 13.7]},
        {"type": "Point", "coordinates": [100.5, float("-inf")]},
    ],
)
def test_non_finite_numbers(value: object) -> None:
    refused(value, "not_finite")


def test_reprojected_input_matches_wgs84() -> None:
    for epsg in (32647, 32648, 24047, 3857):
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(*LAMPANG)
        result = parse({"type": "Point", "coordinates": [x, y]}, crs=epsg)
        assert result.x == pytest.approx(LAMPANG[0], abs=1e-6)  # type: ignore[attr-defined]
        assert result.y == pytest.approx(LAMPANG[1], abs=1e-6)  # type: ignore[attr-defined]


def test_legacy_crs_member_is_honoured() -> None:
    x, y = Transformer.from_crs(4326, 32647, always_xy=True).transform(*LAMPANG)
    value = {"type": "Point", "coordinates": [x, y],
             "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32647"}}}
    assert parse(value).x == pytest.approx(LAMPANG[0], abs=1e-6)  # type: ignore[attr-defined]


def test_unknown_crs() -> None:
    error = refused({"type": "Point", "coordinates": [650000, 1500000]}, "unsupported_crs", crs=2154)
    assert "32647" in error.params["supported"]


def test_point_helper() -> None:
    assert (point(18.2888, 99.4908).x, point("18.2888", " 99.4908").y) == (99.4908, 18.2888)
    for lat, lon, code in [
        (99.4908, 18.2888, "swapped_coordinates"),
        (48.85, 2.35, "outside_thailand"),
        (float("nan"), 99.5, "not_finite"),
        ("-", 99.5, "not_a_number"),
        (None, 99.5, "not_a_number"),
    ]:
        with pytest.raises(GeometryError) as caught:
            point(lat, lon)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_every_error_message_is_marked_for_translation() -> None:
    marked = marked_messages()
    cases = [
        ("{", {}), ("[]", {}), ({"type": "Circle"}, {}), ({"type": "Point", "coordinates": [13.7, 100.5]}, {}),
        ({"type": "Point", "coordinates": [2.3, 48.8]}, {}), ('{"type":"Point","coordinates":[NaN,1]}', {}),
        ({"type": "Point", "coordinates": [1, 2]}, {"crs": 2154}),
        ({"type": "Point", "coordinates": ["a", 2]}, {}),
        ({"type": "Polygon", "coordinates": [[[100, 13], [100.2, 13.2], [100.2, 13], [100, 13.2], [100, 13]]]}, {}),
    ]
    for value, options in cases:
        with pytest.raises(GeometryError) as caught:
            parse(value, options.get("crs"))
        assert caught.value.message in marked
        assert "%(" not in caught.value.render()
