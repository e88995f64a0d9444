"""A province with only GISTDA's model estimate (Phrae: no station) in headless Chromium, after
real Air4Thai and GISTDA harvests of their imitations: the dashboard's map colours it by the
model's value and its tooltip and table row say the value is a model estimate and whose, with
the model's "data up to"; its page shows the estimate with its source, hour and districts.
Screenshots go to the artifacts folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ckan.tests import helpers
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.map_clicks import click_on_map_at
from tests.readings.stations import seats
from tests.readings.test_browser import full_page_screenshot, wait_for_map
from tests.readings.test_model_estimates import PHRAE, harvested  # noqa: F401  (the known harvests)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

NO_DATA_FILL = "#F3F4F6"


def hover_on_map_at(browser: Any, canvas_selector: str, lat: float, lon: float) -> None:
    """The mouse moved where the map draws this point (its tooltip opens there)."""
    canvas = browser.find_element(By.CSS_SELECTOR, canvas_selector)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", canvas)
    x, y = browser.execute_script(
        "var p = arguments[0].pm25Map.latLngToContainerPoint([arguments[1], arguments[2]]); return [p.x, p.y];",
        canvas, lat, lon)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - size["width"] / 2), int(y - size["height"] / 2)).perform()


def test_a_province_with_only_the_model_shows_its_estimate_labelled(portal: str, browser: Any, artifacts: Path,
                                                                     harvested) -> None:  # noqa: F811
    latest = harvested.province_values(PHRAE)[-1]
    hour = harvested.now_local.strftime("%d/%m/%Y %H:%M")  # the imitation's Thai hour
    model = helpers.call_action("pm25_province_show", id="TH-54")["model"]
    assert model["status"] == "current" and model["hour_utc"]

    browser.get(f"{portal}/en/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    path = browser.find_element(By.CSS_SELECTOR, '#pm25-aqi-map path.pm25-province[data-code="TH-54"]')
    assert path.get_attribute("fill").upper() == model["aqi_th"]["colour"].upper() != NO_DATA_FILL
    row = browser.find_element(By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-54"]')
    assert "Model estimate (" in row.text and "GISTDA" in row.text
    assert f"{latest:.1f}" in row.text and hour in row.text
    model_until = browser.find_element(By.CSS_SELECTOR, ".pm25-updated-model").text
    assert model_until.startswith("Model estimates (") and "GISTDA" in model_until
    assert f"data up to {hour} (Thai time)." in model_until
    lon, lat = seats()["TH-54"]
    hover_on_map_at(browser, "#pm25-aqi-map .pm25-aqi-map-canvas", lat, lon)
    tooltip = WebDriverWait(browser, 10).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, "#pm25-aqi-map .leaflet-tooltip"))
    assert "Phrae" in tooltip.text and "Model estimate (" in tooltip.text and "GISTDA" in tooltip.text
    full_page_screenshot(browser, artifacts / "pm25-dashboard-model-only.png")

    click_on_map_at(browser, "#pm25-aqi-map .pm25-aqi-map-canvas", lat, lon)
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith("/province/TH-54"))
    section = browser.find_element(By.ID, "pm25-model")
    assert "Estimated from satellite data by a model, not measured:" in section.text and "GISTDA" in section.text
    assert "the value shown is the model estimate" in section.text
    estimate = section.find_element(By.CSS_SELECTOR, ".pm25-model-latest").text
    assert f"{latest:.1f}" in estimate and f"Model estimate at {hour} (Thai time)." in estimate
    districts = section.find_elements(By.CSS_SELECTOR, ".pm25-district-table tbody tr")
    assert sorted(r.get_attribute("data-code") for r in districts) == sorted(
        d.code for d in harvested.districts if d.province_dopa == PHRAE)
    assert not browser.find_elements(By.CSS_SELECTOR, ".pm25-station-table")  # no station here
    browser.execute_script("arguments[0].scrollIntoView()", section)
    browser.save_screenshot(str(artifacts / "pm25-province-model-only.png"))

    browser.get(f"{portal}/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    thai_row = browser.find_element(By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-54"]').text
    assert "ค่าประมาณจากแบบจำลอง" in thai_row and "แพร่" in thai_row
