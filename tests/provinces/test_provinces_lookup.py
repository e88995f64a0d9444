"""The pm25_province_lookup action: through the action API as a client sees it, and called directly."""
from __future__ import annotations

import json
from typing import Any

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from tests.provinces.conftest import CROSS_BORDER_SQUARE, read_seats

pytestmark = pytest.mark.usefixtures("with_plugins")

LAMPANG = {"code": "TH-52", "name_th": "ลำปาง", "name_en": "Lampang", "region": "north"}


def lookup(**params: Any) -> list[dict[str, str]]:
    return helpers.call_action("pm25_province_lookup", context={"user": ""}, **params)


def test_every_seat_resolves_to_its_province() -> None:
    for seat in read_seats():
        found = lookup(lat=seat["lat"], lon=seat["lon"])
        assert [province["code"] for province in found] == [seat["code"]], seat["seat_en"]


def test_a_point_gives_the_province_record() -> None:
    assert lookup(lat=18.2888, lon=99.4908) == [LAMPANG]
    assert lookup(lat="18.2888", lon=" 99.4908 ") == [LAMPANG]


def test_a_point_in_the_gulf_is_in_no_province() -> None:
    assert lookup(lat=11.0, lon=101.0) == []


def test_a_geometry_gives_its_provinces_largest_share_first() -> None:
    square = json.loads(json.dumps(CROSS_BORDER_SQUARE.__geo_interface__))
    assert [p["code"] for p in lookup(geometry=square)] == ["TH-50"]  # the Lampang sliver does not count
    both = {"type": "LineString", "coordinates": [[98.9853, 18.7883], [99.4908, 18.2888]]}
    assert {p["code"] for p in lookup(geometry=json.dumps(both))} >= {"TH-50", "TH-52"}


def test_a_geometry_in_a_projected_crs_is_reprojected() -> None:
    # Lampang's seat in UTM 47N
    utm = {"type": "Point", "coordinates": [551_872.65, 2_022_207.45],
           "crs": {"type": "name", "properties": {"name": "EPSG:32647"}}}
    assert lookup(geometry=utm) == [LAMPANG]


BAD_LOOKUPS: list[tuple[dict[str, Any], str, str]] = [
    ({}, "lat", "Missing value"),
    ({"lat": 18.3}, "lon", "Missing value"),
    ({"lat": "north", "lon": 99.5}, "lat", "not a number"),
    ({"lat": 18.3, "lon": "NaN"}, "lon", "not a number"),
    ({"lat": 48.85, "lon": 2.35}, "lat", "outside Thailand"),
    ({"lat": 99.49, "lon": 18.29}, "lat", "wrong order"),
    ({"lat": 18.3, "lon": 99.5, "geometry": {"type": "Point", "coordinates": [99.5, 18.3]}}, "geometry", "not both"),
    ({"geometry": "{not json"}, "geometry", ""),
    ({"geometry": {"type": "Polygon", "coordinates": [[[99, 18], [100, 18], [100, 19]]]}}, "geometry", "closed"),
    ({"geometry": {"type": "Circle", "coordinates": [99, 18]}}, "geometry", "Circle"),
    ({"geometry": {"type": "Point", "coordinates": [2.35, 48.85]}}, "geometry", "outside Thailand"),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD_LOOKUPS)
