"""What is stored: defaults (and changing them), unknown keys kept as extras, the `extras` list
kept, and a refused submission leaving the stored dataset and its index entry as they were."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import point
from tests.dataset.api import act, create, refused, refused_create

DEFAULTS = {
    "update_frequency_unit": "ชั่วโมง",
    "data_category": "ข้อมูลสาธารณะ",
    "unit": "µg/m³",
    "geo_coverage": "จังหวัด",
    "license_id": "Creative Commons Attributions",
    "allow_harvest": "True",
    "pollutants": ["PM2.5"],
    "measurement_type": "reference_station",
    "averaging_period": "1h",
    "aqi_standard": "none",
    "quality_level": "raw",
    "data_language": ["ไทย"],
}


def test_a_dataset_without_them_gets_the_pm25_defaults(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"])

    assert {field: dataset[field] for field in DEFAULTS} == DEFAULTS


def test_empty_values_get_the_defaults_too(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"],
                     update_frequency_unit="", data_category=None, unit="")

    assert (dataset["update_frequency_unit"], dataset["data_category"], dataset["unit"]) == \
        ("ชั่วโมง", "ข้อมูลสาธารณะ", "µg/m³")


def test_every_default_can_be_changed_at_creation_and_later(agency: dict[str, Any]) -> None:
    org = agency["organization"]["id"]

    created = create(agency["editor"], org, update_frequency_unit="วัน", data_category="ข้อมูลความมั่นคง",
                     unit="ppb", pollutants=["O3"])
    updated = act("package_patch", agency["editor"], id=created["id"], update_frequency_unit="ตามเวลาจริง",
                  data_category="ข้อมูลส่วนบุคคล", unit="mg/m³")

    assert (created["update_frequency_unit"], created["data_category"], created["unit"]) == \
        ("วัน", "ข้อมูลความมั่นคง", "ppb")
    assert (updated["update_frequency_unit"], updated["data_category"], updated["unit"]) == \
        ("ตามเวลาจริง", "ข้อมูลส่วนบุคคล", "mg/m³")
    assert act("package_show", agency["editor"], id=created["id"])["unit"] == "mg/m³"


def _extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}


def test_unknown_top_level_keys_are_kept_as_extras(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], data_cdp="yes",
                     agency_code=1402, station_meta={"height_m": 3.5, "inlet": "PM2.5"})

    shown = act("package_show", agency["editor"], id=dataset["id"])

    assert _extras(shown) == {"data_cdp": "yes", "agency_code": "1402",
                              "station_meta": '{"height_m": 3.5, "inlet": "PM2.5"}'}


def test_unknown_keys_holding_lists_of_objects_are_kept_too(agency: dict[str, Any]) -> None:
    # CKAN 2.11 would unpack these before validation: the first lost, the second an error.
    dataset = create(agency["editor"], agency["organization"]["id"],
                     contacts=[{"name": "ศูนย์ฯ ลำปาง", "phone": "054-000000"}, {}],
                     instruments=[{"model": "BAM-1020"}, None])

    shown = act("package_show", agency["editor"], id=dataset["id"])

    assert _extras(shown) == {
        "contacts": '[{"name": "ศูนย์ฯ ลำปาง", "phone": "054-000000"}, {}]',
        "instruments": '[{"model": "BAM-1020"}, null]'}
    act("package_update", agency["editor"], **shown)
    assert _extras(act("package_show", agency["editor"], id=dataset["id"])) == _extras(shown)


def test_an_extras_list_is_kept_beside_unknown_keys(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], legacy_id="A-17",
                     extras=[{"key": "harvest_note", "value": "from the agency catalogue"}])

    assert _extras(act("package_show", agency["editor"], id=dataset["id"])) == {
        "harvest_note": "from the agency catalogue", "legacy_id": "A-17"}


def test_a_package_show_result_sent_back_to_package_update_changes_nothing(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=point(99.5, 18.29),
                     legacy_id="A-17", extras=[{"key": "harvest_note", "value": "kept"}])
    shown = act("package_show", agency["editor"], id=dataset["id"])

    act("package_update", agency["editor"], **shown)
    again = act("package_show", agency["editor"], id=dataset["id"])

    assert _extras(again) == {"harvest_note": "kept", "legacy_id": "A-17"}  # no show-only keys added
    ignored = {"metadata_modified"}
    assert {k: v for k, v in again.items() if k not in ignored} == {k: v for k, v in shown.items() if k not in ignored}


def test_a_key_given_on_its_own_replaces_the_same_key_in_extras(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], legacy_id="A-17")

    patched = act("package_patch", agency["editor"], id=dataset["id"], legacy_id="A-18")

    assert _extras(patched) == {"legacy_id": "A-18"}


@pytest.mark.parametrize("extras, field", [
    ([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}], "extras_validation"),
    ([{"key": "data_category", "value": "ข้อมูลส่วนบุคคล"}], "extras"),
    ([{"key": "", "value": "1"}], "extras"),
])
def test_a_bad_extras_list_is_refused_not_dropped(agency: dict[str, Any], extras: list[dict[str, Any]],
                                                  field: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], extras=extras)

    assert list(errors) == [field]


def test_an_absurdly_long_unknown_key_is_refused(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{"k" * 300: "value"})

    assert "k" * 100 in errors


@pytest.mark.parametrize("action", ["package_update", "package_patch"])
def test_a_refused_update_leaves_the_stored_dataset_and_index_as_they_were(agency: dict[str, Any],
                                                                           action: str) -> None:
    editor = agency["editor"]
    dataset = create(editor, agency["organization"]["id"], title="ฝุ่นลำปาง ก่อนแก้ไข", spatial=point(99.5, 18.29),
                     legacy_id="A-17")
    before = act("package_show", editor, id=dataset["id"])
    changes = {"title": "ฝุ่นกรุงเทพ หลังแก้ไข", "spatial": point(100.5, 13.75), "unit": "ppm",
               "maintainer_email": "not-an-email", "last_updated_date": "2567-01-01", "legacy_id": "B-1"}
    submitted = dict(before, **changes) if action == "package_update" else dict(id=dataset["id"], **changes)

    errors = refused(action, editor, **submitted)

    # the provinces (TH-52) also contradict the new location, in Bangkok
    assert set(errors) == {"maintainer_email", "last_updated_date", "provinces"}
    assert act("package_show", editor, id=dataset["id"]) == before
    indexed = act("package_search", editor, fq=f'id:"{dataset["id"]}"')["results"][0]
    assert (indexed["title"], indexed["provinces"], indexed["unit"]) == ("ฝุ่นลำปาง ก่อนแก้ไข", ["TH-52"], "µg/m³")


@pytest.mark.parametrize("field", ["spatial", "last_updated_date"])
@pytest.mark.parametrize("empty", [[], {}, ""])
def test_an_empty_value_is_stored_as_none_and_survives_an_update(agency: dict[str, Any], field: str,
                                                                 empty: Any) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], **{field: empty})
    shown = act("package_show", agency["editor"], id=dataset["id"])
    assert not shown.get(field)

    act("package_update", agency["editor"], **shown)

    assert not act("package_show", agency["editor"], id=dataset["id"]).get(field)


def test_a_refused_location_leaves_the_old_location_and_provinces(agency: dict[str, Any]) -> None:
    editor = agency["editor"]
    dataset = create(editor, agency["organization"]["id"], spatial=point(99.5, 18.29))

    errors = refused("package_patch", editor, id=dataset["id"], spatial=point(18.29, 99.5))

    assert list(errors) == ["spatial"]
    shown = act("package_show", editor, id=dataset["id"])
    assert json.loads(shown["spatial"])["coordinates"] == [99.5, 18.29]
    assert shown["provinces"] == ["TH-52"]


def test_moving_the_location_rederives_the_provinces_when_they_are_cleared(agency: dict[str, Any]) -> None:
    editor = agency["editor"]
    dataset = create(editor, agency["organization"]["id"], spatial=point(99.5, 18.29))

    kept = refused("package_patch", editor, id=dataset["id"], spatial=point(100.5, 13.75))
    moved = act("package_patch", editor, id=dataset["id"], spatial=point(100.5, 13.75), provinces=[])

    assert "TH-52 (ลำปาง)" in kept["provinces"][0] and "TH-10" in kept["provinces"][0]
    assert moved["provinces"] == ["TH-10"]
