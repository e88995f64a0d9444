"""The pages and downloads as the server renders them (the browser tests check the drawing)."""
from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from typing import Any

import pytest

from tests.readings.conftest import HOUR, Known

pytestmark = pytest.mark.usefixtures("with_plugins")


def iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def table_rows(html: str) -> list[str]:
    body = html.split('class="table table-sm pm25-province-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr class="pm25-status-(\w+)" data-code="(TH-\d+)"', body)


def read_csv(response: Any) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


class TestDashboard:
    def test_provinces_ranked_by_aqi_with_stale_ones_apart(self, known: Known, app: Any) -> None:
        html = app.get("/pm25").get_data(as_text=True)
        rows = table_rows(html)
        assert len(rows) == 77
        # by the AQI of the 24-hour mean (Chiang Mai 44.1 above Lampang 38.5, though Lampang's
        # hour is 80.0), then the current ones without a 24-hour mean, by name
        assert rows[:4] == [("current", "TH-50"), ("current", "TH-52"), ("current", "TH-10"), ("current", "TH-17")]
        assert rows[4] == ("stale", "TH-90")
        assert {status for status, _ in rows[5:]} == {"no_data"}

    def test_thai_by_default_english_one_click_away(self, known: Known, app: Any) -> None:
        thai = app.get("/pm25").get_data(as_text=True)
        english = app.get("/en/pm25").get_data(as_text=True)
        for band in ("ดีมาก", "ดี", "ปานกลาง", "เริ่มมีผลกระทบต่อสุขภาพ", "มีผลกระทบต่อสุขภาพ"):
            assert f'<span class="pm25-legend-name">{band}</span>' in thai
        for band in ("Very good", "Good", "Moderate", "Starting to affect health", "Affects health"):
            assert f'<span class="pm25-legend-name">{band}</span>' in english
        assert ">ลำปาง</a>" in thai and ">Lampang</a>" in english

    def test_values_are_written_beside_colours(self, known: Known, app: Any) -> None:
        html = app.get("/en/pm25").get_data(as_text=True)
        row = html.split('data-code="TH-52"', 1)[1].split("</tr>", 1)[0]
        assert '<td class="pm25-num pm25-mean">38.5</td>' in row
        assert '<td class="pm25-num pm25-value">80.0</td>' in row
        assert 'style="background:#F26522;color:#000000">103<' in row and "Starting to affect health" in row
        assert "#CD0000" not in row and "Affects health" not in row  # the band of the hour is not shown
        stale = html.split('data-code="TH-90"', 1)[1].split("</tr>", 1)[0]
        assert "No current data" in stale and "30.0" in stale

    def test_the_band_of_the_24_hour_mean_and_the_hourly_value_are_labelled(self, known: Known, app: Any) -> None:
        thai = app.get("/pm25").get_data(as_text=True)
        english = app.get("/en/pm25").get_data(as_text=True)
        assert "ค่าเฉลี่ย 24 ชั่วโมง" in thai and "ค่ารายชั่วโมง" in thai
        assert "24-hour mean PM2.5" in english and "Hourly PM2.5" in english

    def test_fewer_than_18_hours_are_said_in_words_and_not_coloured(self, known: Known, app: Any) -> None:
        for path, words in (("/en/pm25", "Fewer than 18 of 24 hours: no 24-hour mean"),
                            ("/pm25", "ข้อมูลไม่ครบ 24 ชั่วโมง")):
            html = app.get(path).get_data(as_text=True)
            for code, hourly in (("TH-17", "20.0"), ("TH-10", "10.0")):  # 17 hours; 1 hour
                row = html.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]
                assert words in row and f'<td class="pm25-num pm25-value">{hourly}</td>' in row
                assert "background:" not in row and "pm25-aqi-badge" not in row

    def test_health_advice_for_the_worst_province(self, known: Known, app: Any) -> None:
        thai = app.get("/pm25").get_data(as_text=True)
        worst = thai.split('class="pm25-worst"', 1)[1].split("</dl>", 1)[0]
        assert 'data-code="TH-50"' in worst and "เชียงใหม่" in worst and "เริ่มมีผลกระทบต่อสุขภาพ" in worst
        assert "ควรเฝ้าระวังสุขภาพ" in worst and "ควรปรึกษาแพทย์" in worst
        english = app.get("/en/pm25").get_data(as_text=True)
        worst = english.split('class="pm25-worst"', 1)[1].split("</dl>", 1)[0]
        assert "Chiang Mai" in worst and "Watch your health." in worst
        assert "Sensitive groups (children, the elderly, people with heart or lung disease)" in worst
        assert "see a doctor" in worst and "ควร" not in worst
        # and every band's advice in the legend
        legend = english.split('class="pm25-advice-by-band"', 1)[1].split("</details>", 1)[0]
        assert legend.count("<dt") == 5 and "Outdoor activities as usual." in legend

    def test_the_main_navigation_leads_to_it(self, known: Known, app: Any) -> None:
        html = app.get("/en/dataset/").get_data(as_text=True)
        assert re.search(r'<a href="/en/pm25"[^>]*>PM2.5 dashboard</a>', html)

    def test_map_data_for_every_province(self, known: Known, app: Any) -> None:
        html = app.get("/pm25").get_data(as_text=True)
        raw = re.search(r'data-module-provinces="([^"]*)"', html).group(1)
        data = json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))
        assert len(data) == 77
        assert (data["TH-52"]["fill"], data["TH-50"]["fill"], data["TH-17"]["fill"], data["TH-90"]["status"]) == \
            ("#F26522", "#F26522", "#FFFFFF", "stale")
        assert "38.5" in data["TH-52"]["text"] and "80.0" in data["TH-52"]["text"]
        assert "ข้อมูลไม่ครบ 24 ชั่วโมง" in data["TH-17"]["text"] and "20.0" in data["TH-17"]["text"]


