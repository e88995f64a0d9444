""""My area" in headless Chromium with the known readings: the browser's location (granted, or
refused) through the "use my location" button."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def located(browser: Any, portal: str) -> Iterator[Any]:
    """The browser placed about 1.4 km from Lampang's station L1; its permission reset after."""
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride",
                            {"latitude": 18.30123, "longitude": 99.49871, "accuracy": 30})
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})
        browser.execute_cdp_cmd("Browser.resetPermissions", {})


def set_permission(browser: Any, portal: str, setting: str) -> None:
    browser.execute_cdp_cmd("Browser.setPermission", {"origin": portal, "setting": setting,
                                                      "permission": {"name": "geolocation"}})


def press_use_my_location(browser: Any) -> None:
    """The button the page's script shows once it runs (deferred, after the page is parsed)."""
    button = browser.find_element(By.CSS_SELECTOR, ".pm25-my-area-locate button")
    WebDriverWait(browser, 30).until(lambda driver: button.is_displayed())
    button.click()


def test_my_location_gives_the_nearest_stations(portal: str, located: Any, artifacts: Path, known: Known) -> None:
    set_permission(located, portal, "granted")
    located.get(f"{portal}/en/pm25/my-area")
    press_use_my_location(located)

    WebDriverWait(located, 30).until(lambda driver: "lat=" in driver.current_url)
    asked = parse_qs(urlsplit(located.current_url).query)
    assert asked == {"lat": ["18.30"], "lon": ["99.49"]}  # cut after two decimals (about 1 km) before it leaves
    rows = located.find_elements(By.CSS_SELECTOR, ".pm25-my-area-stations tbody tr")
    assert rows[0].get_attribute("data-station") == "air4thai-l1"
    assert "Lampang" in located.find_element(By.CSS_SELECTOR, ".pm25-my-area-province h2").text
    located.save_screenshot(str(artifacts / "my-area-located.png"))


def test_a_refused_location_is_said_and_the_name_still_works(portal: str, located: Any, known: Known) -> None:
    set_permission(located, portal, "denied")
    located.get(f"{portal}/pm25/my-area")
    press_use_my_location(located)

    status = located.find_element(By.CSS_SELECTOR, ".pm25-my-area-status")
    WebDriverWait(located, 30).until(lambda driver: "หาตำแหน่งของคุณไม่ได้" in status.text)
    assert "lat=" not in located.current_url
    field = located.find_element(By.ID, "pm25-place")
    field.send_keys("ลำปาง")
    field.submit()
    WebDriverWait(located, 30).until(lambda driver: "place=" in driver.current_url)
    assert located.find_elements(By.CSS_SELECTOR, '.pm25-my-area-stations tr[data-station="air4thai-l1"]')
