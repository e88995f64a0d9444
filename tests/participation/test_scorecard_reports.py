"""The scorecard's reports resolved and its unresolved-report flag, against reports on values
made, flagged, answered and withdrawn through the action API on known dates (the site's clock
set as in test_scorecard_requests.py), read on the page (Thai and English), in the CSV and the
API.

``reported`` (read 30 days after ``START``; the target is the requests' 15 days): the agency
(pcd) receives four reports at ``START``: one flagged after 1 day, one answered after 2, one
flagged after 1 day and the flag withdrawn after 3 (still resolved, on the day it was
flagged), one still open (30 days: past the target); and one 25 days after ``START`` (open,
not yet past it). A sixth, open, is removed by its reporter and counts nowhere. So 3 of 5
reports resolved (60.0 %), median days to resolve 1, one unresolved past the target: the flag.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ckanext.pm25.readings import hooks
from tests.participation.reports_world import a_reading
from tests.participation.requests_world import World, call
from tests.participation.test_scorecard import page_rows, read_csv

START = (datetime.now(UTC) - timedelta(days=30)).replace(microsecond=0)
TEXT = "3 of 5 reports resolved; median days to resolve: 1"


@pytest.fixture
def reported(app: Any, reports_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    world = reports_world

    def at(days: int) -> None:
        monkeypatch.setattr(hooks, "now", lambda: START + timedelta(days=days))

    hours = {back: a_reading(world.dataset, back)["datetime_utc"] for back in range(1, 8)}  # by today's clock

    def made(role: str, back: int) -> str:
        data = {"station": world.dataset["name"], "hour": hours[back], "reason": "implausibly_high"}
        return str(call(app, world, role, "pm25_value_report_create", data)["result"]["id"])

    at(0)
    flagged, answered, withdrawn, waiting = (
        made(role, back) for back, role in enumerate(
            ("reporter", "other_user", "agency_member", "other_agency_editor"), start=1))
    call(app, world, "reporter", "pm25_value_report_delete", {"id": made("reporter", 6)})
    call(app, world, "reporter", "pm25_value_report_delete", {"id": waiting}, status=403)
    at(1)
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": flagged})
    call(app, world, "agency_editor", "pm25_value_report_flag", {"id": withdrawn})
    at(2)
    call(app, world, "agency_admin", "pm25_value_report_answer", {"id": answered, "message": "A dust storm."})
    at(3)
    call(app, world, "agency_admin", "pm25_value_report_unflag", {"id": withdrawn})
    at(25)
    made("other_user", 7)
    at(30)
    return world


def test_the_english_page_shows_reports_resolved_and_the_unresolved_flag(reported: World, app: Any) -> None:
    html = app.get("/en/pm25/agencies").get_data(as_text=True)
    assert "Reports on values resolved" in html
    assert "So is a report on a value left unresolved past 15 days (unresolved report)." in html
    [pcd] = [row for row in page_rows(html) if row["slug"] == "pcd"]
    assert pcd["reports"] == f"60.0 % ({TEXT})"
    assert "⚑ Unresolved report: a report on a value left unresolved past 15 days" in pcd["flags"]


def test_the_thai_page(reported: World, app: Any) -> None:
    [pcd] = [row for row in page_rows(app.get("/pm25/agencies").get_data(as_text=True)) if row["slug"] == "pcd"]
    assert pcd["reports"] == "60.0 % (ดำเนินการแล้ว 3 จาก 5 รายการแจ้ง; มัธยฐานจำนวนวันที่ใช้ดำเนินการ: 1)"
    assert "⚑ รายการแจ้งค่าผิดปกติค้าง: ไม่ได้ดำเนินการเกิน 15 วัน" in pcd["flags"]


def test_the_csv_and_the_api(reported: World, app: Any) -> None:
    columns = ("reports", "reports_received", "reports_resolved", "reports_resolved_percent",
               "reports_median_days", "reports_open", "reports_overdue")
    [row] = [row for row in read_csv(app.get("/en/pm25/agencies.csv")) if row["name"] == "pcd"]
    assert tuple(row[column] for column in columns) == (TEXT, "5", "3", "60.0", "1.0", "2", "1")
    assert "Unresolved report: a report on a value left unresolved past 15 days" in row["red_flags"]
    answer = app.get("/en/api/3/action/pm25_agency_scorecard", query_string={"organization": "pcd"}).json["result"]
    [record] = answer["agencies"]
    assert tuple(record[column] for column in columns) == (TEXT, 5, 3, 60.0, 1.0, 2, 1)
    assert {"key": "unresolved_reports",
            "text": "Unresolved report: a report on a value left unresolved past 15 days"} in record["red_flags"]


@pytest.mark.ckan_config("ckanext.pm25.requests.target_days", "31")
def test_the_target_comes_from_the_requests_configuration(reported: World, app: Any) -> None:
    answer = app.get("/en/api/3/action/pm25_agency_scorecard", query_string={"organization": "pcd"}).json["result"]
    [record] = answer["agencies"]
    assert (record["reports_overdue"], record["reports"]) == (0, TEXT)
    assert "unresolved_reports" not in [flag["key"] for flag in record["red_flags"]]


def test_an_agency_without_reports_says_so(reports_world: World, app: Any) -> None:
    [record] = app.get("/en/api/3/action/pm25_agency_scorecard",
                       query_string={"organization": "pcd"}).json["result"]["agencies"]
    assert (record["reports"], record["reports_received"], record["reports_resolved_percent"]) == (
        "No reports on values", 0, None)
