"""A subscriber's journey in headless Chromium, on a portal of its own whose CKAN smtp.* settings
(CKAN's environment variables) point at a real SMTP server on 127.0.0.1: subscribe in a province
page's box, open the mailed link and confirm, the province crosses the threshold and the alert
arrives, unsubscribe from the alert's link. Screenshots go to the artifacts folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings.hooks import now as present
from tests.participation.conftest import Province, Sink, link_in
from tests.uncovered import wait_until_uncovered

pytestmark = pytest.mark.usefixtures("with_plugins")


def _on(site: str, link: str) -> str:
    parts = urlsplit(link)
    return f"{site}{parts.path}?{parts.query}"


def _text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def _click(browser: Any, css: str) -> None:
    """Click the page's button as a person would: scrolled into view first."""
    button = browser.find_element(By.CSS_SELECTOR, css)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def test_subscribe_confirm_alert_and_unsubscribe_in_a_browser(
        mailing_portal: str, smtp_server: Sink, lampang: Province, browser: Any, artifacts: Path) -> None:
    # a page being replaced by the next one (after a click) is read again, not an error
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    browser.set_window_size(1280, 1000)
    browser.get(f"{mailing_portal}/en/province/TH-52")
    box = wait.until(lambda driver: driver.find_element(By.ID, "pm25-alerts"))
    box.find_element(By.NAME, "email").send_keys("browser@example.org")
    threshold = box.find_element(By.NAME, "threshold")
    threshold.clear()
    threshold.send_keys("30")
    button = box.find_element(By.CSS_SELECTOR, "button[type=submit]")
    # the page's map and charts may still move it
    wait_until_uncovered(browser, button)
    browser.save_screenshot(str(artifacts / "alerts-province-box-en.png"))
    button.click()
    wait.until(lambda driver: "Check your inbox" in _text(driver))

    [confirmation] = smtp_server.take()
    assert confirmation.recipients == ["browser@example.org"]
    browser.get(_on(mailing_portal, link_in(confirmation.body, "/pm25/alerts/confirm")))
    _click(browser, "main button[type=submit], .primary button[type=submit]")
    wait.until(lambda driver: "Your alerts are on" in _text(driver))

    lampang.set_mean(42.0)
    send_alerts(present())
    [alert] = smtp_server.take()
    assert "above 30.0 µg/m³: 42.0 µg/m³" in str(alert.message["Subject"])
    browser.get(_on(mailing_portal, link_in(alert.body, "/pm25/alerts/unsubscribe")))
    assert "Stop the PM2.5 alerts for Lampang province?" in _text(browser)
    browser.save_screenshot(str(artifacts / "alerts-unsubscribe-en.png"))
    _click(browser, ".primary button[type=submit]")
    wait.until(lambda driver: "You will get no more alerts" in _text(driver))

    lampang.set_mean(20.0)
    assert send_alerts(present()).due == 0
