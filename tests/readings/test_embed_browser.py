"""The widget on another site, in headless Chromium: a page served from another origin carries
the script tag; the script puts the iframe of the right province and language right after
itself, titled and lazy, and the framed widget shows the known readings (a screenshot at 375 px
goes to the artifacts folder)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture(scope="module")
def other_site(portal: str) -> Iterator[str]:
    """A school's page on another origin (localhost, not 127.0.0.1) with the widget's script tag
    for Lampang in English in its sidebar, a paragraph after it, and one more in Thai (the
    default language: no data-lang)."""
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A school</title></head><body>'
            f'<aside id="sidebar" style="width:300px"><h2>Air today</h2>'
            f'<script src="{portal}/pm25/embed.js" data-province="TH-52" data-lang="en" async></script>'
            f'<p id="after">School news</p></aside>'
            f'<aside id="sidebar-th" style="width:300px">'
            f'<script src="{portal}/pm25/embed.js" data-province="TH-52" async></script></aside>'
            f'</body></html>').encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_script_tag_puts_the_widget_where_it_stands(portal: str, browser: Any, other_site: str,
                                                        artifacts: Path, known: Known) -> None:
    browser.set_window_size(375, 900)
    try:
        browser.get(other_site)
        frame = WebDriverWait(browser, 30).until(
            lambda driver: driver.find_elements(By.CSS_SELECTOR, "#sidebar iframe.pm25-embed"))[0]
        assert frame.get_attribute("src") == f"{portal}/en/pm25/embed/TH-52"
        assert frame.get_attribute("title") == "PM2.5 air quality: Lampang"
        assert frame.get_attribute("loading") == "lazy" and frame.get_attribute("width") == "300"
        after = browser.execute_script(
            "var s = document.querySelector('#sidebar script'); return s.nextElementSibling.tagName + ' ' + "
            "s.nextElementSibling.nextElementSibling.id;")
        assert after == "IFRAME after"
        browser.switch_to.frame(frame)
        WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pm25-embed-more"))
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "PM2.5 in Lampang" in text and "38.5" in text and "Starting to affect health" in text
        assert "Source: กรมควบคุมมลพิษ" in text
        overflow = browser.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
        browser.switch_to.default_content()
        thai = browser.find_element(By.CSS_SELECTOR, "#sidebar-th iframe.pm25-embed")
        assert thai.get_attribute("src") == f"{portal}/pm25/embed/TH-52"
        assert thai.get_attribute("title") == "คุณภาพอากาศ PM2.5: ลำปาง"
        browser.execute_script("arguments[0].scrollIntoView()", thai)
        browser.switch_to.frame(thai)
        WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pm25-embed-more"))
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "ฝุ่น PM2.5 ลำปาง" in text and "เริ่มมีผลกระทบต่อสุขภาพ" in text and "ที่มา: กรมควบคุมมลพิษ" in text
        # the longest advice (this band's) in Thai fits the iframe's height: no scrolling inside
        assert browser.execute_script("return document.documentElement.scrollHeight <= window.innerHeight")
        browser.switch_to.default_content()
        browser.save_screenshot(str(artifacts / "pm25-embed-375-th.png"))
        browser.save_screenshot(str(artifacts / "pm25-embed-375.png"))
    finally:
        browser.switch_to.default_content()
        browser.set_window_size(1280, 1000)
