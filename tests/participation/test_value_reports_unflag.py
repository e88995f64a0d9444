"""Reports on values (issue 17), after the agency acted: it withdraws its flag (the reading's
quality flag is the upstream's again in pm25_measurements, the dashboard's CSV, the station's
download from the store and the DataStore API; the report's public history says when), and
a harvest over unchanged upstream data counts a flagged hour as "not modified", before and
after; a reporter removes their report (PDPA), what the agency did stays without them. Each
with its authorisation matrix."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import helpers

from ckanext.pm25.common.times import THAI_TZ, parse_instant
from ckanext.pm25.readings.helpers import pm25_local_time

from tests.harvesters.harvesting import run_job, stats, store_of
from tests.participation.conftest import Sink, csrf_token
from tests.participation.reports_world import STATION_ID, a_reading
from tests.participation.requests_world import World, call
from tests.participation.test_requests_pages import signed_in, words
from tests.participation.test_value_reports import AGENCY, NOT_AGENCY, _dashboard_csv, _store_flags, report
from tests.upstream import Air4ThaiServer


def _flags(app: Any, world: World, hour: str) -> dict[str, Any]:
    """The reading's quality flag wherever a user reads it."""
    store_id, series = store_of(world.dataset)
    measured = helpers.call_action("pm25_measurements", stations=world.dataset["name"], start=hour,
                                   end=hour[:13] + ":59:59Z")["results"]
    records = helpers.call_action("datastore_search", resource_id=store_id, limit=1000, filters={
        "series_id": series, "parameter": "pm25"})["records"]
    return {"pm25_measurements": [item["quality_flag"] for item in measured],
            "datastore_search": [record["quality_flag"] for record in records
                                 if parse_instant(record["hour_utc"]) == parse_instant(hour)],
            "store download": [flag for stored, flag in _store_flags(app, world).items()
                               if parse_instant(stored) == parse_instant(hour)],
            "dashboard csv": _dashboard_csv(app, world, hour)[hour]}


def _source() -> dict[str, Any]:
    return next(iter(helpers.call_action("harvest_source_list")))


def test_the_agency_withdraws_its_flag_everywhere_and_harvests_count_nothing_updated(
        app: Any, reports_world: World, smtp_server: Sink) -> None:
    world = reports_world
    hour = a_reading(world.dataset)["datetime_utc"]
    upstream = _flags(app, world, hour)
    given = upstream["dashboard csv"]
    assert given != "agency_flagged"
    assert upstream == {"pm25_measurements": [given or None], "datastore_search": [given or None],
                        "store download": [given], "dashboard csv": given}
    made = report(app, world)
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"]})
    assert _flags(app, world, hour) == {"pm25_measurements": ["agency_flagged"],
                                        "datastore_search": ["agency_flagged"],
                                        "store download": ["agency_flagged"], "dashboard csv": "agency_flagged"}

    # the same upstream data again: the flagged hour is kept, and not counted as updated
    assert stats(run_job(_source())) == {"not modified": 9}
    assert _flags(app, world, hour)["datastore_search"] == ["agency_flagged"]

    withdrawn = call(app, world, "agency_admin", "pm25_value_report_unflag",
                     {"id": made["id"], "message": "The calibration was right after all."})["result"]
    assert withdrawn["status"] == "unflagged" and withdrawn["unflagged"] is not None
    assert withdrawn["unflag_note"] == "The calibration was right after all."
    assert _flags(app, world, hour) == upstream
    assert stats(run_job(_source())) == {"not modified": 9}
    assert _flags(app, world, hour) == upstream

    again = call(app, world, "agency_admin", "pm25_value_report_unflag", {"id": made["id"]}, status=409)
    assert again["error"]["status"] == ["The agency has not flagged the value of this report."]
    listed = call(app, world, "anonymous", "pm25_value_report_list", {"status": "unflagged"})["result"]
    assert [item["id"] for item in listed["results"]] == [made["id"]]


def test_two_reports_flagged_on_one_reading_keep_the_upstreams_flag(app: Any, reports_world: World) -> None:
    world = reports_world
    hour = a_reading(world.dataset)["datetime_utc"]
    upstream = _flags(app, world, hour)
    first = report(app, world)
    second = call(app, world, "other_user", "pm25_value_report_create", {
        "station": world.dataset["name"], "hour": hour, "reason": "stuck_value"})["result"]
    for made in (first, second):
        call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"]})
    call(app, world, "agency_editor", "pm25_value_report_unflag", {"id": second["id"]})
    assert _flags(app, world, hour) == upstream
    statuses = {item["id"]: item["status"] for item in
                call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["results"]}
    assert statuses == {first["id"]: "unflagged", second["id"]: "unflagged"}


def test_only_the_stations_agency_withdraws_a_flag(app: Any, reports_world: World) -> None:
    world = reports_world
    made = report(app, world)
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"]})
    for role in NOT_AGENCY:
        refused = call(app, world, role, "pm25_value_report_unflag", {"id": made["id"]}, status=403)
        assert "Only the editors of the agency that owns this station" in refused["error"]["message"]
    assert call(app, world, "anonymous", "pm25_value_report_show", {"id": made["id"]})["result"]["status"] == "flagged"
    for back, role in enumerate(AGENCY, start=2):
        own = report(app, world, back)
        call(app, world, "agency_editor", "pm25_value_report_flag", {"id": own["id"]})
        assert call(app, world, role, "pm25_value_report_unflag", {"id": own["id"]})["result"]["status"] == "unflagged"


