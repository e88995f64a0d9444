"""The form's conditional groups (GD-Catalog's): statistical, geospatial and record fields shown
by data type, "other" texts shown when อื่นๆ is chosen; everything visible without JavaScript."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dataset.forms.browser import choose, field, log_in, screenshot, tick, wait

STATISTICAL, GEOSPATIAL, RECORD = "first_year_of_data", "equivalent_scale", "data_support"


def _shown(browser: WebDriver, name: str) -> bool:
    return field(browser, name).is_displayed()


def _visible_groups(browser: WebDriver) -> dict[str, bool]:
    return {name: _shown(browser, name)
            for name in (STATISTICAL, GEOSPATIAL, RECORD, "data_release_calendar", "data_type_other")}


@pytest.fixture
def new_form(portal: str, browser: WebDriver, agency: dict[str, Any]) -> Iterator[WebDriver]:
    log_in(browser, portal, agency["editor"])
    browser.get(f"{portal}/dataset/new")
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pm25-conditional-ready"))
    yield browser


def test_groups_follow_the_data_type(new_form: WebDriver, artifacts: Path) -> None:
    browser = new_form
    before = _visible_groups(browser)
    choose(browser, "data_type", "ข้อมูลสถิติ")
    statistical = _visible_groups(browser)
    screenshot(browser, artifacts, "forms-conditional-statistical")
    choose(browser, "data_type", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่")
    geospatial = _visible_groups(browser)
    choose(browser, "data_type", "ข้อมูลระเบียน")
    record = _visible_groups(browser)
    choose(browser, "data_type", "ข้อมูลประเภทอื่นๆ")
    other = _visible_groups(browser)

    assert not any(before.values())
    assert statistical == {STATISTICAL: True, GEOSPATIAL: False, RECORD: False, "data_release_calendar": True,
                           "data_type_other": False}
    assert geospatial == {STATISTICAL: False, GEOSPATIAL: True, RECORD: False, "data_release_calendar": True,
                          "data_type_other": False}
    assert record == {STATISTICAL: False, GEOSPATIAL: False, RECORD: True, "data_release_calendar": False,
                      "data_type_other": False}
    assert other == {STATISTICAL: False, GEOSPATIAL: False, RECORD: True, "data_release_calendar": False,
                     "data_type_other": True}


def test_an_other_text_shows_when_other_is_chosen(new_form: WebDriver) -> None:
    browser = new_form
    hidden_at_first = _shown(browser, "objective_other")
    tick(browser, "objective", "ยุทธศาสตร์ชาติ", "อื่นๆ")
    shown_with_other = _shown(browser, "objective_other")
    tick(browser, "objective", "ยุทธศาสตร์ชาติ")
    hidden_again = _shown(browser, "objective_other")
    choose(browser, "update_frequency_unit", "อื่นๆ")

    assert (hidden_at_first, shown_with_other, hidden_again) == (False, True, False)
    assert _shown(browser, "update_frequency_unit_other")
    assert not _shown(browser, "geo_coverage_other")


def test_without_javascript_every_field_is_visible(portal: str, browser: WebDriver, artifacts: Path,
                                                   agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(f"{portal}/dataset/new")
        visible = _visible_groups(browser)
        others = [_shown(browser, name)
                  for name in ("objective_other", "geo_coverage_other", "unit_of_multiplier_other")]
        location = (_shown(browser, "spatial"), field(browser, "spatial-lat").is_displayed())
        screenshot(browser, artifacts, "forms-conditional-no-javascript")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    assert all(visible.values()), visible
    assert all(others)
    assert location == (True, False)  # the GeoJSON field to type in; the map needs JavaScript


def test_the_province_select_names_provinces_in_both_languages(portal: str, browser: WebDriver,
                                                               agency: dict[str, Any]) -> None:
    log_in(browser, portal, agency["editor"])
    labels = {}
    for prefix in ("", "/en"):
        browser.get(f"{portal}{prefix}/dataset/new")
        options = field(browser, "provinces").find_elements(By.TAG_NAME, "option")
        labels[prefix] = {option.get_attribute("value"): option.text.strip() for option in options}

    assert len(labels[""]) == 77
    assert labels[""]["TH-52"] == "ลำปาง (Lampang)"
    assert labels["/en"]["TH-52"] == "Lampang (ลำปาง)"
