"""The dashboard's low-cost sensor layer in headless Chromium, after harvesting the Air4Thai and
DustBoy imitations: the sensors are drawn on the AQI map, the toggle hides and shows them, and
the attribution is beside them. A screenshot goes to the artifacts folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.test_browser import full_page_screenshot, wait_for_map
from tests.readings.test_station_kinds import ATTRIBUTION, harvested  # noqa: F401  (the fixture)
from tests.upstream.dustboy import DEFAULT_KEY

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues"),
              pytest.mark.ckan_config("ckanext.pm25.dustboy.api_key", DEFAULT_KEY)]


def sensor_dots(browser: Any) -> list[Any]:
    return browser.find_elements(By.CSS_SELECTOR, "#pm25-aqi-map path.pm25-sensor")


def test_the_sensor_layer_shows_and_hides(portal: str, browser: Any, artifacts: Path,
                                          harvested: dict[str, Any]) -> None:  # noqa: F811
    browser.get(f"{portal}/en/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(
        By.CSS_SELECTOR, '.pm25-sensor-layer[data-ready="true"]'))

    assert len(sensor_dots(browser)) == 8
    assert ATTRIBUTION in browser.find_element(By.CSS_SELECTOR, ".pm25-sensor-attribution").text
    toggle = browser.find_element(By.CSS_SELECTOR, ".pm25-sensor-toggle-input")
    # a click as the script sees it (the checkbox's change event); where the page puts the
    # box in this window is not what is tested here
    browser.execute_script("arguments[0].click();", toggle)
    assert sensor_dots(browser) == [] and not toggle.is_selected()
    browser.execute_script("arguments[0].click();", toggle)
    assert len(sensor_dots(browser)) == 8
    full_page_screenshot(browser, artifacts / "pm25-dashboard-sensors.png")