class TestDownloads:
    def test_province_series_as_csv(self, known: Known, app: Any) -> None:
        start, end = iso(known.now - 2 * HOUR), iso(known.now + HOUR)
        rows = read_csv(app.get(f"/province/TH-52/readings.csv?start={start}&end={end}"))
        assert [(r["hour_utc"], r["pm25"], r["stations_reporting"]) for r in rows] == [
            (iso(known.now - 2 * HOUR), "70.0", "1"), (iso(known.now - HOUR), "70.0", "2"),
            (iso(known.now), "80.0", "2")]
        days = read_csv(app.get(f"/province/TH-52/readings.csv?start={start}&end={end}&aggregate=day"))
        assert sum(int(day["values"]) for day in days) == 5

    def test_stations_as_geojson(self, known: Known, app: Any) -> None:
        response = app.get("/province/TH-52/stations.geojson")
        assert response.headers["Content-Type"].startswith("application/geo+json")
        collection = json.loads(response.get_data(as_text=True))
        assert [f["properties"]["station_id"] for f in collection["features"]] == ["L1", "L2"]
        assert collection["features"][0]["properties"]["latest"]["pm25"] == 90.0
        assert collection["features"][0]["properties"]["url"].endswith("/dataset/air4thai-l1")

    def test_measurements_as_csv(self, known: Known, app: Any) -> None:
        rows = read_csv(app.get(f"/pm25/measurements.csv?stations=L1,L2&start={iso(known.now - 2 * HOUR)}"))
        assert [(r["station_id"], r["pm25"]) for r in rows] == [
            ("L1", "70.0"), ("L1", "80.0"), ("L1", "90.0"), ("L2", "60.0"), ("L2", "70.0")]

    def test_downloads_keep_the_bounds(self, known: Known, app: Any) -> None:
        response = app.get("/en/pm25/measurements.csv?stations=L1&start=2020-01-01&end=2020-03-01")
        assert response.status_code == 400
        assert "at most 31 days" in response.get_data(as_text=True)
        response = app.get("/en/province/TH-52/readings.csv?start=tomorrow")
        assert response.status_code == 400 and "ISO 8601" in response.get_data(as_text=True)
        assert app.get("/province/TH-99/readings.csv").status_code == 404


    @pytest.mark.parametrize("moment", ["0001-01-01", "9999-12-31T23:00:00-10:00", "0001-01-01T00:00:00%2B14:00"])
    def test_downloads_refuse_dates_outside_the_years_of_any_reading(self, known: Known, app: Any,
                                                                     moment: str) -> None:
        for path in (f"/en/pm25/measurements.csv?stations=L1&start={moment}",
                     f"/en/province/TH-52/readings.csv?end={moment}"):
            response = app.get(path)
            assert response.status_code == 400
            assert "outside 1900–2200" in response.get_data(as_text=True)

    def test_downloads_refuse_buddhist_era_years_in_thai_by_default(self, known: Known, app: Any) -> None:
        response = app.get("/province/TH-52/readings.csv?start=2567-01-01")
        assert response.status_code == 400
        assert "ปีพุทธศักราช" in response.get_data(as_text=True) and "2024" in response.get_data(as_text=True)

    @pytest.mark.parametrize("query", ["stations=L1%00", "stations=L1&start=2024-01-01%00",
                                       "stations=%00&aggregate=day", "stations=L1&aggregate=%00"])
    def test_downloads_refuse_nul_characters(self, known: Known, app: Any, query: str) -> None:
        response = app.get(f"/en/pm25/measurements.csv?{query}")
        assert response.status_code == 400
        assert "NUL characters" in response.get_data(as_text=True)


