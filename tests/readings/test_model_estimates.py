"""The public face of GISTDA's model estimates: a province with stations keeps its stations'
value, a province with none shows the model's, labelled, with its source; the province page's
districts with their 3-day forecast; the CSV of a district's series. Real harvests of the Air4Thai
and GISTDA imitations over HTTP."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest
from ckan.tests import helpers

from tests.harvesters.harvesting import make_source, now_thai_hour, run_job
from tests.upstream import Air4ThaiServer
from tests.upstream.gistda import GistdaServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

LAMPANG, PHRAE = "52", "54"  # Lampang has Air4Thai stations, Phrae none
CONTACT = {"maintainer_email": "pm25@example.go.th"}


@pytest.fixture
def harvested(allow_upstream):
    with Air4ThaiServer(now_local=now_thai_hour(), hours=30) as air4thai, \
            GistdaServer(now_local=now_thai_hour()) as gistda:
        gistda.only_provinces = {LAMPANG, PHRAE}
        allow_upstream(air4thai.url, gistda.url)
        run_job(make_source(air4thai.url, "pm25_air4thai", name="air4thai"))
        run_job(make_source(gistda.url, "pm25_gistda", CONTACT, name="gistda"))
        yield gistda


def test_the_api_says_where_each_province_value_comes_from(harvested) -> None:
    lampang = helpers.call_action("pm25_province_show", id="TH-52")
    phrae = helpers.call_action("pm25_province_show", id="TH-54")

    assert lampang["value_source"] == "stations" and lampang["station_count"] > 0
    assert lampang["model"]["status"] == "current"
    assert phrae["value_source"] == "model" and phrae["station_count"] == 0
    assert phrae["latest"]["status"] == "no_data"
    assert phrae["model"]["pm25"] == harvested.province_values(PHRAE)[-1]
    assert phrae["model"]["kind"] == "model_estimate"
    assert "GISTDA" in phrae["model"]["source"] and phrae["model"]["licence"]
    listed = {p["code"]: p for p in helpers.call_action("pm25_province_list")}
    assert listed["TH-54"]["value_source"] == "model"
    assert listed["TH-10"]["value_source"] == "stations"
    assert listed["TH-11"]["value_source"] is None  # neither stations nor model served


def test_the_province_api_gives_each_district_with_its_forecast(harvested) -> None:
    phrae = helpers.call_action("pm25_province_show", id="TH-54")

    codes = [d["code"] for d in phrae["districts"]]
    assert codes == sorted(d.code for d in harvested.districts if d.province_dopa == PHRAE)
    first = phrae["districts"][0]
    assert first["name_en"] == "Mueang Phrae"
    assert len(first["forecast"]) == 3 and all(day["pm25"] is not None for day in first["forecast"])


def test_the_dashboard_labels_a_model_value_with_its_source(harvested, app) -> None:
    page = app.get("/en/pm25").body
    row = page.split('data-code="TH-54">')[1].split("</tr>")[0]
    assert "Model estimate (" in row and "GISTDA" in row
    lampang = page.split('data-code="TH-52">')[1].split("</tr>")[0]
    assert "Model estimate" not in lampang
    assert "Model estimates (" in page and "data up to" in page


def test_the_province_page_shows_districts_and_the_csv_downloads_the_series(harvested, app) -> None:
    page = app.get("/en/province/TH-54").body
    assert "Model estimate and 3-day forecast by district" in page
    assert "Mueang Phrae" in page
    assert "This province has no current station value" in page
    link = page.split('<tr data-code="5401">')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    parts = urlsplit(link)
    body = app.get(parts.path + "?" + parts.query).body
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["series_id"] for r in rows} == {"gistda:district:5401"}
    assert {r["parameter"] for r in rows} == {"pm25", "pm25_forecast"}
    assert len([r for r in rows if r["parameter"] == "pm25"]) == 24


def test_my_area_by_district_name_gives_its_model_estimate(harvested, app) -> None:
    for typed in ("Mueang Phrae", "อำเภอเมืองแพร่", "เมืองแพร่, แพร่", "Amphoe Mueang Phrae"):
        area = helpers.call_action("pm25_my_area", place=typed)
        assert area["province"]["code"] == "TH-54" and area["province"]["value_source"] == "model"
        assert area["district"]["code"] == "5401" and area["district"]["name_en"] == "Mueang Phrae"
        assert area["district"]["latest"]["kind"] == "model_estimate"
        assert area["district"]["latest"]["status"] == "current" and area["stations"] == []
    page = app.get("/en/pm25/my-area?place=Mueang+Phrae").body
    district = page.split('data-district="5401"', 1)[1].split("</section>", 1)[0]
    assert "Mueang Phrae" in district and "Model estimate (" in district and "GISTDA" in district
    assert "No active stations found." in page


def test_a_province_without_stations_leads_with_its_model_value_not_with_no_readings(
        harvested, app) -> None:
    value = harvested.province_values(PHRAE)[-1]
    page = app.get("/en/province/TH-54").body
    assert "No readings from this province yet." not in page
    assert "No station in this province reports yet: its value below is a model estimate." in page

    widget = app.get("/en/pm25/embed/TH-54").body
    assert "No readings from this province yet." not in widget
    assert f'<strong class="pm25-embed-value">{value:.1f}</strong>' in widget
    assert "Estimated from satellite data by a model, not measured." in widget
    assert "GISTDA" in widget.split('class="pm25-embed-source"')[1].split("</p>")[0]

    thai = app.get("/pm25/embed/TH-54").body
    assert "ค่าประมาณจากข้อมูลดาวเทียมด้วยแบบจำลอง ไม่ใช่ค่าตรวจวัด" in thai
    lampang = app.get("/en/pm25/embed/TH-52").body
    assert "Estimated from satellite data" not in lampang
