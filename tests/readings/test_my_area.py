""""My area" (issue 16): from a point or a typed province name, the province's value with its band
and advice and the nearest active stations with their distance, through the pm25_my_area action
and the /pm25/my-area page, with the known readings (tests/readings/conftest.py). A location is
never kept by a shared cache."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from tests.readings.conftest import Known
from tests.readings.test_http_cache import assert_shared

pytestmark = pytest.mark.usefixtures("with_plugins")

NEAR_LAMPANG = {"lat": "18.30", "lon": "99.50"}  # about 1.4 km from station L1
ACTIVE_STATIONS = {"air4thai-l1", "air4thai-l2", "air4thai-s1", "air4thai-c1", "air4thai-k1", "air4thai-b1"}


def my_area(**params: Any) -> dict[str, Any]:
    return helpers.call_action("pm25_my_area", **params)


def refusal(**params: Any) -> dict[str, Any]:
    with pytest.raises(tk.ValidationError) as refused:
        my_area(**params)
    return refused.value.error_dict


class TestFromALocation:
    def test_the_nearest_active_stations_with_their_distance(self, known: Known) -> None:
        result = my_area(**NEAR_LAMPANG, limit=3)

        assert result["province"]["code"] == "TH-52"
        assert result["location"] == {"lat": 18.30, "lon": 99.50}
        assert [s["name"] for s in result["stations"]] == ["air4thai-l1", "air4thai-l2", "air4thai-c1"]
        first, second, third = (s["distance_km"] for s in result["stations"])
        assert first < 2 < 19 < second < 23 < 70 < third < 85

    def test_the_province_value_comes_with_its_band_and_advice(self, known: Known) -> None:
        latest = my_area(**NEAR_LAMPANG)["province"]["latest"]
        assert latest["pm25_24h"] == 38.5 and latest["aqi_th"]["value"] == 103
        assert latest["advice"]["general_public"] and latest["advice"]["sensitive_groups"]

    def test_inactive_stations_are_never_the_nearest(self, known: Known) -> None:
        chiang_mai = my_area(lat="18.8883", lon="99.0853", limit=20)  # on top of the inactive C2
        names = [s["name"] for s in chiang_mai["stations"]]
        assert set(names) == ACTIVE_STATIONS and names[0] == "air4thai-c1"
        distances = [s["distance_km"] for s in chiang_mai["stations"]]
        assert distances == sorted(distances)

    @pytest.mark.parametrize("where", [{"lat": "35.68", "lon": "139.69"},  # Tokyo
                                       {"lat": "17.97", "lon": "102.61"}])  # Vientiane, across the Mekong
    def test_a_point_outside_thailand_is_refused_in_words(self, known: Known, where: dict[str, str]) -> None:
        assert refusal(**where) == {"lat": ["That location is not in Thailand: no province lies there"]}

    @pytest.mark.parametrize(("params", "field", "message"), [
        ({"lat": "18.3"}, "lon", "Give both lat and lon"),
        ({"lon": "99.5"}, "lat", "Give both lat and lon"),
        ({}, "place", "Give a place name, or a location as lat and lon"),
        ({"lat": "95", "lon": "99.5"}, "lat", "Must be a number of degrees from -90 to 90"),
        ({"lat": "18.3", "lon": "nan"}, "lon", "Must be a number of degrees from -180 to 180"),
        ({"lat": "north", "lon": "99.5"}, "lat", "Must be a number of degrees from -90 to 90"),
        ({"place": "Lampang", "limit": "0"}, "limit", "Must be a whole number from 1 to 20"),
        ({"place": "Lampang", "limit": "21"}, "limit", "Must be a whole number from 1 to 20"),
        ({"place": "x" * 201}, "place", "Must be at most 200 characters"),
    ])
    def test_bad_parameters_are_refused_with_the_reason(self, known: Known, params: dict[str, str], field: str,
                                                        message: str) -> None:
        assert refusal(**params)[field] == [message]


class TestFromAName:
    @pytest.mark.parametrize("place", ["ลำปาง", "Lampang", "TH-52", "จังหวัดลำปาง", " lampang province "])
    def test_a_province_by_any_of_its_names(self, known: Known, place: str) -> None:
        result = my_area(place=place)
        assert result["province"]["code"] == "TH-52" and result["location"] is None
        assert result["district"] is None
        assert [(s["name"], s["distance_km"]) for s in result["stations"]] == [
            ("air4thai-l1", None), ("air4thai-l2", None)]

    @pytest.mark.parametrize("place", ["Mae Mo", "อำเภอแม่เมาะ", "แม่เมาะ, ลำปาง", "Amphoe Mae Mo, Lampang"])
    def test_a_district_no_model_reports_gives_its_province_and_says_so(self, known: Known, place: str) -> None:
        result = my_area(place=place)  # the known readings have no GISTDA model: the gazetteer's district
        assert result["province"]["code"] == "TH-52" and result["province"]["latest"]["pm25_24h"] == 38.5
        district = result["district"]
        assert (district["code"], district["name_th"], district["name_en"]) == ("5202", "แม่เมาะ", "Mae Mo")
        assert district["latest"]["status"] == "no_data" and district["latest"]["pm25"] is None
        assert [s["name"] for s in result["stations"]] == ["air4thai-l1", "air4thai-l2"]

    def test_a_bangkok_khet_by_its_name(self, known: Known) -> None:
        for place in ("Bang Rak", "เขตบางรัก", "Khet Bang Rak"):
            result = my_area(place=place)
            assert result["province"]["code"] == "TH-10" and result["district"]["code"] == "1004"

    def test_a_district_name_two_provinces_share_asks_for_the_province(self, known: Known) -> None:
        assert refusal(place="Chom Thong") == {"place": [
            "Several districts are called Chom Thong: add the province after a comma, as in Chom Thong, TH-10 "
            "(Chom Thong (TH-10), Chom Thong (TH-50))"]}
        result = my_area(place="Chom Thong, Chiang Mai")
        assert result["province"]["code"] == "TH-50" and result["district"]["code"] == "5002"

    def test_an_unknown_place_is_refused_with_its_name(self, known: Known) -> None:
        assert refusal(place="Atlantis") == {"place": ["No province or district is called Atlantis"]}
        assert refusal(place="Mae Mo, Atlantis") == {"place": ["No province is called Atlantis"]}


class TestPage:
    def test_the_form_alone_with_the_location_button_for_scripts_to_show(self, known: Known, app: Any) -> None:
        html = app.get("/en/pm25/my-area").get_data(as_text=True)
        assert 'name="place"' in html and "Use my location" in html
        assert '<p class="pm25-my-area-locate" hidden>' in html  # shown only where the browser can locate
        assert "pm25-my-area-province" not in html and "pm25-my-area-error" not in html

    def test_a_province_by_name_in_thai_and_english(self, known: Known, app: Any) -> None:
        english = app.get("/en/pm25/my-area?place=Lampang").get_data(as_text=True)
        section = english.split('class="pm25-my-area-province', 1)[1]
        assert ">Lampang</a>" in section and '<span class="pm25-latest-mean">38.5</span>' in section
        assert "Stations in this province" in english and 'data-station="air4thai-l1"' in english
        assert "Distance (km)" not in english
        thai = app.get("/pm25/my-area?place=ลำปาง").get_data(as_text=True)
        assert ">ลำปาง</a>" in thai and "สถานีในจังหวัดนี้" in thai and "Stations in" not in thai

    def test_nearest_stations_with_distances_and_a_private_answer(self, known: Known, app: Any) -> None:
        response = app.get("/pm25/my-area?lat=18.30&lon=99.50")
        html = response.get_data(as_text=True)
        assert "สถานีที่ใกล้ที่สุด" in html and "ระยะทาง (กม.)" in html
        rows = html.split('class="table table-sm pm25-station-table pm25-my-area-stations"', 1)[1]
        assert rows.index('data-station="air4thai-l1"') < rows.index('data-station="air4thai-l2"')
        assert response.headers["Cache-Control"].startswith("private")
        assert "ETag" not in response.headers
        api = app.get("/api/3/action/pm25_my_area?lat=18.30&lon=99.50")
        assert api.status_code == 200 and api.headers["Cache-Control"].startswith("private")

    def test_a_district_no_model_reports_in_thai_and_english(self, known: Known, app: Any) -> None:
        english = app.get("/en/pm25/my-area?place=Mae+Mo").get_data(as_text=True)
        district = english.split('data-district="5202"', 1)[1].split("</section>", 1)[0]
        assert "<h2>Mae Mo</h2>" in district and "No model estimate for this district yet." in district
        assert ">Lampang</a>" in english and '<span class="pm25-latest-mean">38.5</span>' in english
        thai = app.get("/pm25/my-area?place=อำเภอแม่เมาะ").get_data(as_text=True)
        district = thai.split('data-district="5202"', 1)[1].split("</section>", 1)[0]
        assert "<h2>แม่เมาะ</h2>" in district and "ยังไม่มีค่าประมาณจากแบบจำลองของอำเภอนี้" in district

    def test_a_named_place_is_shared_like_the_other_pages(self, known: Known, app: Any) -> None:
        assert_shared(app.get("/en/pm25/my-area?place=Lampang"), max_age=60)

    def test_a_refusal_in_the_page_language(self, known: Known, app: Any) -> None:
        thai = app.get("/pm25/my-area?place=Atlantis").get_data(as_text=True)
        assert "ไม่มีจังหวัดหรืออำเภอชื่อ Atlantis" in thai
        english = app.get("/en/pm25/my-area?lat=35.68&lon=139.69").get_data(as_text=True)
        assert "That location is not in Thailand" in english

    def test_the_dashboard_links_to_it(self, known: Known, app: Any) -> None:
        assert 'href="/en/pm25/my-area"' in app.get("/en/pm25").get_data(as_text=True)
