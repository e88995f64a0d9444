"""Validation messages in the user's language over HTTP: CKAN takes the language from the URL
(`/en/api/...`), the site default (Thai) otherwise; every message is keyed by its field."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories

from tests.factories import pm25_dataset_dict, point


@pytest.fixture(scope="module")
def editor_token(agency: dict[str, Any]) -> str:
    return factories.APIToken(user=agency["editor"]["id"])["token"]


def _refused_over_http(app: Any, path: str, token: str, **data: Any) -> dict[str, list[str]]:
    response = app.post(path, json=data, headers={"Authorization": token})
    body = response.json
    assert response.status_code == 409 and body["success"] is False, body
    error = dict(body["error"])
    assert error.pop("__type") == "Validation Error"
    return error


BAD_SUBMISSION = {
    "maintainer_email": "air-at-pcd",
    "last_updated_date": "2567-05-07",
    "spatial": point(18.29, 99.5),
    "data_type": "ข้อมูลประเภทอื่นๆ",
    "provinces": ["TH-99"],
}


def test_messages_are_in_thai_by_default(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    errors = _refused_over_http(app, "/api/3/action/package_create", editor_token,
                                **pm25_dataset_dict(owner_org=agency["organization"]["id"], **BAD_SUBMISSION))

    assert errors == {
        "maintainer_email": ["อีเมล air-at-pcd มีรูปแบบไม่ถูกต้อง"],
        "last_updated_date": ["2567 ดูเหมือนเป็นปีพุทธศักราช กรุณากรอกเป็นปีคริสต์ศักราช 2024 (พ.ศ. − 543)"],
        "spatial": ["รูปทรงเรขาคณิตอยู่นอกประเทศไทย แต่จะอยู่ในประเทศไทยหากสลับค่าพิกัด "
                    "ดูเหมือนว่าละติจูดและลองจิจูดถูกกรอกสลับกัน ตำแหน่งใน GeoJSON ต้องเป็น [ลองจิจูด, ละติจูด]"],
        "data_type_other": ['กรุณาระบุว่า "อื่นๆ" คืออะไร'],
        "provinces": ["ไม่รู้จักรหัสจังหวัด: TH-99 กรุณาใช้รหัส ISO 3166-2:TH เช่น TH-52 (ลำปาง)"],
    }


def test_messages_are_in_english_under_the_en_prefix(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    errors = _refused_over_http(app, "/en/api/3/action/package_create", editor_token,
                                **pm25_dataset_dict(owner_org=agency["organization"]["id"], **BAD_SUBMISSION))

    assert errors["maintainer_email"] == ["Email air-at-pcd is not a valid format"]
    assert errors["last_updated_date"] == [
        "2567 looks like a Buddhist-era year: enter the Christian-era year 2024 (B.E. − 543)."]
    assert "wrong order" in errors["spatial"][0]
    assert errors["data_type_other"] == ["Say what the other value is."]
    assert errors["provinces"][0].startswith("Unknown province code: TH-99.")


def test_core_messages_are_thai_too(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    errors = _refused_over_http(app, "/api/3/action/package_create", editor_token,
                                **pm25_dataset_dict(owner_org=agency["organization"]["id"], maintainer="",
                                                    data_category="public", update_frequency_interval="-3"))

    assert errors["maintainer"] == ["ค่าที่ขาดหาย"]
    assert errors["data_category"][0].startswith("ค่าต้องเป็นหนึ่งใน") and "ข้อมูลสาธารณะ" in errors["data_category"][0]
    assert errors["update_frequency_interval"] == ["ต้องเป็นจำนวนเต็มบวก"]


HARDENING_SUBMISSION = {"private": "maybe", "station_id": "s" * 101, "an unknown key": "ค" * 11_000}


def test_refusals_of_careless_input_are_thai_by_default(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    errors = _refused_over_http(app, "/api/3/action/package_create", editor_token,
                                **pm25_dataset_dict(owner_org=agency["organization"]["id"], **HARDENING_SUBMISSION))

    assert errors == {
        "private": ["กรุณาระบุค่าจริงหรือเท็จ (true หรือ false)"],
        "station_id": ["ยาวได้ไม่เกิน 100 ตัวอักษร (ค่านี้มี 101 ตัวอักษร)"],
        "an unknown key": ["ยาวเกินกว่าจะค้นหาได้: ช่องนี้รับข้อความได้ไม่เกิน 32766 ไบต์ (UTF-8)"],
    }


def test_refusals_of_careless_input_are_english_under_the_en_prefix(app: Any, agency: dict[str, Any],
                                                                    editor_token: str) -> None:
    errors = _refused_over_http(app, "/en/api/3/action/package_create", editor_token,
                                **pm25_dataset_dict(owner_org=agency["organization"]["id"], **HARDENING_SUBMISSION))

    assert errors == {
        "private": ["Enter true or false."],
        "station_id": ["At most 100 characters (this one has 101)."],
        "an unknown key": ["Too long to be searchable: at most 32766 bytes of text (UTF-8) in this field."],
    }
