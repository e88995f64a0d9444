"""District alerts as a subscriber gets them: a district of Phrae chosen after its province on
the form (or named in the API), evaluated on the GISTDA model's 24-hour mean as a real harvest of
the GISTDA imitation stores it, each mail read from the SMTP server on 127.0.0.1."""
from __future__ import annotations

import re
from typing import Any

import pytest
from ckan.tests import helpers

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings.hooks import now as present
from tests.participation.conftest import Sink, link_in, subscribe
from tests.participation.district_model import GISTDA, MUEANG_PHRAE, NO_MEAN, Model

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

def _licence_of_the_store() -> str:
    """The licence the model's network dataset is published under, as a reader of it sees it."""
    [dataset] = helpers.call_action("package_search", fq="measurement_type:satellite_model")["results"]
    return str(dataset["license_id"])  # GD-Catalog's licence ids are their names (schemas/licenses.json)


def _token(mail_body: str, path: str) -> str:
    return link_in(mail_body, path).split("token=", 1)[1]


def test_the_form_offers_the_provinces_districts_after_the_province(app: Any, gistda_model: Model) -> None:
    form = app.get("/en/pm25/alerts").get_data(as_text=True)
    assert form.index('name="province"') < form.index('name="district"')
    assert '<optgroup label="Phrae" data-province="TH-54">' in form
    assert f'<option value="{MUEANG_PHRAE}" >Mueang Phrae</option>' in form
    box = app.get("/province/TH-54").get_data(as_text=True)
    assert "อำเภอ (ไม่บังคับ: ค่าประมาณจากแบบจำลองข้อมูลดาวเทียมของ GISTDA)" in box
    assert f'<option value="{MUEANG_PHRAE}" >เมืองแพร่</option>' in box


def test_a_district_subscriber_is_told_of_the_models_crossing_once_a_day_and_named_with_its_province(
        app: Any, smtp_server: Sink, gistda_model: Model) -> None:
    answer = subscribe(app, {"email": "somsak@example.org", "province": "TH-54", "district": MUEANG_PHRAE,
                             "threshold": "", "language": "en"})
    assert answer.status_code == 200 and "Check your inbox" in answer.get_data(as_text=True)
    [confirmation] = smtp_server.take()
    assert confirmation.message["Subject"] == "Confirm your PM2.5 alerts for Mueang Phrae district, Phrae province"
    assert "estimate of GISTDA's satellite-data model, not a measurement" in confirmation.body
    confirmed = app.post("/en/api/3/action/pm25_alert_confirm",
                         json={"token": _token(confirmation.body, "/pm25/alerts/confirm")}).json["result"]
    assert confirmed["area"]["kind"] == "district" and confirmed["area"]["code"] == MUEANG_PHRAE

    assert send_alerts(present()).due == 0  # 20.0 is under the standard
    gistda_model.set_mean(MUEANG_PHRAE, 80.0)
    report = send_alerts(present())
    assert report.sent == 1
    [up] = smtp_server.take()
    assert up.recipients == ["somsak@example.org"]
    assert up.message["Subject"] == "PM2.5 in Mueang Phrae district, Phrae province is above 37.5 µg/m³: 80.0 µg/m³"
    assert ("The 24-hour mean of PM2.5 in Mueang Phrae district, Phrae province is now 80.0 µg/m³" in up.body)
    attribution = re.search(r"an estimate of GISTDA's satellite-data model, not a measurement\. Source: (.+); "
                            r"licence: (.+)\.$", up.body, re.M)
    assert attribution and attribution.groups() == (GISTDA, _licence_of_the_store()), up.body
    assert "/en/province/TH-54" in up.body
    assert up.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    gistda_model.set_mean(MUEANG_PHRAE, 15.0)
    send_alerts(present())
    assert smtp_server.take() == []  # back under the same day: waits for the next day


def test_a_thai_district_subscriber_named_by_the_api_and_a_district_without_a_current_mean(
        app: Any, smtp_server: Sink, gistda_model: Model) -> None:
    for district in ("เมืองแพร่", NO_MEAN):
        app.post("/api/3/action/pm25_alert_subscribe", json={
            "email": "malee@example.org", "district": district, "threshold": 10, "language": "th"})
    first, second = smtp_server.take()
    assert first.message["Subject"] == "ยืนยันการรับการแจ้งเตือน PM2.5 ของอำเภอเมืองแพร่ จังหวัดแพร่"
    assert "ค่าประมาณจากแบบจำลองข้อมูลดาวเทียมของ GISTDA ไม่ใช่ค่าตรวจวัด" in first.body
    for mail in (first, second):
        app.post("/api/3/action/pm25_alert_confirm", json={"token": _token(mail.body, "/pm25/alerts/confirm")})

    report = send_alerts(present())
    assert (report.due, report.sent) == (1, 1)  # none for the district with no current 24-hour mean
    [up] = smtp_server.take()
    assert up.message["Subject"] == "PM2.5 ในอำเภอเมืองแพร่ จังหวัดแพร่เกิน 10.0 µg/m³: 20.0 µg/m³"
    assert f"แหล่งข้อมูล: {GISTDA} สัญญาอนุญาต: {_licence_of_the_store()}" in up.body
    assert f"{MUEANG_PHRAE}" not in up.message["Subject"]


def test_the_api_names_a_district_by_english_name_and_refuses_one_outside_the_province(
        app: Any, smtp_server: Sink, gistda_model: Model) -> None:
    answer = app.post("/en/api/3/action/pm25_alert_subscribe", json={
        "email": "somsak@example.org", "district": "Amphoe Mueang Phrae"}).json["result"]
    assert answer["area"]["name"] == "Mueang Phrae district, Phrae province"
    assert answer["area"]["district"]["source"] == GISTDA and answer["area"]["district"]["code"] == MUEANG_PHRAE
    assert "somsak" not in str(answer)
    for prefix, expected in (("/en", "Lampang province has no district called 5401 with a model estimate. "
                                     "Please choose one from the list."),
                             ("", "จังหวัดลำปางไม่มีอำเภอชื่อ 5401 ที่มีค่าประมาณจากแบบจำลอง โปรดเลือกจากรายการ")):
        refused = app.post(f"{prefix}/api/3/action/pm25_alert_subscribe", json={
            "email": "somsak@example.org", "province": "TH-52", "district": MUEANG_PHRAE}, status=409).json
        assert refused["error"]["district"] == [expected]
    form = subscribe(app, {"email": "somsak@example.org", "province": "TH-52", "district": MUEANG_PHRAE})
    assert form.status_code == 400 and "Lampang province has no district called 5401" in form.get_data(as_text=True)
    assert len(smtp_server.take()) == 1  # the first only
