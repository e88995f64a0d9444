"""Careless or hostile input to the dataset API is refused with a message, never stored wrongly
and never answered with a server error (issue 13)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from ckan.tests import factories

from tests.dataset.api import act, create, refused, refused_create
from tests.factories import pm25_dataset_dict


@pytest.mark.parametrize("value", ["maybe", "publish", "2", 2, "yes please", "", " ", [], {}])  # "", [], {}: a 500
def test_private_takes_a_boolean_only(agency: dict[str, Any], value: Any) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], private=value)

    assert "private" in errors


@pytest.mark.parametrize("value, stored", [(True, True), ("True", True), ("true", True), ("false", False),
                                           (False, False), ("False", False)])
def test_private_as_forms_and_clients_send_it(agency: dict[str, Any], value: Any, stored: bool) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], private=value)

    assert act("package_show", agency["editor"], id=dataset["id"])["private"] is stored


def test_a_refused_private_value_leaves_a_public_dataset_public(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], private=False)

    errors = refused("package_patch", agency["editor"], id=dataset["id"], private="maybe")

    assert "private" in errors
    assert act("package_show", agency["editor"], id=dataset["id"])["private"] is False


def test_a_station_id_longer_than_a_search_term_is_refused_by_name(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], station_id="x" * 40_000)

    assert list(errors) == ["station_id"]
    assert "solr" not in " ".join(errors["station_id"]).lower()


@pytest.mark.parametrize("key, value", [
    ("x" * 2_000, "a value"),
    ("an unknown key", "y" * 40_000),
    ("quality_notes", "ข" * 11_000),  # 33,000 bytes of Thai in a known text field indexed as one term
])
def test_an_unknown_key_that_the_index_cannot_hold_is_refused_by_name(agency: dict[str, Any], key: str,
                                                                       value: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{key: value})

    message = " ".join(str(item) for items in errors.values() for item in items)
    assert errors
    assert "solr" not in message.lower() and "immense" not in message.lower()


def test_a_dataset_stored_before_the_length_rule_still_indexes(agency: dict[str, Any]) -> None:
    import ckan.model as model
    from ckan.lib.search import commit, rebuild

    dataset = create(agency["editor"], agency["organization"]["id"], title="ชุดข้อมูลเก่าที่มีค่ายาวมาก")
    package = model.Package.get(dataset["id"])
    package.extras = {**package.extras, "legacy_notes": "z" * 40_000}
    model.Session.commit()

    rebuild(package_id=dataset["id"])  # raised SearchIndexError (Solr's immense term) before
    commit()

    found = act("package_search", agency["editor"], q=f'name:"{dataset["name"]}"', include_private=True)
    assert [item["id"] for item in found["results"]] == [dataset["id"]]


# What the schema fuzz suite (tests/dataset/test_fuzz_schema.py) found answered with a server
# error, an untranslated English "Integrity Error", or an error named after CKAN's internals.

@pytest.fixture(scope="module")
def editor_token(agency: dict[str, Any]) -> str:
    return factories.APIToken(user=agency["editor"]["id"])["token"]


def _posted(app: Any, path: str, token: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = app.post(path, data=json.dumps(data), headers={"Authorization": token,
                                                              "Content-Type": "application/json"})
    return response.status_code, response.json["error"] if response.status_code != 200 else response.json


@pytest.mark.parametrize("changes, field", [
    ({"owner_org": "\ud800"}, "owner_org"),   # looked up in PostgreSQL before validation
    ({"title": "PM2.5 \udfff"}, "title"),
    ({"quality_notes": ["a\ud83d"]}, "quality_notes"),
    ({"ที่มา\ud800": "x"}, "ที่มา\ufffd"),   # a key no schema knows, named as it can be shown
])
def test_unpaired_surrogates_are_refused_naming_the_field(app: Any, agency: dict[str, Any], editor_token: str,
                                                          changes: dict[str, Any], field: str) -> None:
    status, error = _posted(app, "/api/3/action/package_create", editor_token,
                            {**pm25_dataset_dict(owner_org=agency["organization"]["id"]), **changes})

    assert status == 409
    assert error[field] == ["ข้อความมีอักขระ NUL หรือ surrogate ที่ไม่มีคู่ (ยูนิโค้ดที่ไม่ถูกต้อง) ซึ่งไม่สามารถบันทึกได้"]


@pytest.mark.parametrize("changes", [{"id": "\ud800"}, {"id": ["x"]}, {"id": 5}, {"id": None, "name": {"a": 1}},
                                     {"owner_org": {}}, {"owner_org": ["x"]}])
def test_an_update_of_a_dataset_named_by_what_no_lookup_can_take_is_refused(app: Any, agency: dict[str, Any],
                                                                           editor_token: str,
                                                                           changes: dict[str, Any]) -> None:
    status, error = _posted(app, "/en/api/3/action/package_update", editor_token,
                            {**pm25_dataset_dict(owner_org=agency["organization"]["id"]), **changes})

    assert status == 409
    assert set(error) - {"__type"} <= {"id", "name", "owner_org"} and error["__type"] == "Validation Error"


@pytest.mark.parametrize("tags", ["PM2.5", None, [{"name": "PM2.5"}, "ฝุ่น"]])
def test_tags_that_are_not_a_list_of_objects_are_refused_naming_tags(app: Any, agency: dict[str, Any],
                                                                    editor_token: str, tags: Any) -> None:
    status, error = _posted(app, "/api/3/action/package_create", editor_token,
                            pm25_dataset_dict(owner_org=agency["organization"]["id"], tags=tags))

    assert status == 409  # was a server error (a text), or a 400 "Integrity Error" in English
    assert error["tags"] == ["ต้องเป็นรายการ (list) ของออบเจกต์ JSON"]


def test_a_key_named_like_ckans_own_extras_is_refused(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    status, error = _posted(app, "/en/api/3/action/package_create", editor_token,
                            pm25_dataset_dict(owner_org=agency["organization"]["id"], __extras=" "))

    assert status == 409  # was a server error
    assert error["__extras"] == ["__extras is a name CKAN reserves for itself; it cannot be a field."]


def test_a_nul_in_an_unknown_keys_name_is_refused_by_that_name(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{"spatial\x00": ""})

    assert list(errors) == ["spatial\ufffd"]  # not CKAN's "__extras"


@pytest.mark.parametrize("dataset_type", ["\r", "station", [], {"a": 1}])
def test_a_dataset_type_no_plugin_handles_is_refused(app: Any, agency: dict[str, Any], editor_token: str,
                                                     dataset_type: Any) -> None:
    name = f"untyped-{len(str(dataset_type))}-{type(dataset_type).__name__}"
    status, error = _posted(app, "/api/3/action/package_create", editor_token,
                            pm25_dataset_dict(owner_org=agency["organization"]["id"], name=name, type=dataset_type))

    assert status == 409  # CKAN's default schema (no PM2.5 rule at all) took it, or a server error
    assert set(error) == {"type", "__type"}
    assert act("package_search", agency["editor"], q=f"name:{name}", include_private=True)["count"] == 0


def test_a_missing_organization_is_said_in_thai(app: Any, agency: dict[str, Any], editor_token: str) -> None:
    data = pm25_dataset_dict()
    status, error = _posted(app, "/api/3/action/package_create", editor_token, data)

    assert status == 409
    assert error["owner_org"] == ["กรุณาระบุหน่วยงาน"]


@pytest.mark.parametrize("value", [[1.5], {"a": "CSV"}, 5])
def test_a_resource_format_that_is_not_a_text_is_refused(agency: dict[str, Any], value: Any) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"],
                            resources=[{"url": "http://example.com/a.csv", "format": value}])

    assert errors["resources"] == [{"format": ["Must be a text."]}]  # was a server error (CKAN's clean_format)
