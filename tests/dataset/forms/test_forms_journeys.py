"""An agency editor publishes through the forms in headless Chromium: creates a dataset at
/dataset/new (required fields, provinces, the location clicked on the map), adds a link resource,
sees it with Thai labels, province names and a map, edits it (typing coordinates), and on wrong
input sees each error next to its field with what they typed kept. Screenshots go to artifacts."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tests.dataset.forms.browser import (choose, click, error_next_to, field, log_in, screenshot, set_value, tick,
                                         type_into, wait)
from tests.map_clicks import click_where_drawn
from tests.dataset.api import act

LAMPANG = (18.29, 99.50)  # lat, lon
TITLE = "ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง (แบบฟอร์ม)"
NAME = "pm25-lampang-form"


def _open_new_dataset_form(browser: WebDriver, portal: str) -> None:
    browser.get(f"{portal}/dataset/new")
    wait(browser).until(lambda driver: driver.execute_script(
        "return !!document.querySelector('.pm25-location-ready')"))


def _fill_required(browser: WebDriver, title: str, name: str, email: str = "air@pcd.go.th",
                   data_source: str = "กรมควบคุมมลพิษ") -> None:
    choose(browser, "data_type", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่")
    type_into(browser, "title", title)
    click(browser, browser.find_element(By.CSS_SELECTOR, ".slug-preview button"))
    type_into(browser, "name", name)
    type_into(browser, "maintainer", "ศูนย์ข้อมูลคุณภาพอากาศ ภาคเหนือ")
    type_into(browser, "maintainer_email", email)
    set_value(browser, "tag_string", "PM2.5,ฝุ่นละออง,ลำปาง")
    type_into(browser, "notes", "ค่าฝุ่นละอองขนาดเล็ก PM2.5 รายชั่วโมง จากสถานีในจังหวัดลำปาง")
    tick(browser, "objective", "เพื่อการให้บริการประชาชน")
    type_into(browser, "data_source", data_source)
    tick(browser, "data_format", "CSV", "JSON")


def _click_map_at(browser: WebDriver, lat: float, lon: float) -> None:
    """A real mouse click on the map where (lat, lon) is drawn. The window is grown to the whole
    page first, so no scrolling moves the map between measuring and clicking."""
    canvas = browser.find_element(By.CSS_SELECTOR, ".pm25-location-map")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 200, 8000))
    try:
        click_where_drawn(browser, canvas, lat, lon)
    finally:
        browser.set_window_size(1280, 1000)


def _submit(browser: WebDriver, css: str = "form#dataset-edit button[name=save].btn-primary") -> None:
    click(browser, browser.find_element(By.CSS_SELECTOR, css))


def test_an_agency_editor_publishes_a_dataset_with_the_form(portal: str, browser: WebDriver, artifacts: Path,
                                                            agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    _open_new_dataset_form(browser, portal)
    _fill_required(browser, TITLE, NAME)
    choose(browser, "private", "False")  # public
    choose(browser, "provinces", "TH-52")
    _click_map_at(browser, *LAMPANG)
    spatial = json.loads(field(browser, "spatial").get_attribute("value"))
    assert spatial["type"] == "Point"
    assert spatial["coordinates"] == pytest.approx([LAMPANG[1], LAMPANG[0]], abs=0.05)
    assert float(field(browser, "spatial-lat").get_attribute("value")) == pytest.approx(LAMPANG[0], abs=0.05)
    screenshot(browser, artifacts, "forms-1-new-dataset-filled")
    _submit(browser)

    wait(browser).until(lambda driver: driver.find_elements(By.ID, "resource-link-button"))
    click(browser, browser.find_element(By.ID, "resource-link-button"))
    type_into(browser, "resource-url", "https://air4thai.pcd.go.th/services/getNewAQI_JSON.php?stationID=37t")
    type_into(browser, "name", "ค่าตรวจวัดรายชั่วโมง สถานี 37t")
    screenshot(browser, artifacts, "forms-2-resource-link")
    _submit(browser, "form button[name=save][value=go-metadata]")

    wait(browser).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{NAME}"))
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pm25-dataset-location-ready"))
    page = browser.find_element(By.TAG_NAME, "body").text
    screenshot(browser, artifacts, "forms-3-dataset-page")
    assert TITLE in page
    assert "ประเภทชุดข้อมูล" in page and "ข้อมูลภูมิสารสนเทศเชิงพื้นที่" in page  # Thai label and value
    assert "หน่วยความถี่ของการปรับปรุงข้อมูล" in page and "ชั่วโมง" in page  # the default, kept
    assert "ค่าตรวจวัดรายชั่วโมง สถานี 37t" in page
    provinces = browser.find_element(By.CSS_SELECTOR, ".pm25-dataset-provinces").text
    assert "ลำปาง" in provinces
    labels = [label.text for label in browser.find_elements(By.CSS_SELECTOR, ".pm25-province-label")]
    assert labels == ["ลำปาง"]  # the province named on the map

    stored = act("package_show", agency["editor"], id=NAME)
    assert stored["provinces"] == ["TH-52"]
    assert json.loads(stored["spatial"])["coordinates"] == pytest.approx([LAMPANG[1], LAMPANG[0]], abs=0.05)
    assert (stored["update_frequency_unit"], stored["data_category"], stored["unit"]) == \
        ("ชั่วโมง", "ข้อมูลสาธารณะ", "µg/m³")
    assert stored["resources"][0]["url"].startswith("https://air4thai.pcd.go.th/")


def test_the_editor_edits_it_typing_coordinates(portal: str, browser: WebDriver, artifacts: Path,
                                                 agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    browser.get(f"{portal}/dataset/edit/{NAME}")
    wait(browser).until(lambda driver: driver.execute_script("return !!document.querySelector('.pm25-location-ready')"))
    assert field(browser, "spatial-lat").get_attribute("value")  # the stored point fills the inputs

    type_into(browser, "title", TITLE + " แก้ไขแล้ว")
    type_into(browser, "spatial-lat", "18.3021")
    type_into(browser, "spatial-lon", "99.4828")
    field(browser, "spatial-lon").send_keys("\t")  # leaving the input writes the GeoJSON
    choose(browser, "update_frequency_unit", "วัน")
    screenshot(browser, artifacts, "forms-4-edit")
    _submit(browser)

    wait(browser).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{NAME}"))
    assert TITLE + " แก้ไขแล้ว" in browser.find_element(By.TAG_NAME, "body").text
    stored = act("package_show", agency["editor"], id=NAME)
    assert json.loads(stored["spatial"])["coordinates"] == [99.4828, 18.3021]
    assert stored["update_frequency_unit"] == "วัน"
    assert stored["provinces"] == ["TH-52"]


def test_errors_show_next_to_their_fields_and_what_was_typed_is_kept(portal: str, browser: WebDriver,
                                                                     artifacts: Path, agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    _open_new_dataset_form(browser, portal)
    _fill_required(browser, "ฝุ่นเชียงใหม่ ผิดพลาด", "pm25-wrong-input", email="air-at-pcd.go.th", data_source="")
    set_value(browser, "last_updated_date", "2567-05-07")
    choose(browser, "provinces", "TH-50")
    type_into(browser, "spatial-lat", "18.79")
    type_into(browser, "spatial-lon", "98.98")
    field(browser, "spatial-lon").send_keys("\t")
    _submit(browser)

    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".error-explanation, .alert-error"))
    screenshot(browser, artifacts, "forms-5-errors")
    assert "อีเมล air-at-pcd.go.th มีรูปแบบไม่ถูกต้อง" in error_next_to(browser, "maintainer_email")
    assert "ปีพุทธศักราช" in error_next_to(browser, "last_updated_date")
    assert "2024" in error_next_to(browser, "last_updated_date")
    assert "ค่าที่ขาดหาย" in error_next_to(browser, "data_source")
    assert field(browser, "maintainer_email").get_attribute("value") == "air-at-pcd.go.th"
    assert field(browser, "last_updated_date").get_attribute("value") == "2567-05-07"
    assert field(browser, "title").get_attribute("value") == "ฝุ่นเชียงใหม่ ผิดพลาด"
    assert [o.get_attribute("value") for o in Select(field(browser, "provinces")).all_selected_options] == ["TH-50"]
    assert json.loads(field(browser, "spatial").get_attribute("value"))["coordinates"] == [98.98, 18.79]
    assert field(browser, "data_type").get_attribute("value") == "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"

    type_into(browser, "maintainer_email", "air@pcd.go.th")
    set_value(browser, "last_updated_date", "2024-05-07")
    type_into(browser, "data_source", "กรมควบคุมมลพิษ")
    _submit(browser)
    wait(browser).until(lambda driver: driver.find_elements(By.ID, "resource-link-button"))
    assert act("package_show", agency["editor"], id="pm25-wrong-input")["last_updated_date"] == "2024-05-07"


def test_a_location_swapped_or_outside_thailand_is_explained_next_to_the_field(
        portal: str, browser: WebDriver, artifacts: Path, agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    _open_new_dataset_form(browser, portal)
    _fill_required(browser, "ตำแหน่งสลับ", "pm25-swapped")
    type_into(browser, "spatial", '{"type": "Point", "coordinates": [18.29, 99.5]}')
    _submit(browser)

    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".error-explanation, .alert-error"))
    screenshot(browser, artifacts, "forms-6-swapped-location")
    assert "สลับ" in error_next_to(browser, "spatial") and "[ลองจิจูด, ละติจูด]" in error_next_to(browser, "spatial")
    assert json.loads(field(browser, "spatial").get_attribute("value")) == {"type": "Point",
                                                                             "coordinates": [18.29, 99.5]}
