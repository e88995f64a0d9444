"""The readings API: each action with known data, anonymously, and each bound refused with the
limit in its message."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from ckan.tests import helpers

import ckan.plugins.toolkit as tk

from tests.readings.conftest import HOUR, Known

pytestmark = pytest.mark.usefixtures("with_plugins")

ANONYMOUS = {"user": "", "ignore_auth": False}


def call(action: str, **data: Any) -> Any:
    return helpers.call_action(action, context=dict(ANONYMOUS), **data)


def error_of(action: str, **data: Any) -> dict[str, Any]:
    with pytest.raises(tk.ValidationError) as raised:
        call(action, **data)
    return raised.value.error_dict


def iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class TestProvinceList:
    def test_every_province_with_its_latest_mean_and_bands(self, known: Known) -> None:
        provinces = {record["code"]: record for record in call("pm25_province_list")}
        assert len(provinces) == 77
        lampang = provinces["TH-52"]
        assert (lampang["name_en"], lampang["name_th"], lampang["region"]) == ("Lampang", "ลำปาง", "north")
        assert lampang["station_count"] == 2
        latest = lampang["latest"]
        assert latest["pm25"] == 80.0  # the hour
        assert latest["stations_reporting"] == 2
        assert latest["status"] == "current"
        assert latest["hour_utc"] == iso(known.now)
        # the bands are those of the 24-hour mean: every value of the 24 hours, (870 + 130) / 26
        assert latest["pm25_24h"] == 38.5
        assert latest["aqi_th"] == {"value": 103, "band": "starting_to_affect_health",
                                    "name_th": "เริ่มมีผลกระทบต่อสุขภาพ", "name_en": "Starting to affect health",
                                    "colour": "#F26522"}
        assert latest["aqi_us"]["band"] == "unhealthy_for_sensitive_groups"
        # with exactly 18 hours a mean; with 17 (Sing Buri) or 1 (Bangkok) none, and no band
        assert provinces["TH-50"]["latest"]["pm25_24h"] == 44.1
        for code, hourly in (("TH-17", 20.0), ("TH-10", 10.0)):
            short = provinces[code]["latest"]
            assert (short["status"], short["pm25"]) == ("current", hourly)
            assert (short["pm25_24h"], short["aqi_th"], short["aqi_us"], short["advice"]) == (None, None, None, None)

    def test_the_advice_of_the_band(self, known: Known) -> None:
        advice = next(p for p in call("pm25_province_list") if p["code"] == "TH-52")["latest"]["advice"]
        assert advice["key"] == "starting_to_affect_health"
        # Thai outside a request, as every message (the site's default language)
        assert advice["general_public"].startswith("ควรเฝ้าระวังสุขภาพ")
        assert "ควรปรึกษาแพทย์" in advice["sensitive_groups"]

    def test_inactive_stations_are_not_counted_but_their_past_stays(self, known: Known) -> None:
        chiang_mai = next(p for p in call("pm25_province_list") if p["code"] == "TH-50")
        assert chiang_mai["station_count"] == 1
        assert chiang_mai["latest"]["pm25"] == 45.0

    def test_stale_and_empty_provinces_say_so(self, known: Known) -> None:
        provinces = {record["code"]: record for record in call("pm25_province_list")}
        songkhla = provinces["TH-90"]["latest"]
        assert songkhla["status"] == "stale"
        assert songkhla["pm25"] == 30.0
        assert songkhla["hour_utc"] == iso(known.now - 10 * HOUR)
        phuket = provinces["TH-83"]["latest"]
        assert phuket == {"pm25": None, "pm25_24h": None, "hour_utc": None, "hour_local": None, "status": "no_data",
                          "aqi_th": None, "aqi_us": None, "advice": None, "stations_reporting": 0}

    @pytest.mark.ckan_config("ckanext.pm25.dashboard.stale_after_hours", "12")
    def test_staleness_threshold_is_configurable(self, known: Known) -> None:
        songkhla = next(p for p in call("pm25_province_list") if p["code"] == "TH-90")
        assert songkhla["latest"]["status"] == "current"

    def test_over_http_anonymously(self, known: Known, app: Any) -> None:
        response = app.get("/api/3/action/pm25_province_list")
        assert response.status_code == 200
        assert len(response.json["result"]) == 77

    def test_advice_in_the_request_language_over_http(self, known: Known, app: Any) -> None:
        def advice(path: str) -> dict[str, str]:
            records = app.get(path).json["result"]
            return next(record for record in records if record["code"] == "TH-50")["latest"]["advice"]

        thai = advice("/api/3/action/pm25_province_list")
        english = advice("/en/api/3/action/pm25_province_list")
        assert thai["key"] == english["key"] == "starting_to_affect_health"
        assert thai["general_public"].startswith("ควรเฝ้าระวังสุขภาพ")
        assert english["general_public"].startswith("Watch your health.")
        assert "see a doctor" in english["sensitive_groups"]
        shown = app.get("/en/api/3/action/pm25_province_show?id=TH-52").json["result"]
        assert shown["latest"]["advice"]["general_public"].startswith("Watch your health.")
        stations = {s["station_id"]: s for s in shown["stations"]}
        assert stations["L1"]["latest"]["advice"] == {
            "key": "moderate", "general_public": "Outdoor activities as usual.",
            "sensitive_groups": "If you have early symptoms such as coughing, difficulty breathing or eye "
                                "irritation, spend less time doing outdoor activities."}
        assert stations["L2"]["latest"]["advice"] is None


class TestProvinceShow:
    def test_stations_hourly_and_daily_series(self, known: Known) -> None:
        result = call("pm25_province_show", id="TH-52", start=iso(known.now - 2 * HOUR),
                      end=iso(known.now + HOUR))
        assert result["code"] == "TH-52"
        assert result["latest"]["pm25"] == 80.0
        assert [s["station_id"] for s in result["stations"]] == ["L1", "L2"]
        assert [(h["hour_utc"], h["pm25"], h["stations_reporting"]) for h in result["hourly"]] == [
            (iso(known.now - 2 * HOUR), 70.0, 1), (iso(known.now - HOUR), 70.0, 2), (iso(known.now), 80.0, 2)]
        assert sum(day["values"] for day in result["daily"]) == 5
        assert result["days_over_standard"] == len(result["daily"])  # every value is over 37.5
        assert result["standard_pm25_24h"] == 37.5

    def test_by_name_or_dopa_number_and_by_day(self, known: Known) -> None:
        by_name = call("pm25_province_show", id="Lampang", aggregate="day")
        by_number = call("pm25_province_show", id="52", aggregate="day")
        assert by_name["code"] == by_number["code"] == "TH-52"
        assert "hourly" not in by_name
        assert by_name["daily"] == by_number["daily"]

    def test_unknown_province_is_refused_by_name(self, known: Known) -> None:
        assert "Unknown province: Atlantis" in error_of("pm25_province_show", id="Atlantis")["id"][0]
        assert "Missing value" in error_of("pm25_province_show")["id"][0]

    def test_aggregate_must_be_hour_or_day(self, known: Known) -> None:
        assert "hour" in error_of("pm25_province_show", id="TH-52", aggregate="week")["aggregate"][0]


class TestStationList:
    def test_filters(self, known: Known) -> None:
        def names(**filters: Any) -> list[str]:
            return [s["station_id"] for s in call("pm25_station_list", **filters)["results"]]

        assert names(province="TH-52") == ["L1", "L2"]
        assert names(province="Chiang Mai") == ["C1", "C2"]
        assert names(province="TH-50", active="false") == ["C2"]
        assert names(province="TH-50", active=True) == ["C1"]
        assert names(organization="cmu-ccdc") == ["S1"]
        assert names(organization=known.cmu["id"]) == ["S1"]
        assert sorted(names(bbox="99.3,17.5,100.5,19.0")) == ["L1", "L2"]
        assert len(names()) == 7

    def test_station_record(self, known: Known) -> None:
        station = call("pm25_station_list", province="TH-17")["results"][0]
        assert station["name"] == "air4thai-s1"
        assert station["organization"] == {"name": "cmu-ccdc", "title": "CMU CCDC"}
        assert station["latest"]["pm25"] == 20.0
        # 17 hours: no 24-hour mean, so no band (the hour alone would be "good")
        assert (station["latest"]["pm25_24h"], station["latest"]["aqi_th"], station["latest"]["advice"]) == \
            (None, None, None)
        assert station["resource_id"] == known.stations["S1"]["resources"][0]["id"]
        assert (round(station["lon"], 4), round(station["lat"], 4)) == (100.3967, 14.8936)

    def test_pages(self, known: Known) -> None:
        first = call("pm25_station_list", limit=3)
        second = call("pm25_station_list", limit=3, offset=3)
        assert first["count"] == second["count"] == 7
        assert len(first["results"]) == 3
        assert not {s["name"] for s in first["results"]} & {s["name"] for s in second["results"]}

    def test_bad_filters_are_refused_by_name(self, known: Known) -> None:
        assert "min_lon" in error_of("pm25_station_list", bbox="99,18")["bbox"][0]
        assert "must not exceed" in error_of("pm25_station_list", bbox="100,18,99,19")["bbox"][0]
        assert "true or false" in error_of("pm25_station_list", active="maybe")["active"][0]
        assert "Unknown province" in error_of("pm25_station_list", province="TH-99")["province"][0]


class TestMeasurements:
    def test_readings_of_stations_in_order(self, known: Known) -> None:
        result = call("pm25_measurements", stations="air4thai-l2,L1", start=iso(known.now - 2 * HOUR),
                      end=iso(known.now + HOUR))
        assert result["count"] == 5
        assert [(r["station_id"], r["datetime_utc"], r["pm25"]) for r in result["results"]] == [
            ("L2", iso(known.now - HOUR), 60.0), ("L2", iso(known.now), 70.0),
            ("L1", iso(known.now - 2 * HOUR), 70.0), ("L1", iso(known.now - HOUR), 80.0),
            ("L1", iso(known.now), 90.0)]
        reading = result["results"][-1]
        assert reading["quality_flag"] == "ok"
        assert reading["datetime_local"].endswith("+07:00")
        # the AQIs are those of the 24-hour mean (36.3), not of the hour (90.0)
        assert (reading["pm25_24h"], reading["aqi_th"], reading["aqi_us"]) == (36.3, 95, 103)
        # L2 has 2 hours: no 24-hour mean, no index (whatever index of the hour a source stored)
        short = result["results"][1]
        assert (short["pm25"], short["pm25_24h"], short["aqi_th"], short["aqi_us"]) == (70.0, None, None, None)

    def test_a_station_whose_hour_and_24_hour_mean_are_in_different_bands(self, known: Known) -> None:
        l1 = call("pm25_station_list", province="TH-52")["results"][0]["latest"]
        assert (l1["pm25"], l1["pm25_24h"]) == (90.0, 36.3)
        assert (l1["aqi_th"]["band"], l1["aqi_th"]["colour"], l1["advice"]["key"]) == \
            ("moderate", "#FDC04E", "moderate")

    def test_each_station_comes_as_its_station_record(self, known: Known) -> None:
        result = call("pm25_measurements", stations="air4thai-l2,L1")
        listed = {station["station_id"]: station for station in call("pm25_station_list", province="TH-52")["results"]}
        assert result["stations"] == [listed["L2"], listed["L1"]]
        assert [(s["title"], s["latest"]["pm25"], s["latest"]["status"]) for s in result["stations"]] == [
            ("Mae Mo", 70.0, "current"), ("Lampang centre", 90.0, "current")]

    def test_pages(self, known: Known) -> None:
        page = call("pm25_measurements", stations=["L1", "L2"], start=iso(known.now - 2 * HOUR), limit=2,
                    offset=2)
        assert page["count"] == 5 and (page["limit"], page["offset"]) == (2, 2)
        assert [(r["station_id"], r["pm25"]) for r in page["results"]] == [("L1", 90.0), ("L2", 60.0)]

    def test_daily_means(self, known: Known) -> None:
        result = call("pm25_measurements", stations="C1", start=iso(known.now - HOUR), end=iso(known.now + HOUR),
                      aggregate="day")
        assert sum(r["values"] for r in result["results"]) == 2
        assert all(r["over_standard"] for r in result["results"])

    def test_default_period_is_the_last_24_hours(self, known: Known) -> None:
        result = call("pm25_measurements", stations="C2")
        assert result["count"] == 0
        # (the next hour too, should the clock pass an hour while the module runs)
        assert result["period"]["end"] in (iso(known.now + HOUR), iso(known.now + 2 * HOUR))
        start, end = (datetime.fromisoformat(result["period"][key].replace("Z", "+00:00")) for key in ("start", "end"))
        assert end - start == timedelta(hours=24)

    def test_unknown_stations_are_named(self, known: Known) -> None:
        assert "nowhere" in error_of("pm25_measurements", stations="L1,nowhere")["stations"][0]


class TestBounds:
    def test_page_size(self, known: Known) -> None:
        message = error_of("pm25_measurements", stations="L1", limit=1001)["limit"][0]
        assert "1000" in message
        assert "1000" in error_of("pm25_station_list", limit=5000)["limit"][0]
        assert "positive" in error_of("pm25_measurements", stations="L1", limit=0)["limit"][0]
        assert "natural" in error_of("pm25_measurements", stations="L1", offset=-1)["offset"][0]

    @pytest.mark.ckan_config("ckanext.pm25.api.max_page_size", "2")
    def test_page_size_follows_configuration(self, known: Known) -> None:
        assert "at most 2 " in error_of("pm25_measurements", stations="L1", limit=3)["limit"][0]
        assert call("pm25_measurements", stations="L1", start=iso(known.now - 2 * HOUR))["limit"] == 2

    def test_period(self, known: Known) -> None:
        end = known.now
        message = error_of("pm25_measurements", stations="L1", start=iso(end - timedelta(days=40)),
                           end=iso(end))["end"][0]
        assert "at most 31 days" in message and "40" in message
        assert "31" in error_of("pm25_province_show", id="TH-52", start=iso(end - timedelta(days=32)))["end"][0]
        assert call("pm25_measurements", stations="L1", start=iso(end - timedelta(days=31)), end=iso(end))

    @pytest.mark.ckan_config("ckanext.pm25.api.max_period_days", "7")
    def test_period_follows_configuration(self, known: Known) -> None:
        message = error_of("pm25_province_show", id="TH-52", start=iso(known.now - timedelta(days=8)))["end"][0]
        assert "at most 7 days" in message

    def test_station_count(self, known: Known) -> None:
        many = ",".join(f"S{number}" for number in range(51))
        message = error_of("pm25_measurements", stations=many)["stations"][0]
        assert "At most 50 stations" in message and "51" in message

    def test_bad_times(self, known: Known) -> None:
        assert "ISO 8601" in error_of("pm25_measurements", stations="L1", start="yesterday")["start"][0]
        message = error_of("pm25_measurements", stations="L1", start=iso(known.now),
                           end=iso(known.now - HOUR))["end"][0]
        assert "must be after the start" in message


class TestCarelessInput:
    """Input from the issue 13 probe: each was an HTTP 500; each is refused with a message."""

    @pytest.mark.parametrize("moment", ["0001-01-01", "9999-12-31T23:00:00-10:00", "0001-01-01T00:00:00+14:00"])
    def test_dates_outside_the_years_of_any_reading(self, known: Known, moment: str) -> None:
        for field in ("start", "end"):
            message = error_of("pm25_measurements", stations="L1", **{field: moment})[field][0]
            assert "outside 1900–2200" in message
            assert "outside 1900–2200" in error_of("pm25_province_show", id="TH-52", **{field: moment})[field][0]

    def test_buddhist_era_years_are_refused_with_the_christian_era_year(self, known: Known) -> None:
        message = error_of("pm25_measurements", stations="L1", start="2567-01-01")["start"][0]
        assert "2567 looks like a Buddhist-era year" in message and "2024" in message
        message = error_of("pm25_province_show", id="TH-52", end="2567-05-07T13:00:00+07:00")["end"][0]
        assert "Buddhist-era" in message and "2024" in message

    @pytest.mark.parametrize("offset", [99999999999999999999, "99999999999999999999", 2**63])
    def test_offsets_beyond_any_page(self, known: Known, offset: Any) -> None:
        assert "at most 2147483647" in error_of("pm25_measurements", stations="L1", offset=offset)["offset"][0]
        assert "at most 2147483647" in error_of("pm25_station_list", offset=offset)["offset"][0]

    @pytest.mark.parametrize("offset", [" ", "\t", -1, "-5"])
    def test_blank_or_negative_offsets(self, known: Known, offset: Any) -> None:
        assert "natural number" in error_of("pm25_measurements", stations="L1", offset=offset)["offset"][0]
        assert "natural number" in error_of("pm25_station_list", offset=offset)["offset"][0]

    def test_blank_or_huge_page_sizes(self, known: Known) -> None:
        assert "positive" in error_of("pm25_measurements", stations="L1", limit=" ")["limit"][0]
        assert "1000" in error_of("pm25_station_list", limit="99999999999999999999")["limit"][0]
        assert call("pm25_station_list", limit="", offset="")["offset"] == 0

    @pytest.mark.parametrize("bad", ["L1\x00", "\ud800", "air4thai-\udfff-l1"])
    def test_nul_characters_and_lone_surrogates(self, known: Known, bad: str) -> None:
        unwritable = "NUL characters or unpaired surrogates"
        assert unwritable in error_of("pm25_measurements", stations=bad)["stations"][0]
        assert unwritable in error_of("pm25_measurements", stations=["L1", bad])["stations"][0]
        assert unwritable in error_of("pm25_station_list", organization=bad)["organization"][0]
        assert unwritable in error_of("pm25_station_list", province=bad)["province"][0]
        assert unwritable in error_of("pm25_province_show", id=bad)["id"][0]
        assert unwritable in error_of("pm25_province_show", id="TH-52", start=bad)["start"][0]
        assert unwritable in error_of("pm25_measurements", stations="L1", aggregate=bad)["aggregate"][0]


def api_error(response: Any) -> dict[str, Any]:
    assert response.status_code in (400, 409), response.status_code
    return response.json["error"]


class TestCarelessInputOverHttp:
    def test_thai_by_default_english_under_en(self, known: Known, app: Any) -> None:
        path = "/api/3/action/pm25_measurements?stations=L1&start=2567-01-01"
        assert "ปีพุทธศักราช" in api_error(app.get(path))["start"][0]
        assert "Buddhist-era" in api_error(app.get(f"/en{path}"))["start"][0]
        thai = api_error(app.get("/api/3/action/pm25_station_list?offset=%20"))["offset"][0]
        assert thai == "จะต้องเป็นจำนวนธรรมชาติ"

    def test_nul_in_a_query_string(self, known: Known, app: Any) -> None:
        for query in ("stations=L1%00", "stations=L1&end=2024-01-01%00"):
            assert "NUL" in str(api_error(app.get(f"/en/api/3/action/pm25_measurements?{query}")))
        assert "NUL" in str(api_error(app.get("/en/api/3/action/pm25_station_list?organization=pcd%00")))

    def test_nul_and_surrogates_in_a_json_body(self, known: Known, app: Any) -> None:
        for body in ('{"stations": "L1\\u0000"}', '{"stations": ["\\ud800"]}', '{"stations": "L1", "end": "\\udfff"}'):
            response = app.post("/en/api/3/action/pm25_measurements", data=body,
                                headers={"Content-Type": "application/json"})
            assert "unpaired surrogates" in str(api_error(response))
        response = app.post("/en/api/3/action/pm25_station_list", data='{"organization": "\\ud800x"}',
                            headers={"Content-Type": "application/json"})
        assert "unpaired surrogates" in api_error(response)["organization"][0]

    @pytest.mark.parametrize("depth", [100_000, 1_000, 33])
    def test_deeply_nested_bodies(self, known: Known, app: Any, depth: int) -> None:
        body = '{"stations": ' + "[" * depth + '"L1"' + "]" * depth + "}"
        for action in ("pm25_measurements", "pm25_province_lookup"):
            response = app.post(f"/en/api/3/action/{action}", data=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 400
            assert response.json["error"]["message"] == \
                "The request body nests arrays or objects more than 32 levels deep"
        response = app.post("/api/3/action/pm25_station_list", data="[" * depth + "]" * depth,
                            headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and "32" in response.json["error"]["message"]

    def test_every_action_of_the_portal_refuses_a_body_nested_past_the_parser(self, known: Known, app: Any) -> None:
        for action in ("package_search", "package_create", "datastore_search", "harvest_source_list"):
            body = '{"q": ' + "[" * 5_000 + "]" * 5_000 + "}"
            response = app.post(f"/api/3/action/{action}", data=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 400
            assert response.json["error"]["message"] == "เนื้อหาคำขอซ้อนอาร์เรย์หรืออ็อบเจกต์ลึกเกิน 256 ชั้น"
        # Deeper than our own actions allow, still far from the parser's limit: CKAN's action runs.
        body = '{"q": "pm25", "facet.field": ' + "[" * 100 + "]" * 100 + "}"
        response = app.post("/api/3/action/package_search", data=body, headers={"Content-Type": "application/json"})
        assert response.status_code < 500
        assert "ชั้น" not in response.get_data(as_text=True)

    def test_nesting_that_parameters_need_is_accepted(self, known: Known, app: Any) -> None:
        body = '{"stations": [["L1"]], "note": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'
        response = app.post("/en/api/3/action/pm25_measurements", data=body,
                            headers={"Content-Type": "application/json"})
        assert response.status_code == 409  # an unknown station "['L1']": a refusal of the value, not of the body
