"""The scorecard's requests answered within target and its overdue-request flag, against data
requests made, answered and declined through the action API on known dates (the site's clock
set as in test_requests_flow.py), read on the page (Thai and English), in the CSV and the API.

``asked`` (read 30 days after ``START``; the target is 15 days):

- pcd (กรมควบคุมมลพิษ): three requests made at ``START``: answered after 3 days, declined after
  20, one still open (30 days: overdue) → 1 of 3 due within the target (33.3 %), median 11.5
  days, the overdue flag. A dataset with a CSV file: 1 of 1 files open (100.0 %), which would
  rank it first without the flag.
- gistda (GISTDA): two answered after 2 and 10 days, one made 5 days ago (open, not yet due) →
  2 of 2 (100.0 %), median 6 days, 1 open, no flag. A dataset with a PDF (0.0 % open).
- cmu-ccdc (CMU CCDC): no requests. A dataset with a PDF (0.0 % open).

Ranked: cmu-ccdc and gistda (no flag, 0.0 % open, by title), then pcd (one flag).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from ckan.tests import factories

from ckanext.pm25.readings import hooks
from tests.factories import create_pm25_dataset
from tests.participation.requests_world import World, call, new_request
from tests.participation.test_scorecard import page_rows, read_csv

START = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)
READ_AT = START + timedelta(days=30)
PDF = [{"url": "http://example.org/report.pdf", "format": "PDF"}]
GISTDA_ROW = "100.0 % (2 of 2 requests answered within the target; median days to answer: 6)"


@pytest.fixture
def asked(app: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    sysadmin = world.users["sysadmin"]
    cmu = factories.Organization(user=sysadmin, name="cmu-ccdc", title="CMU CCDC")
    create_pm25_dataset(sysadmin, owner_org=world.agency["id"], name="pcd-hourly-csv",
                        resources=[{"url": "http://example.org/hourly.csv", "format": "CSV"}])
    gistda_dataset = create_pm25_dataset(sysadmin, owner_org=world.other_agency["id"], name="gistda-report",
                                         resources=PDF)
    create_pm25_dataset(sysadmin, owner_org=cmu["id"], name="cmu-report", resources=PDF)

    def at(days: int) -> None:
        monkeypatch.setattr(hooks, "now", lambda: START + timedelta(days=days))

    def ask(agency: str) -> str:
        made = call(app, world, "requester", "pm25_data_request_create", new_request(agency=agency))
        return str(made["result"]["id"])

    at(0)
    to_pcd = [ask("pcd") for _ in range(3)]
    to_gistda = [ask("gistda") for _ in range(2)]
    at(2)
    call(app, world, "other_agency_editor", "pm25_data_request_answer",
         {"id": to_gistda[0], "datasets": [gistda_dataset["id"]]})
    at(3)
    call(app, world, "agency_editor", "pm25_data_request_answer", {"id": to_pcd[0], "datasets": [world.dataset["id"]]})
    at(10)
    call(app, world, "other_agency_editor", "pm25_data_request_answer",
         {"id": to_gistda[1], "datasets": [gistda_dataset["id"]]})
    at(20)
    call(app, world, "agency_editor", "pm25_data_request_decline",
         {"id": to_pcd[1], "reason": "not_held", "message": "We do not measure there."})
    at(25)
    ask("gistda")
    at(30)
    return world


def test_the_english_page_shows_requests_within_target_and_the_overdue_flag(asked: World, app: Any) -> None:
    html = app.get("/en/pm25/agencies").get_data(as_text=True)
    assert "Requests answered within 15 days" in html
    assert "A data request unanswered past the target of 15 days is a red flag too (overdue)." in html
    rows = {row["slug"]: row for row in page_rows(html)}
    assert [(row["rank"], row["slug"]) for row in page_rows(html)] == [("1", "cmu-ccdc"), ("2", "gistda"), ("3", "pcd")]
    assert rows["pcd"]["open"] == "100.0 % (1 of 1 files)"
    assert rows["pcd"]["requests"] == "33.3 % (1 of 3 requests answered within the target; median days to answer: 11.5)"
    assert rows["pcd"]["flags"] == "⚑ Overdue request: unanswered past the target of 15 days"
    assert rows["gistda"]["requests"] == GISTDA_ROW
    assert rows["gistda"]["flags"] == "None"
    assert (rows["cmu-ccdc"]["requests"], rows["cmu-ccdc"]["flags"]) == ("No requests", "None")


def test_the_thai_page(asked: World, app: Any) -> None:
    rows = {row["slug"]: row for row in page_rows(app.get("/pm25/agencies").get_data(as_text=True))}
    assert rows["pcd"]["flags"] == "⚑ คำขอข้อมูลค้างเกินกำหนด: ยังไม่ได้ตอบเกินเป้าหมาย 15 วัน"
    assert rows["pcd"]["requests"] == "33.3 % (ตอบภายในเป้าหมาย 1 จาก 3 คำขอ; มัธยฐานจำนวนวันที่ใช้ตอบ: 11.5)"
    assert rows["cmu-ccdc"]["requests"] == "ไม่มีคำขอ"


def test_the_csv_rows(asked: World, app: Any) -> None:
    rows = {row["name"]: row for row in read_csv(app.get("/en/pm25/agencies.csv"))}
    columns = ("rank", "requests", "requests_due", "requests_within_target", "requests_within_target_percent",
               "requests_median_days", "requests_open", "requests_overdue", "red_flags")
    assert {name: tuple(row[column] for column in columns) for name, row in rows.items()} == {
        "cmu-ccdc": ("1", "No requests", "0", "0", "", "", "0", "0", ""),
        "gistda": ("2", "2 of 2 requests answered within the target; median days to answer: 6", "2", "2", "100.0",
                   "6.0", "1", "0", ""),
        "pcd": ("3", "1 of 3 requests answered within the target; median days to answer: 11.5", "3", "1", "33.3",
                "11.5", "1", "1", "Overdue request: unanswered past the target of 15 days"),
    }
    thai = {row["name"]: row for row in read_csv(app.get("/pm25/agencies.csv"))}
    assert thai["pcd"]["red_flags"] == "คำขอข้อมูลค้างเกินกำหนด: ยังไม่ได้ตอบเกินเป้าหมาย 15 วัน"


def test_the_api_records(asked: World, app: Any) -> None:
    result = app.get("/en/api/3/action/pm25_agency_scorecard").json["result"]
    assert result["request_target_days"] == 15
    by_name = {row["name"]: row for row in result["agencies"]}
    fields = ("rank", "requests", "requests_due", "requests_within_target", "requests_within_target_percent",
              "requests_median_days", "requests_open", "requests_overdue", "red_flags")
    assert {key: by_name["pcd"][key] for key in fields} == {
        "rank": 3, "requests": "1 of 3 requests answered within the target; median days to answer: 11.5",
        "requests_due": 3, "requests_within_target": 1, "requests_within_target_percent": 33.3,
        "requests_median_days": 11.5, "requests_open": 1, "requests_overdue": 1,
        "red_flags": [{"key": "overdue", "text": "Overdue request: unanswered past the target of 15 days"}]}
    assert (by_name["cmu-ccdc"]["requests"], by_name["cmu-ccdc"]["requests_within_target_percent"]) == (
        "No requests", None)
    thai = app.get("/api/3/action/pm25_agency_scorecard", query_string={"organization": "pcd"}).json["result"]
    assert thai["agencies"][0]["red_flags"] == [
        {"key": "overdue", "text": "คำขอข้อมูลค้างเกินกำหนด: ยังไม่ได้ตอบเกินเป้าหมาย 15 วัน"}]
    # the same figures as the requests' own action, not worked out a second time
    [figures] = call(app, asked, "anonymous", "pm25_data_request_agency_figures", {"agency": "gistda"})["result"]
    assert (figures["due"], figures["within_target_count"], figures["median_days"], figures["open"]) == (2, 2, 6.0, 1)


@pytest.mark.ckan_config("ckanext.pm25.requests.target_days", "25")
def test_the_target_comes_from_the_requests_configuration(asked: World, app: Any) -> None:
    rows = {row["slug"]: row for row in page_rows(app.get("/en/pm25/agencies").get_data(as_text=True))}
    assert rows["pcd"]["requests"] == "66.7 % (2 of 3 requests answered within the target; median days to answer: 11.5)"
    assert rows["pcd"]["flags"] == "⚑ Overdue request: unanswered past the target of 25 days"
    assert rows["gistda"]["requests"] == GISTDA_ROW


def test_a_step_on_a_request_changes_the_pages_validator(asked: World, app: Any) -> None:
    """The scorecard is cached like the dashboard (readings/http_cache.py): an agency's answer
    must reach a cache that revalidates, although no reading or dataset changed."""
    first = app.get("/en/pm25/agencies")
    assert app.get("/en/pm25/agencies", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    listed = call(app, asked, "anonymous", "pm25_data_request_list", {"agency": "pcd", "status": "open"})["result"]
    [waiting] = listed["results"]
    call(app, asked, "agency_editor", "pm25_data_request_answer",
         {"id": waiting["id"], "datasets": [asked.dataset["id"]]})
    again = app.get("/en/pm25/agencies", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    pcd = {row["slug"]: row for row in page_rows(again.get_data(as_text=True))}["pcd"]
    assert (pcd["rank"], pcd["flags"]) == ("1", "None")
