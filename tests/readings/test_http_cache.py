"""HTTP caching of what shows readings, through CKAN's test app with the known readings
(tests/readings/conftest.py): validators (ETag, Last-Modified) and Cache-Control on /pm25, a
province page, a station page, the pm25_* API and the downloads; 304 on a conditional request
without rendering or reading the data; the validator following a new hour and the language;
private pages for a signed-in user; no cookie on what a shared cache may keep."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories
from flask import template_rendered
from sqlalchemy import event

from tests.factories import create_pm25_dataset
from tests.readings.conftest import Known
from tests.readings.stations import add_readings

pytestmark = pytest.mark.usefixtures("with_plugins")

PASSWORD = "pm25-Cache-Password-1"
HOUR = timedelta(hours=1)

PAGES = ("/pm25", "/en/pm25", "/province/TH-52", "/en/province/TH-52", "/dataset/air4thai-l1",
         "/api/3/action/pm25_province_list", "/api/3/action/pm25_province_show?id=TH-52",
         "/api/3/action/pm25_station_list?province=TH-52",
         "/api/3/action/pm25_measurements?stations=air4thai-l1")
DOWNLOADS = ("/province/TH-52/readings.csv", "/province/TH-52/stations.geojson",
             "/pm25/measurements.csv?stations=air4thai-l1")


@contextmanager
def renders_and_statements() -> Iterator[tuple[list[str], list[str]]]:
    """The templates rendered and the SQL statements run while the block runs."""
    templates: list[str] = []
    statements: list[str] = []

    def rendered(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        templates.append(template.name)

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = model.meta.engine
    template_rendered.connect(rendered)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield templates, statements
    finally:
        template_rendered.disconnect(rendered)
        event.remove(engine, "before_cursor_execute", executed)


def ours(statements: list[str]) -> int:
    """How many of the statements read the readings' tables or CKAN's datasets (CKAN itself
    reads its ``system_info`` settings on every request)."""
    return sum(1 for statement in statements if "pm25_" in statement or "FROM package" in statement)


def signed_in(app: Any) -> Any:
    """A test client holding a signed-in user's session cookie."""
    user = factories.User(password=PASSWORD)
    client = app.test_client()
    login = client.get("/en/user/login").get_data(as_text=True)
    token = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', login)
    assert token
    response = client.post("/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                                   "_csrf_token": token.group(1)})
    assert response.status_code in (200, 302)
    assert user["name"] in client.get("/en/dashboard/datasets").get_data(as_text=True)
    return client


def assert_shared(response: Any, max_age: int) -> None:
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == f"public, max-age={max_age}"
    assert response.headers["ETag"].startswith('W/"')
    assert response.headers["Last-Modified"].endswith(" GMT")
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


class TestValidators:
    def test_pages_and_api_answers_carry_a_validator_and_are_public_without_a_cookie(self, known: Known,
                                                                                     app: Any) -> None:
        for path in PAGES:
            assert_shared(app.get(path), max_age=60)
        for path in DOWNLOADS:
            assert_shared(app.get(path), max_age=300)

    @pytest.mark.ckan_config("ckanext.pm25.cache.max_age", "120")
    @pytest.mark.ckan_config("ckanext.pm25.cache.download_max_age", "900")
    def test_the_max_ages_are_configured(self, known: Known, app: Any) -> None:
        assert_shared(app.get("/province/TH-50"), max_age=120)
        assert_shared(app.get("/province/TH-50/readings.csv"), max_age=900)

    def test_stable_while_nothing_changes(self, known: Known, app: Any) -> None:
        for path in (*PAGES, *DOWNLOADS):
            first, second = app.get(path), app.get(path)
            assert first.headers["ETag"] == second.headers["ETag"]
            assert first.headers["Last-Modified"] == second.headers["Last-Modified"]

    def test_each_language_and_url_has_its_own(self, known: Known, app: Any) -> None:
        tags = {path: app.get(path).headers["ETag"] for path in (*PAGES, *DOWNLOADS)}
        assert len(set(tags.values())) == len(tags)
        thai = tags["/pm25"]
        assert app.get("/en/pm25", headers={"If-None-Match": thai}).status_code == 200

    def test_other_pages_keep_ckan_headers(self, known: Known, app: Any) -> None:
        for path in ("/dataset/", "/organization/pcd", "/province/TH-99", "/api/3/action/package_search"):
            response = app.get(path)
            assert "ETag" not in response.headers, path
            assert not response.headers.get("Cache-Control", "").startswith("public, max-age=60"), path

    def test_a_dataset_that_is_no_station_keeps_ckan_headers(self, known: Known, app: Any) -> None:
        dataset = create_pm25_dataset(user=known.user, owner_org=known.pcd["id"])
        response = app.get(f"/dataset/{dataset['name']}")
        assert response.status_code == 200
        assert "ETag" not in response.headers


class TestConditionalRequests:
    @pytest.mark.parametrize("path", ["/pm25", "/en/province/TH-52", "/dataset/air4thai-l1"])
    def test_a_page_is_not_rendered_again(self, known: Known, app: Any, path: str) -> None:
        first = app.get(path)
        with renders_and_statements() as (templates, statements):
            again = app.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert templates == []
        assert ours(statements) == 1  # the validator's query, nothing else of ours
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"] == "public, max-age=60"
        assert "Set-Cookie" not in again.headers
        with renders_and_statements() as (templates, _):
            assert app.get(path).status_code == 200
        assert templates  # rendered when not asked conditionally

    def test_an_api_answer_is_not_computed_again(self, known: Known, app: Any) -> None:
        path = "/api/3/action/pm25_province_show?id=TH-52"
        first = app.get(path)
        with renders_and_statements() as (_, statements):
            again = app.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert ours(statements) == 1
        assert not any("pm25_province_hourly" in statement for statement in statements)

    def test_if_modified_since_the_last_modification(self, known: Known, app: Any) -> None:
        first = app.get("/province/TH-52/readings.csv")
        again = app.get("/province/TH-52/readings.csv", headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert again.status_code == 304
        older = app.get("/province/TH-52/readings.csv", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
        assert older.status_code == 200 and "province,hour_utc" in older.get_data(as_text=True)

    def test_another_validator_gets_the_page(self, known: Known, app: Any) -> None:
        response = app.get("/pm25", headers={"If-None-Match": 'W/"not-this-one"'})
        assert response.status_code == 200 and "<html" in response.get_data(as_text=True)


class TestSignedIn:
    def test_pages_are_private_without_a_validator(self, known: Known, app: Any) -> None:
        client = signed_in(app)
        public_tag = app.get("/en/pm25").headers["ETag"]
        for path in (*PAGES, *DOWNLOADS):
            response = client.get(path, headers={"If-None-Match": public_tag})
            assert response.status_code == 200, path
            cache_control = response.headers["Cache-Control"]
            assert "private" in cache_control and "public" not in cache_control and "max-age" not in cache_control
            assert "Cookie" in response.headers["Vary"]
            assert "ETag" not in response.headers and "Last-Modified" not in response.headers

    def test_an_api_token_makes_the_answer_private(self, known: Known, app: Any) -> None:
        token = factories.APIToken(user=known.user["name"])["token"]
        response = app.get("/api/3/action/pm25_province_list", headers={"Authorization": token})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "ETag" not in response.headers


class TestNewReadings:
    """Last: stores a reading into the module's known data."""

    def test_a_new_hour_changes_the_validator(self, known: Known, app: Any) -> None:
        paths = ("/pm25", "/province/TH-90", "/api/3/action/pm25_province_list", "/province/TH-90/readings.csv")
        before = {path: app.get(path).headers["ETag"] for path in paths}
        hat_yai = known.stations["K1"]
        add_readings(hat_yai, {known.now - 9 * HOUR: 35.0}, user=known.user)
        for path in paths:
            response = app.get(path, headers={"If-None-Match": before[path]})
            assert response.status_code == 200, path
            assert response.headers["ETag"] != before[path]
        assert "35.0" in app.get("/province/TH-90/readings.csv").get_data(as_text=True)
