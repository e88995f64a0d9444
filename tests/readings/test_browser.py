"""The dashboard and a province page in headless Chromium, with the known readings: the map draws
all 77 provinces in the right colours, clicking a province opens its page, the chart shows the
known points, the CSV download holds exactly the charted readings, and switching to English
changes the labels. Screenshots go to the artifacts folder."""
from __future__ import annotations

import csv
import io
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.conftest import HOUR, Known
from tests.readings.stations import seats
from tests.map_clicks import click_on_map_at

pytestmark = pytest.mark.usefixtures("with_plugins")

EXPECTED_FILLS = {  # the band of the 24-hour mean, never of the hour
    "TH-52": "#F26522",  # Lampang 38.5 (hour 80.0): starting to affect health
    "TH-50": "#F26522",  # Chiang Mai 44.1 (hour 45.0): starting to affect health
    "TH-17": "#FFFFFF",  # Sing Buri (hour 20.0): 17 of 24 hours, no 24-hour mean, no band
    "TH-10": "#FFFFFF",  # Bangkok (hour 10.0): 1 hour, no band
    "TH-90": "#9CA3AF",  # Songkhla: stale
}
NO_DATA_FILL = "#F3F4F6"
THAI_BANDS = ["ดีมาก", "ดี", "ปานกลาง", "เริ่มมีผลกระทบต่อสุขภาพ", "มีผลกระทบต่อสุขภาพ"]
ENGLISH_BANDS = ["Very good", "Good", "Moderate", "Starting to affect health", "Affects health"]


def iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_for_map(browser: Any, selector: str) -> None:
    """Scroll to the map as a reader does (it draws its outlines only once it is about to be
    seen), then wait until it has drawn them."""
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, selector))
    browser.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
                           selector)
    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, f'{selector}[data-ready="true"]'))


def province_fills(browser: Any) -> dict[str, str]:
    paths = browser.find_elements(By.CSS_SELECTOR, "#pm25-aqi-map path.pm25-province")
    return {path.get_attribute("data-code"): path.get_attribute("fill").upper() for path in paths}


def legend_names(browser: Any) -> list[str]:
    return [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".pm25-legend-name")]


def full_page_screenshot(browser: Any, path: Path) -> None:
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height, 1000), 4000))
    try:
        browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(1280, 1000)


def test_the_dashboard_map_colours_every_province(portal: str, browser: Any, artifacts: Path, known: Known) -> None:
    browser.get(f"{portal}/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    fills = province_fills(browser)
    assert len(fills) == 77
    for code, fill in fills.items():
        assert fill == EXPECTED_FILLS.get(code, NO_DATA_FILL), code
    assert legend_names(browser) == THAI_BANDS
    first_row = browser.find_element(By.CSS_SELECTOR, ".pm25-province-table tbody tr")
    assert first_row.get_attribute("data-code") == "TH-50"
    assert "44.1" in first_row.text and "45.0" in first_row.text and "เริ่มมีผลกระทบต่อสุขภาพ" in first_row.text
    full_page_screenshot(browser, artifacts / "pm25-dashboard.png")


def test_clicking_a_province_opens_its_page(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    lon, lat = seats()["TH-17"]
    click_on_map_at(browser, "#pm25-aqi-map .pm25-aqi-map-canvas", lat, lon)
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.rstrip("/").endswith("/province/TH-17"))
    assert "สิงห์บุรี" in browser.find_element(By.CSS_SELECTOR, "h1").text


def test_the_province_chart_and_its_csv(portal: str, browser: Any, artifacts: Path, known: Known) -> None:
    browser.get(f"{portal}/en/province/TH-52?range=24h")
    wait_for_map(browser, "#pm25-station-map")
    points = [(point.get_attribute("data-hour"), point.get_attribute("data-value"))
              for point in browser.find_elements(By.CSS_SELECTOR, "#pm25-province-chart circle.pm25-point")]
    assert len(points) == 24
    assert points[-3:] == [(iso(known.now - 2 * HOUR), "70.0"), (iso(known.now - HOUR), "70.0"),
                           (iso(known.now), "80.0")]
    assert browser.find_elements(By.CSS_SELECTOR, "#pm25-province-chart line.pm25-standard")
    over = browser.find_element(By.CSS_SELECTOR, ".pm25-days-over-count")
    assert over.get_attribute("data-count") == str(len(
        browser.find_elements(By.CSS_SELECTOR, "#pm25-province-chart line.pm25-daily-mean.pm25-over")))
    stations = browser.find_elements(By.CSS_SELECTOR, "#pm25-station-map path.pm25-station")
    # L1: 24-hour mean 36.3, moderate (its hour, 90.0, would be red); L2: 2 hours, no band
    assert sorted(path.get_attribute("fill").upper() for path in stations) == ["#FDC04E", "#FFFFFF"]
    full_page_screenshot(browser, artifacts / "pm25-province-lampang.png")

    link = browser.find_element(By.CSS_SELECTOR, "a.pm25-download-hourly").get_attribute("href")
    with urllib.request.urlopen(link, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        text = response.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["hour_utc"], row["pm25"]) for row in rows] == points


def test_switching_to_english_changes_the_labels(portal: str, browser: Any, artifacts: Path, known: Known) -> None:
    browser.get(f"{portal}/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    assert legend_names(browser) == THAI_BANDS
    assert browser.find_element(By.CSS_SELECTOR, ".pm25-dashboard h1").text == "ฝุ่น PM2.5 ทั่วประเทศไทย"
    lampang = browser.find_element(By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-52"] th a')
    assert lampang.text == "ลำปาง"
    # the footer's language form, as a person uses it (its select is enhanced by a widget)
    browser.execute_script("""
        var select = document.getElementById('field-lang-select');
        var english = Array.prototype.find.call(select.options, function (o) { return o.lang === 'en'; });
        select.value = english.value;
        select.form.submit();""")
    WebDriverWait(browser, 20).until(lambda driver: "/en/pm25" in driver.current_url)
    wait_for_map(browser, "#pm25-aqi-map")
    assert legend_names(browser) == ENGLISH_BANDS
    assert browser.find_element(By.CSS_SELECTOR, ".pm25-dashboard h1").text == "PM2.5 across Thailand"
    assert browser.find_element(By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-52"] th a').text == "Lampang"
    assert "Starting to affect health" in browser.find_element(
        By.CSS_SELECTOR, '.pm25-province-table tr[data-code="TH-52"]').text
    full_page_screenshot(browser, artifacts / "pm25-dashboard-en.png")
