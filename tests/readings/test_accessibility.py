"""The public pages pass axe-core (issue 16): no serious or critical violation of WCAG 2.1 A/AA
on the dashboard, a province page, a station page, the dataset search, a dataset page and the
widget, in Thai and in English, with the known readings of tests/readings/conftest.py."""
from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.accessibility import describe, violations
from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

PAGES = {
    "dashboard": "/pm25",
    "province": "/province/TH-52",
    "station": "/dataset/{station}",
    "search": "/dataset/",
    "widget": "/pm25/embed/TH-52",
}


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_no_serious_or_critical_violation(portal: str, browser: Any, known: Known, page: str,
                                          language: str) -> None:
    station = next(iter(known.stations.values()))["name"]
    browser.get(f"{portal}{language}{PAGES[page].format(station=station)}")
    WebDriverWait(browser, 30).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete")
    if browser.find_elements(By.CSS_SELECTOR, "[data-ready]"):
        WebDriverWait(browser, 30).until(lambda driver: not driver.find_elements(
            By.CSS_SELECTOR, '[data-ready]:not([data-ready="true"])'))
    found = violations(browser)
    assert not found, describe(found)
