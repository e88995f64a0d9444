"""A location in GD-Catalog's own terms: bounding fields, coverage level, province names as tags."""
from __future__ import annotations

from shapely.geometry import LineString, MultiPoint, Point, box

from ckanext.pm25.geo import catalogue
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.provinces import known_codes


def test_a_point_is_its_own_box() -> None:
    assert catalogue.bounds(Point(99.5, 18.29)) == {
        "west_bound_longitude": "99.5", "east_bound_longitude": "99.5",
        "north_bound_longitude": "18.29", "south_bound_longitude": "18.29"}


def test_a_polygon_gives_its_box_to_six_decimals() -> None:
    shape = box(99.4, 18.2, 99.6000000004, 18.4)

    assert catalogue.bounds(shape) == {
        "west_bound_longitude": "99.4", "east_bound_longitude": "99.6",
        "north_bound_longitude": "18.4", "south_bound_longitude": "18.2"}


def test_the_level_of_points_provinces_and_the_whole_country(gazetteer: Gazetteer) -> None:
    thailand = box(97.3, 5.6, 105.7, 20.5)
    touched = [province.code for province in gazetteer.intersecting(thailand)]

    assert catalogue.coverage_level(Point(99.5, 18.29), ["TH-52"]) == "พิกัด"
    assert catalogue.coverage_level(MultiPoint([(99.5, 18.29), (98.98, 18.79)]), ["TH-50", "TH-52"]) == "พิกัด"
    assert catalogue.coverage_level(box(99.4, 18.2, 99.6, 18.4), ["TH-52"]) == "จังหวัด"
    assert catalogue.coverage_level(LineString([(99.5, 18.29), (98.98, 18.79)]), ["TH-50", "TH-52"]) == "จังหวัด"
    assert catalogue.coverage_level(None, ["TH-52", "TH-50"]) == "จังหวัด"
    assert catalogue.coverage_level(thailand, ["TH-10"], touched) == "ประเทศ"
    assert catalogue.coverage_level(None, sorted(known_codes())) == "ประเทศ"
    assert catalogue.coverage_level(None, []) is None


def test_province_tags_are_thai_and_english_names_once() -> None:
    assert catalogue.province_tags(["TH-52", "TH-10", "TH-52", "TH-99"]) == [
        "ลำปาง", "Lampang", "กรุงเทพมหานคร", "Bangkok"]


def test_province_names_join_the_agency_tags_without_repeating_them() -> None:
    tags = ["PM2.5", "lampang", "ฝุ่น"]

    assert catalogue.with_province_tags(tags, [], ["ลำปาง", "Lampang"]) == ["PM2.5", "lampang", "ฝุ่น", "ลำปาง"]


def test_names_of_a_province_left_behind_are_taken_away_and_the_rest_kept() -> None:
    tags = ["PM2.5", "ลำปาง", "Lampang", "เชียงราย"]

    moved = catalogue.with_province_tags(tags, ["ลำปาง", "Lampang"], ["เชียงใหม่", "Chiang Mai"])

    assert moved == ["PM2.5", "เชียงราย", "เชียงใหม่", "Chiang Mai"]


def test_bounds_equal_to_the_derived_ones_follow_the_location() -> None:
    derived = catalogue.bounds(Point(99.5, 18.29))

    assert catalogue.same_bounds({**derived, "west_bound_longitude": 99.5000000001}, derived)
    assert not catalogue.same_bounds({**derived, "west_bound_longitude": "99.4"}, derived)
    assert not catalogue.same_bounds(derived, None)
    assert not catalogue.same_bounds({**derived, "east_bound_longitude": ""}, derived)


def test_a_box_inside_out_is_a_problem_named_by_its_side() -> None:
    problems = catalogue.bounds_problems({"west_bound_longitude": "100.2", "east_bound_longitude": "99.0",
                                          "north_bound_longitude": "17.2", "south_bound_longitude": "19.5"})

    assert [(field, params) for field, _message, params in problems] == [
        ("west_bound_longitude", {"west": "100.2", "east": "99.0"}),
        ("south_bound_longitude", {"south": "19.5", "north": "17.2"})]
    assert catalogue.bounds_problems({"west_bound_longitude": "99.0", "east_bound_longitude": "99.0"}) == []
    assert catalogue.bounds_problems({"west_bound_longitude": "100", "east_bound_longitude": ""}) == []
