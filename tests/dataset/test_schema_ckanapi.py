"""ckanapi as a remote client of the running portal, with an API token: create, show and search
a PM2.5 dataset, and read a refusal as a validation error in the portal's language."""
from __future__ import annotations

from typing import Any

import ckanapi
import pytest
from ckan.tests import factories

from tests.factories import pm25_dataset_dict, point


@pytest.fixture(scope="module")
def remote(portal: str, agency: dict[str, Any]) -> ckanapi.RemoteCKAN:
    token = factories.APIToken(user=agency["editor"]["id"])["token"]
    with ckanapi.RemoteCKAN(portal, apikey=token, user_agent="ckanext-pm25 tests") as client:
        yield client


def test_create_show_and_search_through_ckanapi(remote: ckanapi.RemoteCKAN, agency: dict[str, Any]) -> None:
    created = remote.action.package_create(**pm25_dataset_dict(
        owner_org=agency["organization"]["name"], name="pm25-ckanapi-lampang",
        title="ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง (ckanapi)", spatial=point(99.5, 18.29),
        agency_reference="LP-01"))

    shown = remote.action.package_show(id="pm25-ckanapi-lampang")
    found = remote.action.package_search(q="ฝุ่น", fq="provinces:TH-52 +name:pm25-ckanapi-lampang")

    assert created["id"] == shown["id"]
    assert shown["provinces"] == ["TH-52"]
    assert shown["update_frequency_unit"] == "ชั่วโมง"
    assert {"key": "agency_reference", "value": "LP-01"} in shown["extras"]
    assert [dataset["name"] for dataset in found["results"]] == ["pm25-ckanapi-lampang"]


def test_a_refusal_reaches_ckanapi_as_a_validation_error(remote: ckanapi.RemoteCKAN, agency: dict[str, Any]) -> None:
    with pytest.raises(ckanapi.ValidationError) as refusal:
        remote.action.package_create(**pm25_dataset_dict(
            owner_org=agency["organization"]["name"], created_date="2567-01-15", data_type="ข้อมูลระเบียน"))

    assert "ปีพุทธศักราช" in refusal.value.error_dict["created_date"][0]


def test_ckanapi_without_a_token_cannot_publish(portal: str, agency: dict[str, Any]) -> None:
    with ckanapi.RemoteCKAN(portal, user_agent="ckanext-pm25 tests") as anonymous, \
            pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(**pm25_dataset_dict(owner_org=agency["organization"]["name"]))
