"""Reports on values (issue 17) through the action API: who may do what (the authorisation
matrix), what the public sees (never the reporter), and what a flag changes: the reading's
quality flag in pm25_measurements, the dashboard's CSV, the station's download from the store
and the DataStore API, kept by a harvest re-run; the reporter hears of it by mail."""
from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers

from tests.harvesters.harvesting import hourly_resource, run_job, store_of
from tests.participation.conftest import Sink
from tests.participation.reports_world import a_reading
from tests.participation.requests_world import World, call

AGENCY = ("agency_editor", "agency_admin", "sysadmin")
NOT_AGENCY = ("anonymous", "reporter", "other_user", "agency_member", "other_agency_editor")


def report(app: Any, world: World, back: int = 1, **overrides: Any) -> dict[str, Any]:
    reading = a_reading(world.dataset, back)
    data = {"station": world.dataset["name"], "hour": reading["datetime_utc"], "reason": "implausibly_high",
            "message": "Twice the neighbouring stations.", "language": "en", **overrides}
    return call(app, world, "reporter", "pm25_value_report_create", data)["result"]


def test_only_signed_in_users_report_and_everyone_reads_without_the_reporter(app: Any,
                                                                              reports_world: World) -> None:
    world = reports_world
    reading = a_reading(world.dataset)
    data = {"station": world.dataset["name"], "hour": reading["datetime_utc"], "reason": "stuck_value"}
    refused = call(app, world, "anonymous", "pm25_value_report_create", data, status=403)
    assert refused["error"]["message"] == "Access denied: Please sign in to report a value."
    for role in ("reporter", "other_user", "agency_member", "agency_editor", "other_agency_editor", "sysadmin"):
        made = call(app, world, role, "pm25_value_report_create", data)["result"]
        assert made["status"] == "open" and made["reported_by_you"] is True
    for role in ("anonymous", "reporter", "agency_admin"):
        listed = app.post("/en/api/3/action/pm25_value_report_list", json={"station": world.dataset["name"]},
                          headers={"Authorization": world.tokens[role]} if role in world.tokens else {})
        assert listed.json["result"]["count"] == 6
        shown = call(app, world, role, "pm25_value_report_show", {"id": made["id"]})["result"]
        assert shown["station"]["name"] == world.dataset["name"] and shown["reason"] == "stuck_value"
        for private in ("reporter", "reporter@example.org", "site-admin", "sysadmin@example.org",
                        world.users["sysadmin"]["id"]):
            assert private not in listed.get_data(as_text=True).replace(world.dataset["name"], "")


@pytest.mark.parametrize("action,extra", [("pm25_value_report_flag", {}),
                                          ("pm25_value_report_answer", {"message": "Checked: a dust storm."})])
def test_only_the_stations_agency_flags_or_answers(app: Any, reports_world: World, action: str,
                                                   extra: dict[str, Any]) -> None:
    world = reports_world
    made = report(app, world)
    for role in NOT_AGENCY:
        refused = call(app, world, role, action, {"id": made["id"], **extra}, status=403)
        assert "Only the editors of the agency that owns this station" in refused["error"]["message"]
    assert call(app, world, "anonymous", "pm25_value_report_show", {"id": made["id"]})["result"]["status"] == "open"
    for back, role in enumerate(AGENCY, start=2):
        own = report(app, world, back)
        done = call(app, world, role, action, {"id": own["id"], **extra})["result"]
        assert done["status"] == ("flagged" if action.endswith("flag") else "answered")
        again = call(app, world, role, action, {"id": own["id"], **extra}, status=409)
        assert again["error"]["status"] == ["This report is already closed."]


def test_bad_reports_are_refused_with_a_clear_message_and_nothing_stored(app: Any, reports_world: World) -> None:
    world = reports_world
    hour = a_reading(world.dataset)["datetime_utc"]
    cases = [({"reason": "too_sunny"}, "reason", "Please choose why the value looks wrong."),
             ({"reason": "other", "message": ""}, "message", "Please say what looks wrong."),
             ({"hour": "yesterday"}, "hour", "Please give the reading's hour as an ISO 8601 date and time."),
             ({"hour": "2001-01-01T00:00:00Z"}, "hour", "This station has no value for that hour."),
             ({"station": "no-such-station"}, "station", "There is no such station.")]
    for overrides, field, message in cases:
        data = {"station": world.dataset["name"], "hour": hour, "reason": "implausibly_low", **overrides}
        refused = call(app, world, "reporter", "pm25_value_report_create", data, status=409)
        assert refused["error"][field] == [message]
    answer = call(app, world, "agency_editor", "pm25_value_report_answer",
                  {"id": report(app, world)["id"], "message": " "}, status=409)
    assert answer["error"]["message"] == ["Please write your answer."]
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 1