def test_the_withdraw_button_and_the_public_history_on_the_page(app: Any, reports_world: World) -> None:
    world = reports_world
    made = report(app, world)
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"]})
    path = f"/en/dataset/{world.dataset['name']}"
    for role in ("reporter", "agency_member", "other_agency_editor"):
        assert "Withdraw the flag" not in words(signed_in(app, world, role).get(path))
    editor = signed_in(app, world, "agency_editor")
    assert "Withdraw the flag" in words(editor.get(path))
    done = editor.post(f"/en/pm25/value-reports/{made['id']}/unflag",
                       data={"message": "A dust storm, confirmed.", "_csrf_token": csrf_token(editor, path)},
                       follow_redirects=True)
    text = words(done)
    assert "implausibly high (the agency withdrew its flag)" in text and "Withdraw the flag" not in text
    shown = call(app, world, "anonymous", "pm25_value_report_show", {"id": made["id"]})["result"]
    withdrawn_on = pm25_local_time(shown["unflagged"])
    assert f"The agency withdrew its flag: {withdrawn_on}: A dust storm, confirmed." in text
    assert f"Reported: {pm25_local_time(shown['created'])}" in text
    thai = words(app.test_client().get(f"/dataset/{world.dataset['name']}"))
    assert f"หน่วยงานยกเลิกเครื่องหมายแล้ว: {withdrawn_on}: A dust storm, confirmed." in thai


def test_a_reporter_removes_an_open_report_and_it_is_gone(app: Any, reports_world: World) -> None:
    world = reports_world
    made = report(app, world)
    for role in ("anonymous", "other_user", "agency_member", "agency_editor", "agency_admin", "other_agency_editor"):
        refused = call(app, world, role, "pm25_value_report_delete", {"id": made["id"]}, status=403)
        assert refused["error"]["message"].endswith("Only the reader who made this report can remove it.") \
            or role == "anonymous"
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 1
    call(app, world, "reporter", "pm25_value_report_delete", {"id": made["id"]})
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 0
    missing = call(app, world, "reporter", "pm25_value_report_show", {"id": made["id"]}, status=404)
    assert missing["error"]["message"] == "Not found: There is no such report."
    other = report(app, world, 2)
    call(app, world, "sysadmin", "pm25_value_report_delete", {"id": other["id"]})
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 0


@pytest.mark.parametrize("action,extra", [("pm25_value_report_flag", {}),
                                          ("pm25_value_report_answer", {"message": "Checked: a dust storm."})])
def test_a_reporter_removes_a_report_the_agency_acted_on_and_the_agency_step_stays(
        app: Any, reports_world: World, action: str, extra: dict[str, Any]) -> None:
    world = reports_world
    hour = a_reading(world.dataset)["datetime_utc"]
    made = report(app, world)
    call(app, world, "agency_editor", action, {"id": made["id"], **extra})
    reader = signed_in(app, world, "reporter")
    path = f"/en/dataset/{world.dataset['name']}"
    assert "Remove my report" in words(reader.get(path))
    assert "Remove my report" not in words(signed_in(app, world, "other_user").get(path))
    removed = reader.post(f"/en/pm25/value-reports/{made['id']}/remove",
                          data={"_csrf_token": csrf_token(reader, path)}, follow_redirects=True)
    text = words(removed)
    assert "Your report was removed" in text and "The reader removed their report." in text
    assert "Twice the neighbouring stations." not in text
    shown = call(app, world, "reporter", "pm25_value_report_show", {"id": made["id"]})["result"]
    assert (shown["message"], shown["author_removed"], shown["reported_by_you"]) == ("", True, False)
    assert shown["status"] == ("flagged" if action.endswith("flag") else "answered")
    assert shown["answer"] == extra.get("message", "") and shown["reason"] == "implausibly_high"
    if action.endswith("flag"):
        assert _flags(app, world, hour)["datastore_search"] == ["agency_flagged"]
    again = call(app, world, "reporter", "pm25_value_report_delete", {"id": made["id"]}, status=403)
    assert again["error"]["message"].endswith("Only the reader who made this report can remove it.")


def test_a_flagged_hour_takes_upstreams_new_value_and_keeps_the_flag_until_it_is_withdrawn(
        app: Any, reports_world: World, upstream: Air4ThaiServer) -> None:
    world = reports_world
    hour = a_reading(world.dataset, 2)["datetime_utc"]
    given = _flags(app, world, hour)
    made = report(app, world, 2)
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"]})
    local = parse_instant(hour).astimezone(THAI_TZ).replace(tzinfo=None)
    assert local in upstream.hourly[STATION_ID]
    upstream.set_value(STATION_ID, 123.4, local)  # upstream corrects the value

    assert stats(run_job(_source()))["updated"] == 1
    assert _value(world, hour) == (123.4, "agency_flagged")

    call(app, world, "agency_editor", "pm25_value_report_unflag", {"id": made["id"]})
    assert _value(world, hour) == (123.4, given["dashboard csv"])
    assert _flags(app, world, hour) == given
    assert stats(run_job(_source())) == {"not modified": 9}


def _value(world: World, hour: str) -> tuple[float, str]:
    """The reading's value and flag as pm25_measurements gives them."""
    [found] = helpers.call_action("pm25_measurements", stations=world.dataset["name"], start=hour,
                                  end=hour[:13] + ":59:59Z")["results"]
    return found["pm25"], found["quality_flag"]
