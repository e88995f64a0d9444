"""Fields a dataset carries beyond the schema (kept as extras from the API or a harvest) are shown
in the edit form and kept when an editor saves it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dataset.forms.browser import click, log_in, screenshot, type_into, wait
from tests.dataset.api import act, create


def test_editing_in_the_form_keeps_the_extras(portal: str, browser: WebDriver, artifacts: Path,
                                              agency: dict[str, Any]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], name="pm25-with-extras",
                     agency_reference="LP-01", extras=[{"key": "harvest_note", "value": "จากแคตตาล็อกหน่วยงาน"}])
    log_in(browser, portal, agency["editor"])
    browser.get(f"{portal}/dataset/edit/{dataset['name']}")
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pm25-extras"))
    shown = {element.get_attribute("value") for element in browser.find_elements(
        By.CSS_SELECTOR, ".pm25-extras input[name$='__key'], .pm25-extras input[name$='__value']")}
    type_into(browser, "title", "แก้ไขชื่อ โดยไม่แตะช่องข้อมูลอื่น")
    screenshot(browser, artifacts, "forms-extras-edit")
    click(browser, browser.find_element(By.CSS_SELECTOR, "form#dataset-edit button[name=save].btn-primary"))
    wait(browser).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{dataset['name']}"))

    assert {"agency_reference", "LP-01", "harvest_note", "จากแคตตาล็อกหน่วยงาน"} <= shown
    stored = act("package_show", agency["editor"], id=dataset["id"])
    assert stored["title"] == "แก้ไขชื่อ โดยไม่แตะช่องข้อมูลอื่น"
    assert {(e["key"], e["value"]) for e in stored["extras"]} == {
        ("agency_reference", "LP-01"), ("harvest_note", "จากแคตตาล็อกหน่วยงาน")}
