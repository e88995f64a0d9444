"""Finding PM2.5 datasets: Thai full-text search inside unspaced Thai phrases (Solr's Thai
tokenizer), English words, the province filter, and facets with readable labels by language."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import point
from tests.dataset.api import act, create


@pytest.fixture(scope="module")
def catalogue(agency: dict[str, Any]) -> dict[str, dict[str, Any]]:
    editor, org = agency["editor"], agency["organization"]["id"]
    return {
        "lampang": create(editor, org, name="pm25-lampang", title="ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง",
                          notes="ค่าเฉลี่ยรายชั่วโมงจากสถานีตรวจวัดแม่เมาะ", spatial=point(99.50, 18.29),
                          pollutants=["PM2.5", "PM10"], data_type="ข้อมูลระเบียน",
                          tag_string="PM2.5,ฝุ่นละออง", maintainer="สถานีแม่เมาะ", data_source="กฟผ."),
        "bangkok": create(editor, org, name="aq-bangkok", title="คุณภาพอากาศรายวัน กรุงเทพมหานคร",
                          notes="ดัชนีคุณภาพอากาศจากเซนเซอร์", spatial=point(100.50, 13.75),
                          pollutants=["AQI"], unit="AQI", aqi_standard="thai_pcd", data_type="ข้อมูลสถิติ",
                          measurement_type="low_cost_sensor", data_category="ข้อมูลความมั่นคง",
                          tag_string="AQI,กรุงเทพ", maintainer="สำนักสิ่งแวดล้อม กทม.", data_source="กทม."),
        "chiangmai": create(editor, org, name="ozone-chiang-mai", title="Hourly ozone readings, Chiang Mai",
                            notes="Ozone from the reference station in the city", spatial=point(98.98, 18.79),
                            tag_string="ozone,air quality", pollutants=["O3"], data_type="ข้อมูลระเบียน",
                            measurement_type="reference_station", maintainer="Northern air office",
                            data_source="Pollution Control Department"),
    }


def _names(**search: Any) -> set[str]:
    return {dataset["name"] for dataset in act("package_search", {"name": ""}, rows=50, **search)["results"]}


@pytest.mark.parametrize("query, expected", [
    ("ฝุ่น", {"pm25-lampang"}),  # the example of the issue: a word inside an unspaced phrase
    ("ลำปาง", {"pm25-lampang"}),
    ("ละออง", {"pm25-lampang"}),
    ("คุณภาพอากาศ", {"aq-bangkok"}),
    ("อากาศ", {"aq-bangkok"}),
    ("กรุงเทพมหานคร", {"aq-bangkok"}),
    ("แม่เมาะ", {"pm25-lampang"}),
    ("เซนเซอร์", {"aq-bangkok"}),
    ("ozone", {"ozone-chiang-mai"}),
    ("Chiang Mai", {"ozone-chiang-mai"}),
    ("ฝุ่น ลำปาง", {"pm25-lampang"}),
    ("ทะเล", set()),
])
def test_full_text_search_finds_words_inside_thai_phrases(catalogue: dict[str, Any], query: str,
                                                          expected: set[str]) -> None:
    assert _names(q=query) == expected


def test_an_english_code_with_a_dot_ranks_its_dataset_first(catalogue: dict[str, Any]) -> None:
    # Solr's text analysis splits PM2.5 into pm, 2 and 5, so other datasets match too, lower.
    results = act("package_search", {"name": ""}, q="PM2.5")["results"]

    assert results[0]["name"] == "pm25-lampang"


def test_the_province_filter_selects_by_iso_code(catalogue: dict[str, Any]) -> None:
    assert _names(fq="provinces:TH-52") == {"pm25-lampang"}
    assert _names(fq="provinces:(TH-10 OR TH-50)") == {"aq-bangkok", "ozone-chiang-mai"}
    assert _names(fq="provinces:TH-34") == set()


def _facets(**search: Any) -> dict[str, dict[str, tuple[str, int]]]:
    result = act("package_search", {"name": ""}, rows=0, **search)
    return {facet: {item["name"]: (item["display_name"], item["count"]) for item in body["items"]}
            for facet, body in result["search_facets"].items()}


FACETS = json.dumps(["data_type", "data_category", "provinces", "pollutants", "measurement_type", "region"])


def test_facets_count_and_label_in_thai_by_default(catalogue: dict[str, Any]) -> None:
    facets = _facets(**{"facet.field": FACETS})

    assert facets["data_type"] == {"ข้อมูลระเบียน": ("ข้อมูลระเบียน", 2), "ข้อมูลสถิติ": ("ข้อมูลสถิติ", 1)}
    assert facets["data_category"] == {"ข้อมูลสาธารณะ": ("ข้อมูลสาธารณะ", 2),
                                       "ข้อมูลความมั่นคง": ("ข้อมูลความมั่นคง", 1)}
    assert facets["provinces"] == {"TH-52": ("ลำปาง", 1), "TH-10": ("กรุงเทพมหานคร", 1), "TH-50": ("เชียงใหม่", 1)}
    assert facets["pollutants"]["PM2.5"] == ("ฝุ่น PM2.5", 1)
    assert facets["pollutants"]["O3"] == ("โอโซน (O3)", 1)
    assert facets["measurement_type"] == {"reference_station": ("สถานีตรวจวัดมาตรฐาน", 2),
                                          "low_cost_sensor": ("เซนเซอร์ราคาประหยัด", 1)}
    assert facets["region"] == {"north": ("ภาคเหนือ", 2), "central": ("ภาคกลาง", 1)}


def test_facets_are_labelled_in_english_under_the_en_prefix(app: Any, catalogue: dict[str, Any]) -> None:
    body = app.get("/en/api/3/action/package_search", query_string={"facet.field": FACETS, "rows": 0}).json

    labels = {facet: {item["name"]: item["display_name"] for item in value["items"]}
              for facet, value in body["result"]["search_facets"].items()}
    assert labels["data_type"] == {"ข้อมูลระเบียน": "Record data", "ข้อมูลสถิติ": "Statistical data"}
    assert labels["provinces"] == {"TH-52": "Lampang", "TH-10": "Bangkok", "TH-50": "Chiang Mai"}
    assert labels["measurement_type"]["low_cost_sensor"] == "Low-cost sensor"
    assert labels["data_category"]["ข้อมูลความมั่นคง"] == "Security data"


@pytest.mark.parametrize("prefix, titles, labels", [
    ("", ["ประเภทชุดข้อมูล", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ", "จังหวัด", "สารมลพิษ", "ประเภทการตรวจวัด"],
     ["ข้อมูลสถิติ", "ลำปาง", "โอโซน (O3)", "เซนเซอร์ราคาประหยัด"]),
    ("/en", ["Data Type", "Data Category", "Provinces", "Pollutants", "Measurement type"],
     ["Statistical data", "Lampang", "Ozone (O3)", "Low-cost sensor"]),
])
def test_the_search_page_shows_the_facets_with_readable_labels(app: Any, catalogue: dict[str, Any], prefix: str,
                                                                titles: list[str], labels: list[str]) -> None:
    page = app.get(f"{prefix}/dataset/").get_data(as_text=True)

    for text in titles + labels:
        assert text in page


def test_the_search_page_filters_by_a_province_facet(app: Any, catalogue: dict[str, Any]) -> None:
    page = app.get("/dataset/", query_string={"provinces": "TH-52"}).get_data(as_text=True)

    assert "ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง" in page
    assert "คุณภาพอากาศรายวัน กรุงเทพมหานคร" not in page
