"""Days to answer stop while the agency waits for the requester's reply to its question: on
known dates (the site's clock set as in test_requests_flow.py), read on the request's page, the
public list and its CSV, the agencies' figures and the scorecard.

``START``; the target is 15 days; read at ``START`` + 30 days. All three of pcd's:

- ``waited``: asked on day 2, replied on day 12, answered on day 20 → 10 days counted (within
  the target; 20 had the wait been counted);
- ``waiting``: asked on day 5, no reply yet → 5 days counted, open, not overdue;
- ``late``: never asked, open → 30 days, overdue.

pcd: median 10 days, 1 of 2 due within the target (50.0 %), one overdue.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ckanext.pm25.readings import hooks
from tests.participation.requests_world import World, call, new_request
from tests.participation.test_requests_pages import words
from tests.participation.test_scorecard import page_rows

START = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def clocked(app: Any, world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    def at(days: int) -> None:
        monkeypatch.setattr(hooks, "now", lambda: START + timedelta(days=days))

    def act(role: str, action: str, **data: Any) -> None:
        call(app, world, role, f"pm25_data_request_{action}", data)

    at(0)
    made = {name: call(app, world, "requester", "pm25_data_request_create", new_request(title=name))["result"]["id"]
            for name in ("waited", "waiting", "late")}
    at(2)
    act("agency_editor", "ask", id=made["waited"], message="Which stations?")
    at(5)
    act("agency_editor", "ask", id=made["waiting"], message="Which years?")
    at(12)
    act("requester", "reply", id=made["waited"], message="Mae Moh.")
    at(20)
    act("agency_editor", "answer", id=made["waited"], datasets=[world.dataset["name"]])
    at(30)
    return made


def test_the_figures_leave_the_wait_out(app: Any, world: World, clocked: dict[str, str]) -> None:
    [figures] = call(app, world, "anonymous", "pm25_data_request_agency_figures", {"agency": "pcd"})["result"]
    assert (figures["median_days"], figures["due"], figures["within_target_count"], figures["open"],
            figures["overdue"]) == (10.0, 2, 1, 2, 1)


def test_each_requests_page_shows_its_days_and_the_overdue_flag(
        app: Any, world: World, clocked: dict[str, str]) -> None:
    def page(name: str, prefix: str = "/en") -> str:
        return words(app.get(f"{prefix}/pm25/requests/{clocked[name]}"))

    assert "Agency's days on it 10.0 (the time waiting for the requester is not counted)" in page("waited")
    assert "Agency's days on it 5.0" in page("waiting") and "Overdue:" not in page("waiting")
    assert "⚑ Overdue: unanswered past the target of 15 days" in page("late")
    assert "⚑ เกินกำหนด: ยังไม่ได้ตอบเกินเป้าหมาย 15 วัน" in page("late", prefix="")
    shown = call(app, world, "anonymous", "pm25_data_request_show", {"id": clocked["waiting"]})["result"]
    assert (shown["days_counted"], shown["overdue"]) == (5.0, False)


def test_the_public_list_and_its_csv_flag_only_the_late_one(app: Any, world: World, clocked: dict[str, str]) -> None:
    listed = app.get("/en/pm25/requests").get_data(as_text=True)
    flagged = [block.split("</a>", 1)[0].rsplit(">", 1)[-1] for block in listed.split('class="pm25-request"')[1:]
               if "pm25-request-overdue" in block]
    assert flagged == ["late"]
    rows = list(csv.DictReader(io.StringIO(app.get("/en/pm25/requests.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["title"]: (row["days_counted"], row["overdue"]) for row in rows} == {
        "waited": ("10.0", ""), "waiting": ("5.0", ""), "late": ("30.0", "yes")}


def test_the_scorecard_counts_the_agencys_days_only(app: Any, world: World, clocked: dict[str, str]) -> None:
    [pcd] = [row for row in page_rows(app.get("/en/pm25/agencies").get_data(as_text=True)) if row["slug"] == "pcd"]
    assert pcd["requests"] == "50.0 % (1 of 2 requests answered within the target; median days to answer: 10)"
    assert pcd["flags"] == "⚑ Overdue request: unanswered past the target of 15 days"
