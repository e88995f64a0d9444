"""The embeddable widget as another site shows it: /pm25/embed/<code> (Thai) and
/en/pm25/embed/<code> (English) with the known readings (tests/readings/conftest.py), the
script tag /pm25/embed.js, their headers (public, cacheable, no cookie, framable), and the
"embed this" box of the province page."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from ckan.tests import factories

from ckanext.pm25.advice import advice_for
from tests.readings.conftest import Known
from tests.readings.stations import THAI

pytestmark = pytest.mark.usefixtures("with_plugins")

PASSWORD = "pm25-Embed-Password-1"


def text_of(response: Any) -> str:
    """The page's words, as a visitor reads them (tags dropped, entities read, spaces joined)."""
    html = response.get_data(as_text=True)
    body = html.split("<body>", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def assert_public(response: Any, max_age: int = 300) -> None:
    """Cacheable by anyone for max_age seconds, no cookie, framable by any site."""
    assert response.headers["Cache-Control"] == f"public, max-age={max_age}"
    assert "Set-Cookie" not in response.headers
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "cookie" not in response.headers.get("Vary", "").lower()


class TestWidgetPage:
    def test_thai_by_default_value_band_advice_time_and_source(self, known: Known, app: Any) -> None:
        response = app.get("/pm25/embed/TH-52")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert '<html lang="th">' in html
        text = text_of(response)
        assert "ฝุ่น PM2.5 ลำปาง" in text
        assert "ค่าเฉลี่ย 24 ชั่วโมง 38.5 µg/m³" in text  # the 24-hour mean, Lampang's band
        assert "เริ่มมีผลกระทบต่อสุขภาพ · AQI ไทย 103" in text
        assert "background:#F26522" in html
        assert advice_for("starting_to_affect_health").general_th in text
        assert "ค่ารายชั่วโมง 80.0 µg/m³" in text
        thai_hour = known.now.astimezone(THAI).strftime("%d/%m/%Y %H:%M")
        assert f"เมื่อ {thai_hour} (เวลาประเทศไทย)" in text
        assert "ที่มา: กรมควบคุมมลพิษ" in text
        more = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener">([^<]+)</a>', html)
        assert more and more.group(1).endswith("/province/TH-52") and more.group(2).startswith("ดูเพิ่มเติมที่")

    def test_english_under_en(self, known: Known, app: Any) -> None:
        response = app.get("/en/pm25/embed/TH-52")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html
        text = text_of(response)
        assert "PM2.5 in Lampang" in text
        assert "24-hour mean 38.5 µg/m³" in text and "Starting to affect health · Thai AQI 103" in text
        assert advice_for("starting_to_affect_health").general_en in text
        assert "Hourly value 80.0 µg/m³" in text and "(Thai time)" in text
        assert "Source: กรมควบคุมมลพิษ" in text
        assert re.search(r'<a href="[^"]+/en/province/TH-52" target="_blank"', html)
        for thai in ("ลำปาง", "ค่าเฉลี่ย", "ที่มา"):
            assert thai not in text.replace("กรมควบคุมมลพิษ", "")

    def test_without_a_page_chrome_or_scripts(self, known: Known, app: Any) -> None:
        html = app.get("/pm25/embed/TH-52").get_data(as_text=True)
        assert "<script" not in html and "<link" not in html
        assert 'class="masthead' not in html and "site-footer" not in html
        assert len(html.encode("utf-8")) < 8000

    def test_the_source_is_the_publisher_of_the_stations_behind_the_value(self, known: Known, app: Any) -> None:
        assert "Source: CMU CCDC" in text_of(app.get("/en/pm25/embed/TH-17"))

    def test_fewer_than_18_hours_say_so_without_a_band(self, known: Known, app: Any) -> None:
        for path, words in (("/en/pm25/embed/TH-17", "Fewer than 18 of 24 hours: no 24-hour mean"),
                            ("/pm25/embed/TH-17", "ข้อมูลไม่ครบ 24 ชั่วโมง")):
            response = app.get(path)
            html = response.get_data(as_text=True)
            assert words in text_of(response) and "pm25-embed-band" not in html.split("<body>", 1)[1]
            assert "20.0 µg/m³" in text_of(response)

    def test_stale_and_no_data(self, known: Known, app: Any) -> None:
        stale = text_of(app.get("/en/pm25/embed/TH-90"))
        assert "No current data" in stale and "30.0 µg/m³" in stale and "Source: กรมควบคุมมลพิษ" in stale
        for path, words in (("/en/pm25/embed/TH-57", "No readings from this province yet."),
                            ("/pm25/embed/TH-57", "ยังไม่มีข้อมูลการตรวจวัดของจังหวัดนี้")):
            response = app.get(path)
            assert response.status_code == 200
            text = text_of(response)
            assert words in text and "µg/m³" not in text and "Source" not in text and "ที่มา" not in text

    def test_other_forms_of_the_code(self, known: Known, app: Any) -> None:
        for code in ("TH52", "52", "Lampang"):
            assert "PM2.5 in Lampang" in text_of(app.get(f"/en/pm25/embed/{code}"))

    def test_an_unknown_code_is_a_404_in_the_language(self, known: Known, app: Any) -> None:
        english = app.get("/en/pm25/embed/TH-99", status=404)
        assert "Province not found" in text_of(english) and "TH-99" in text_of(english)
        thai = app.get("/pm25/embed/TH-99", status=404)
        assert "ไม่พบจังหวัด" in text_of(thai) and "Province not found" not in text_of(thai)
        assert_public(thai)


class TestHeaders:
    def test_public_cacheable_cookie_free_and_framable(self, known: Known, app: Any) -> None:
        for path in ("/pm25/embed/TH-52", "/en/pm25/embed/TH-52", "/pm25/embed.js"):
            assert_public(app.get(path))

    @pytest.mark.ckan_config("ckanext.pm25.embed.max_age", "900")
    def test_the_max_age_is_configured(self, known: Known, app: Any) -> None:
        assert_public(app.get("/pm25/embed/TH-52"), max_age=900)
        assert_public(app.get("/pm25/embed.js"), max_age=900)

    def test_other_pages_keep_ckan_headers(self, known: Known, app: Any) -> None:
        assert "frame-ancestors" not in app.get("/pm25").headers.get("Content-Security-Policy", "")

    def test_signed_in_the_page_is_the_public_one_without_a_cookie(self, known: Known, app: Any) -> None:
        user = factories.User(password=PASSWORD)
        client = app.test_client()
        login = client.get("/en/user/login").get_data(as_text=True)
        token = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', login)
        assert token
        signed_in = client.post("/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                                        "_csrf_token": token.group(1)})
        assert signed_in.status_code in (200, 302)
        assert user["name"] in client.get("/en/dashboard/datasets").get_data(as_text=True)
        widget = client.get("/en/pm25/embed/TH-52")
        assert widget.status_code == 200
        assert_public(widget)
        html = widget.get_data(as_text=True)
        assert user["name"] not in html and user["fullname"] not in html and "Log out" not in html
        assert text_of(widget) == text_of(app.get("/en/pm25/embed/TH-52"))


class TestScript:
    def test_javascript_that_builds_the_iframe(self, known: Known, app: Any) -> None:
        response = app.get("/pm25/embed.js")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        script = response.get_data(as_text=True)
        assert 'document.createElement("iframe")' in script
        assert '"/pm25/embed/" + encodeURIComponent(province)' in script
        assert 'lang === "en" ? "/en" : ""' in script and 'setAttribute("loading", "lazy")' in script
        assert '"th": "คุณภาพอากาศ PM2.5: {province}"' in script
        assert '"en": "PM2.5 air quality: {province}"' in script
        assert '"width": 300' in script and '"TH-52": {"th": "ลำปาง", "en": "Lampang"}' in script
        assert app.get("/en/pm25/embed.js").get_data(as_text=True) == script  # one script for both


class TestEmbedBox:
    def test_the_province_page_offers_both_snippets(self, known: Known, app: Any) -> None:
        thai = app.get("/province/TH-52").get_data(as_text=True)
        box = unescape(thai.split('id="pm25-embed"', 1)[1].split("</section>", 1)[0])
        assert "นำไปแสดงบนเว็บไซต์ของคุณ" in box
        assert re.search(r'<script src="http[^"]+/pm25/embed\.js" data-province="TH-52" data-lang="th" async>'
                         r'</script>', box)
        iframe = re.search(r'<iframe src="(http[^"]+)" title="คุณภาพอากาศ PM2.5: ลำปาง" width="300"', box)
        assert iframe and iframe.group(1).endswith("/pm25/embed/TH-52") and "/en/" not in iframe.group(1)
        english = app.get("/en/province/TH-52").get_data(as_text=True)
        box = unescape(english.split('id="pm25-embed"', 1)[1].split("</section>", 1)[0])
        assert "Embed this on your website" in box
        assert re.search(r'<script src="http[^"]+/pm25/embed\.js" data-province="TH-52" data-lang="en"', box)
        assert "/en/pm25/embed.js" not in box
        assert re.search(r'<iframe src="http[^"]+/en/pm25/embed/TH-52" title="PM2.5 air quality: Lampang"', box)
