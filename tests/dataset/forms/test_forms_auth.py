"""Through the forms, only an organisation's editors and admins publish to it: a member gets no
dataset form, another organisation's editor can neither pick it nor post to it, nor edit its
datasets."""
from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.dataset.forms.browser import click, field, log_in, set_value, tick, type_into, wait
from tests.dataset.api import act, create


def _has_dataset_form(browser: WebDriver) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, "form#dataset-edit"))


@pytest.fixture(scope="module")
def agency_dataset(agency: dict[str, Any]) -> dict[str, Any]:
    return create(agency["editor"], agency["organization"]["id"], name="pm25-owned-by-agency", title="ของหน่วยงาน")


def test_a_member_gets_no_dataset_form(portal: str, browser: WebDriver, agency: dict[str, Any],
                                       agency_dataset: dict[str, Any]) -> None:
    log_in(browser, portal, agency["member"])

    browser.get(f"{portal}/dataset/new")
    new_refused = not _has_dataset_form(browser)
    browser.get(f"{portal}/dataset/edit/{agency_dataset['name']}")
    edit_refused = not _has_dataset_form(browser)

    assert (new_refused, edit_refused) == (True, True)


def test_another_organisations_editor_cannot_publish_to_it(portal: str, browser: WebDriver, agency: dict[str, Any],
                                                           other_agency: dict[str, Any],
                                                           agency_dataset: dict[str, Any]) -> None:
    log_in(browser, portal, other_agency["editor"])
    browser.get(f"{portal}/dataset/new")
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "select[name=owner_org]"))
    organisations = browser.find_element(By.CSS_SELECTOR, "select[name=owner_org]")
    offered = [option.get_attribute("value") for option in organisations.find_elements(By.TAG_NAME, "option")]
    assert offered == [other_agency["organization"]["id"]]

    # Posting to the agency anyway (the form tampered with) is refused and creates nothing.
    browser.execute_script(
        "var s = arguments[0]; s.add(new Option('x', arguments[1], true, true));",
        organisations, agency["organization"]["id"])
    field(browser, "data_type").send_keys("ข้อมูลระเบียน")
    type_into(browser, "title", "แอบเพิ่ม")
    click(browser, browser.find_element(By.CSS_SELECTOR, ".slug-preview button"))
    type_into(browser, "name", "pm25-sneaked-in")
    type_into(browser, "maintainer", "x")
    type_into(browser, "maintainer_email", "x@example.go.th")
    set_value(browser, "tag_string", "PM2.5")
    type_into(browser, "notes", "x")
    tick(browser, "objective", "ไม่ทราบ")
    type_into(browser, "data_source", "x")
    tick(browser, "data_format", "CSV")
    click(browser, browser.find_element(By.CSS_SELECTOR, "form#dataset-edit button[name=save].btn-primary"))
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    with pytest.raises(Exception):  # noqa: B017 - not found, whatever CKAN's exception class
        act("package_show", agency["admin"], id="pm25-sneaked-in")

    browser.get(f"{portal}/dataset/edit/{agency_dataset['name']}")
    assert not _has_dataset_form(browser)
