"""From upstream to the dashboard: the real Air4Thai harvester harvests the local imitation, and
the dashboard, the API and a station page show exactly what upstream served."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from ckan.tests import factories, helpers

from ckanext.pm25.harvesters import runner
from ckanext.pm25.common.times import THAI_TZ
from tests.means import exact_mean
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")

PROVINCE_STATIONS = {"TH-52": ["37t", "38t", "39t", "40t"], "TH-50": ["35t", "36t"], "TH-17": ["o70"],
                     "TH-10": ["54t", "bkp97t"]}


def now_thai_hour() -> datetime:
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def utc_text(local: datetime) -> str:
    return (local - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_harvest_of_the_imitation_shows_on_the_dashboard(app: Any, allow_upstream: Any) -> None:
    sysadmin = factories.Sysadmin()
    org = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
    with Air4ThaiServer(now_local=now_thai_hour(), hours=30) as server:
        allow_upstream(server.url)
        source = helpers.call_action(
            "harvest_source_create", context={"user": sysadmin["name"]}, name="air4thai", title="Air4Thai",
            url=server.url, source_type="pm25_air4thai", owner_org=org["id"],
            config=json.dumps({"maintainer_email": "air@example.go.th"}))
        job = runner.run_inline(source["id"])
        served = {station: dict(values) for station, values in server.hourly.items()}
        now_local = server.now_local
    assert job["status"] == "Finished"

    provinces = {record["code"]: record for record in helpers.call_action("pm25_province_list")}
    for code, stations in PROVINCE_STATIONS.items():
        values = [served[station][now_local] for station in stations]
        latest = provinces[code]["latest"]
        assert latest["pm25"] == exact_mean(values), code
        assert (latest["status"], latest["stations_reporting"]) == ("current", len(stations))
        assert latest["hour_utc"] == utc_text(now_local)
        assert provinces[code]["station_count"] == len(stations)

    lampang = helpers.call_action("pm25_province_show", id="TH-52")
    expected = [(utc_text(hour), exact_mean([served[s][hour] for s in PROVINCE_STATIONS["TH-52"]]))
                for hour in sorted(served["37t"]) if hour > now_local - timedelta(hours=24)]
    assert [(h["hour_utc"], h["pm25"]) for h in lampang["hourly"]] == expected

    html = app.get("/en/pm25").get_data(as_text=True)
    row = html.split('data-code="TH-52"', 1)[1].split("</tr>", 1)[0]
    assert f">{provinces['TH-52']['latest']['pm25']:.1f}<" in row

    page = app.get("/en/dataset/air4thai-37t").get_data(as_text=True)
    latest_value = re.search(r'<span class="pm25-latest-value">([\d.]+)</span>', page).group(1)
    assert float(latest_value) == served["37t"][now_local]
