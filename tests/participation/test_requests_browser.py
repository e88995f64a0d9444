"""A data request's journey in headless Chromium, on a portal of its own whose mail goes to a
real SMTP server on 127.0.0.1: a citizen signs in and asks for data in the form, an agency
editor answers from the request's page with a dataset, the citizen is mailed the answer and the
public page shows the timeline; a citizen without an account asks with an e-mail address,
confirms by the mailed link, and replies to the agency's question through the private link.
Screenshots go to the artifacts folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.participation.conftest import Sink
from tests.participation.requests_world import PASSWORD, World
from tests.uncovered import click_uncovered


def _text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def _submit(browser: Any, form: Any) -> None:
    click_uncovered(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def _sign_in(browser: Any, wait: WebDriverWait, site: str, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{site}/en/user/login")
    form = wait.until(lambda driver: driver.find_element(By.ID, "field-login").find_element(By.XPATH, "ancestor::form"))
    form.find_element(By.ID, "field-login").send_keys(name)
    form.find_element(By.ID, "field-password").send_keys(PASSWORD)
    _submit(browser, form)
    wait.until(lambda driver: "/user/login" not in driver.current_url)


def _ask_for_mae_moh(browser: Any, form: Any) -> None:
    """Fill the new-request form: Mae Moh's hourly PM2.5 of 2023, from the PCD."""
    form.find_element(By.ID, "pm25-request-title").send_keys("Hourly PM2.5 of Mae Moh 2023")
    form.find_element(By.ID, "pm25-request-description").send_keys("Every station's hourly values.")
    Select(form.find_element(By.ID, "pm25-request-provinces")).select_by_value("TH-52")
    for field, day in (("pm25-request-start", "2023-01-01"), ("pm25-request-end", "2023-12-31")):
        browser.execute_script("arguments[0].value = arguments[1]", form.find_element(By.ID, field), day)
    Select(form.find_element(By.ID, "pm25-request-agency")).select_by_value("pcd")


def test_a_citizen_asks_an_editor_answers_and_the_citizen_is_told(
        mailing_portal: str, smtp_server: Sink, world: World, browser: Any, artifacts: Path) -> None:
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    browser.set_window_size(1280, 1000)
    _sign_in(browser, wait, mailing_portal, world.name("requester"))
    browser.get(f"{mailing_portal}/en/pm25/requests/new")
    form = wait.until(lambda driver: driver.find_element(By.ID, "pm25-request-title").find_element(By.XPATH,
                                                                                                   "ancestor::form"))
    _ask_for_mae_moh(browser, form)
    browser.save_screenshot(str(artifacts / "requests-new-en.png"))
    _submit(browser, form)
    wait.until(lambda driver: "Request submitted" in _text(driver))
    page = browser.current_url

    _sign_in(browser, wait, mailing_portal, world.name("agency_editor"))
    browser.get(page)
    answer = wait.until(lambda driver: driver.find_element(
        By.CSS_SELECTOR, "form[action$='/answer']").find_element(By.XPATH, "ancestor::details"))
    answer.find_element(By.TAG_NAME, "summary").click()
    answer.find_element(By.NAME, "datasets").send_keys("lampang-hourly-2024")
    answer.find_element(By.NAME, "message").send_keys("Published today.")
    _submit(browser, answer.find_element(By.TAG_NAME, "form"))
    wait.until(lambda driver: "Answered with datasets" in _text(driver))

    browser.delete_all_cookies()
    browser.get(page)
    public = _text(browser)
    assert "Lampang hourly PM2.5 2024" in public and "Published today." in public and "answered" in public
    browser.save_screenshot(str(artifacts / "requests-answered-en.png"))
    mails = smtp_server.take()
    assert sorted(mail.recipients[0] for mail in mails if "A data request for" in str(mail.message["Subject"])
                  or "คำขอข้อมูลถึง" in str(mail.message["Subject"])) == [
        "agency_admin@example.org", "agency_editor@example.org"]
    [mail] = [mail for mail in mails if mail.recipients == ["requester@example.org"]]
    assert mail.message["Subject"] == "กรมควบคุมมลพิษ answered the data request “Hourly PM2.5 of Mae Moh 2023”"
    assert page.split("/en/", 1)[1] in mail.body


def _mail_to(smtp_server: Sink, address: str) -> Any:
    [mail] = [mail for mail in smtp_server.take() if mail.recipients == [address]]
    return mail


def test_a_citizen_without_an_account_asks_confirms_and_replies_through_the_private_link(
        mailing_portal: str, smtp_server: Sink, world: World, browser: Any, artifacts: Path) -> None:
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    browser.set_window_size(1280, 1000)
    browser.delete_all_cookies()
    browser.get(f"{mailing_portal}/en/pm25/requests/new")
    form = wait.until(lambda driver: driver.find_element(By.ID, "pm25-request-email").find_element(
        By.XPATH, "ancestor::form"))
    form.find_element(By.ID, "pm25-request-email").send_keys("malee@example.net")
    _ask_for_mae_moh(browser, form)
    browser.execute_script("arguments[0].click()", form.find_element(By.CSS_SELECTOR, "input[name=language][value=en]"))
    browser.save_screenshot(str(artifacts / "requests-by-email-new-en.png"))
    _submit(browser, form)
    wait.until(lambda driver: "Check your inbox" in _text(driver))

    confirmation = _mail_to(smtp_server, "malee@example.net")
    browser.get(confirmation.body.split("open this link within 48 hours:\n", 1)[1].split("\n", 1)[0])
    _submit(browser, wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "form[action$='/confirm']")))
    wait.until(lambda driver: "Your data request is public" in _text(driver))
    private_link = next(word for word in _mail_to(smtp_server, "malee@example.net").body.split()
                        if "/private?token=" in word)

    _sign_in(browser, wait, mailing_portal, world.name("agency_editor"))
    browser.get(private_link.split("/private?", 1)[0])
    ask = wait.until(lambda driver: driver.find_element(
        By.CSS_SELECTOR, "form[action$='/ask']").find_element(By.XPATH, "ancestor::details"))
    ask.find_element(By.TAG_NAME, "summary").click()
    ask.find_element(By.NAME, "message").send_keys("Which stations?")
    _submit(browser, ask.find_element(By.TAG_NAME, "form"))
    wait.until(lambda driver: "The agency asked a question" in _text(driver))
    assert "Which stations?" in _mail_to(smtp_server, "malee@example.net").body

    browser.delete_all_cookies()
    browser.get(private_link)
    reply = wait.until(lambda driver: driver.find_element(
        By.CSS_SELECTOR, "form[action$='/reply']").find_element(By.XPATH, "ancestor::details"))
    assert "This is your private page" in _text(browser)
    reply.find_element(By.TAG_NAME, "summary").click()
    reply.find_element(By.NAME, "message").send_keys("Both Mae Moh stations.")
    browser.save_screenshot(str(artifacts / "requests-by-email-private-en.png"))
    _submit(browser, reply.find_element(By.TAG_NAME, "form"))
    wait.until(lambda driver: "The requester replied" in _text(driver))
    assert sorted(mail.recipients[0] for mail in smtp_server.take()) == ["agency_admin@example.org",
                                                                        "agency_editor@example.org"]
    browser.delete_all_cookies()
    browser.get(private_link.split("/private?", 1)[0])
    public = _text(browser)
    assert "Both Mae Moh stations." in public and "malee" not in browser.page_source
