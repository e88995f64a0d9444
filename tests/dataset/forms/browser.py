"""Driving the portal in the headless browser as a person would: log in, fill fields, read errors."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.dataset.fixtures import PASSWORD

WAIT_SECONDS = 30


def wait(browser: WebDriver) -> WebDriverWait:
    return WebDriverWait(browser, WAIT_SECONDS)


def log_in(browser: WebDriver, portal: str, user: dict[str, Any]) -> None:
    browser.delete_all_cookies()
    browser.get(f"{portal}/user/login")
    browser.find_element(By.ID, "field-login").send_keys(user["name"])
    browser.find_element(By.ID, "field-password").send_keys(PASSWORD)
    click(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit].btn-primary"))
    wait(browser).until(lambda driver: "/user/login" not in driver.current_url)


def click(browser: WebDriver, element: WebElement) -> None:
    """Scrolls the element to the middle of the window at once (Bootstrap makes scrolling smooth,
    so a click right after a smooth scroll lands elsewhere) and clicks it."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def field(browser: WebDriver, name: str) -> WebElement:
    return browser.find_element(By.ID, f"field-{name}")


def type_into(browser: WebDriver, name: str, text: str) -> None:
    element = field(browser, name)
    element.clear()
    element.send_keys(text)


def choose(browser: WebDriver, name: str, *values: str) -> None:
    select = Select(field(browser, name))
    if select.is_multiple:
        select.deselect_all()
    for value in values:
        select.select_by_value(value)


def tick(browser: WebDriver, name: str, *values: str) -> None:
    """Checks exactly `values` among the checkboxes of a multiple-choice field."""
    for box in browser.find_elements(By.CSS_SELECTOR, f'input[type=checkbox][name="{name}"]'):
        if (box.get_attribute("value") in values) != box.is_selected():
            click(browser, box)


def set_value(browser: WebDriver, name: str, value: str) -> None:
    """Sets an input (a date input) as the browser would after typing, firing `change`."""
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field(browser, name), value)


def error_next_to(browser: WebDriver, name: str) -> str:
    """The error shown with a field (CKAN renders it inside the field's form group)."""
    group = field(browser, name).find_element(By.XPATH, "ancestor::div[contains(@class, 'form-group')][1]")
    return " ".join(span.text for span in group.find_elements(By.CSS_SELECTOR, ".error-block"))


def shown(element: WebElement) -> bool:
    return element.is_displayed()


def screenshot(browser: WebDriver, artifacts: Path, name: str) -> Path:
    """A full-page screenshot (the window grown to the page's height)."""
    height = browser.execute_script("return Math.max(document.body.scrollHeight, 1000)")
    browser.set_window_size(1280, min(int(height), 8000))
    time.sleep(0.2)
    path = artifacts / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1280, 1000)
    return path
