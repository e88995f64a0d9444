"""package_search with province filters against the real Solr: facets, `fq=provinces:…`,
`ext_province` (tags OR polygon intersection), `ext_bbox`, and every bad input as a 400."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.lib.search import SearchQueryError
from ckan.tests import helpers

from ckanext.pm25.geo.lookup import default_gazetteer
from tests.provinces.conftest import CROSS_BORDER_SQUARE, Catalogue, read_seats

pytestmark = pytest.mark.usefixtures("with_plugins")

LAMPANG, CHIANG_MAI, PHRAE, BANGKOK = "TH-52", "TH-50", "TH-54", "TH-10"


def names(**search: Any) -> set[str]:
    result = helpers.call_action("package_search", rows=1000, **search)
    assert result["count"] == len(result["results"])
    return {dataset["name"] for dataset in result["results"]}


def test_seat_datasets_land_in_their_province_facets(catalogue: Catalogue) -> None:
    result = helpers.call_action("package_search", rows=0, **{"facet.field": ["provinces", "region"],
                                                             "facet.limit": -1})
    counts = {item["name"]: item["count"] for item in result["search_facets"]["provinces"]["items"]}
    seats = read_seats()
    assert len(seats) == 77
    for seat in seats:
        dataset = catalogue.seat_datasets[seat["code"]]
        assert dataset["provinces"] == [seat["code"]], seat["seat_en"]
        # One seat dataset per province; Chiang Mai also has the cross-border square and
        # Lampang the tagged report.
        expected = 1 + (seat["code"] in (CHIANG_MAI, LAMPANG))
        assert counts[seat["code"]] == expected, seat["seat_en"]
    regions = {item["name"]: item["count"] for item in result["search_facets"]["region"]["items"]}
    assert regions["north"] == 9 + 2 and regions["south"] == 14


def test_fq_provinces_finds_the_tagged_datasets_only(catalogue: Catalogue) -> None:
    assert names(fq=f"provinces:{LAMPANG}") == {"seat-th-52", "tagged-lampang-no-location"}


def test_ext_province_finds_an_untagged_dataset_crossing_into_the_province(catalogue: Catalogue) -> None:
    lampang = default_gazetteer().geometry_of(LAMPANG)
    assert CROSS_BORDER_SQUARE.intersects(lampang)
    assert catalogue.cross_border["provinces"] == [CHIANG_MAI]  # not tagged Lampang

    found = names(ext_province=LAMPANG)

    assert found == {"seat-th-52", "tagged-lampang-no-location", "cross-border-chiang-mai-lampang"}
    assert "seat-th-50" not in found and "seat-th-10" not in found


@pytest.mark.ckan_config("ckanext.pm25.province.filter_method", "solr")
def test_solr_geometry_method_finds_the_same_datasets_as_the_index(catalogue: Catalogue) -> None:
    assert names(ext_province=LAMPANG) == {"seat-th-52", "tagged-lampang-no-location",
                                           "cross-border-chiang-mai-lampang"}
    assert names(ext_province=f"{PHRAE},{BANGKOK}") == {"seat-th-54", "seat-th-10"}


def test_the_index_holds_the_provinces_a_geometry_intersects(catalogue: Catalogue) -> None:
    indexed = helpers.call_action("package_search", fq="name:cross-border-chiang-mai-lampang",
                                  fl="name,provinces,provinces_geometry")["results"]
    assert indexed == [{"name": "cross-border-chiang-mai-lampang", "provinces": [CHIANG_MAI],
                        "provinces_geometry": [CHIANG_MAI, LAMPANG]}]


def test_ext_province_accepts_other_code_forms(catalogue: Catalogue) -> None:
    assert names(ext_province="52") == names(ext_province="th52") == names(ext_province=LAMPANG)


@pytest.mark.parametrize("value", ["TH-52,TH-54", ["TH-52", "TH-54"], "TH-52, TH-54"])
def test_several_provinces_combine_with_or(catalogue: Catalogue, value: Any) -> None:
    assert names(ext_province=value) == {"seat-th-52", "seat-th-54", "tagged-lampang-no-location",
                                         "cross-border-chiang-mai-lampang"}


def test_ext_province_combines_with_text_query_and_other_filters(catalogue: Catalogue) -> None:
    assert names(ext_province="TH-52,TH-50", q="Lampang") >= {"seat-th-52", "tagged-lampang-no-location"}
    assert "seat-th-50" not in names(ext_province="TH-52,TH-50", q="Lampang")
    assert names(ext_province="TH-52,TH-50", fq="provinces:TH-50") == {
        "seat-th-50", "cross-border-chiang-mai-lampang"}


def test_ext_bbox_still_works(catalogue: Catalogue) -> None:
    # A small box around Lampang's seat
    assert names(ext_bbox="99.4,18.2,99.6,18.4") == {"seat-th-52"}


def test_a_bounding_box_wrongly_returns_neighbours_that_the_province_filter_does_not(catalogue: Catalogue) -> None:
    lampang = default_gazetteer().geometry_of(LAMPANG)
    minx, miny, maxx, maxy = lampang.bounds
    neighbours_in_box = {f"seat-{seat['code'].lower()}" for seat in read_seats()
                         if seat["code"] != LAMPANG
                         and minx <= float(seat["lon"]) <= maxx and miny <= float(seat["lat"]) <= maxy}
    assert neighbours_in_box  # Phrae's and Phayao's seats lie in Lampang's bounding box

    in_bbox = names(ext_bbox=f"{minx},{miny},{maxx},{maxy}")
    in_province = names(ext_province=LAMPANG)

    assert neighbours_in_box <= in_bbox
    assert not neighbours_in_box & in_province
    assert {"seat-th-52", "cross-border-chiang-mai-lampang"} <= in_bbox & in_province


def test_the_province_filter_follows_the_provinces_of_every_seat(catalogue: Catalogue) -> None:
    for seat in read_seats()[::7]:
        found = names(ext_province=seat["code"])
        assert f"seat-{seat['code'].lower()}" in found
        others = {name for name in found if name.startswith("seat-")} - {f"seat-{seat['code'].lower()}"}
        assert not others, seat["seat_en"]


BAD_SEARCHES = [
    ({"ext_province": "TH-99"}, "TH-99"),
    ({"ext_province": "TH-52,Atlantis"}, "Atlantis"),
    ({"ext_province": ",".join(["TH-52"] * 101)}, "101"),
    ({"ext_bbox": "99,18,100"}, "ext_bbox"),
    ({"ext_bbox": "a,b,c,d"}, "ext_bbox"),
    ({"ext_bbox": "99,18,nan,19"}, "ext_bbox"),
    ({"ext_bbox": "100,18,99,19"}, "ext_bbox"),
    ({"ext_bbox": "99,18,100,95"}, "ext_bbox"),
]


@pytest.mark.parametrize(("params", "named"), BAD_SEARCHES)
def test_bad_search_parameters_are_refused_by_package_search(catalogue: Catalogue, params: dict[str, str],
                                                             named: str) -> None:
    with pytest.raises(SearchQueryError, match=named):
        helpers.call_action("package_search", **params)


def test_bad_search_parameters_are_a_400_with_the_message_in_the_api_and_on_the_page(
        app: Any, catalogue: Catalogue) -> None:
    # One app for every case: building CKAN's test app costs seconds.
    for params, named in BAD_SEARCHES:
        response = app.get("/api/3/action/package_search", query_string=params)
        assert response.status_code == 400, params
        body = response.get_json()
        assert body["success"] is False
        assert named in body["error"]["message"], params

        page = app.get("/dataset/", query_string=params)
        assert page.status_code == 400, params
        text = page.get_data(as_text=True)
        assert named in text, params
        assert "Traceback" not in text


def test_an_unknown_code_message_is_in_english_under_en(app: Any, catalogue: Catalogue) -> None:
    response = app.get("/en/dataset/", query_string={"ext_province": "TH-99"})
    assert response.status_code == 400
    assert "Unknown province in ext_province: TH-99" in response.get_data(as_text=True)


def test_the_search_page_filters_by_province_area_and_shows_a_removable_pill(app: Any, catalogue: Catalogue) -> None:
    response = app.get("/en/dataset/", query_string={"ext_province": LAMPANG, "q": ""})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "cross-border-chiang-mai-lampang" in text
    assert "seat-th-50" not in text
    assert "Province area:" in text and "Lampang" in text
    # The pill's remove link drops ext_province; a new query typed in the box keeps it.
    assert 'class="remove"' in text
    assert '<input type="hidden" name="ext_province" value="TH-52"' in text


def test_the_search_page_names_provinces_by_locale(app: Any, catalogue: Catalogue) -> None:
    thai = app.get("/dataset/", query_string={"provinces": LAMPANG}).get_data(as_text=True)
    english = app.get("/en/dataset/", query_string={"provinces": LAMPANG}).get_data(as_text=True)
    assert "ลำปาง" in thai
    assert "Lampang" in english
    assert 'data-module="pm25-province-map"' in thai
