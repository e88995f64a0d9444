"""Careless or hostile input to the dataset API is refused with a message, never stored wrongly
and never answered with a server error (issue 13)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.dataset.api import act, create, refused, refused_create


@pytest.mark.parametrize("value", ["maybe", "publish", "2", 2, "yes please"])
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
