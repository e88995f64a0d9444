"""The Solr filter text of the province and bbox parameters (pure: no CKAN, no Solr)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from shapely import wkt

from ckanext.pm25.geo.lookup import Gazetteer, default_gazetteer
from ckanext.pm25.provinces.query import (
    SearchParameterError,
    indexed_province_filter,
    parse_bbox,
    parse_province_codes,
    province_filter,
    province_wkt,
    query_shape,
)


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(("value", "codes"), [
    ("TH-52", ["TH-52"]),
    ("TH-52,TH-50", ["TH-52", "TH-50"]),
    (" th52 , 50 ", ["TH-52", "TH-50"]),
    ("TH-52 TH-50", ["TH-52", "TH-50"]),
    ("ลำปาง", ["TH-52"]),
    ("จังหวัดลำปาง,Chiang Mai", ["TH-52", "TH-50"]),
    (["chiang mai province", "TH-52", "Lampang"], ["TH-50", "TH-52"]),
    (["TH-52", "TH-50,TH-54"], ["TH-52", "TH-50", "TH-54"]),
    ("TH-52,TH-52,52", ["TH-52"]),
    ("", []),
    (None, []),
    ([], []),
])
def test_province_codes_are_read_in_every_accepted_form(value: object, codes: list[str]) -> None:
    assert parse_province_codes(value) == codes


@pytest.mark.parametrize(("value", "named"), [
    ("TH-99", "TH-99"), ("TH-52,Atlantis", "Atlantis"), (["TH-52", "x"], "x"), ("1" * 200, "1" * 20),
    ("TH-52 Atlantis", "TH-52 Atlantis"),
])
def test_unknown_codes_are_named_in_the_error(value: object, named: str) -> None:
    with pytest.raises(SearchParameterError) as raised:
        parse_province_codes(value)
    assert raised.value.parameter == "ext_province"
    assert named in raised.value.render()
    assert "TH-52, or Thai or English names such as ลำปาง or Lampang" in raised.value.render()


def test_more_codes_than_can_be_meant_are_refused() -> None:
    with pytest.raises(SearchParameterError, match="101 codes"):
        parse_province_codes(",".join(["TH-52"] * 101))


def test_a_bbox_is_four_numbers_west_south_east_north() -> None:
    assert parse_bbox("99.2,17.6,100.2,19.0") == (99.2, 17.6, 100.2, 19.0)
    assert parse_bbox(" 99.2 , 17.6 ,100.2, 19 ") == (99.2, 17.6, 100.2, 19.0)
    assert parse_bbox([99.2, "17.6", 100.2, 19]) == (99.2, 17.6, 100.2, 19.0)  # as ckanext-spatial reads a list


@pytest.mark.parametrize("value", [["99.2,17.6", "100.2,19.0"], [99, 18, 100], [99, 18, None, 19]])
def test_a_bbox_list_is_four_numbers(value: list[object]) -> None:
    with pytest.raises(SearchParameterError) as raised:
        parse_bbox(value)
    assert raised.value.code == "malformed_bbox"


@pytest.mark.parametrize(("value", "code"), [
    ("99,18,100", "malformed_bbox"), ("99,18,100,19,20", "malformed_bbox"), ("a,b,c,d", "malformed_bbox"),
    ("99,18,inf,19", "malformed_bbox"), ("99,18,nan,19", "malformed_bbox"), ("", "malformed_bbox"),
    ("99,18,181,19", "bbox_out_of_range"), ("99,-91,100,19", "bbox_out_of_range"),
    ("100,18,99,19", "bbox_inverted"), ("99,19,100,18", "bbox_inverted"),
])
def test_a_malformed_bbox_is_refused_with_its_reason(value: str, code: str) -> None:
    with pytest.raises(SearchParameterError) as raised:
        parse_bbox(value)
    assert raised.value.code == code and "ext_bbox" in raised.value.render()


def test_the_filter_ors_the_tags_with_an_exact_intersection(places: Gazetteer) -> None:
    text = province_filter(places, ["TH-52", "TH-50"], geometry_field="spatial_geom", tolerance=0.0005,
                           max_vertices=5000)
    match = re.fullmatch(r'provinces:\("TH-52" OR "TH-50"\) OR spatial_geom:"Intersects\((.+)\) distErrPct=0"', text)
    assert match
    # No local parameters and no nested query: CKAN would refuse more than one {!…} or _query_.
    assert "{!" not in text and "_query_" not in text
    shape = wkt.loads(match.group(1))
    union = shapely.union_all([places.geometry_of("TH-52"), places.geometry_of("TH-50")])
    assert shape.is_valid
    assert shapely.hausdorff_distance(shape, union) <= 0.0005 + 1e-9
    assert shapely.is_ccw(shape.exterior if shape.geom_type == "Polygon" else shape.geoms[0].exterior)


def test_the_indexed_filter_ors_tags_with_the_index_time_intersection() -> None:
    assert indexed_province_filter(["TH-52", "TH-50"]) == \
        'provinces:("TH-52" OR "TH-50") OR provinces_geometry:("TH-52" OR "TH-50")'
    with pytest.raises(ValueError):
        indexed_province_filter(["TH-52"], geometry_field="x OR *:*")
    with pytest.raises(ValueError):
        indexed_province_filter([])


def test_intersecting_is_exact_where_the_share_rule_drops_a_sliver(places: Gazetteer) -> None:
    # 0.45 % of this Chiang Mai cell lies in Lampang: not tagged Lampang, but it does intersect it.
    cell = shapely.box(99.135, 18.763, 99.335, 18.963)
    assert [p.code for p in places.provinces_for(cell)] == ["TH-50"]
    assert [p.code for p in places.intersecting(cell)] == ["TH-50", "TH-52"]
    assert places.intersecting(shapely.Point(98.0, 9.0)) == []  # Andaman Sea
    lampang = places.geometry_of("TH-52")
    inside = lampang.representative_point()
    assert [p.code for p in places.intersecting(inside)] == ["TH-52"]
    # Everything that touches Lampang's boundary, and nothing else: its neighbours.
    neighbours = {p.code for p in places.intersecting(lampang)} - {"TH-52"}
    assert neighbours == {p.code for p in places.provinces
                          if p.code != "TH-52" and places.geometry_of(p.code).intersects(lampang)}
    assert {"TH-50", "TH-54", "TH-56"} <= neighbours


def test_without_a_geometry_field_only_the_tags_are_used(places: Gazetteer) -> None:
    assert province_filter(places, ["TH-52"], geometry_field=None, tolerance=0, max_vertices=5000) == \
        'provinces:("TH-52")'


def test_a_field_name_that_is_not_one_is_refused(places: Gazetteer) -> None:
    with pytest.raises(ValueError):
        province_filter(places, ["TH-52"], geometry_field="spatial_geom OR *:*", tolerance=0, max_vertices=5000)


def test_detailed_boundaries_are_simplified_to_the_vertex_budget(places: Gazetteer) -> None:
    # Lampang densified to ~30,000 vertices and made wiggly (tens of metres), as official boundaries are.
    outline = max(shapely.get_parts(places.geometry_of("TH-52")), key=lambda part: part.area)
    ring = np.asarray(shapely.segmentize(shapely.Polygon(outline.exterior), 0.0002).exterior.coords)[:-1]
    ring = ring + np.random.default_rng(3).normal(0, 0.00003, ring.shape)
    wiggly = max(shapely.get_parts(shapely.make_valid(shapely.Polygon(np.vstack([ring, ring[:1]])))),
                 key=lambda part: part.area)
    assert wiggly.is_valid and shapely.get_num_coordinates(wiggly) > 20_000
    for budget, error in ((5000, 0.001), (1000, 0.005), (200, 0.05)):
        shape = query_shape(wiggly, tolerance=0.0005, max_vertices=budget)
        assert shapely.get_num_coordinates(shape) <= budget
        assert shape.is_valid and not shape.is_empty
        assert shapely.hausdorff_distance(shape, wiggly) < error


def test_the_query_shape_of_the_whole_country_stays_a_small_request(places: Gazetteer) -> None:
    every_code = [province.code for province in places.provinces]
    text = province_wkt(places, every_code, tolerance=0.0005, max_vertices=5000)
    assert len(text) < 200_000  # Solr's form-data limit is 2 MB; pysolr POSTs anything over 1 kB
    assert province_wkt(places, list(reversed(every_code)), tolerance=0.0005, max_vertices=5000) is text  # cached
