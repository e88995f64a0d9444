"""The subscription form as a visitor meets it: refusals in the page's language, the same answer
whatever the address's standing, a post from a cached page (no session), the limits per address
and per client, expiry, and no address on any page or API answer."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings.hooks import now as present
from tests.participation.conftest import Province, Sink, csrf_token, every_log_line, link_in, subscribe

pytestmark = pytest.mark.usefixtures("with_plugins")

ADDRESS = "Somchai.K@Example.ORG"


def words(response: Any) -> str:
    html = response.get_data(as_text=True)
    body = html.split("<body", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def message_of(response: Any) -> str:
    found = re.search(r'<p class="pm25-alerts-message">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, response.get_data(as_text=True)[:500]
    return unescape(found.group(1))


@pytest.mark.parametrize(("prefix", "expected"), [
    ("/en", ["This is not an e-mail address.", "The threshold must be a number of µg/m³ from 5 to 500.",
             "Please choose a province.", "Please choose Thai or English."]),
    ("", ["นี่ไม่ใช่อีเมล", "เกณฑ์ต้องเป็นตัวเลข µg/m³ ตั้งแต่ 5 ถึง 500", "โปรดเลือกจังหวัด",
          "โปรดเลือกภาษาไทยหรือภาษาอังกฤษ"]),
])
def test_bad_input_is_refused_in_the_pages_language_and_nothing_is_sent(
        app: Any, smtp_server: Sink, clean_db: None, prefix: str, expected: list[str]) -> None:
    answer = subscribe(app, {"email": "not an address", "province": "TH-99", "threshold": "1000",
                             "language": "fr"}, prefix=prefix)
    assert answer.status_code == 400
    text = words(answer)
    for message in expected:
        assert message in text
    assert 'value="not an address"' in answer.get_data(as_text=True)  # what was typed is kept
    for threshold in ("abc", "nan", "inf", "-3", "4.9"):
        refused = subscribe(app, {"email": "a@example.org", "province": "TH-52", "threshold": threshold},
                            prefix=prefix)
        assert refused.status_code == 400, threshold
    missing = subscribe(app, {"email": "", "province": "TH-52"}, prefix=prefix)
    assert ("Please enter your e-mail address." if prefix else "โปรดกรอกอีเมลของคุณ") in words(missing)
    assert smtp_server.take() == []


def test_the_same_answer_for_a_new_a_pending_and_a_confirmed_address(
        app: Any, smtp_server: Sink, lampang: Province) -> None:
    first = subscribe(app, {"email": ADDRESS, "province": "TH-52", "language": "en"})
    [confirmation] = smtp_server.take()
    assert confirmation.recipients == ["somchai.k@example.org"]
    pending = subscribe(app, {"email": ADDRESS, "province": "TH-52", "language": "en"})
    [second] = smtp_server.take()  # a new link; the old one no longer confirms
    client = app.test_client()
    confirm_path = "/en/pm25/alerts/confirm"
    token = link_in(second.body, confirm_path).split("token=", 1)[1]
    old_token = link_in(confirmation.body, confirm_path).split("token=", 1)[1]
    old = client.post(confirm_path, data={"token": old_token, "_csrf_token": csrf_token(client, "/en/pm25/alerts")})
    assert old.status_code == 404 and "This link does not work" in words(old)
    client.post(confirm_path, data={"token": token, "_csrf_token": csrf_token(client, "/en/pm25/alerts")})
    confirmed = subscribe(app, {"email": ADDRESS.lower(), "province": "TH-52", "language": "en"})
    [already] = smtp_server.take()

    assert first.status_code == pending.status_code == confirmed.status_code == 200
    assert message_of(first) == message_of(pending) == message_of(confirmed)
    assert already.message["Subject"] == "Your PM2.5 alerts for Lampang province"
    assert "already receives them" in already.body

    # a fourth request today: the address had its 3 mails; the answer is the same, nothing is sent
    over = subscribe(app, {"email": ADDRESS, "province": "TH-52", "language": "en"})
    assert over.status_code == 200 and message_of(over) == message_of(first)
    assert smtp_server.take() == []


def test_a_visitor_of_a_cached_province_page_subscribes_without_a_session(
        app: Any, smtp_server: Sink, clean_db: None) -> None:
    """The box is on province pages that shared caches serve without a session cookie, so its
    post carries no token that could match one: the post alone asks for a confirmation mail."""
    answer = app.test_client().post("/en/pm25/alerts", data={
        "email": "a@example.org", "province": "TH-52", "threshold": "37.5", "language": "en"})
    assert answer.status_code == 200 and "Check your inbox" in answer.get_data(as_text=True)
    [confirmation] = smtp_server.take()
    assert confirmation.recipients == ["a@example.org"]


def test_a_client_over_its_daily_limit_is_told_so(app: Any, smtp_server: Sink, clean_db: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, "ckanext.pm25.alerts.max_requests_per_client", 2)
    for number in range(2):
        assert subscribe(app, {"email": f"p{number}@example.org", "province": "TH-52"}).status_code == 200
    refused = subscribe(app, {"email": "p9@example.org", "province": "TH-52"})
    assert refused.status_code == 429 and "too many alerts today" in words(refused)
    thai = subscribe(app, {"email": "p9@example.org", "province": "TH-52"}, prefix="")
    assert thai.status_code == 429 and "วันนี้การเชื่อมต่อนี้ขอรับการแจ้งเตือนมากเกินไปแล้ว" in words(thai)
    assert len(smtp_server.take()) == 2


def test_an_unconfirmed_subscription_expires(app: Any, smtp_server: Sink, lampang: Province) -> None:
    subscribe(app, {"email": "late@example.org", "province": "TH-52", "language": "en"})
    [confirmation] = smtp_server.take()
    report = send_alerts(present() + timedelta(hours=49))
    assert report.expired == 1
    client = app.test_client()
    path = "/en/pm25/alerts/confirm"
    token = link_in(confirmation.body, path).split("token=", 1)[1]
    late = client.post(path, data={"token": token, "_csrf_token": csrf_token(client, "/en/pm25/alerts")})
    assert late.status_code == 404 and "has expired" in words(late)


def test_no_address_is_on_any_page_or_api_answer_or_in_the_log(
        app: Any, smtp_server: Sink, lampang: Province, caplog: pytest.LogCaptureFixture) -> None:
    with every_log_line(caplog) as ours:
        _everything_without_the_address(app, smtp_server, lampang)
    assert any(line.startswith("Province alerts: 1 due, 1 sent") for line in ours), ours[-20:]
    assert not [line for line in ours if "somchai" in line.lower()]


def _everything_without_the_address(app: Any, smtp_server: Sink, lampang: Province) -> None:
    subscribe(app, {"email": ADDRESS, "province": "TH-52", "language": "en"})
    [confirmation] = smtp_server.take()
    token = link_in(confirmation.body, "/pm25/alerts/confirm").split("token=", 1)[1]
    client = app.test_client()
    confirmed = client.post("/en/pm25/alerts/confirm", data={
        "token": token, "_csrf_token": csrf_token(client, "/en/pm25/alerts")})
    lampang.set_mean(50.0)
    send_alerts(present())
    [alert] = smtp_server.take()
    unsubscribe = urlsplit(link_in(alert.body, "/pm25/alerts/unsubscribe"))
    unsubscribe_page = app.test_client().get(f"{unsubscribe.path}?{unsubscribe.query}")
    pages = [confirmed, unsubscribe_page] + [app.test_client().get(path) for path in (
        "/pm25/alerts", "/en/pm25/alerts?province=TH-52", "/province/TH-52", "/en/province/TH-52", "/pm25",
        "/dataset/", "/api/3/action/package_search?q=example.org",
        "/api/3/action/pm25_province_show?id=TH-52", "/api/3/action/pm25_province_list",
        "/api/3/action/status_show")]
    site_user = helpers.call_action("get_site_user")
    answers = [helpers.call_action("package_search", q="example.org", include_private=True),
               helpers.call_action("user_list", context={"user": site_user["name"]})]
    for page in pages:
        assert page.status_code == 200
        text = page.get_data(as_text=True).lower()
        assert "somchai" not in text and "example.org" not in text
    for answer in answers:
        assert "somchai" not in str(answer).lower()
