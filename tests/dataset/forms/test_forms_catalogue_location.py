"""An agency editor gives a dataset's location once, in the form, and the national catalogue's own
fields (issue 14) come with it: the bounding fields, `geo_coverage` and the provinces' Thai and
English names as tags are on the dataset's page without being typed; an edit that moves the
location moves them and keeps the editor's own tags."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dataset.api import act
from tests.dataset.forms.browser import choose, click, field, log_in, screenshot, set_value, tick, type_into, wait

POINT_NAME = "pm25-gd-point-form"
AREA_NAME = "pm25-gd-area-form"
LAMPANG_AREA = ('{"type": "Polygon", "coordinates": '
                '[[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4], [99.4, 18.4], [99.4, 18.2]]]}')
BOUND_LABELS = ("ลองจิจูดขอบเขตด้านทิศตะวันตก", "ลองจิจูดขอบเขตด้านทิศตะวันออก",
                "ละติจูดขอบเขตด้านทิศเหนือ", "ละติจูดขอบเขตด้านทิศใต้")


def _open_new_dataset_form(browser: WebDriver, portal: str) -> None:
    browser.get(f"{portal}/dataset/new")
    wait(browser).until(lambda driver: driver.execute_script(
        "return !!document.querySelector('.pm25-location-ready')"))


def _fill_required(browser: WebDriver, title: str, name: str, data_type: str) -> None:
    choose(browser, "data_type", data_type)
    type_into(browser, "title", title)
    click(browser, browser.find_element(By.CSS_SELECTOR, ".slug-preview button"))
    type_into(browser, "name", name)
    type_into(browser, "maintainer", "ศูนย์ข้อมูลคุณภาพอากาศ ภาคเหนือ")
    type_into(browser, "maintainer_email", "air@pcd.go.th")
    set_value(browser, "tag_string", "PM2.5,หมอกควัน")
    type_into(browser, "notes", "ค่าฝุ่นละอองขนาดเล็ก PM2.5 รายชั่วโมง")
    tick(browser, "objective", "เพื่อการให้บริการประชาชน")
    type_into(browser, "data_source", "กรมควบคุมมลพิษ")
    tick(browser, "data_format", "CSV")


def _type_point(browser: WebDriver, lat: str, lon: str) -> None:
    type_into(browser, "spatial-lat", lat)
    type_into(browser, "spatial-lon", lon)
    field(browser, "spatial-lon").send_keys("\t")  # leaving the input writes the GeoJSON


def _save(browser: WebDriver) -> None:
    click(browser, browser.find_element(By.CSS_SELECTOR, "form#dataset-edit button[name=save].btn-primary"))


def _finish_with_a_link(browser: WebDriver, name: str) -> None:
    """The new-dataset flow's second stage: a link resource, then the dataset's page."""
    wait(browser).until(lambda driver: driver.find_elements(By.ID, "resource-link-button"))
    click(browser, browser.find_element(By.ID, "resource-link-button"))
    type_into(browser, "resource-url", "https://air4thai.pcd.go.th/services/getNewAQI_JSON.php?stationID=37t")
    type_into(browser, "name", "ค่าตรวจวัดรายชั่วโมง")
    click(browser, browser.find_element(By.CSS_SELECTOR, "form button[name=save][value=go-metadata]"))
    wait(browser).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{name}"))


def _details(browser: WebDriver) -> dict[str, str]:
    """The dataset page's "additional information" table: each field's label and shown value."""
    rows = {}
    for row in browser.find_elements(By.CSS_SELECTOR, "table tr"):
        label, value = row.find_elements(By.CSS_SELECTOR, "th"), row.find_elements(By.CSS_SELECTOR, "td")
        if label and value:
            rows[label[0].text.strip()] = value[0].text.strip()
    return rows


def _tags_on_page(browser: WebDriver) -> set[str]:
    return {tag.text.strip() for tag in browser.find_elements(By.CSS_SELECTOR, ".tag-list a")}


def test_a_point_typed_in_the_form_fills_the_catalogue_fields(portal: str, browser: WebDriver, artifacts: Path,
                                                              agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    _open_new_dataset_form(browser, portal)
    _fill_required(browser, "ฝุ่น PM2.5 สถานีลำปาง (แบบฟอร์ม GD-Catalog)", POINT_NAME, "ข้อมูลระเบียน")
    assert field(browser, "geo_coverage").get_attribute("value") == ""  # nothing to choose: the location says it
    _type_point(browser, "18.29", "99.5")
    _save(browser)
    _finish_with_a_link(browser, POINT_NAME)

    screenshot(browser, artifacts, "forms-gd-1-point-page")
    details = _details(browser)
    assert details["ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"] == "พิกัด"
    assert [details[label] for label in BOUND_LABELS] == ["99.5", "99.5", "18.29", "18.29"]
    assert {"PM2.5", "หมอกควัน", "ลำปาง", "Lampang"} <= _tags_on_page(browser)
    stored = act("package_show", agency["editor"], id=POINT_NAME)
    assert (stored["west_bound_longitude"], stored["east_bound_longitude"],
            stored["north_bound_longitude"], stored["south_bound_longitude"]) == ("99.5", "99.5", "18.29", "18.29")
    assert stored["geo_coverage"] == "พิกัด"


def test_a_province_polygon_in_the_form_fills_the_box_and_the_province_level(
        portal: str, browser: WebDriver, artifacts: Path, agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    _open_new_dataset_form(browser, portal)
    _fill_required(browser, "ฝุ่น PM2.5 พื้นที่ลำปาง (แบบฟอร์ม GD-Catalog)", AREA_NAME, "ข้อมูลภูมิสารสนเทศเชิงพื้นที่")
    assert all(field(browser, name).get_attribute("value") == "" for name in (
        "west_bound_longitude", "east_bound_longitude", "north_bound_longitude", "south_bound_longitude"))
    type_into(browser, "spatial", LAMPANG_AREA)
    _save(browser)
    _finish_with_a_link(browser, AREA_NAME)

    screenshot(browser, artifacts, "forms-gd-2-area-page")
    details = _details(browser)
    assert [details[label] for label in BOUND_LABELS] == ["99.4", "99.6", "18.4", "18.2"]
    assert details["ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"] == "จังหวัด"
    assert {"PM2.5", "หมอกควัน", "ลำปาง", "Lampang"} <= _tags_on_page(browser)
    stored = act("package_show", agency["editor"], id=AREA_NAME)
    assert (stored["west_bound_longitude"], stored["east_bound_longitude"],
            stored["north_bound_longitude"], stored["south_bound_longitude"]) == ("99.4", "99.6", "18.4", "18.2")
    assert stored["geo_coverage"] == "จังหวัด"


def test_an_edit_moving_the_point_moves_the_fields_and_keeps_the_editor_tags(
        portal: str, browser: WebDriver, artifacts: Path, agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    browser.get(f"{portal}/dataset/edit/{POINT_NAME}")
    wait(browser).until(lambda driver: driver.execute_script("return !!document.querySelector('.pm25-location-ready')"))
    assert field(browser, "geo_coverage").get_attribute("value") == "พิกัด"
    _type_point(browser, "18.79", "98.98")  # Chiang Mai
    choose(browser, "provinces")  # none chosen: derived from the new location (Lampang would contradict it)
    screenshot(browser, artifacts, "forms-gd-3-edit")
    _save(browser)
    wait(browser).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{POINT_NAME}"))

    tags = _tags_on_page(browser)
    assert {"PM2.5", "หมอกควัน", "เชียงใหม่", "Chiang Mai"} <= tags
    assert _details(browser)["ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"] == "พิกัด"
    assert not {"ลำปาง", "Lampang"} & tags
    stored = act("package_show", agency["editor"], id=POINT_NAME)
    assert (stored["west_bound_longitude"], stored["north_bound_longitude"]) == ("98.98", "18.79")
    assert stored["geo_coverage"] == "พิกัด"
    assert stored["provinces"] == ["TH-50"]