def _dashboard_csv(app: Any, world: World, hour: str) -> dict[str, str]:
    """datetime_utc → quality_flag of the station's readings in /pm25/measurements.csv from ``hour`` on."""
    body = app.get("/pm25/measurements.csv", query_string={"stations": world.dataset["name"], "start": hour}
                   ).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    return {row["datetime_utc"]: row["quality_flag"] for row in rows}


def _store_flags(app: Any, world: World) -> dict[str, str]:
    url = urlsplit(hourly_resource(helpers.call_action("package_show", id=world.dataset["id"]))["url"])
    rows = list(csv.DictReader(io.StringIO(app.get(f"{url.path}?{url.query}").get_data(as_text=True).lstrip("\ufeff"))))
    return {row["hour_utc"]: row["quality_flag"] for row in rows}


def test_a_flag_shows_in_the_api_every_download_and_the_store_and_a_harvest_keeps_it(
        app: Any, reports_world: World, smtp_server: Sink, upstream: Any) -> None:
    world = reports_world
    reading = a_reading(world.dataset)
    made = report(app, world)
    store_id, series = store_of(world.dataset)
    searched = helpers.call_action("datastore_search", resource_id=store_id,
                                   filters={"series_id": series}, limit=1000)["records"]
    flagged_before = [r["hour_utc"] for r in searched if r["quality_flag"] == "agency_flagged"]
    assert flagged_before == []

    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": made["id"], "message": "Sensor fault."})

    def flags() -> tuple[Any, ...]:
        measured = helpers.call_action("pm25_measurements", stations=world.dataset["name"],
                                       start=reading["datetime_utc"], end=reading["datetime_utc"][:13] + ":59:59Z")
        records = helpers.call_action("datastore_search", resource_id=store_id,
                                      filters={"series_id": series}, limit=1000)["records"]
        return ([r["quality_flag"] for r in measured["results"]],
                sorted(r["quality_flag"] for r in records if r["quality_flag"] == "agency_flagged"),
                sorted(flag for flag in _store_flags(app, world).values() if flag == "agency_flagged"))
    assert flags() == (["agency_flagged"], ["agency_flagged"], ["agency_flagged"])
    dashboard = _dashboard_csv(app, world, reading["datetime_utc"])
    assert dashboard[reading["datetime_utc"]] == "agency_flagged"
    shown = call(app, world, "anonymous", "pm25_value_report_show", {"id": made["id"]})["result"]
    assert shown["status"] == "flagged" and shown["answer"] == "Sensor fault."

    run_job(next(s for s in helpers.call_action("harvest_source_list")))  # the same upstream data again
    assert flags() == (["agency_flagged"], ["agency_flagged"], ["agency_flagged"])

    [mail] = smtp_server.take()
    assert mail.recipients == ["reporter@example.org"]
    assert "flagged the value" in mail.body and "Sensor fault." in mail.body
    assert json.dumps(shown).count("reporter@example.org") == 0


def test_a_reader_over_the_daily_limit_is_told_so_and_nothing_is_stored(app: Any, reports_world: World,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    world = reports_world
    monkeypatch.setitem(tk.config, "ckanext.pm25.reports.max_per_user_per_day", 2)
    report(app, world, 1)
    report(app, world, 2)
    data = {"station": world.dataset["name"], "hour": a_reading(world.dataset, 3)["datetime_utc"],
            "reason": "stuck_value"}
    refused = call(app, world, "reporter", "pm25_value_report_create", data, status=409)
    assert refused["error"]["limit"] == ["You have reported too many values today. Please try again tomorrow."]
    thai = call(app, world, "reporter", "pm25_value_report_create", data, status=409, prefix="")
    assert thai["error"]["limit"] == ["วันนี้คุณแจ้งค่าที่ผิดปกติครบจำนวนแล้ว โปรดลองอีกครั้งพรุ่งนี้"]
    assert call(app, world, "other_user", "pm25_value_report_create", data)["result"]["status"] == "open"
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 3