def test_bad_input_is_a_validation_error_naming_the_field(params: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(tk.ValidationError) as raised:
        lookup(**params)
    assert field in raised.value.error_dict
    assert message in " ".join(raised.value.error_dict[field])


def test_a_too_large_geometry_is_refused_quickly() -> None:
    ring = [[99.0 + i * 1e-5, 18.0] for i in range(30_000)] + [[99.3, 18.5], [99.0, 18.0]]
    with pytest.raises(tk.ValidationError) as raised:
        lookup(geometry={"type": "Polygon", "coordinates": [ring]})
    assert "vertices" in raised.value.error_dict["geometry"][0] or "bytes" in raised.value.error_dict["geometry"][0]


def test_the_api_answers_anonymous_get_and_bad_input_with_its_message(app: Any) -> None:
    response = app.get("/api/3/action/pm25_province_lookup", query_string={"lat": "18.2888", "lon": "99.4908"})
    assert response.status_code == 200
    assert response.get_json()["result"] == [LAMPANG]

    geometry = json.dumps({"type": "Point", "coordinates": [100.5018, 13.7563]})
    response = app.get("/api/3/action/pm25_province_lookup", query_string={"geometry": geometry})
    assert [p["code"] for p in response.get_json()["result"]] == ["TH-10"]

    # CKAN's action API answers every ValidationError with 409 and the error dict.
    response = app.get("/en/api/3/action/pm25_province_lookup", query_string={"lat": "abc", "lon": "99.5"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["__type"] == "Validation Error"
    assert "not a number" in error["lat"][0]
    thai = app.get("/api/3/action/pm25_province_lookup", query_string={"lat": "abc", "lon": "99.5"})
    assert "ละติจูด" in thai.get_json()["error"]["lat"][0]  # Thai is the default language

    response = app.get("/en/api/3/action/pm25_province_lookup", query_string={"lat": "48.85", "lon": "2.35"})
    assert response.status_code == 409
    assert "outside Thailand" in response.get_json()["error"]["lat"][0]


def _lookup_cap(ckan_config: Any) -> int:
    return int(ckan_config["ckanext.pm25.province.lookup_max_vertices"])


def _zigzag(count: int, west: float, east: float, south: float, north: float) -> dict[str, Any]:
    step = (east - west) / (count - 1)
    return {"type": "LineString",
            "coordinates": [[round(west + i * step, 6), south if i % 2 == 0 else north] for i in range(count)]}


def test_a_geometry_over_the_lookup_cap_is_refused_in_the_request_language(app: Any, ckan_config: Any) -> None:
    cap = _lookup_cap(ckan_config)
    assert cap < int(ckan_config["ckanext.pm25.geometry.max_vertices"])  # tighter than a dataset's
    over = json.dumps(_zigzag(cap + 1, 99.40, 99.55, 18.25, 18.30))
    response = app.get("/en/api/3/action/pm25_province_lookup", query_string={"geometry": over})
    assert response.status_code == 409
    assert response.get_json()["error"]["geometry"] == [f"The geometry has more than {cap} vertices."]
    thai = app.get("/api/3/action/pm25_province_lookup", query_string={"geometry": over})
    assert thai.status_code == 409
    assert thai.get_json()["error"]["geometry"] == [f"รูปทรงเรขาคณิตมีจุดยอดมากกว่า {cap} จุด"]


def test_lines_at_the_lookup_cap_give_their_provinces(app: Any, ckan_config: Any) -> None:
    cap = _lookup_cap(ckan_config)
    inside_lampang = _zigzag(cap, 99.40, 99.55, 18.25, 18.30)
    response = app.get("/api/3/action/pm25_province_lookup", query_string={"geometry": json.dumps(inside_lampang)})
    assert response.status_code == 200
    assert response.get_json()["result"] == [LAMPANG]
    # Back and forth across the whole country, crossing every province's latitude band:
    # the answer is the provinces holding the most of its length, as an exact overlay says.
    across = _zigzag(cap, 97.6, 105.4, 6.0, 20.2)
    found = [p["code"] for p in lookup(geometry=across)]
    assert found and len(found) == len(set(found))
    tangled = {"type": "MultiLineString",
               "coordinates": [[[99.40 + 0.15 * (i % 7) / 7, 18.25], [99.55 - 0.15 * (i % 5) / 5, 18.30]]
                               for i in range(cap // 2)]}
    assert lookup(geometry=tangled) == [LAMPANG]  # lines crossing each other everywhere
