"""A data request made with an e-mail address and no account, as its requester, the agency and
the public meet it: held (in no page, list, figure or scorecard) until the link mailed to the
address is opened; then public, the agency mailed; followed, answered and deleted through the
private link of the requester's mails; the limits per address and per client in the page's
language; the address on no page, API answer, CSV, search index, DCAT feed or log line."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from ckan.tests import helpers

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings import hooks
from tests.participation.conftest import Received, Sink, csrf_token, every_log_line, link_in
from tests.participation.requests_world import World, call, new_request
from tests.participation.test_requests_pages import words

ADDRESS = "Malee.S@Example.NET"  # stored as malee.s@example.net
START = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)


def ask(app: Any, world: World, status: int = 200, prefix: str = "/en", **fields: Any) -> Any:
    return call(app, world, "anonymous", "pm25_data_request_create",
                new_request(email=ADDRESS, **fields), status=status, prefix=prefix)


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def only(mails: list[Received], recipient: str) -> Received:
    [found] = [mail for mail in mails if mail.recipients == [recipient]]
    return found


def confirm_by_page(app: Any, mail: Received) -> Any:
    """The requester opens the confirmation link and presses the page's button."""
    client = app.test_client()
    link = path_of(link_in(mail.body, "/pm25/requests/confirm"))
    page = client.get(link)
    assert page.status_code == 200 and "Send my request" in words(page)
    token = link.split("token=", 1)[1]
    return client.post(link.split("?", 1)[0], data={"token": token, "_csrf_token": csrf_token(client, link)})


def tables_holding(text: str) -> list[str]:
    """The tables of CKAN's database with a row holding ``text`` anywhere (any column)."""
    found = []
    with hooks.reading() as conn:
        names = conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
        for name in sorted(names):
            if conn.execute(sa.text(f'SELECT EXISTS (SELECT 1 FROM "{name}" AS t WHERE t::text ILIKE :pattern)'),
                            {"pattern": f"%{text}%"}).scalar():
                found.append(name)
    return found


def public_count(app: Any, world: World) -> int:
    return int(call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["count"])


def test_a_request_by_email_is_held_until_confirmed_then_public_and_the_agency_is_mailed(
        app: Any, world: World, smtp_server: Sink) -> None:
    answer = ask(app, world)["result"]
    assert answer == {"held": True, "confirm_hours": 48}
    [confirmation] = smtp_server.take()
    assert confirmation.recipients == ["malee.s@example.net"]
    assert confirmation.message["Subject"] == "Confirm your data request “Hourly PM2.5 of Mae Moh 2023”"
    # held: in no list, page, CSV, figures or scorecard
    assert public_count(app, world) == 0
    assert call(app, world, "anonymous", "pm25_data_request_agency_figures", {}) ["result"] == []
    assert "Mae Moh" not in app.get("/en/pm25/requests.csv").get_data(as_text=True)
    assert "Mae Moh" not in words(app.get("/en/pm25/requests"))
    scorecard = app.get("/en/api/3/action/pm25_agency_scorecard").json["result"]
    assert [row["requests_open"] for row in scorecard["agencies"] if row["name"] == "pcd"] == [0]
    assert app.test_client().get("/en/pm25/requests/queue/pcd").status_code == 403

    # a mail scanner's GET confirms nothing
    app.test_client().get(path_of(link_in(confirmation.body, "/pm25/requests/confirm")))
    assert public_count(app, world) == 0
    confirmed = confirm_by_page(app, confirmation)
    assert confirmed.status_code == 200 and "Your data request is public" in words(confirmed)
    [made] = call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["results"]
    assert made["status"] == "open" and made["agency"]["name"] == "pcd"

    mails = smtp_server.take()
    private = only(mails, "malee.s@example.net")
    assert private.message["Subject"] == "Your data request “Hourly PM2.5 of Mae Moh 2023” is public"
    assert f"/en/pm25/requests/{made['id']}/private?token=" in private.body
    # the agency's editor and admin, in the site's default language (Thai); not its member
    agency_mails = [mail for mail in mails if mail is not private]
    assert sorted(mail.recipients[0] for mail in agency_mails) == [
        "agency_admin@example.org", "agency_editor@example.org"]
    editor_mail = only(agency_mails, "agency_editor@example.org")
    assert editor_mail.message["Subject"] == "คำขอข้อมูลถึงกรมควบคุมมลพิษ: “Hourly PM2.5 of Mae Moh 2023”"
    assert f"/pm25/requests/{made['id']}" in editor_mail.body and "/pm25/requests/queue/pcd" in editor_mail.body

    # a second press of the button changes nothing and mails no one
    assert confirm_by_page(app, confirmation).status_code == 200
    assert public_count(app, world) == 1 and smtp_server.take() == []


