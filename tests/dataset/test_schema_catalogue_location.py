"""The location in the national catalogue's own fields through the action API (issue 14): the
bounding fields, `geo_coverage` and the provinces' Thai and English names as tags are filled from
the location, follow it when it moves, and what the agency set itself is kept."""
from __future__ import annotations

import json
from typing import Any

import pytest
from ckan.tests import factories

from tests.dataset.api import act, create, refused_create
from tests.factories import pm25_dataset_dict, point

LAMPANG = (99.50, 18.29)  # lon, lat: the city of Lampang, TH-52
CHIANG_MAI = (98.98, 18.79)  # TH-50
LAMPANG_AREA = {"type": "Polygon",
                "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4], [99.4, 18.4], [99.4, 18.2]]]}
THAILAND = {"type": "Polygon",
            "coordinates": [[[97.3, 5.6], [105.7, 5.6], [105.7, 20.5], [97.3, 20.5], [97.3, 5.6]]]}
BOUNDS = ("west_bound_longitude", "east_bound_longitude", "north_bound_longitude", "south_bound_longitude")


def _bounds(dataset: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dataset.get(field) for field in BOUNDS)


def _tags(dataset: dict[str, Any]) -> set[str]:
    return {tag["name"] for tag in dataset["tags"]}


def test_a_point_gets_its_bounds_the_coordinates_level_and_its_province_names(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=point(*LAMPANG))

    assert _bounds(dataset) == ("99.5", "99.5", "18.29", "18.29")
    assert dataset["geo_coverage"] == "พิกัด"
    assert _tags(dataset) == {"PM2.5", "ฝุ่นละออง", "ลำปาง", "Lampang"}


def test_a_province_polygon_gets_its_box_and_the_province_level(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=json.dumps(LAMPANG_AREA))

    assert _bounds(dataset) == ("99.4", "99.6", "18.4", "18.2")
    assert dataset["geo_coverage"] == "จังหวัด"
    assert {"ลำปาง", "Lampang"} <= _tags(dataset)


def test_a_location_over_all_thailand_is_the_country_level(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=json.dumps(THAILAND))

    assert dataset["geo_coverage"] == "ประเทศ"
    assert _bounds(dataset) == ("97.3", "105.7", "20.5", "5.6")
    assert {"กรุงเทพมหานคร", "Bangkok"} <= _tags(dataset)


def test_provinces_without_a_location_give_the_province_level_and_names_but_no_bounds(
        agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], provinces=["TH-10", "TH-52"])

    assert dataset["geo_coverage"] == "จังหวัด"
    assert {"กรุงเทพมหานคร", "Bangkok", "ลำปาง", "Lampang"} <= _tags(dataset)
    assert not any(_bounds(dataset))


