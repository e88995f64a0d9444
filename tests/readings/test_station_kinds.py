"""Reference stations (Air4Thai) and low-cost sensors (DustBoy) in Chiang Mai, both harvested
from their imitations: pm25_station_list filters them by kind and by source, the sensors stay
out of the province's reference mean unless the site says so, their attribution is shown on
the API, the pages and the downloads, and the dashboard shows them as a layer of their own."""
from __future__ import annotations

import csv
import io
from statistics import fmean
from typing import Any

import pytest
from ckan.tests import helpers

from tests.harvesters.harvesting import CONTACT, make_source, now_thai_hour, run_job
from tests.upstream import Air4ThaiServer
from tests.upstream.dustboy import DEFAULT_KEY, DustBoyServer

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues"),
              pytest.mark.ckan_config("ckanext.pm25.dustboy.api_key", DEFAULT_KEY)]

ATTRIBUTION = "CCDC, Chiang Mai University (DustBoy)"
CHIANG_MAI = "TH-50"


@pytest.fixture
def harvested(allow_upstream) -> dict[str, Any]:
    hour = now_thai_hour()
    with Air4ThaiServer(now_local=hour, hours=30) as air4thai, \
            DustBoyServer(now_local=hour, hours=30) as dustboy:
        allow_upstream(air4thai.url, dustboy.url)
        run_job(make_source(air4thai.url, "pm25_air4thai", name="air4thai"))
        # the sensors read well above the reference stations this hour, so that counting them
        # would change the province's value (the imitations' own values may fall close together)
        above = round(latest_mean(station_list(kind="reference_station", province=CHIANG_MAI)) + 20, 1)
        for sensor_id in dustboy.sensors:
            dustboy.set_value(sensor_id, above)
        run_job(make_source(dustboy.url, "pm25_dustboy", {"maintainer_email": CONTACT}, name="dustboy"))
    return {"hour": hour}


def station_list(**filters: Any) -> list[dict[str, Any]]:
    return helpers.call_action("pm25_station_list", **filters)["results"]


def province_latest() -> dict[str, Any]:
    return helpers.call_action("pm25_province_show", id=CHIANG_MAI)["latest"]


def latest_mean(records: list[dict[str, Any]]) -> float:
    return fmean(r["latest"]["pm25"] for r in records if r["province"] == CHIANG_MAI)


def same(shown: float, mean: float) -> bool:
    """The province's value is shown to one decimal."""
    return abs(shown - mean) <= 0.05 + 1e-9


def test_the_list_filters_by_kind_and_by_source(harvested) -> None:
    sensors = station_list(kind="low_cost_sensor")
    reference = station_list(kind="reference_station")

    assert len(sensors) == 8 and {s["name"][:8] for s in sensors} == {"dustboy-"}
    assert len(reference) == 9 and all(s["name"].startswith("air4thai-") for s in reference)
    assert station_list(kind="satellite_model") == []
    assert [s["name"] for s in station_list(source="pm25_dustboy")] == [s["name"] for s in sensors]
    assert [s["name"] for s in station_list(source="dustboy")] == [s["name"] for s in sensors]
    assert len(station_list(source="pm25_air4thai", province=CHIANG_MAI)) == 2
    assert station_list(source="pm25_air4thai", kind="low_cost_sensor") == []


def test_each_station_says_its_source_and_licence(harvested) -> None:
    sensor = station_list(kind="low_cost_sensor")[0]
    assert sensor["measurement_type"] == "low_cost_sensor"
    assert sensor["source"]["type"] == "pm25_dustboy" and sensor["source"]["name"] == "dustboy"
    assert ATTRIBUTION in sensor["source"]["data_source"]
    assert sensor["source"]["license_id"]
    station = station_list(kind="reference_station")[0]
    assert station["source"]["type"] == "pm25_air4thai" and ATTRIBUTION not in station["source"]["data_source"]


