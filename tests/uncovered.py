"""Clicking a page's control in the headless browser as a person would: once it is in view and
nothing lies over it (a page whose scripts run deferred may still be laying out)."""
from __future__ import annotations

from typing import Any

from selenium.webdriver.support.ui import WebDriverWait

_NOTHING_OVER_IT = (
    "const box = arguments[0].getBoundingClientRect();"
    "const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);"
    "return top !== null && arguments[0].contains(top);")


def wait_until_uncovered(browser: Any, element: Any, timeout: float = 30) -> None:
    """``element`` scrolled to the middle of the window, and waited for until nothing covers it."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    WebDriverWait(browser, timeout).until(lambda driver: driver.execute_script(_NOTHING_OVER_IT, element))


def click_uncovered(browser: Any, element: Any, timeout: float = 30) -> None:
    wait_until_uncovered(browser, element, timeout)
    element.click()
