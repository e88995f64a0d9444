"""Province alerts as a subscriber gets them: subscribe on the form, confirm by the mailed link,
then the runs of `ckan pm25 alerts send` (send_alerts) as the scheduler calls them, each mail read
from a real SMTP server on 127.0.0.1."""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import pytest

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings.hooks import now as present
from tests.participation.conftest import MAIL_FROM, Province, Sink, csrf_token, link_in, subscribe

pytestmark = pytest.mark.usefixtures("with_plugins")

ADDRESS = "somchai@example.org"
DAY = timedelta(days=1)


def site() -> str:
    return str(tk.config["ckan.site_url"]).rstrip("/")


def _local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _confirm(app: Any, mail_body: str) -> Any:
    """Open the mailed link, then press its button (a browser of its own)."""
    client = app.test_client()
    link = _local(link_in(mail_body, "/pm25/alerts/confirm"))
    page = client.get(link)
    assert page.status_code == 200
    token = link.split("token=", 1)[1]
    return client.post(link.split("?")[0], data={"token": token, "_csrf_token": csrf_token(client, link)})


def test_an_english_subscriber_confirms_then_gets_one_mail_up_and_one_back_under(
        app: Any, smtp_server: Sink, lampang: Province) -> None:
    lampang.set_mean(50.0)  # already over the standard before anyone subscribes
    answer = subscribe(app, {"email": ADDRESS, "province": "TH-52", "threshold": "", "language": "en"})
    assert answer.status_code == 200 and "Check your inbox" in answer.get_data(as_text=True)

    [confirmation] = smtp_server.take()
    assert confirmation.recipients == [ADDRESS]
    assert confirmation.message["Subject"] == "Confirm your PM2.5 alerts for Lampang province"
    assert MAIL_FROM in confirmation.message["From"]
    assert "above 37.5 µg/m³" in confirmation.body

    yesterday = present() - DAY
    report = send_alerts(yesterday)
    assert (report.due, report.sent) == (0, 0)
    assert smtp_server.take() == []  # nothing before confirmation

    confirmed = _confirm(app, confirmation.body)
    assert confirmed.status_code == 200 and "Your alerts are on" in confirmed.get_data(as_text=True)
    again = _confirm(app, confirmation.body)  # twice is harmless
    assert again.status_code == 200 and "Your alerts are on" in again.get_data(as_text=True)

    send_alerts(yesterday)
    [up] = smtp_server.take()
    assert up.recipients == [ADDRESS]
    assert up.message["Subject"] == "PM2.5 in Lampang province is above 37.5 µg/m³: 50.0 µg/m³"
    assert "The 24-hour mean of PM2.5 in Lampang province is now 50.0 µg/m³" in up.body
    assert "Starting to affect health" in up.body
    assert "Advice for everyone: Watch your health." in up.body
    assert f"{site()}/en/province/TH-52" in up.body
    unsubscribe_link = link_in(up.body, "/pm25/alerts/unsubscribe")
    assert up.message["List-Unsubscribe"].startswith(f"<{unsubscribe_link}>, <mailto:{MAIL_FROM}?subject=")
    assert up.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    send_alerts(yesterday)
    assert smtp_server.take() == []  # still above: nothing more

    lampang.set_mean(20.0)
    send_alerts(yesterday)
    assert smtp_server.take() == []  # back under the same day: waits for the next day

    send_alerts(present())
    [down] = smtp_server.take()
    assert down.message["Subject"] == "PM2.5 in Lampang province is back under 37.5 µg/m³: 20.0 µg/m³"
    assert "Advice for everyone: Good air quality" in down.body
    send_alerts(present())
    assert smtp_server.take() == []  # the run repeated sends nothing again

    # one click in the mail client: a POST of the RFC 8058 body, no session, no CSRF token
    clicked = app.test_client().post(_local(unsubscribe_link), data="List-Unsubscribe=One-Click",
                                     content_type="application/x-www-form-urlencoded")
    assert clicked.status_code == 200 and "no more alerts" in clicked.get_data(as_text=True)
    lampang.set_mean(60.0)
    send_alerts(present() + DAY)
    assert smtp_server.take() == []
    page = app.test_client().get(_local(unsubscribe_link))
    assert "There is no subscription for this link" in page.get_data(as_text=True)


