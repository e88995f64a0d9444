"""The agency's mails (aiosmtpd on 127.0.0.1): its editors and admins hear of a request that
arrives for it (made naming it, routed to it by a sysadmin, transferred to it) and of the
requester's reply to its question, in the site's default language; its members, other agencies
and the one who took the step do not."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest

from tests.participation.conftest import Received, Sink
from tests.participation.requests_world import World, call, new_request

PCD = ["agency_admin@example.org", "agency_editor@example.org"]


def to(mails: list[Received]) -> list[str]:
    return sorted(mail.recipients[0] for mail in mails)


def test_a_request_naming_the_agency_mails_its_editors_and_admins_in_thai(
        app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    mails = smtp_server.take()
    assert to(mails) == PCD
    mail = mails[0]
    assert mail.message["Subject"] == "คำขอข้อมูลถึงกรมควบคุมมลพิษ: “Hourly PM2.5 of Mae Moh 2023”"
    assert "มีคำขอข้อมูลรอกรมควบคุมมลพิษอยู่" in mail.body
    site = tk.config["ckan.site_url"]
    assert f"{site}/pm25/requests/{made['id']}" in mail.body and f"{site}/pm25/requests/queue/pcd" in mail.body
    assert "requester@example.org" not in mail.body


@pytest.mark.ckan_config("ckan.locale_default", "en")
def test_routed_and_transferred_requests_mail_the_agency_that_now_holds_them(
        app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request(agency=None))["result"]
    assert smtp_server.take() == []  # no agency yet: the sysadmins route it
    call(app, world, "sysadmin", "pm25_data_request_route",
         {"id": made["id"], "agency": "gistda", "message": "GISTDA models Mae Moh."})
    to_gistda = [mail for mail in smtp_server.take() if mail.recipients == ["other_agency_editor@example.org"]]
    [mail] = to_gistda
    assert mail.message["Subject"] == "A data request for GISTDA: “Hourly PM2.5 of Mae Moh 2023”"
    assert "GISTDA models Mae Moh." in mail.body and "/en/pm25/requests/queue/gistda" in mail.body

    call(app, world, "other_agency_editor", "pm25_data_request_transfer", {"id": made["id"], "agency": "pcd"})
    agency_mails = [mail for mail in smtp_server.take() if "A data request for" in str(mail.message["Subject"])]
    assert to(agency_mails) == PCD


def test_the_requesters_reply_mails_the_agency(app: Any, world: World, smtp_server: Sink) -> None:
    made = call(app, world, "requester", "pm25_data_request_create", new_request())["result"]
    call(app, world, "agency_admin", "pm25_data_request_ask", {"id": made["id"], "message": "Which stations?"})
    smtp_server.take()
    call(app, world, "requester", "pm25_data_request_reply", {"id": made["id"], "message": "Both Mae Moh stations."})
    mails = smtp_server.take()
    assert to(mails) == PCD
    assert mails[0].message["Subject"] == "ผู้ขอตอบคำถามของคุณเกี่ยวกับคำขอข้อมูล “Hourly PM2.5 of Mae Moh 2023” แล้ว"
    assert "Both Mae Moh stations." in mails[0].body
