"""The alerts' action API over HTTP as an anonymous client calls it: each action's answer and its
refusals in English (/en/api) and Thai (/api), the mails it sends read from the SMTP server on
127.0.0.1, and no answer holding the subscriber's address."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
import pytest

from tests.participation.conftest import Province, Sink, link_in
from tests.participation.requests_world import ROLES, World
from tests.participation.requests_world import call as call_as

pytestmark = pytest.mark.usefixtures("with_plugins")

ADDRESS = "Kanya.S@Example.org"
ANSWERS: list[Any] = []  # every answer of a test, checked for the address at its end


def call(app: Any, action: str, data: dict[str, Any], status: int = 200, prefix: str = "/en") -> Any:
    answer = app.post(f"{prefix}/api/3/action/{action}", json=data, status=status).json
    ANSWERS.append(answer)
    return answer


@pytest.fixture(autouse=True)
def no_address_in_any_answer() -> Any:
    ANSWERS.clear()
    yield
    for answer in ANSWERS:
        text = json.dumps(answer, ensure_ascii=False).lower()
        assert "kanya" not in text and "example.org" not in text, answer


def _token(mail_body: str, path: str) -> str:
    return link_in(mail_body, path).split("token=", 1)[1]


def test_subscribe_confirm_show_and_unsubscribe_by_the_api(app: Any, smtp_server: Sink, lampang: Province) -> None:
    answer = call(app, "pm25_alert_subscribe", {"email": ADDRESS, "province": "Lampang", "threshold": "30"})
    result = answer["result"]
    assert answer["success"] is True
    assert result["area"] == {"code": "TH-52", "kind": "province", "name": "Lampang province",
                              "province": {"code": "TH-52", "name_th": "ลำปาง", "name_en": "Lampang"}}
    assert (result["threshold"], result["language"], result["confirm_hours"]) == (30.0, "en", 48)
    assert "a message with a confirmation link is on its way" in result["message"]
    [confirmation] = smtp_server.take()
    assert confirmation.recipients == ["kanya.s@example.org"]
    assert confirmation.message["Subject"] == "Confirm your PM2.5 alerts for Lampang province"

    token = _token(confirmation.body, "/pm25/alerts/confirm")
    confirmed = call(app, "pm25_alert_confirm", {"token": token})["result"]
    assert confirmed["result"] == "confirmed" and confirmed["area"]["code"] == "TH-52"
    assert confirmed["language"] == "en"
    assert call(app, "pm25_alert_confirm", {"token": token})["result"]["result"] == "already_confirmed"

    # asked again once confirmed: the same answer, and the mail says so with the unsubscribe link
    again = call(app, "pm25_alert_subscribe", {"email": ADDRESS, "province": "TH-52", "threshold": 30})["result"]
    assert again == result
    [already] = smtp_server.take()
    unsubscribe = _token(already.body, "/pm25/alerts/unsubscribe")
    shown = call(app, "pm25_alert_show", {"token": unsubscribe}, prefix="")["result"]
    assert shown == {"area": {"code": "TH-52", "kind": "province", "name": "จังหวัดลำปาง",
                              "province": {"code": "TH-52", "name_th": "ลำปาง", "name_en": "Lampang"}},
                     "threshold": 30.0, "language": "en"}
    assert call(app, "pm25_alert_unsubscribe", {"token": unsubscribe})["result"] == {"unsubscribed": True}
    assert call(app, "pm25_alert_unsubscribe", {"token": unsubscribe})["result"] == {"unsubscribed": False}
    gone = call(app, "pm25_alert_show", {"token": unsubscribe}, status=404)
    assert gone["error"]["message"] == ("Not found: There is no subscription for this link: nothing more will be "
                                        "sent with it.")


def test_the_limits_are_an_action(app: Any) -> None:
    answer = app.get("/api/3/action/pm25_alert_limits").json
    assert answer["result"] == {"default": 37.5, "min": 5.0, "max": 500.0}


@pytest.mark.parametrize(("prefix", "expected"), [
    ("/en", {"email": ["This is not an e-mail address. Please check it (for example name@example.com)."],
             "province": ["Please choose a province."],
             "threshold": ["The threshold must be a number of µg/m³ from 5 to 500."],
             "language": ["Please choose Thai or English."]}),
    ("", {"email": ["นี่ไม่ใช่อีเมล โปรดตรวจสอบ (เช่น name@example.com)"], "province": ["โปรดเลือกจังหวัด"],
          "threshold": ["เกณฑ์ต้องเป็นตัวเลข µg/m³ ตั้งแต่ 5 ถึง 500"], "language": ["โปรดเลือกภาษาไทยหรือภาษาอังกฤษ"]}),
])
def test_bad_subscriptions_are_refused_in_the_callers_language(
        app: Any, smtp_server: Sink, clean_db: None, prefix: str, expected: dict[str, list[str]]) -> None:
    refused = call(app, "pm25_alert_subscribe", {"email": "kanya at example", "province": "Atlantis",
                                                  "threshold": True, "language": "fr"}, status=409, prefix=prefix)
    assert refused["success"] is False
    assert {key: value for key, value in refused["error"].items() if key != "__type"} == expected
    nothing = call(app, "pm25_alert_subscribe", {"email": ADDRESS}, status=409, prefix=prefix)
    assert nothing["error"]["province"] == expected["province"]
    for threshold in ("nan", "inf", -3, 4.9, [40], {"value": 40}):
        answer = call(app, "pm25_alert_subscribe", {"email": ADDRESS, "province": "TH-52", "threshold": threshold},
                      status=409, prefix=prefix)
        assert answer["error"]["threshold"] == expected["threshold"]
    unknown = call(app, "pm25_alert_subscribe", {"email": ADDRESS, "district": "Atlantis"}, status=409, prefix=prefix)
    assert unknown["error"]["district"] == [
        "No district called Atlantis has a model estimate. Please check the name or give its code." if prefix else
        "ไม่มีอำเภอชื่อ Atlantis ที่มีค่าประมาณจากแบบจำลอง โปรดตรวจสอบชื่อหรือระบุรหัสอำเภอ"]
    assert smtp_server.take() == []


def test_a_client_over_its_daily_limit_is_told_so_in_its_language(
        app: Any, smtp_server: Sink, clean_db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, "ckanext.pm25.alerts.max_requests_per_client", 1)
    call(app, "pm25_alert_subscribe", {"email": ADDRESS, "province": "TH-52"})
    english = call(app, "pm25_alert_subscribe", {"email": "b@example.org", "province": "TH-52"}, status=409)
    assert english["error"]["limit"] == [
        "This connection has asked for too many alerts today. Please try again tomorrow."]
    thai = call(app, "pm25_alert_subscribe", {"email": "b@example.org", "province": "TH-52"}, status=409, prefix="")
    assert thai["error"]["limit"] == ["วันนี้การเชื่อมต่อนี้ขอรับการแจ้งเตือนมากเกินไปแล้ว โปรดลองใหม่พรุ่งนี้"]
    assert len(smtp_server.take()) == 1


@pytest.mark.parametrize("action", ["pm25_alert_confirm", "pm25_alert_show", "pm25_alert_unsubscribe"])
def test_a_token_action_without_a_token_or_with_an_unknown_one(app: Any, clean_db: None, action: str) -> None:
    missing = call(app, action, {}, status=409)
    assert missing["error"]["token"] == ["Please give the token from the link in your e-mail."]
    thai = call(app, action, {"token": ["x"]}, status=409, prefix="")
    assert thai["error"]["token"] == ["โปรดระบุโทเค็นจากลิงก์ในอีเมลของคุณ"]
    if action == "pm25_alert_confirm":
        unknown = call(app, action, {"token": "no-such-token"}, status=404)
        assert "The link is wrong or has expired (a confirmation link is valid for 48 hours)" in \
            unknown["error"]["message"]


@pytest.mark.parametrize("role", ROLES)
def test_every_alert_action_is_open_to_every_caller(app: Any, smtp_server: Sink, world: World, role: str) -> None:
    """The authorisation matrix: alerts need no account, so anonymous callers, users of any
    agency and sysadmins alike are let through to validation (a wrong token is "not found",
    never "not authorised")."""
    limits = call_as(app, world, role, "pm25_alert_limits", {})
    assert limits["result"]["default"] == 37.5
    subscribed = call_as(app, world, role, "pm25_alert_subscribe", {"email": ADDRESS, "province": "TH-52"})
    assert subscribed["result"]["area"]["code"] == "TH-52"
    ANSWERS.append(subscribed)
    for action in ("pm25_alert_confirm", "pm25_alert_show"):
        refused = call_as(app, world, role, action, {"token": "not-a-token"}, status=404)
        assert refused["error"]["__type"] == "Not Found Error"
    gone = call_as(app, world, role, "pm25_alert_unsubscribe", {"token": "not-a-token"})
    assert gone["result"] == {"unsubscribed": False}
    assert len(smtp_server.take()) == 1
