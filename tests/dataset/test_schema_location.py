"""The location of a dataset through the action API: GeoJSON checked (valid, inside Thailand, axis
order, size), projected coordinates reprojected to WGS 84, provinces derived or checked."""
from __future__ import annotations

import json
from typing import Any

import pytest
from pyproj import Transformer
from shapely.geometry import shape

from tests.factories import point
from tests.dataset.api import create, refused_create

LAMPANG = (99.50, 18.29)  # lon, lat: the city of Lampang, TH-52
UBON = (104.85, 15.24)  # Ubon Ratchathani, TH-34 (UTM zone 48)
BANGKOK = (100.50, 13.75)  # TH-10
LAMPANG_AREA = {"type": "Polygon",
                "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4], [99.4, 18.4], [99.4, 18.2]]]}


def _refused_location(agency: dict[str, Any], **fields: Any) -> list[str]:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **fields)
    assert list(errors) == [next(iter(fields))], errors
    return errors[next(iter(fields))]


def test_a_point_is_stored_as_geojson_and_its_province_derived(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=point(*LAMPANG))

    assert json.loads(dataset["spatial"]) == {"type": "Point", "coordinates": list(LAMPANG)}
    assert dataset["provinces"] == ["TH-52"]
    assert dataset["spatial_crs"] == "4326"


def test_a_geojson_object_and_a_feature_are_accepted(agency: dict[str, Any]) -> None:
    org = agency["organization"]["id"]

    as_object = create(agency["editor"], org, spatial=LAMPANG_AREA)
    as_feature = create(agency["editor"], org, spatial=json.dumps(
        {"type": "Feature", "properties": {"name": "Lampang"}, "geometry": LAMPANG_AREA}))

    assert shape(json.loads(as_object["spatial"])).equals(shape(LAMPANG_AREA))
    assert shape(json.loads(as_feature["spatial"])).equals(shape(LAMPANG_AREA))
    assert as_object["provinces"] == as_feature["provinces"] == ["TH-52"]


def test_a_line_across_provinces_lists_each(agency: dict[str, Any]) -> None:
    line = {"type": "LineString", "coordinates": [list(LAMPANG), [98.98, 18.79]]}  # Lampang to Chiang Mai

    dataset = create(agency["editor"], agency["organization"]["id"], spatial=json.dumps(line))

    assert {"TH-50", "TH-52"} <= set(dataset["provinces"])