def test_a_confirmation_link_expires_as_the_alerts_do_and_the_held_request_is_deleted(
        app: Any, world: World, smtp_server: Sink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "now", lambda: START)
    ask(app, world)
    [confirmation] = smtp_server.take()
    monkeypatch.setattr(hooks, "now", lambda: START + timedelta(hours=49))
    late = confirm_by_page(app, confirmation)
    assert late.status_code == 404 and "has expired" in words(late)
    assert public_count(app, world) == 0
    assert send_alerts(START + timedelta(hours=49)).expired_requests == 1
    thai = app.test_client().get("/pm25/requests/confirm?token=x")
    assert "กดปุ่มเพื่อส่งคำขอข้อมูลของคุณ" in words(thai)


def test_the_requester_replies_and_deletes_through_the_private_link(
        app: Any, world: World, smtp_server: Sink) -> None:
    ask(app, world)
    confirm_by_page(app, smtp_server.take()[0])
    private_link = path_of(link_in(only(smtp_server.take(), "malee.s@example.net").body, "/private"))
    [made] = call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["results"]
    public_path = f"/en/pm25/requests/{made['id']}"

    call(app, world, "agency_editor", "pm25_data_request_ask", {"id": made["id"], "message": "Which stations?"})
    question = only(smtp_server.take(), "malee.s@example.net")
    assert "Which stations?" in question.body and path_of(link_in(question.body, "/private")) == private_link

    client = app.test_client()
    page = client.get(private_link)
    assert page.status_code == 200 and "This is your private page" in words(page)
    assert page.headers["Cache-Control"] == "private, no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Reply to the agency" in words(page)
    token = private_link.split("token=", 1)[1]
    assert token not in app.test_client().get(public_path).get_data(as_text=True)
    assert "Reply to the agency" not in words(app.test_client().get(public_path))
    wrong = app.test_client().get(f"{public_path}/private?token=not-the-token")
    assert wrong.status_code == 404
    refused = call(app, world, "anonymous", "pm25_data_request_reply",
                   {"id": made["id"], "message": "Mae Moh", "token": "not-the-token"}, status=403)
    assert refused["success"] is False

    empty = client.post(f"{public_path}/reply", data={"token": token, "message": " ",
                                                       "_csrf_token": csrf_token(client, private_link)})
    assert empty.status_code == 400 and "Please write your message." in words(empty)
    replied = client.post(f"{public_path}/reply", data={"token": token, "message": "The Mae Moh stations.",
                                                         "_csrf_token": csrf_token(client, private_link)})
    assert replied.status_code == 200 and "This is your private page" in words(replied)  # back on it
    public = words(app.test_client().get(public_path))
    assert "The requester replied" in public and "The Mae Moh stations." in public
    reply_mails = smtp_server.take()
    assert sorted(mail.recipients[0] for mail in reply_mails) == ["agency_admin@example.org",
                                                                 "agency_editor@example.org"]
    assert "The Mae Moh stations." in reply_mails[0].body

    deleted = client.post(f"{public_path}/delete", data={"token": token,
                                                          "_csrf_token": csrf_token(client, private_link)})
    assert deleted.status_code == 200 and "Mae Moh" not in words(deleted)  # the public list, without it
    assert app.test_client().get(public_path).status_code == 404
    assert app.test_client().get(private_link).status_code == 404
    assert public_count(app, world) == 0
    assert tables_holding("malee") == []  # the address went with the request


@pytest.mark.ckan_config("ckanext.pm25.requests.max_per_address_per_day", "2")
def test_an_address_over_its_daily_limit_is_told_in_the_pages_language(
        app: Any, world: World, smtp_server: Sink) -> None:
    for _ in range(2):
        ask(app, world, title="Hourly PM2.5")
    refused = ask(app, world, status=409)
    assert refused["error"]["limit"] == [
        "This e-mail address has asked for too many data requests today. Please try again tomorrow."]
    thai = call(app, world, "anonymous", "pm25_data_request_create", new_request(email="malee.s@EXAMPLE.net"),
                status=409, prefix="")
    assert thai["error"]["limit"] == ["วันนี้อีเมลนี้ยื่นคำขอข้อมูลครบจำนวนแล้ว โปรดลองอีกครั้งพรุ่งนี้"]
    assert len(smtp_server.take()) == 2


