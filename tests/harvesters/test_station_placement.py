"""Where pm25_air4thai places a station whose point lies outside every province: just off the
coast, in the nearest province, said in the job report with the distance; across a land border
(Tachileik, 1.6 km into Myanmar from Chiang Rai), in no province, said as well, never counted in
a Thai province's figures. Both are notes of the report, not errors: the run has 0 errors."""
from __future__ import annotations

import re
from typing import Any

import pytest
from ckan.tests import factories, helpers

from tests.harvesters.harvesting import (
    dataset,
    make_source,
    now_thai_hour,
    report,
    run_job,
)
from tests.upstream import Air4ThaiServer, StationSpec

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

TACHILEIK = StationSpec("99t", "ท่าขี้เหล็ก", "Tachileik", "ท่าขี้เหล็ก, เมียนมา", "Tachileik, Myanmar",
                        lat="20.45", lon="99.88")
OFF_CHON_BURI = StationSpec("98t", "ท่าเรือชลบุรี", "Chon Buri pier", "อ.เมือง, ชลบุรี", "Mueang, Chon Buri",
                            lat="13.3611", lon="100.9727")


def province_record(code: str) -> dict[str, Any]:
    return next(r for r in helpers.call_action("pm25_province_list", context={"user": ""}) if r["code"] == code)


def report_notes(job: dict[str, Any]) -> list[str]:
    return [note["message"] for item in report(job)["notes"].values() for note in item["notes"]]


def page_text(app: Any, url: str, token: str) -> str:
    html = app.get(url, headers={"Authorization": token}).get_data(as_text=True)
    return re.sub(r"\s+", " ", html)


def test_a_station_across_a_land_border_is_placed_nowhere_and_one_off_the_coast_is_snapped(
        allow_upstream: Any, app: Any) -> None:
    with Air4ThaiServer([TACHILEIK, OFF_CHON_BURI], now_local=now_thai_hour(), hours=3) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        job = run_job(source)

    assert job["status"] == "Finished"
    assert report(job)["object_errors"] == {} and report(job)["gather_errors"] == []
    assert (job["stats"]["errored"], job["stats"]["notes"]) == (0, 2)
    messages = report_notes(job)
    assert ("Not placed in any province: station 99t at 20.45, 99.88 lies outside Thailand, 1607 m across "
            "the land border from Chiang Rai (TH-57)") in messages
    assert ("Placed in Chon Buri (TH-20): station 98t at 13.3611, 100.9727 lies 714 m off its coast, "
            "outside every province boundary") in messages

    assert dataset("air4thai-99t")["provinces"] in ([], None, "")
    assert province_record("TH-57")["station_count"] == 0
    assert province_record("TH-57")["latest"]["pm25"] is None
    assert dataset("air4thai-98t")["provinces"] == ["TH-20"]
    assert province_record("TH-20")["station_count"] == 1
    assert province_record("TH-20")["latest"]["pm25"] is not None

    token = factories.SysadminWithToken()["token"]
    for url in (f"/en/harvest/{source['name']}/job/{job['id']}", f"/en/harvest/admin/{source['name']}"):
        shown = page_text(app, url, token)
        assert 'data-diff="error"> 0 errors </span>' in shown, url
        assert 'data-diff="note"> 2 notes </span>' in shown, url
    report_page = page_text(app, f"/en/harvest/{source['name']}/job/{job['id']}", token)
    assert "No errors for this job" in report_page
    assert "Placed in Chon Buri (TH-20): station 98t" in report_page.split("Data-quality notes")[1]