@pytest.mark.parametrize("spatial, words", [
    ("not json", "not valid JSON"),
    ('{"type": "Point"}', "malformed"),
    ('{"type": "Circle", "coordinates": [99.5, 18.29], "radius": 5}', "Unsupported GeoJSON type"),
    ('[99.5, 18.29]', "GeoJSON object"),
    ('{"type": "Point", "coordinates": ["99.5", "18.29"]}', "not a number"),
    ('{"type": "Point", "coordinates": [NaN, 18.29]}', "not a finite number"),
    ('{"type": "Polygon", "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4]]]}', "closed"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
])
def test_invalid_geojson_is_refused_saying_why(agency: dict[str, Any], spatial: str, words: str) -> None:
    messages = _refused_location(agency, spatial=spatial)

    assert words in messages[0]


def test_a_self_intersecting_polygon_is_refused(agency: dict[str, Any]) -> None:
    bowtie = {"type": "Polygon",
              "coordinates": [[[99.4, 18.2], [99.6, 18.4], [99.6, 18.2], [99.4, 18.4], [99.4, 18.2]]]}

    messages = _refused_location(agency, spatial=json.dumps(bowtie))

    assert "not valid" in messages[0] and "Self-intersection" in messages[0]


def test_a_location_outside_thailand_is_refused(agency: dict[str, Any]) -> None:
    messages = _refused_location(agency, spatial=point(139.69, 35.69))  # Tokyo

    assert "outside Thailand" in messages[0]


def test_latitude_and_longitude_swapped_are_refused_saying_so(agency: dict[str, Any]) -> None:
    lon, lat = LAMPANG

    messages = _refused_location(agency, spatial=point(lat, lon))

    assert "wrong order" in messages[0] and "[longitude, latitude]" in messages[0]


@pytest.mark.timeout(60)  # refused, not hung on
def test_a_geometry_with_too_many_vertices_is_refused(agency: dict[str, Any], ckan_config: dict[str, Any]) -> None:
    limit = ckan_config["ckanext.pm25.geometry.max_vertices"]
    steps = limit + 1
    line = {"type": "LineString",
            "coordinates": [[99.0 + index / steps, 18.0 + index / steps / 2] for index in range(steps)]}

    messages = _refused_location(agency, spatial=json.dumps(line))

    assert f"more than {limit} vertices" in messages[0]


@pytest.mark.timeout(60)
def test_a_geometry_payload_too_large_is_refused(agency: dict[str, Any], ckan_config: dict[str, Any]) -> None:
    limit = ckan_config["ckanext.pm25.geometry.max_bytes"]
    padded = '{"type": "Point", "coordinates": [99.5, 18.29]' + " " * limit + "}"

    messages = _refused_location(agency, spatial=padded)

    assert f"larger than {limit} bytes" in messages[0]


@pytest.mark.parametrize("codes", [["TH-99"], ["TH-52", "XX-1"], "Atlantis"])
def test_unknown_province_codes_are_refused(agency: dict[str, Any], codes: Any) -> None:
    messages = _refused_location(agency, provinces=codes)

    assert "Unknown province code" in messages[0]


def test_provinces_contradicting_the_location_are_refused_naming_where_it_lies(agency: dict[str, Any]) -> None:
    messages = _refused_location(agency, provinces=["TH-10"], spatial=point(*LAMPANG))

    assert "TH-10" in messages[0] and "TH-52 (ลำปาง)" in messages[0]


def test_provinces_given_with_the_location_are_kept_when_they_agree(agency: dict[str, Any]) -> None:
    org = agency["organization"]["id"]

    by_code = create(agency["editor"], org, provinces=["TH-52"], spatial=point(*LAMPANG))
    by_name = create(agency["editor"], org, provinces="ลำปาง, Chiang Mai", spatial=json.dumps(
        {"type": "LineString", "coordinates": [list(LAMPANG), [98.98, 18.79]]}))
    without_location = create(agency["editor"], org, provinces=["TH-10", "TH-52"])

    assert by_code["provinces"] == ["TH-52"]
    assert by_name["provinces"] == ["TH-50", "TH-52"]
    assert without_location["provinces"] == ["TH-10", "TH-52"]


def _projected(lon_lat: tuple[float, float], epsg: int) -> tuple[float, float]:
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(*lon_lat)


@pytest.mark.parametrize("epsg, place", [(32647, LAMPANG), (24047, LAMPANG), (32648, UBON)])
def test_projected_coordinates_are_stored_as_the_same_wgs84_point(agency: dict[str, Any], epsg: int,
                                                                  place: tuple[float, float]) -> None:
    org = agency["organization"]["id"]
    easting, northing = _projected(place, epsg)

    projected = create(agency["editor"], org, spatial_crs=str(epsg), spatial=point(easting, northing))
    geographic = create(agency["editor"], org, spatial=point(*place))

    stored = json.loads(projected["spatial"])["coordinates"]
    assert stored == pytest.approx(list(place), abs=1e-6)
    assert projected["spatial_crs"] == "4326"
    assert projected["provinces"] == geographic["provinces"] != []


def test_projected_coordinates_sent_as_wgs84_are_refused(agency: dict[str, Any]) -> None:
    easting, northing = _projected(LAMPANG, 32647)

    messages = _refused_location(agency, spatial=point(easting, northing))

    assert "outside Thailand" in messages[0]


def test_an_unsupported_crs_is_refused(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], spatial_crs="27700",
                            spatial=point(530_000, 180_000))

    assert "Unsupported coordinate reference system 27700" in errors["spatial"][0]
    assert "spatial_crs" in errors


def test_web_mercator_coordinates_are_accepted(agency: dict[str, Any]) -> None:
    easting, northing = _projected(LAMPANG, 3857)

    dataset = create(agency["editor"], agency["organization"]["id"], spatial_crs="3857",
                     spatial=point(easting, northing))

    assert json.loads(dataset["spatial"])["coordinates"] == pytest.approx(list(LAMPANG), abs=1e-6)
