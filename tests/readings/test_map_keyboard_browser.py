"""The maps by keyboard alone (issue 16), in headless Chromium driven only by key events sent
through the DevTools protocol (Tab, Shift+Tab, the arrow keys, Enter; no mouse, no script
focusing anything): on the dashboard, a province page and a station page, what a click on the
map opens is reached with Tab, shown focused (outlined, its tooltip open), and opened with Enter;
the arrow keys go from one place to the next in the order of the table beside the map, which holds
the same figures; Tab leaves the map (no keyboard trap)."""
from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.conftest import Known
from tests.readings.test_browser import wait_for_map

pytestmark = pytest.mark.usefixtures("with_plugins")

KEYS = {"Tab": ("Tab", 9, ""), "Enter": ("Enter", 13, "\r"), "ArrowRight": ("ArrowRight", 39, ""),
        "ArrowLeft": ("ArrowLeft", 37, "")}
SHIFT = 8
FOCUS_STROKE = "rgb(29, 78, 216)"  # maps.css: the focused place's outline
MOST_TABS = 150


def press(browser: Any, key: str, shift: bool = False) -> None:
    """One key pressed and released, as the keyboard sends it (CDP Input.dispatchKeyEvent)."""
    code, number, text = KEYS[key]
    event = {"key": key, "code": code, "windowsVirtualKeyCode": number, "nativeVirtualKeyCode": number,
             "modifiers": SHIFT if shift else 0}
    browser.execute_cdp_cmd("Input.dispatchKeyEvent", {"type": "keyDown", **event, **({"text": text} if text else {})})
    browser.execute_cdp_cmd("Input.dispatchKeyEvent", {"type": "keyUp", **event})


def focused(browser: Any) -> Any:
    return browser.switch_to.active_element


def tab_to(browser: Any, selector: str) -> Any:
    """Tab from the top of the page until the focus is on an element matching ``selector``."""
    for _ in range(MOST_TABS):
        press(browser, "Tab")
        element = focused(browser)
        if browser.execute_script("return arguments[0].matches(arguments[1])", element, selector):
            return element
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {selector}")


def shown_focused(browser: Any, place: Any) -> bool:
    stroke = browser.execute_script("return getComputedStyle(arguments[0]).stroke", place)
    width = browser.execute_script("return getComputedStyle(arguments[0]).strokeWidth", place)
    return bool(stroke == FOCUS_STROKE and width == "4px")


def tooltip(browser: Any) -> str:
    return " ".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip"))


def test_the_dashboard_map_by_keyboard(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/en/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    rows = [row.get_attribute("data-code") for row in
            browser.find_elements(By.CSS_SELECTOR, ".pm25-province-table tbody tr")]

    place = tab_to(browser, "#pm25-aqi-map path.pm25-province")
    # the first province of the table (worst first): Chiang Mai, its figures as the table has them
    assert place.get_attribute("data-code") == rows[0] == "TH-50"
    assert place.get_attribute("role") == "link"
    label = place.get_attribute("aria-label")
    assert label.startswith("Chiang Mai: ") and "44.1" in label and "Starting to affect health" in label
    row = browser.find_element(By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-50"]').text
    assert "44.1" in row and "Starting to affect health" in row
    assert shown_focused(browser, place)
    assert "Chiang Mai" in tooltip(browser)

    press(browser, "ArrowRight")
    second = focused(browser)
    assert second.get_attribute("data-code") == rows[1] == "TH-52"
    assert "Lampang" in tooltip(browser) and shown_focused(browser, second)
    assert not shown_focused(browser, place)
    press(browser, "ArrowLeft")
    press(browser, "ArrowRight")
    assert focused(browser).get_attribute("data-code") == "TH-52"

    # one stop in the Tab order for the 77 provinces: Tab leaves them, Shift+Tab comes back
    press(browser, "Tab")
    assert focused(browser).get_attribute("data-code") is None
    press(browser, "Tab", shift=True)
    assert focused(browser).get_attribute("data-code") == "TH-52"

    press(browser, "Enter")
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith("/province/TH-52"))


def test_the_map_is_no_keyboard_trap(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/en/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    tab_to(browser, "#pm25-aqi-map path.pm25-province")
    # out of the map (its zoom buttons and attribution links are on the way) to the table's links
    tab_to(browser, ".pm25-province-table a")
    inside = browser.execute_script(
        "return document.getElementById('pm25-aqi-map').contains(document.activeElement)")
    assert inside is False


def test_a_province_pages_stations_by_keyboard(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/en/province/TH-52")
    wait_for_map(browser, "#pm25-station-map")
    names = [row.get_attribute("data-station") for row in
             browser.find_elements(By.CSS_SELECTOR, ".pm25-station-table tbody tr")]
    titles = {known.stations[key]["name"]: known.stations[key]["title"] for key in ("L1", "L2")}

    first = tab_to(browser, "#pm25-station-map path.pm25-station")
    assert first.get_attribute("aria-label").startswith(titles[names[0]] + ": ")
    assert shown_focused(browser, first) and titles[names[0]] in tooltip(browser)
    press(browser, "ArrowRight")
    assert focused(browser).get_attribute("aria-label").startswith(titles[names[1]] + ": ")
    press(browser, "Enter")
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/dataset/{names[1]}"))

    # the province page's own map of provinces: another province is opened the same way
    browser.get(f"{portal}/en/province/TH-52")
    wait_for_map(browser, "#pm25-station-map")
    other = tab_to(browser, "#pm25-province-map path.pm25-map-place")
    code = other.get_attribute("data-province")
    assert code and code != "TH-52"
    press(browser, "Enter")
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith(f"/province/{code}"))


def test_a_station_pages_map_by_keyboard(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/en/dataset/{known.stations['L1']['name']}")
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(
        By.CSS_SELECTOR, ".pm25-dataset-location-map.pm25-dataset-location-ready"))
    # the station's province, listed by name below the map, opened from the map by keyboard
    listed = browser.find_element(By.CSS_SELECTOR, ".pm25-dataset-provinces a").text
    place = tab_to(browser, ".pm25-dataset-location-map path.pm25-map-place")
    assert place.get_attribute("aria-label") == listed == "Lampang"
    assert shown_focused(browser, place)
    press(browser, "Enter")
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith("/province/TH-52"))
