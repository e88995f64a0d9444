"""The search page's province map in a real browser: it draws the provinces, clicking Lampang
filters to Lampang's datasets, and the filter pill removes the filter again."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.map_clicks import click_on_map_at
from tests.provinces.conftest import Catalogue

pytestmark = pytest.mark.usefixtures("with_plugins")

LAMPANG_SEAT = (18.2888, 99.4908)
SELECTED_FILL = "#d94801"
NO_DATASETS_FILL = "#e5e7eb"


def dataset_names(browser: Any) -> set[str]:
    # .dataset-list: the results list of CKAN 2.11 and 2.12 alike (2.12 wraps it in #search-results).
    links = browser.find_elements(By.CSS_SELECTOR, ".dataset-list .dataset-heading a")
    return {link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for link in links}


def fill_of(browser: Any, code: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, f'path[data-province="{code}"]').get_attribute("fill")


def wait_for_map(browser: Any) -> None:
    WebDriverWait(browser, 20).until(lambda driver: driver.find_elements(
        By.CSS_SELECTOR, "#pm25-province-map.pm25-province-map-ready path[data-province]"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "path[data-province]")) == 77


def test_clicking_lampang_on_the_map_filters_and_the_pill_removes_it(
        portal: str, browser: Any, artifacts: Path, catalogue: Catalogue) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(f"{portal}/dataset/")
    wait_for_map(browser)
    everything = dataset_names(browser)
    assert len(everything) == 20  # the first page of 79
    assert fill_of(browser, "TH-52") != SELECTED_FILL
    # Every province has a dataset at its seat: all 77 are shaded, none left grey.
    fills = browser.execute_script(
        "return Array.from(document.querySelectorAll('path[data-province]')).map(p => p.getAttribute('fill'));")
    assert len(fills) == 77 and NO_DATASETS_FILL not in fills
    assert not browser.find_element(By.CSS_SELECTOR, ".pm25-province-map-clear").is_displayed()
    browser.save_screenshot(str(artifacts / "provinces-search-map.png"))

    click_on_map_at(browser, "#pm25-province-map .pm25-province-map-canvas", *LAMPANG_SEAT)

    wait.until(lambda driver: "provinces=TH-52" in driver.current_url)
    wait_for_map(browser)
    assert dataset_names(browser) == {"seat-th-52", "tagged-lampang-no-location"}
    pill = browser.find_element(By.CSS_SELECTOR, ".filter-list .filtered.pill")
    assert "ลำปาง" in pill.text
    assert fill_of(browser, "TH-52") == SELECTED_FILL
    assert fill_of(browser, "TH-50") != SELECTED_FILL
    assert browser.find_element(By.CSS_SELECTOR, ".pm25-province-map-clear").is_displayed()
    browser.save_screenshot(str(artifacts / "provinces-search-map-lampang.png"))

    pill.find_element(By.CSS_SELECTOR, "a.remove").click()

    wait.until(lambda driver: "provinces=" not in driver.current_url)
    wait.until(lambda driver: len(dataset_names(driver)) == 20)
    assert not browser.find_elements(By.CSS_SELECTOR, ".filter-list .filtered.pill")
    wait.until(lambda driver: fill_of(driver, "TH-52") != SELECTED_FILL)  # the map follows htmx updates
    assert not browser.find_element(By.CSS_SELECTOR, ".pm25-province-map-clear").is_displayed()
    browser.save_screenshot(str(artifacts / "provinces-search-map-cleared.png"))


def test_a_province_page_draws_its_outline(portal: str, browser: Any, artifacts: Path,
                                           catalogue: Catalogue) -> None:
    browser.get(f"{portal}/en/province/TH-52")
    wait_for_map(browser)
    assert fill_of(browser, "TH-52") == SELECTED_FILL
    names = {link.text for link in browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")}
    assert any("Chiang Mai–Lampang" in name for name in names)
    browser.save_screenshot(str(artifacts / "provinces-page-lampang.png"))


def test_a_province_area_filter_is_a_pill_kept_by_a_new_query_and_removable(
        portal: str, browser: Any, artifacts: Path, catalogue: Catalogue) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(f"{portal}/en/dataset/?ext_province=TH-52,TH-50")
    pill = browser.find_element(By.CSS_SELECTOR, ".filter-list .filtered.pill")
    assert pill.text.strip() == "Lampang, Chiang Mai"
    assert "Province area:" in browser.find_element(By.CSS_SELECTOR, ".filter-list").text
    assert {"seat-th-52", "seat-th-50", "cross-border-chiang-mai-lampang"} <= dataset_names(browser)
    browser.save_screenshot(str(artifacts / "provinces-search-area-pill.png"))

    box = browser.find_element(By.ID, "field-giant-search")
    box.send_keys("Lampang\n")
    wait.until(lambda driver: "q=Lampang" in driver.current_url)
    assert "ext_province=TH-52" in browser.current_url
    wait.until(lambda driver: "seat-th-50" not in dataset_names(driver))
    assert "seat-th-52" in dataset_names(browser)

    browser.find_element(By.CSS_SELECTOR, ".filter-list .filtered.pill a.remove").click()
    wait.until(lambda driver: "ext_province" not in driver.current_url)
    assert not browser.find_elements(By.CSS_SELECTOR, ".filter-list .filtered.pill")


def test_an_unknown_province_in_the_url_shows_a_readable_error(portal: str, browser: Any, artifacts: Path,
                                                              catalogue: Catalogue) -> None:
    browser.get(f"{portal}/en/dataset/?ext_province=TH-99")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Unknown province in ext_province: TH-99" in text
    assert "such as TH-52, or Thai or English names such as ลำปาง or Lampang" in text
    browser.save_screenshot(str(artifacts / "provinces-search-unknown-code.png"))
