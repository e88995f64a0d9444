"""Every rule of the PM2.5 schema through the action API: required fields, choices, e-mails,
dates (Buddhist-era years refused), numbers, "other" companions, tags and licences."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import REQUIRED_FIELDS
from tests.dataset.api import act, create, refused_create

# Fields GD-Catalog requires that have no default: leaving one out is refused, naming it.
REQUIRED_WITHOUT_DEFAULT = sorted({*REQUIRED_FIELDS, "title", "name"})


@pytest.mark.parametrize("field", REQUIRED_WITHOUT_DEFAULT)
def test_a_missing_required_field_is_refused_by_name(agency: dict[str, Any], field: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{field: ""})

    assert field in errors
    assert set(errors) <= {field, "name"}  # an empty name also makes the title fall back to nothing


def test_the_organisation_is_required(sysadmin: dict[str, Any]) -> None:
    errors = refused_create(sysadmin, "")

    assert "owner_org" in errors


@pytest.mark.parametrize("field, value", [
    ("data_type", "ข้อมูลเปิด"),
    ("data_category", "public"),
    ("update_frequency_unit", "hourly"),
    ("geo_coverage", "จังหวัดลำปาง"),
    ("objective", ["ยุทธศาสตร์ชาติ", "not a GD objective"]),
    ("data_format", ["CSV", "Parquet"]),
    ("pollutants", ["PM2.5", "PM1"]),
    ("measurement_type", "guess"),
    ("averaging_period", "8h"),
    ("unit", "ug/m3"),
    ("aqi_standard", "china"),
    ("quality_level", "excellent"),
    ("allow_harvest", "yes"),
    ("spatial_crs", "2154"),
])
def test_a_value_outside_the_choices_is_refused(agency: dict[str, Any], field: str, value: Any) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{field: value})

    assert list(errors) == [field]


def test_every_gd_catalog_choice_is_stored_as_its_thai_value(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"],
                     data_type="ข้อมูลสถิติ", objective=["แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)", "มติคณะรัฐมนตรี"],
                     update_frequency_unit="ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", geo_coverage="เทศบาล/อบต.",
                     data_format=["Arc/Info Coverage", "GeoTiff"], data_category="ข้อมูลความลับทางราชการ",
                     data_language=["ไทย", "อังกฤษ"], disaggregate=["อายุ/กลุ่มอายุ", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"],
                     unit_of_multiplier="ล้านล้าน", data_collect="แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ",
                     geographic_data_set="ชั้นข้อมูลขอบเขตการปกครอง", equivalent_scale="1:4,000",
                     license_id="Open Data Common", high_value_dataset="True", allow_harvest="False")

    shown = act("package_show", agency["editor"], id=dataset["id"])
    assert shown["data_type"] == "ข้อมูลสถิติ"
    assert shown["objective"] == ["แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)", "มติคณะรัฐมนตรี"]
    assert shown["update_frequency_unit"] == "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล"
    assert shown["geo_coverage"] == "เทศบาล/อบต."
    assert shown["data_format"] == ["Arc/Info Coverage", "GeoTiff"]
    assert shown["data_category"] == "ข้อมูลความลับทางราชการ"
    assert shown["disaggregate"] == ["อายุ/กลุ่มอายุ", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"]
    assert shown["unit_of_multiplier"] == "ล้านล้าน"
    assert shown["data_collect"] == "แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ"
    assert shown["geographic_data_set"] == "ชั้นข้อมูลขอบเขตการปกครอง"
    assert shown["license_id"] == "Open Data Common"
    assert (shown["high_value_dataset"], shown["allow_harvest"]) == ("True", "False")


@pytest.mark.parametrize("email", ["air-at-pcd.go.th", "air@", "อากาศ@"])
def test_a_malformed_contact_email_is_refused(agency: dict[str, Any], email: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], maintainer_email=email)

    assert list(errors) == ["maintainer_email"]


def test_the_contact_email_is_stored_without_surrounding_spaces(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], maintainer_email="  air@pcd.go.th ")

    assert dataset["maintainer_email"] == "air@pcd.go.th"


@pytest.mark.parametrize("field", ["last_updated_date", "created_date", "data_release_calendar",
                                   "data_release_date", "temporal_start", "temporal_end"])
def test_a_buddhist_era_date_is_refused_with_the_christian_era_year(agency: dict[str, Any], field: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], **{field: "2567-05-07"})

    assert list(errors) == [field]
    assert "Buddhist-era" in errors[field][0]
    assert "2024" in errors[field][0]


@pytest.mark.parametrize("field", ["first_year_of_data", "last_year_of_data"])
def test_a_buddhist_era_year_is_refused(agency: dict[str, Any], field: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], data_type="ข้อมูลสถิติ",
                            **{field: "2567"})

    assert "Buddhist-era" in errors[field][0] and "2024" in errors[field][0]


@pytest.mark.parametrize("value, words", [
    ("07/05/2024", "YYYY-MM-DD"),
    ("2024-02-30", "not a real calendar date"),
    ("yesterday", "YYYY-MM-DD"),
    ("1850-01-01", "outside"),
])
def test_a_malformed_date_is_refused_saying_why(agency: dict[str, Any], value: str, words: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], last_updated_date=value)

    assert words in errors["last_updated_date"][0]


def test_dates_and_years_are_stored_in_iso_form(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], data_type="ข้อมูลสถิติ",
                     last_updated_date="2024-5-7", temporal_start="2023-01-01T00:00:00",
                     temporal_end="2024-12-31", first_year_of_data=" 2019 ", last_year_of_data="2024")

    assert dataset["last_updated_date"] == "2024-05-07"
    assert (dataset["temporal_start"], dataset["temporal_end"]) == ("2023-01-01", "2024-12-31")
    assert (dataset["first_year_of_data"], dataset["last_year_of_data"]) == ("2019", "2024")


def test_a_temporal_coverage_ending_before_it_starts_is_refused(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"],
                            temporal_start="2024-05-07", temporal_end="2024-01-01")

    assert list(errors) == ["temporal_end"]


@pytest.mark.parametrize("value", ["hourly", "-1", "0", "1.5"])
def test_the_update_interval_must_be_a_positive_whole_number(agency: dict[str, Any], value: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], update_frequency_interval=value)

    assert list(errors) == ["update_frequency_interval"]


@pytest.mark.parametrize("field, value", [
    ("north_bound_longitude", "95"), ("south_bound_longitude", "-91"),
    ("west_bound_longitude", "181"), ("east_bound_longitude", "east"),
])
def test_bounding_coordinates_must_be_numbers_in_range(agency: dict[str, Any], field: str, value: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"],
                            data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่", **{field: value})

    assert list(errors) == [field]


def test_numbers_are_stored(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                     update_frequency_interval="24", west_bound_longitude="97.3", east_bound_longitude=105.7,
                     north_bound_longitude="20.5", south_bound_longitude="5.6")

    assert dataset["update_frequency_interval"] == "24"
    assert (dataset["west_bound_longitude"], dataset["east_bound_longitude"]) == ("97.3", "105.7")
    assert (dataset["north_bound_longitude"], dataset["south_bound_longitude"]) == ("20.5", "5.6")


@pytest.mark.parametrize("field, choice", [
    ("data_type", "ข้อมูลประเภทอื่นๆ"),
    ("objective", ["อื่นๆ"]),
    ("update_frequency_unit", "อื่นๆ"),
    ("geo_coverage", "อื่นๆ"),
    ("data_format", ["CSV", "อื่นๆ"]),
    ("license_id", "อื่นๆ"),
    ("data_language", ["อื่นๆ"]),
    ("data_support", "อื่นๆ"),
    ("data_collect", "อื่นๆ"),
    ("disaggregate", ["อื่นๆ"]),
    ("unit_of_multiplier", "อื่นๆ"),
    ("equivalent_scale", "อื่นๆ"),
])
def test_choosing_other_requires_saying_what_it_is(agency: dict[str, Any], field: str, choice: Any) -> None:
    org = agency["organization"]["id"]

    errors = refused_create(agency["editor"], org, **{field: choice})
    dataset = create(agency["editor"], org, **{field: choice, f"{field}_other": "ค่าอื่น"})

    assert list(errors) == [f"{field}_other"]
    assert dataset[f"{field}_other"] == "ค่าอื่น"


def test_an_aqi_unit_must_name_its_standard(agency: dict[str, Any]) -> None:
    org = agency["organization"]["id"]

    errors = refused_create(agency["editor"], org, unit="AQI")
    dataset = create(agency["editor"], org, unit="AQI", aqi_standard="thai_pcd")

    assert list(errors) == ["aqi_standard"]
    assert (dataset["unit"], dataset["aqi_standard"]) == ("AQI", "thai_pcd")


def test_thai_tags_are_accepted_as_tag_string_or_tag_list(agency: dict[str, Any]) -> None:
    org = agency["organization"]["id"]

    from_string = create(agency["editor"], org, tag_string="ฝุ่นละออง, คุณภาพอากาศ,PM2.5")
    from_list = create(agency["editor"], org, tag_string=None,
                       tags=[{"name": "หมอกควัน"}, {"name": "ไฟป่า-ภาคเหนือ"}])

    assert {t["name"] for t in from_string["tags"]} == {"PM2.5", "คุณภาพอากาศ", "ฝุ่นละออง"}
    assert {t["name"] for t in from_list["tags"]} == {"ไฟป่า-ภาคเหนือ", "หมอกควัน"}


@pytest.mark.parametrize("tags", ["PM2.5,ฝุ่น!", "<script>", "a,b" + "x" * 101])
def test_a_tag_with_forbidden_characters_or_length_is_refused(agency: dict[str, Any], tags: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], tag_string=tags)

    assert list(errors) == ["tag_string"]


@pytest.mark.parametrize("license_id", ["cc-by", "MIT"])
def test_an_unknown_licence_is_refused(agency: dict[str, Any], license_id: str) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], license_id=license_id)

    assert list(errors) == ["license_id"]


def test_the_contact_fields_are_stored_as_given(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], maintainer="นางสาวอากาศ ดี",
                     url="https://air4thai.pcd.go.th", station_id="37t", station_type="GROUND",
                     measurement_method="BAM", quality_level="validated", quality_notes="ตรวจสอบแล้ว")

    assert dataset["maintainer"] == "นางสาวอากาศ ดี"
    assert dataset["url"] == "https://air4thai.pcd.go.th"
    assert (dataset["station_id"], dataset["station_type"], dataset["measurement_method"]) == ("37t", "GROUND", "BAM")
    assert (dataset["quality_level"], dataset["quality_notes"]) == ("validated", "ตรวจสอบแล้ว")


def test_a_malformed_url_is_refused(agency: dict[str, Any]) -> None:
    errors = refused_create(agency["editor"], agency["organization"]["id"], url="javascript:alert(1)")

    assert list(errors) == ["url"]


def test_the_stored_dataset_lists_multiple_choices_as_lists(agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], pollutants=["PM2.5", "PM10", "hotspots"])

    assert dataset["pollutants"] == ["PM2.5", "PM10", "hotspots"]
    assert json.loads(json.dumps(dataset["objective"])) == ["เพื่อการให้บริการประชาชน"]