def test_a_dataset_without_location_keeps_the_province_level_default(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"])

    assert dataset["geo_coverage"] == "จังหวัด"
    assert _tags(dataset) == {"PM2.5", "ฝุ่นละออง"}
    assert not any(_bounds(dataset))


def test_a_province_name_the_agency_typed_is_not_repeated(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=point(*LAMPANG),
                     tag_string="PM2.5,ลำปาง,lampang")

    assert sorted(tag["name"] for tag in dataset["tags"]) == sorted(["PM2.5", "ลำปาง", "lampang"])


def test_an_edit_that_moves_the_location_moves_the_fields_and_keeps_the_agency_tags(
        agency: dict[str, Any]) -> None:
    editor = agency["editor"]
    dataset = create(editor, agency["organization"]["id"], spatial=point(*LAMPANG),
                     tag_string="PM2.5,ฝุ่นละออง,หมอกควัน")

    # as shown, moved; the provinces cleared to be derived again (given ones must contain the location)
    moved = act("package_update", editor, **{**dataset, "spatial": point(*CHIANG_MAI), "provinces": []})

    assert moved["provinces"] == ["TH-50"]
    assert _bounds(moved) == ("98.98", "98.98", "18.79", "18.79")
    assert moved["geo_coverage"] == "พิกัด"
    assert _tags(moved) == {"PM2.5", "ฝุ่นละออง", "หมอกควัน", "เชียงใหม่", "Chiang Mai"}

    as_area = act("package_update", editor, **{**moved, "spatial": json.dumps(LAMPANG_AREA), "provinces": []})

    assert as_area["geo_coverage"] == "จังหวัด"
    assert as_area["provinces"] == ["TH-52"]
    assert _bounds(as_area) == ("99.4", "99.6", "18.4", "18.2")
    assert _tags(as_area) == {"PM2.5", "ฝุ่นละออง", "หมอกควัน", "ลำปาง", "Lampang"}

    again = act("package_update", editor, **as_area)

    assert sorted(tag["name"] for tag in again["tags"]) == sorted(tag["name"] for tag in as_area["tags"])
    assert (_bounds(again), again["geo_coverage"]) == (_bounds(as_area), as_area["geo_coverage"])


def test_bounds_and_a_level_the_agency_gave_are_kept_through_a_move(agency: dict[str, Any]) -> None:
    editor = agency["editor"]
    given = {"west_bound_longitude": "99.0", "east_bound_longitude": "100.2",
             "north_bound_longitude": "19.5", "south_bound_longitude": "17.2"}
    dataset = create(editor, agency["organization"]["id"], spatial=point(*LAMPANG), geo_coverage="อำเภอ", **given)

    assert _bounds(dataset) == tuple(given[field] for field in BOUNDS)
    assert dataset["geo_coverage"] == "อำเภอ"

    moved = act("package_patch", editor, id=dataset["id"], spatial=point(*CHIANG_MAI), provinces=[])

    assert _bounds(moved) == tuple(given[field] for field in BOUNDS)
    assert moved["geo_coverage"] == "อำเภอ"
    assert moved["provinces"] == ["TH-50"]


def test_removing_the_location_clears_the_bounds_it_gave(agency: dict[str, Any]) -> None:
    editor = agency["editor"]
    dataset = create(editor, agency["organization"]["id"], spatial=point(*LAMPANG))

    cleared = act("package_update", editor, **{**dataset, "spatial": "", "provinces": []})

    assert not any(_bounds(cleared))
    assert "Lampang" not in _tags(cleared)


def test_a_box_inside_out_is_refused_naming_its_sides(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], spatial=point(*LAMPANG),
                            west_bound_longitude="100.2", east_bound_longitude="99.0",
                            north_bound_longitude="17.2", south_bound_longitude="19.5")

    assert errors == {
        "west_bound_longitude": ["The west bound longitude 100.2 is east of the east bound longitude 99.0."],
        "south_bound_longitude": ["The south bound latitude 19.5 is north of the north bound latitude 17.2."]}


def test_a_box_inside_out_is_refused_beside_a_refused_location(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], spatial=point(18.29, 99.5),
                            west_bound_longitude="100.2", east_bound_longitude="99.0")

    assert set(errors) == {"spatial", "west_bound_longitude"}


@pytest.mark.parametrize("field, value", [("west_bound_longitude", "181"), ("north_bound_longitude", "95")])
def test_bounds_out_of_range_are_refused_with_a_location(agency: dict[str, Any], field: str, value: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], spatial=point(*LAMPANG),
                            **{field: value})

    assert list(errors) == [field]


def _refused_over_http(app: Any, path: str, token: str, **data: Any) -> dict[str, list[str]]:
    response = app.post(path, json=data, headers={"Authorization": token})
    assert response.status_code == 409, response.json
    error = dict(response.json["error"])
    error.pop("__type")
    return error


def test_a_box_inside_out_is_explained_in_thai_and_in_english(app: Any, agency: dict[str, Any]) -> None:
    token = factories.APIToken(user=agency["editor"]["id"])["token"]
    submission = pm25_dataset_dict(owner_org=agency["organization"]["id"], west_bound_longitude="100.2",
                                   east_bound_longitude="99.0", north_bound_longitude="17.2",
                                   south_bound_longitude="19.5")

    thai = _refused_over_http(app, "/api/3/action/package_create", token, **submission)
    english = _refused_over_http(app, "/en/api/3/action/package_create", token, **submission)

    assert thai == {
        "west_bound_longitude": ["ลองจิจูดขอบเขตด้านทิศตะวันตก 100.2 อยู่ทางตะวันออกของลองจิจูดขอบเขตด้านทิศตะวันออก 99.0"],
        "south_bound_longitude": ["ละติจูดขอบเขตด้านทิศใต้ 19.5 อยู่ทางเหนือของละติจูดขอบเขตด้านทิศเหนือ 17.2"]}
    assert english["west_bound_longitude"] == [
        "The west bound longitude 100.2 is east of the east bound longitude 99.0."]
