"""Reports on values on a station's page, Thai at / and English at /en/: the "this value looks
wrong" form for signed-in readers (CSRF), the reports with their public status, and the flag
and answer buttons for the station's agency only."""
from __future__ import annotations

from typing import Any

from tests.participation.conftest import csrf_token
from tests.participation.reports_world import a_reading
from tests.participation.requests_world import World, call
from tests.participation.test_requests_pages import signed_in, words


def page(client: Any, world: World, prefix: str = "/en") -> str:
    return words(client.get(f"{prefix}/dataset/{world.dataset['name']}"))


def test_a_visitor_is_asked_to_sign_in_and_sees_no_form(app: Any, reports_world: World) -> None:
    text = page(app.test_client(), reports_world)
    assert "Reports on values" in text and "Sign in to report a value that looks wrong." in text
    assert "Send the report" not in text


def test_a_reader_reports_and_the_agency_flags_it_on_the_page(app: Any, reports_world: World) -> None:
    world = reports_world
    hour = a_reading(world.dataset)["datetime_utc"]
    reader = signed_in(app, world, "reporter")
    path = f"/en/dataset/{world.dataset['name']}"
    offered = reader.get(path).get_data(as_text=True)
    assert "Send the report" in offered and f'<option value="{hour}">' in offered  # the newest value first
    form = {"hour": hour, "reason": "implausibly_high", "message": "Far above its neighbours."}
    refused = reader.post(f"/en/dataset/{world.dataset['name']}/value-reports", data=form)
    assert refused.status_code in (400, 403)
    assert call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["count"] == 0

    sent = reader.post(f"/en/dataset/{world.dataset['name']}/value-reports",
                       data={**form, "_csrf_token": csrf_token(reader, path)}, follow_redirects=True)
    text = words(sent)
    assert "Thank you: your report is public below" in text
    assert "implausibly high (waiting for the agency)" in text and "Far above its neighbours." in text
    assert "Flag the value as wrong" not in text
    for role in ("other_agency_editor", "agency_member"):
        assert "Flag the value as wrong" not in page(signed_in(app, world, role), world)

    editor = signed_in(app, world, "agency_editor")
    assert "Flag the value as wrong" in page(editor, world)
    [report] = call(app, world, "anonymous", "pm25_value_report_list", {})["result"]["results"]
    flagged = editor.post(f"/en/pm25/value-reports/{report['id']}/flag",
                          data={"message": "Sensor fault.", "_csrf_token": csrf_token(editor, path)},
                          follow_redirects=True)
    assert "implausibly high (the agency flagged the value)" in words(flagged)
    thai = page(app.test_client(), world, prefix="")
    assert "สูงผิดปกติ (หน่วยงานทำเครื่องหมายว่าค่าผิดปกติแล้ว)" in thai and "หน่วยงาน: Sensor fault." in thai
    assert "reporter" not in thai.replace("Reports", "")


def test_an_empty_answer_is_refused_with_its_message_and_the_report_stays_open(app: Any,
                                                                               reports_world: World) -> None:
    world = reports_world
    made = call(app, world, "reporter", "pm25_value_report_create", {
        "station": world.dataset["name"], "hour": a_reading(world.dataset)["datetime_utc"],
        "reason": "stuck_value"})["result"]
    editor = signed_in(app, world, "agency_editor")
    path = f"/dataset/{world.dataset['name']}"
    answered = editor.post(f"/pm25/value-reports/{made['id']}/answer",
                           data={"message": "", "_csrf_token": csrf_token(editor, path)}, follow_redirects=True)
    assert "โปรดเขียนคำตอบ" in words(answered)
    assert call(app, world, "anonymous", "pm25_value_report_show", {"id": made["id"]})["result"]["status"] == "open"


def test_a_cached_station_page_is_not_served_once_a_report_changes_it(app: Any, reports_world: World) -> None:
    world = reports_world
    visitor = app.test_client()
    path = f"/en/dataset/{world.dataset['name']}"
    first = visitor.get(path)
    etag = first.headers["ETag"]
    assert visitor.get(path, headers={"If-None-Match": etag}).status_code == 304
    made = call(app, world, "reporter", "pm25_value_report_create", {
        "station": world.dataset["name"], "hour": a_reading(world.dataset)["datetime_utc"],
        "reason": "implausibly_low"})["result"]
    fresh = visitor.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "implausibly low (waiting for the agency)" in words(fresh)
    call(app, world, "agency_admin", "pm25_value_report_answer", {"id": made["id"], "message": "Rain."})
    answered = visitor.get(path, headers={"If-None-Match": fresh.headers["ETag"]})
    assert answered.status_code == 200 and "implausibly low (the agency answered)" in words(answered)
