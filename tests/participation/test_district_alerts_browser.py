"""A district subscriber's journey in headless Chromium, on a portal of its own mailing to the
SMTP server on 127.0.0.1: on /pm25/alerts the district list follows the province chosen, the
chosen district's confirmation arrives, and the district's crossing (a GISTDA harvest) is mailed."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.readings.hooks import now as present
from tests.participation.conftest import Sink, link_in
from tests.participation.district_model import MUEANG_PHRAE, Model

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")


def _offered(browser: Any) -> list[str]:
    """The district choices a person can pick: the enabled, visible ones."""
    return list(browser.execute_script(
        "return [...document.querySelectorAll('#pm25-alert-district option')]"
        ".filter(o => !o.disabled && !(o.parentElement.tagName === 'OPTGROUP' && o.parentElement.disabled))"
        ".map(o => o.value)"))


def test_the_district_list_follows_the_province_and_the_district_is_alerted(
        mailing_portal: str, smtp_server: Sink, gistda_model: Model, browser: Any, artifacts: Path) -> None:
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    browser.get(f"{mailing_portal}/en/pm25/alerts")
    wait.until(lambda driver: driver.find_element(By.ID, "pm25-alert-district"))
    Select(browser.find_element(By.ID, "pm25-alert-province")).select_by_value("TH-52")
    assert _offered(browser) == [""]  # Lampang has no modelled district here: the whole province only
    Select(browser.find_element(By.ID, "pm25-alert-province")).select_by_value("TH-54")
    offered = _offered(browser)
    assert offered[0] == "" and MUEANG_PHRAE in offered and all(code.startswith("54") for code in offered[1:])
    Select(browser.find_element(By.ID, "pm25-alert-district")).select_by_value(MUEANG_PHRAE)
    browser.find_element(By.NAME, "email").send_keys("district@example.org")
    browser.save_screenshot(str(artifacts / "alerts-district-en.png"))
    button = browser.find_element(By.CSS_SELECTOR, ".pm25-alerts-form button[type=submit]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait.until(lambda driver: "Check your inbox" in driver.find_element(By.TAG_NAME, "body").text)

    [confirmation] = smtp_server.take()
    assert confirmation.message["Subject"] == "Confirm your PM2.5 alerts for Mueang Phrae district, Phrae province"
    link = urlsplit(link_in(confirmation.body, "/pm25/alerts/confirm"))
    browser.get(f"{mailing_portal}{link.path}?{link.query}")
    browser.find_element(By.CSS_SELECTOR, ".primary button[type=submit]").click()
    wait.until(lambda driver: "Your alerts are on" in driver.find_element(By.TAG_NAME, "body").text)
    assert "Mueang Phrae district, Phrae province" in browser.find_element(By.TAG_NAME, "body").text

    gistda_model.set_mean(MUEANG_PHRAE, 70.0)
    send_alerts(present())
    [alert] = smtp_server.take()
    assert alert.message["Subject"] == "PM2.5 in Mueang Phrae district, Phrae province is above 37.5 µg/m³: 70.0 µg/m³"