def test_a_thai_subscriber_gets_thai_mail_and_unsubscribes_with_the_pages_button(
        app: Any, smtp_server: Sink, lampang: Province) -> None:
    subscribe(app, {"email": "malee@example.org", "province": "TH-52", "threshold": "30"}, prefix="")
    [confirmation] = smtp_server.take()
    assert confirmation.message["Subject"] == "ยืนยันการรับการแจ้งเตือน PM2.5 ของจังหวัดลำปาง"
    assert f"{site()}/pm25/alerts/confirm?token=" in confirmation.body
    _confirm(app, confirmation.body)

    lampang.set_mean(31.0)
    send_alerts(present())
    [up] = smtp_server.take()
    assert up.message["Subject"] == "PM2.5 ในจังหวัดลำปางเกิน 30.0 µg/m³: 31.0 µg/m³"
    assert "ปานกลาง" in up.body  # the Thai band of 31.0
    assert "สามารถทำกิจกรรมกลางแจ้งได้ตามปกติ" in up.body  # PCD's advice for everyone
    assert f"{site()}/province/TH-52" in up.body

    client = app.test_client()
    link = _local(link_in(up.body, "/pm25/alerts/unsubscribe"))
    page = client.get(link)
    assert "จังหวัดลำปาง" in page.get_data(as_text=True)
    done = client.post(link.split("?")[0], data={"token": link.split("token=", 1)[1],
                                                 "_csrf_token": csrf_token(client, link)})
    assert done.status_code == 200
    assert "There is no subscription" not in page.get_data(as_text=True)
    assert "ไม่มีการสมัครรับ" in client.get(link).get_data(as_text=True)


def test_a_refused_mail_is_sent_by_the_next_run_and_only_once(
        app: Any, smtp_server: Sink, lampang: Province) -> None:
    for address in ("a@example.org", "b@example.org"):
        subscribe(app, {"email": address, "province": "TH-52", "language": "en"})
    for confirmation in smtp_server.take():
        _confirm(app, confirmation.body)
    lampang.set_mean(45.0)

    smtp_server.refuse.add("b@example.org")
    report = send_alerts(present())
    assert (report.due, report.sent, report.refused) == (2, 1, 1)
    assert [mail.recipients for mail in smtp_server.take()] == [["a@example.org"]]

    smtp_server.refuse.clear()
    send_alerts(present())
    assert [mail.recipients for mail in smtp_server.take()] == [["b@example.org"]]
    send_alerts(present())
    assert smtp_server.take() == []


def test_an_unreachable_smtp_server_sends_nothing_and_the_next_run_sends_it(
        app: Any, smtp_server: Sink, lampang: Province, monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(app, {"email": ADDRESS, "province": "TH-52", "language": "en"})
    _confirm(app, smtp_server.take()[0].body)
    lampang.set_mean(45.0)
    working = tk.config["smtp.server"]
    monkeypatch.setitem(tk.config, "smtp.server", "127.0.0.1:1")
    report = send_alerts(present())
    assert report.sent == 0 and report.error
    monkeypatch.setitem(tk.config, "smtp.server", working)
    assert send_alerts(present()).sent == 1
    assert len(smtp_server.take()) == 1


def test_one_smtp_connection_per_batch(app: Any, smtp_server: Sink, lampang: Province,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, "ckanext.pm25.alerts.max_requests_per_client", 100)
    for number in range(5):
        subscribe(app, {"email": f"person{number}@example.org", "province": "TH-52", "language": "en"})
    for confirmation in smtp_server.take():
        _confirm(app, confirmation.body)
    lampang.set_mean(45.0)
    monkeypatch.setitem(tk.config, "ckanext.pm25.alerts.batch_size", 2)
    smtp_server.connections = 0
    assert send_alerts(present()).sent == 5
    assert len(smtp_server.take()) == 5
    assert smtp_server.connections == 3  # batches of 2, 2 and 1


def test_the_harvest_schedulers_pass_sends_the_alerts(app: Any, smtp_server: Sink, lampang: Province) -> None:
    from ckanext.pm25.harvesters.scheduling import run_every

    subscribe(app, {"email": ADDRESS, "province": "TH-52", "threshold": "40", "language": "en"})
    _confirm(app, smtp_server.take()[0].body)
    lampang.set_mean(41.0)
    run_every(0, passes=1)
    [up] = smtp_server.take()
    assert up.message["Subject"] == "PM2.5 in Lampang province is above 40.0 µg/m³: 41.0 µg/m³"
    run_every(0, passes=1)
    assert smtp_server.take() == []
