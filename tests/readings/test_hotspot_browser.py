"""Hotspots in headless Chromium with known data from a real pm25_firms harvest: the dashboard
map draws the last 24 hours' detections as a layer with its count and the NASA FIRMS
attribution, and Chiang Mai's page shows its hotspots and chart. Screenshots go to the
artifacts folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.test_browser import wait_for_map
from tests.readings.test_hotspots import harvested  # noqa: F401  (the known harvest)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")


def test_the_dashboard_map_shows_the_last_24_hours_of_hotspots(portal: str, browser: Any,
                                                              artifacts: Path, harvested) -> None:  # noqa: F811
    browser.get(f"{portal}/en/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(
        By.CSS_SELECTOR, '#pm25-hotspot-layer[data-ready="true"]'))

    markers = browser.find_elements(By.CSS_SELECTOR, "#pm25-aqi-map path.pm25-hotspot")
    assert sorted(next(name for name in m.get_attribute("class").split()
                       if name.startswith("pm25-hotspot-")) for m in markers) == [
        "pm25-hotspot-TH-50", "pm25-hotspot-TH-50", "pm25-hotspot-TH-58"]
    assert browser.find_element(By.CSS_SELECTOR, ".pm25-hotspot-count").text == "3"
    assert "NASA FIRMS" in browser.find_element(By.CSS_SELECTOR, "#pm25-aqi-map .leaflet-control-attribution").text
    browser.save_screenshot(str(artifacts / "pm25-dashboard-hotspots.png"))

    browser.get(f"{portal}/en/province/TH-50")
    section = browser.find_element(By.ID, "pm25-hotspots")
    assert "2 hotspots in the last 24 hours" in section.text
    assert "3 hotspots in the last 7 days" in section.text
    assert len(section.find_elements(By.CSS_SELECTOR, "rect.pm25-hotspot-bar")) == 30
    browser.execute_script("arguments[0].scrollIntoView()", section)
    browser.save_screenshot(str(artifacts / "pm25-province-hotspots.png"))