@pytest.mark.ckan_config("ckanext.pm25.requests.max_per_client_per_day", "2")
def test_a_client_over_its_daily_limit_is_told_whatever_address_it_gives(
        app: Any, world: World, smtp_server: Sink) -> None:
    for number in range(2):
        call(app, world, "anonymous", "pm25_data_request_create", new_request(email=f"p{number}@example.net"))
    client = app.test_client()
    form = {"title": "Hourly PM2.5", "description": "Hourly.", "provinces": "TH-52", "period_start": "2023-01-01",
            "period_end": "2023-12-31", "agency": "pcd", "language": "en", "email": "p9@example.net"}
    page = client.post("/pm25/requests/new", data={**form, "_csrf_token": csrf_token(client, "/pm25/requests/new")})
    assert page.status_code == 400 and "วันนี้คุณยื่นหรือสนับสนุนคำขอครบจำนวนแล้ว" in words(page)
    assert len(smtp_server.take()) == 2


def test_the_form_without_an_account(app: Any, world: World, smtp_server: Sink) -> None:
    client = app.test_client()
    form = {"title": "ฝุ่นแม่เมาะ", "description": "Hourly.", "provinces": "TH-52", "period_start": "2023-01-01",
            "period_end": "2023-12-31", "agency": "pcd", "language": "th"}
    missing = client.post("/en/pm25/requests/new", data={**form, "_csrf_token": csrf_token(
        client, "/en/pm25/requests/new")})
    assert missing.status_code == 400 and "Please enter your e-mail address." in words(missing)
    bad = client.post("/pm25/requests/new", data={**form, "email": "malee@", "_csrf_token": csrf_token(
        client, "/pm25/requests/new")})
    assert bad.status_code == 400 and "นี่ไม่ใช่อีเมล" in words(bad) and 'value="ฝุ่นแม่เมาะ"' in bad.get_data(as_text=True)
    sent = client.post("/pm25/requests/new", data={**form, "email": ADDRESS, "_csrf_token": csrf_token(
        client, "/pm25/requests/new")})
    assert sent.status_code == 200 and "โปรดตรวจสอบกล่องจดหมายของคุณ" in words(sent)
    [mail] = smtp_server.take()
    assert mail.message["Subject"] == "ยืนยันคำขอข้อมูล “ฝุ่นแม่เมาะ” ของคุณ"
    assert public_count(app, world) == 0
    signed_in = call(app, world, "requester", "pm25_data_request_create", new_request(email=ADDRESS), status=409)
    assert signed_in["error"]["email"] == ["You are signed in: the mails go to your account's address."]


def test_the_address_is_on_no_page_answer_csv_index_or_feed_and_in_no_log_line(
        app: Any, world: World, smtp_server: Sink, caplog: pytest.LogCaptureFixture) -> None:
    with every_log_line(caplog) as lines:
        ask(app, world)
        confirm_by_page(app, smtp_server.take()[0])
        private_link = path_of(link_in(only(smtp_server.take(), "malee.s@example.net").body, "/private"))
        [made] = call(app, world, "anonymous", "pm25_data_request_list", {})["result"]["results"]
        call(app, world, "agency_editor", "pm25_data_request_ask", {"id": made["id"], "message": "Which?"})
        call(app, world, "anonymous", "pm25_data_request_reply", {
            "id": made["id"], "message": "Mae Moh.", "token": private_link.split("token=", 1)[1]})
        smtp_server.refuse.add("malee.s@example.net")  # a refused mail is logged: without the address
        call(app, world, "agency_editor", "pm25_data_request_answer",
             {"id": made["id"], "datasets": [world.dataset["name"]]})
        pages = [app.get(path) for path in (
            f"/en/pm25/requests/{made['id']}", f"/pm25/requests/{made['id']}", "/en/pm25/requests",
            "/pm25/requests.csv", "/en/pm25/agencies", "/pm25/agencies.csv",
            "/catalog.ttl", "/catalog.jsonld", "/dataset/", "/api/3/action/package_search?q=example.net",
            "/api/3/action/pm25_agency_scorecard")]
        answers = [call(app, world, role, "pm25_data_request_show", {"id": made["id"]})
                   for role in ("anonymous", "agency_editor", "sysadmin")]
        answers.append(call(app, world, "anonymous", "pm25_data_request_list", {}))
        answers.append(helpers.call_action("package_search", q="Mae Moh", include_private=True))
    for page in pages:
        assert page.status_code == 200, page.request.path
        assert "malee" not in page.get_data(as_text=True).lower()
    assert "malee" not in json.dumps(answers).lower()
    assert lines and not [line for line in lines if "malee" in line.lower()]
    assert tables_holding("malee") == ["pm25_data_request_contact"]
