"""A report on a value in headless Chromium, on a portal of its own whose mail goes to a real
SMTP server on 127.0.0.1: a reader signs in and reports a station's reading from its page, the
agency's editor flags it from the same page, the public page shows the status, the reading's
quality flag has changed in the API, and the reader is mailed. Screenshots go to the artifacts
folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ckan.tests import helpers
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.participation.conftest import Sink
from tests.participation.requests_world import World
from tests.participation.test_requests_browser import _sign_in, _submit, _text


def test_a_reader_reports_a_value_the_agency_flags_it_and_the_reader_is_told(
        mailing_portal: str, smtp_server: Sink, reports_world: World, browser: Any, artifacts: Path) -> None:
    world = reports_world
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    browser.set_window_size(1280, 3000)  # the reports sit below the chart and trends: all in view
    page = f"{mailing_portal}/en/dataset/{world.dataset['name']}"
    _sign_in(browser, wait, mailing_portal, world.name("reporter"))
    browser.get(page)
    details = wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, ".pm25-value-report-new"))
    summary = details.find_element(By.TAG_NAME, "summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    wait.until(lambda driver: summary.is_displayed())
    summary.click()
    hour = Select(details.find_element(By.ID, "pm25-report-hour")).first_selected_option.get_attribute("value")
    Select(details.find_element(By.ID, "pm25-report-reason")).select_by_value("implausibly_high")
    details.find_element(By.ID, "pm25-report-message").send_keys("Twice its neighbours.")
    browser.save_screenshot(str(artifacts / "value-report-new-en.png"))
    _submit(browser, details.find_element(By.TAG_NAME, "form"))
    wait.until(lambda driver: "implausibly high (waiting for the agency)" in _text(driver))

    _sign_in(browser, wait, mailing_portal, world.name("agency_editor"))
    browser.get(page)
    flag = wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "form[action$='/flag']"))
    flag.find_element(By.NAME, "message").send_keys("Sensor fault.")
    _submit(browser, flag)
    wait.until(lambda driver: "the agency flagged the value" in _text(driver))

    browser.delete_all_cookies()
    browser.get(page)
    public = _text(browser)
    assert "implausibly high (the agency flagged the value)" in public and "The agency: Sensor fault." in public
    assert "Flag the value as wrong" not in public and "reporter" not in public.replace("Reports", "")
    browser.save_screenshot(str(artifacts / "value-report-flagged-en.png"))
    measured = helpers.call_action("pm25_measurements", stations=world.dataset["name"], start=hour)["results"]
    assert [item["quality_flag"] for item in measured if item["datetime_utc"] == hour] == ["agency_flagged"]
    [mail] = smtp_server.take()
    assert mail.recipients == ["reporter@example.org"]
    assert "Sensor fault." in mail.body and f"/en/dataset/{world.dataset['name']}" in mail.body