class TestProvincePage:
    def test_the_band_and_advice_of_the_24_hour_mean_beside_the_hourly_value(self, known: Known, app: Any) -> None:
        html = app.get("/en/province/TH-52").get_data(as_text=True)
        latest = html.split('class="pm25-latest', 1)[1].split("<h3>", 1)[0]
        assert '<span class="pm25-latest-mean">38.5</span>' in latest
        assert '<span class="pm25-latest-value">80.0</span>' in latest and "Hourly value" in latest
        assert "Starting to affect health" in latest and "Affects health" not in latest
        assert 'data-advice="starting_to_affect_health"' in latest and "Watch your health." in latest
        l1 = html.split('data-station="air4thai-l1"', 1)[1].split("</tr>", 1)[0]
        assert '<td class="pm25-num pm25-mean">36.3</td>' in l1 and "Moderate" in l1
        assert '<td class="pm25-num pm25-value">90.0</td>' in l1
        l2 = html.split('data-station="air4thai-l2"', 1)[1].split("</tr>", 1)[0]
        assert "Fewer than 18 of 24 hours: no 24-hour mean" in l2 and "background:" not in l2
        assert '<td class="pm25-num pm25-value">70.0</td>' in l2

    def test_a_province_short_of_18_hours_says_so_in_thai(self, known: Known, app: Any) -> None:
        html = app.get("/province/TH-17").get_data(as_text=True)
        latest = html.split('class="pm25-latest', 1)[1].split("<h3>", 1)[0]
        assert "ข้อมูลไม่ครบ 24 ชั่วโมง" in latest and '<span class="pm25-latest-value">20.0</span>' in latest
        assert "pm25-aqi-badge" not in latest and "pm25-advice" not in latest

    def test_thai_advice_on_thai_pages(self, known: Known, app: Any) -> None:
        html = app.get("/province/TH-50").get_data(as_text=True)
        latest = html.split('class="pm25-latest', 1)[1].split("<h3>", 1)[0]
        assert '<span class="pm25-latest-mean">44.1</span>' in latest  # exactly 18 hours: a mean
        assert "คำแนะนำด้านสุขภาพ" in latest and "ควรเฝ้าระวังสุขภาพ" in latest and "Watch" not in latest


