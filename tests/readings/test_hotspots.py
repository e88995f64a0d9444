"""Hotspots as the public sees them, after a real pm25_firms harvest from the local FIRMS
imitation: the API (anonymous, bounded, errors in the request's language), the province page's
counts, table, chart and CSV, and the dashboard map's layer data."""
from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.demo.upstream import Detection, FirmsServer
from ckanext.pm25.harvesters import runner
from ckanext.pm25.readings import hooks
from tests.harvesters.harvesting import CONTACT, make_source

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")

KEY = "readings-test-map-key-0000000001"
ANONYMOUS = {"user": "", "ignore_auth": False}
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


CHIANG_MAI = [  # TH-50
    Detection("VIIRS_SNPP_NRT", 18.79, 98.98, ago(hours=2), "h", 12.5),
    Detection("MODIS_NRT", 18.70, 98.90, ago(hours=5), "90", 30.0, satellite="Terra"),
    Detection("VIIRS_NOAA20_NRT", 18.80, 98.95, ago(days=3), "n", 4.0),
]
MAE_HONG_SON = [Detection("VIIRS_SNPP_NRT", 19.30, 97.97, ago(hours=1), "l", 2.0)]  # TH-58
MYANMAR = [Detection("VIIRS_SNPP_NRT", 20.80, 97.90, ago(hours=1), "n", 9.0)]


@pytest.fixture
def harvested(allow_upstream, monkeypatch) -> dict[str, Any]:
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", KEY)
    # the site lives at the moment the detections were made: a run that crosses a Thai midnight
    # (17:00 UTC) would otherwise count them into the next day's window
    monkeypatch.setattr(hooks, "now", lambda: NOW)
    with FirmsServer(map_key=KEY, today=NOW.date(),
                     detections=CHIANG_MAI + MAE_HONG_SON + MYANMAR) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_firms", {
            "day_range": 5, "maintainer_email": CONTACT,
            "sensors": ["VIIRS_SNPP_NRT", "VIIRS_NOAA20_NRT", "MODIS_NRT"]}, name="firms-pages")
        job = runner.run_inline(source["id"])
    assert job["status"] == "Finished"
    return source


def call(action: str, **data: Any) -> Any:
    return helpers.call_action(action, context=dict(ANONYMOUS), **data)


def test_the_hotspot_list_gives_a_provinces_detections_newest_first(harvested) -> None:
    day = call("pm25_hotspot_list", province="TH-50")
    week = call("pm25_hotspot_list", province="chiang mai", start=ago(days=7).isoformat())
    everywhere = call("pm25_hotspot_list")

    assert [(h["instrument"], h["satellite"], h["confidence"]) for h in day["results"]] == [
        ("VIIRS", "N", "high"), ("MODIS", "Terra", "high")]
    assert day["count"] == 2 and day["attribution"] == "NASA FIRMS"
    assert day["results"][0]["acquired_utc"] == ago(hours=2).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert day["results"][1]["confidence_pct"] == 90 and day["results"][1]["frp"] == 30.0
    assert week["count"] == 3
    assert sorted(h["province"] for h in everywhere["results"]) == ["TH-50", "TH-50", "TH-58"]
    paged = call("pm25_hotspot_list", province="TH-50", start=ago(days=7).isoformat(), limit=1, offset=1)
    assert (paged["count"], [h["frp"] for h in paged["results"]]) == (3, [30.0])


def test_counts_per_thai_day_beside_the_daily_mean(harvested) -> None:
    counted = call("pm25_hotspot_counts", id="TH-50", days=7)

    expected = Counter(d.acquired.astimezone(THAI_TZ).date().isoformat() for d in CHIANG_MAI)
    assert {day["date"]: day["hotspots"] for day in counted["days"] if day["hotspots"]} == expected
    assert len(counted["days"]) == 7 and counted["total"] == 3
    assert counted["last_day"] == NOW.astimezone(THAI_TZ).date().isoformat()
    assert all(day["pm25"] is None for day in counted["days"])  # no stations harvested here
    assert call("pm25_hotspot_counts", id="TH-10")["total"] == 0


def test_bad_requests_are_refused_in_the_request_language(harvested, app) -> None:
    thai = app.get("/api/3/action/pm25_hotspot_list?province=Atlantis")
    english = app.get("/en/api/3/action/pm25_hotspot_list?province=Atlantis")
    assert thai.status_code == english.status_code == 409
    assert "Unknown province" in english.json["error"]["province"][0]
    assert "Unknown province" not in thai.json["error"]["province"][0]
    too_long = app.get("/en/api/3/action/pm25_hotspot_list?start=2020-01-01T00:00:00Z"
                       "&end=2021-01-01T00:00:00Z").json["error"]
    assert "at most" in too_long["end"][0]
    days = app.get("/en/api/3/action/pm25_hotspot_counts?id=TH-50&days=0").json["error"]["days"][0]
    assert "from 1 to" in days
    thai_days = app.get("/api/3/action/pm25_hotspot_counts?id=TH-50&days=0").json["error"]["days"][0]
    assert "จำนวนวันเต็ม" in thai_days
    assert app.get("/en/api/3/action/pm25_hotspot_list?limit=1000000").status_code == 409


def test_the_province_page_shows_its_hotspots_chart_and_csv(harvested, app) -> None:
    page = app.get("/en/province/TH-50").body

    assert 'id="pm25-hotspots"' in page
    assert 'class="pm25-hotspots-24h" data-count="2"' in page
    assert 'class="pm25-hotspots-7d" data-count="3"' in page
    assert page.count('class="pm25-hotspot-bar"') == 30
    assert "NASA FIRMS" in page
    thai = app.get("/province/TH-50").body
    assert "จุดความร้อน" in thai

    response = app.get("/province/TH-50/hotspots-per-day.csv")
    rows = list(csv.DictReader(io.StringIO(response.body.lstrip("\ufeff"))))
    assert response.headers["Content-Type"].startswith("text/csv")
    assert len(rows) == 30 and sum(int(row["hotspots"]) for row in rows) == 3
    listed = app.get(f"/pm25/hotspots.csv?province=TH-58&start={ago(days=1).isoformat()}".replace("+", "%2B"))
    assert [row["satellite"] for row in csv.DictReader(io.StringIO(listed.body.lstrip("\ufeff")))] == ["N"]


def test_the_dashboard_map_gets_the_last_24_hours(harvested, app) -> None:
    dashboard = app.get("/en/pm25").body
    assert 'data-module="pm25-hotspot-layer"' in dashboard and "NASA FIRMS" in dashboard

    layer = app.get("/pm25/hotspots.geojson").json
    assert layer["count"] == 3 and layer["attribution"] == "NASA FIRMS"
    assert sorted(f["properties"]["province"] for f in layer["features"]) == ["TH-50", "TH-50", "TH-58"]
    assert [98.98, 18.79] in [f["geometry"]["coordinates"] for f in layer["features"]]


def test_without_a_hotspot_source_the_pages_show_no_hotspot_part(app) -> None:
    assert 'id="pm25-hotspots"' not in app.get("/en/province/TH-50").body
    assert "pm25-hotspot-layer" not in app.get("/en/pm25").body
    assert call("pm25_hotspot_list")["count"] == 0