def test_bad_filters_are_refused_in_the_request_language(harvested, app) -> None:
    english = app.get("/en/api/3/action/pm25_station_list?kind=sensor")
    assert english.status_code == 409
    assert "low_cost_sensor" in english.json["error"]["kind"][0]
    thai = app.get("/api/3/action/pm25_station_list?source=nowhere").json["error"]["source"][0]
    assert "pm25_dustboy" in thai and "ไม่ใช่" in thai
    assert "Not a harvest source" in app.get("/en/api/3/action/pm25_station_list?source=nowhere"
                                              ).json["error"]["source"][0]


def test_sensors_stay_out_of_the_province_reference_mean(harvested) -> None:
    latest = province_latest()
    reference = station_list(kind="reference_station", province=CHIANG_MAI)
    sensors = station_list(kind="low_cost_sensor", province=CHIANG_MAI)

    assert len(reference) == 2 and len(sensors) == 6
    assert same(latest["pm25"], latest_mean(reference))
    assert abs(latest_mean(reference + sensors) - latest_mean(reference)) > 1  # they would show
    assert helpers.call_action("pm25_province_show", id=CHIANG_MAI)["station_count"] == 2


@pytest.mark.ckan_config("ckanext.pm25.dashboard.low_cost_in_province_mean", True)
def test_sensors_count_in_the_mean_when_the_site_says_so(harvested) -> None:
    reference = station_list(kind="reference_station", province=CHIANG_MAI)
    sensors = station_list(kind="low_cost_sensor", province=CHIANG_MAI)

    assert same(province_latest()["pm25"], latest_mean(reference + sensors))
    assert helpers.call_action("pm25_province_show", id=CHIANG_MAI)["station_count"] == 8


def test_attribution_on_pages_and_downloads(harvested, app) -> None:
    sensor = station_list(kind="low_cost_sensor", province=CHIANG_MAI)[0]

    for path in (f"/dataset/{sensor['name']}", f"/en/dataset/{sensor['name']}", "/pm25", "/en/pm25"):
        assert ATTRIBUTION in app.get(path).get_data(as_text=True), path
    download = app.get(f"/pm25/measurements.csv?stations={sensor['name']}").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(download.lstrip("\ufeff"))))
    assert len(table) >= 24
    assert {row["data_source"] for row in table} == {ATTRIBUTION}
    assert all(row["license_id"] for row in table)


def test_the_dashboard_shows_sensors_as_a_layer_of_their_own(harvested, app) -> None:
    thai = app.get("/pm25").get_data(as_text=True)
    english = app.get("/en/pm25").get_data(as_text=True)

    assert 'data-module="pm25-sensor-layer"' in english
    assert "Low-cost sensors" in english and "เซนเซอร์ราคาประหยัด" in thai
    layer = app.get("/pm25/sensors.geojson").json
    assert len(layer["features"]) == 8
    assert {f["properties"]["source"]["data_source"] for f in layer["features"]} == {ATTRIBUTION}


def station_rows(page: str) -> dict[str, str]:
    """Each row of the province page's station table by station name: its kind cell's text."""
    table = page.split('class="table table-sm pm25-station-table"')[1].split("</table>")[0]
    rows = {}
    for row in table.split('data-station="')[1:]:
        name = row.split('"', 1)[0]
        rows[name] = row.split('<td class="pm25-kind">', 1)[1].split("</td>", 1)[0].strip()
    return rows


def test_the_province_page_says_which_are_reference_stations_and_which_low_cost_sensors(harvested, app) -> None:
    english = station_rows(app.get("/en/province/TH-50").get_data(as_text=True))
    thai = station_rows(app.get("/province/TH-50").get_data(as_text=True))

    reference = {s["name"] for s in station_list(kind="reference_station", province=CHIANG_MAI)}
    sensors = {s["name"] for s in station_list(kind="low_cost_sensor", province=CHIANG_MAI)}
    assert set(english) == set(thai) == reference | sensors
    assert {english[name] for name in reference} == {"Reference monitoring station"}
    assert {english[name] for name in sensors} == {"Low-cost sensor"}
    assert {thai[name] for name in reference} == {"สถานีตรวจวัดมาตรฐาน"}
    assert {thai[name] for name in sensors} == {"เซนเซอร์ราคาประหยัด"}