class TestStationPage:
    def test_latest_value_and_chart(self, known: Known, app: Any) -> None:
        html = app.get("/en/dataset/air4thai-l1").get_data(as_text=True)
        section = html.split('id="pm25-readings"', 1)[1]
        assert '<span class="pm25-latest-value">90.0</span>' in section
        # the band of the 24-hour mean (36.3: moderate), not of the hour (90.0: affects health)
        assert '<span class="pm25-latest-mean">36.3</span>' in section
        assert "Moderate" in section and "Affects health" not in section.split("<h3>", 1)[0]
        assert 'data-advice="moderate"' in section and "Outdoor activities as usual." in section
        points = re.findall(r'class="pm25-point"[^>]*data-hour="([^"]+)" data-value="([^"]+)"', section)
        assert len(points) == 24  # the last 24 hours
        assert points[-3:] == [(iso(known.now - 2 * HOUR), "70.0"), (iso(known.now - HOUR), "80.0"),
                               (iso(known.now), "90.0")]
        assert "/pm25/measurements.csv?stations=air4thai-l1" in section.replace("&amp;", "&")

    def test_thai_advice_and_no_band_without_a_24_hour_mean(self, known: Known, app: Any) -> None:
        thai = app.get("/dataset/air4thai-l1").get_data(as_text=True).split('id="pm25-readings"', 1)[1]
        assert "ปานกลาง" in thai and "หากมีอาการเบื้องต้น" in thai and "Outdoor" not in thai
        short = app.get("/en/dataset/air4thai-l2").get_data(as_text=True).split('id="pm25-readings"', 1)[1]
        latest = short.split("<h3>", 1)[0]
        assert "Fewer than 18 of 24 hours: no 24-hour mean" in latest
        assert '<span class="pm25-latest-value">70.0</span>' in latest
        assert "pm25-aqi-badge" not in latest and "pm25-advice" not in latest

    @pytest.mark.ckan_config("ckanext.pm25.api.max_page_size", "2")
    def test_every_reading_of_the_period_even_beyond_one_api_page(self, known: Known, app: Any) -> None:
        html = app.get("/en/dataset/air4thai-l1").get_data(as_text=True)
        points = re.findall(r'class="pm25-point"[^>]*data-hour="([^"]+)"', html)
        assert points == [iso(known.now - back * HOUR) for back in range(23, -1, -1)]

    def test_datasets_that_are_no_station_show_no_readings(self, known: Known, app: Any) -> None:
        from tests.factories import create_pm25_dataset

        dataset = create_pm25_dataset(user=known.user, owner_org=known.pcd["id"])
        html = app.get(f"/dataset/{dataset['name']}").get_data(as_text=True)
        assert 'id="pm25-readings"' not in html


def visible_text(response: Any) -> str:
    """The words a reader sees: no scripts, styles, tags or entities, spaces collapsed."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


ENGLISH_COUNT = re.compile(r"\b\d+ (?:stations?|days?|hours?)\b")


class TestCountsInTheRequestLanguage:
    """A count is written with the catalogue's plural forms: Thai (one form) under ``/``, the
    English singular or plural under ``/en/``; never "2 station" or "2 day" on a Thai page."""

    def test_a_province_with_two_stations(self, known: Known, app: Any) -> None:
        thai = visible_text(app.get("/province/TH-52"))
        assert "2 สถานี" in thai and "ค่าเฉลี่ยจาก 2 จาก 2 สถานี" in thai
        assert re.search(r"\d+ วัน จาก \d+ วันในช่วงนี้", thai)
        assert not ENGLISH_COUNT.search(thai), ENGLISH_COUNT.findall(thai)
        english = visible_text(app.get("/en/province/TH-52"))
        assert "2 stations" in english and "Mean of 2 of 2 stations at" in english

    def test_a_province_with_one_station(self, known: Known, app: Any) -> None:
        thai = visible_text(app.get("/province/TH-10"))
        assert "1 สถานี" in thai and "ค่าเฉลี่ยจาก 1 จาก 1 สถานี" in thai
        assert not ENGLISH_COUNT.search(thai), ENGLISH_COUNT.findall(thai)
        english = visible_text(app.get("/en/province/TH-10"))
        assert "1 station " in english and "Mean of 1 of 1 station at" in english
        assert "1 stations" not in english

    def test_days_over_the_standard_on_a_station_page(self, known: Known, app: Any) -> None:
        thai = app.get("/dataset/air4thai-l1").get_data(as_text=True)
        count = int(re.findall(r'class="pm25-days-over-count" data-count="(\d+)">([^<]*)<', thai)[0][0])
        assert f'data-count="{count}">{count} วัน<' in thai
        assert not ENGLISH_COUNT.search(visible_text(app.get("/dataset/air4thai-l1")))
        english = app.get("/en/dataset/air4thai-l1").get_data(as_text=True)
        assert f'data-count="{count}">{count} {"day" if count == 1 else "days"}<' in english

    @pytest.mark.ckan_config("ckanext.pm25.dashboard.stale_after_hours", "1")
    def test_the_dashboards_staleness_rule(self, known: Known, app: Any) -> None:
        assert "จังหวัดที่ไม่มีข้อมูลเกิน 1 ชั่วโมงจะแสดงว่าไม่มีข้อมูลปัจจุบัน" in visible_text(app.get("/pm25"))
        assert "more than 1 hour is shown" in visible_text(app.get("/en/pm25"))
