"""A data request's life through the action API: routed, supported, transferred, questioned,
answered or declined, each step public with its date and mailed (aiosmtpd) to the requester and
the supporters in their languages; refusals of bad input with nothing stored; the list's
filters; the agencies' figures on known dates; the daily limits; no address anywhere public."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from ckan.tests import helpers

from ckanext.pm25.readings import hooks
from tests.participation.conftest import Sink
from tests.participation.requests_world import World, call, new_request

ADDRESSES = ("requester@example.org", "other_user@example.org", "agency_editor@example.org")


def show(app: Any, world: World, request_id: str, role: str = "anonymous") -> dict[str, Any]:
    return call(app, world, role, "pm25_data_request_show", {"id": request_id})["result"]


def test_a_request_from_routing_to_answer_is_public_step_by_step_and_mailed(
        app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request(agency=None))["result"]
    assert made["status"] == "routing" and made["agency"] is None
    call(app, world, "other_user", "pm25_data_request_support", {"id": made["id"], "language": "th"})
    again = call(app, world, "other_user", "pm25_data_request_support", {"id": made["id"], "language": "th"})
    assert again["result"]["supporters"] == 1  # one vote per user
    assert smtp_server.take() == []  # a submission and a support mail no one

    call(app, world, "sysadmin", "pm25_data_request_route", {"id": made["id"], "agency": "gistda"})
    routed = smtp_server.take()
    assert sorted(mail.recipients[0] for mail in routed) == [
        "other_agency_editor@example.org", "other_user@example.org", "requester@example.org"]
    english = next(mail for mail in routed if mail.recipients == ["requester@example.org"])
    thai = next(mail for mail in routed if mail.recipients == ["other_user@example.org"])
    assert english.message["Subject"] == "Your data request “Hourly PM2.5 of Mae Moh 2023” was sent to GISTDA"
    assert f"/en/pm25/requests/{made['id']}" in english.body
    assert "ส่งถึง GISTDA" in thai.message["Subject"] and "คุณได้รับอีเมลนี้เพราะสนับสนุนคำขอข้อมูลนี้" in thai.body

    call(app, world, "other_agency_editor", "pm25_data_request_transfer",
         {"id": made["id"], "agency": "pcd", "message": "PCD runs the Mae Moh stations."})
    call(app, world, "agency_editor", "pm25_data_request_ask",
         {"id": made["id"], "message": "Which pollutants besides PM2.5?"})
    assert show(app, world, made["id"])["status"] == "question"
    call(app, world, "requester", "pm25_data_request_reply", {"id": made["id"], "message": "PM2.5 only."})
    answered = call(app, world, "agency_editor", "pm25_data_request_answer",
                    {"id": made["id"], "datasets": [world.dataset["name"]], "message": "Published today."})["result"]

    assert answered["status"] == "answered" and answered["closed"]
    assert answered["agency"]["name"] == "pcd"
    steps = answered["steps"]
    assert [step["kind"] for step in steps] == [
        "submitted", "routed", "transferred", "question", "reply", "answered"]
    assert all(datetime.fromisoformat(step["created"]) for step in steps)
    assert steps[2]["agency"]["name"] == "pcd" and steps[2]["message"] == "PCD runs the Mae Moh stations."
    assert steps[-1]["datasets"] == [{"id": world.dataset["id"], "name": "lampang-hourly-2024",
                                      "title": "Lampang hourly PM2.5 2024"}]
    mails = smtp_server.take()
    # transfer, question, answer: to the requester and the supporter each; the transfer and the
    # reply to the new agency's editor and admin too
    assert len(mails) == 10
    assert sorted(mail.recipients[0] for mail in mails if "PM2.5 only." in mail.body) == [
        "agency_admin@example.org", "agency_editor@example.org"]
    answer_mail = next(mail for mail in mails if mail.recipients == ["requester@example.org"]
                       and "answered" in str(mail.message["Subject"]))
    assert "/en/dataset/lampang-hourly-2024" in answer_mail.body and "Published today." in answer_mail.body

    public = json.dumps([show(app, world, made["id"], role) for role in ("anonymous", "other_user", "agency_editor")])
    public += json.dumps(call(app, world, "anonymous", "pm25_data_request_list", {})["result"])
    public += app.get("/en/pm25/requests.csv").get_data(as_text=True)
    public += app.get(f"/en/pm25/requests/{made['id']}").get_data(as_text=True)
    for address in ADDRESSES:
        assert address not in public
    assert "requester" not in json.dumps(show(app, world, made["id"]))  # not even who asked


def test_a_request_is_declined_as_withheld_under_a_section_of_the_act(
        app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    smtp_server.take()  # the agency's mails of its arrival
    no_section = call(app, world, "agency_admin", "pm25_data_request_decline",
                      {"id": made["id"], "reason": "withheld", "oia_section": "16", "message": "Security."}, status=409)
    assert "Official Information Act" in no_section["error"]["oia_section"][0]
    assert show(app, world, made["id"])["status"] == "open"
    declined = call(app, world, "agency_admin", "pm25_data_request_decline",
                    {"id": made["id"], "reason": "withheld", "oia_section": "15 (1)",
                     "message": "It would harm national security."})["result"]
    assert declined["status"] == "declined"
    assert declined["steps"][-1]["reason"] == "withheld" and declined["steps"][-1]["oia_section"] == "15(1)"
    [mail] = smtp_server.take()
    assert "section 15(1) of the Official Information Act" in mail.body
    late = call(app, world, "agency_admin", "pm25_data_request_answer",
                {"id": made["id"], "datasets": [world.dataset["name"]]}, status=409)
    assert "declined" in late["error"]["status"][0]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": " "}, "title", "Please say in a few words what data you ask for."),
    ({"provinces": ["TH-99"]}, "provinces", "Please choose provinces from the list."),
    ({"provinces": []}, "provinces", "Please choose at least one province."),
    ({"period_start": "2023-02-30"}, "period_start", "Please give a date as YYYY-MM-DD (Gregorian calendar)."),
    ({"period_start": "2024-01-01", "period_end": "2023-01-01"}, "period_end",
     "The period must end on or after its first day."),
    ({"agency": "nobody"}, "agency", "There is no such agency."),
    ({"language": "fr"}, "language", "Please choose Thai or English."),
    ({"title": "x\x00y"}, "title", "This text holds characters that cannot be stored."),
    ({"description": ["a", "list"]}, "description", "Please write this as text."),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(
        app: Any, world: World, fields: dict[str, Any], field: str, message: str) -> None:
    refused = call(app, world, "requester", "pm25_data_request_create", new_request(**fields), status=409)
    assert refused["error"][field] == [message]
    in_thai = call(app, world, "requester", "pm25_data_request_create", new_request(**fields), status=409, prefix="")
    assert in_thai["error"][field] != [message] and in_thai["error"][field][0].startswith(("โปรด", "ไม่มี", "วัน", "ข้อ"))
    assert call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"] == 0


def test_an_answer_links_only_public_datasets(app: Any, world: World) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    helpers.call_action("package_patch", context={"user": world.name("sysadmin")}, id=world.dataset["id"],
                        private=True)
    refused = call(app, world, "agency_editor", "pm25_data_request_answer",
                   {"id": made["id"], "datasets": ["lampang-hourly-2024"]}, status=409)
    assert refused["error"]["datasets"] == ["There is no public dataset lampang-hourly-2024."]
    assert show(app, world, made["id"])["status"] == "open"


def test_the_list_filters_searches_orders_and_pages(app: Any, world: World) -> None:
    first = call(app, world, "requester", "pm25_data_request_create",
                 new_request(title="ข้อมูลฝุ่นรายชั่วโมงแม่เมาะ"))["result"]
    second = call(app, world, "requester", "pm25_data_request_create",
                  new_request(title="Chiang Mai hotspots", provinces="TH-50", agency="gistda"))["result"]
    third = call(app, world, "requester", "pm25_data_request_create", new_request(agency=None))["result"]
    call(app, world, "other_user", "pm25_data_request_support", {"id": second["id"]})

    def ids(**filters: Any) -> list[str]:
        found = call(app, world, "anonymous", "pm25_data_request_list", filters)["result"]
        return [item["id"] for item in found["results"]]

    assert ids() == [third["id"], second["id"], first["id"]]
    assert ids(order="oldest") == [first["id"], second["id"], third["id"]]
    assert ids(order="supported") == [second["id"], first["id"], third["id"]]
    assert ids(status="routing") == [third["id"]]
    assert ids(agency="gistda") == [second["id"]]
    assert ids(province="TH-50") == [second["id"]]
    assert ids(q="แม่เมาะ") == [first["id"]]
    assert ids(q="chiang hotspots") == [second["id"]]
    assert ids(order="oldest", limit=1, offset=1) == [second["id"]]
    refused = call(app, world, "anonymous", "pm25_data_request_list", {"status": "lost", "limit": 500}, status=409)
    assert set(refused["error"]) - {"__type"} == {"status", "limit"}


def test_an_agencys_median_days_and_share_within_target_on_known_dates(
        app: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    start = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(hooks, "now", lambda: start)
    made = [call(app, world, "requester", "pm25_data_request_create", new_request())["result"]["id"]
            for _ in range(3)]
    monkeypatch.setattr(hooks, "now", lambda: start + timedelta(days=3))
    call(app, world, "agency_editor", "pm25_data_request_answer", {"id": made[0], "datasets": [world.dataset["id"]]})
    monkeypatch.setattr(hooks, "now", lambda: start + timedelta(days=20))
    call(app, world, "agency_editor", "pm25_data_request_decline",
         {"id": made[1], "reason": "not_held", "message": "We do not measure there."})
    monkeypatch.setattr(hooks, "now", lambda: start + timedelta(days=30))
    [figures] = call(app, world, "anonymous", "pm25_data_request_agency_figures", {"agency": "pcd"})["result"]
    assert figures == {"agency": {"id": world.agency["id"], "name": "pcd", "title": "กรมควบคุมมลพิษ"},
                       "target_days": 15, "closed": 2, "open": 1, "overdue": 1, "median_days": 11.5,
                       "within_target": pytest.approx(1 / 3), "due": 3, "within_target_count": 1}
    assert show(app, world, made[2])["agency_figures"]["median_days"] == 11.5


@pytest.mark.ckan_config("ckanext.pm25.requests.max_per_user_per_day", "2")
def test_a_user_over_the_daily_limit_is_told_and_nothing_is_stored(app: Any, world: World) -> None:
    for _ in range(2):
        call(app, world, "requester", "pm25_data_request_create", new_request())
    refused = call(app, world, "requester", "pm25_data_request_create", new_request(), status=409)
    assert refused["error"]["limit"] == [
        "You have made or supported too many requests today. Please try again tomorrow."]
    assert call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"] == 2


@pytest.mark.ckan_config("ckanext.pm25.requests.max_per_client_per_day", "2")
def test_one_client_over_its_daily_limit_is_told_whoever_signs_in(app: Any, world: World) -> None:
    call(app, world, "requester", "pm25_data_request_create", new_request())
    made = call(app, world, "other_user", "pm25_data_request_create", new_request())["result"]
    refused = call(app, world, "agency_member", "pm25_data_request_support", {"id": made["id"]}, status=409)
    assert refused["error"]["limit"] == [
        "You have made or supported too many requests today. Please try again tomorrow."]
    assert show(app, world, made["id"])["supporters"] == 0
