"""A harvest source's URL is checked when the source is created or updated (the API and the
form both go through package_create/package_update), with the message in the request's
language; the portal's own services are refused even when allow-listed; and a job report
never quotes a response that is not of the source's format."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from ckanext.pm25.harvesters import settings
from ckanext.pm25.harvesters.http import FetchError, fetch_json
from ckanext.pm25.harvesters.source_config import HttpOverrides
from tests.harvesters.harvesting import CONTACT, gather_messages, make_source, run_job
from tests.upstream import ImitationServer, Reply
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

SERVICE_KEYS = ("solr_url", "ckan.redis.url", "sqlalchemy.url", "ckan.datastore.write_url",
                "ckan.datastore.read_url", "ckan.site_url")


def service_url(key: str) -> str:
    """An http URL at the host and port of the configured service ``key``."""
    parts = urlsplit(tk.config[key])
    return f"http://{parts.hostname}:{parts.port}/solr/ckan/select?q=*:*&wt=json"


@pytest.fixture
def services_allow_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every portal service's host:port in the allow-list: it must not matter."""
    monkeypatch.setitem(tk.config, ALLOWED_HOSTS, [origin_of(service_url(key)) for key in SERVICE_KEYS])


def _source(org: dict[str, Any], url: str, source_type: str = "pm25_agency_ckan") -> dict[str, Any]:
    return {"name": "probe", "title": "probe", "url": url, "source_type": source_type,
            "owner_org": org["id"], "config": json.dumps({"maintainer_email": CONTACT})}


def _refused(app: Any, path: str, token: str, data: dict[str, Any]) -> list[str]:
    response = app.post(path, json=data, headers={"Authorization": token})
    body = response.json
    assert response.status_code == 409 and body["success"] is False, body
    assert body["error"]["__type"] == "Validation Error"
    return body["error"]["url"]


@pytest.fixture
def editor() -> tuple[dict[str, Any], str]:
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    return org, factories.APIToken(user=user["id"])["token"]


@pytest.mark.usefixtures("services_allow_listed")
def test_a_portal_service_is_refused_as_a_source_even_when_allow_listed(
        app: Any, editor: tuple[dict[str, Any], str]) -> None:
    org, token = editor
    for key in SERVICE_KEYS:
        [message] = _refused(app, "/api/3/action/harvest_source_create", token,
                             _source(org, service_url(key)))
        assert "เป็นบริการของพอร์ทัลนี้เอง" in message, key
        [english] = _refused(app, "/en/api/3/action/harvest_source_create", token,
                             _source(org, service_url(key)))
        assert "is one of this portal's own services" in english, key
        with pytest.raises(FetchError) as raised:  # and a job could not reach it either
            fetch_json(service_url(key), settings.http_policy(HttpOverrides()))
        assert raised.value.kind == "refused_host", key


def test_a_non_public_address_not_allow_listed_is_refused_in_thai_and_english(
        app: Any, editor: tuple[dict[str, Any], str]) -> None:
    org, token = editor
    url = "http://0x7f000001:8983/solr/ckan/select"
    [thai] = _refused(app, "/api/3/action/harvest_source_create", token, _source(org, url))
    assert thai == ("http://127.0.0.1:8983 เป็นที่อยู่ที่ไม่ใช่สาธารณะ (127.0.0.1) ซึ่งไม่อยู่ใน "
                    "ckanext.pm25.harvest.allowed_hosts")
    [english] = _refused(app, "/en/api/3/action/harvest_source_create", token, _source(org, url))
    assert english == ("http://127.0.0.1:8983 is a non-public address (127.0.0.1) that "
                       "ckanext.pm25.harvest.allowed_hosts does not list")


def test_a_url_that_is_not_http_is_refused(app: Any, editor: tuple[dict[str, Any], str]) -> None:
    org, token = editor
    [thai] = _refused(app, "/api/3/action/harvest_source_create", token,
                      _source(org, "gopher://127.0.0.1:6379/_FLUSHALL", "pm25_air4thai"))
    assert thai.startswith("เก็บเกี่ยวได้เฉพาะ URL ที่ขึ้นต้นด้วย http:// และ https://")


def test_an_update_to_a_refused_url_is_refused_and_the_source_keeps_its_url(
        app: Any, editor: tuple[dict[str, Any], str], allow_upstream: Any) -> None:
    org, token = editor
    with ImitationServer() as server:
        allow_upstream(server.url)
        source, upstream = make_source(server.url, "pm25_agency_ckan", org=org), server.url
        changed = {**_source(org, service_url("solr_url")), "id": source["id"]}
        [thai] = _refused(app, "/api/3/action/harvest_source_update", token, changed)
        [english] = _refused(app, "/en/api/3/action/package_patch", token,
                             {"id": source["id"], "url": "http://[::1]:6379/"})
    assert "เป็นบริการของพอร์ทัลนี้เอง" in thai
    assert english.startswith("http://[::1]:6379 is a non-public address (::1)")
    assert helpers.call_action("harvest_source_show", id=source["id"])["url"] == upstream


def test_an_allow_listed_upstream_is_accepted(allow_upstream: Any) -> None:
    with ImitationServer() as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_agency_ckan")
        assert source["url"] == server.url


SOLR_ANSWER = {"responseHeader": {"status": 0, "QTime": 1},
               "response": {"numFound": 1, "start": 0, "docs": [
                   {"name": "secret-private-dataset", "title": "ข้อมูลลับขององค์กรอื่น"}]}}


def test_a_response_not_of_the_sources_format_is_not_quoted_in_the_report(
        allow_upstream: Any) -> None:
    with ImitationServer() as server:
        server.route("/api/3/action/package_search", lambda request: Reply.json(SOLR_ANSWER))
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_agency_ckan",
                             {"query": ["PM2.5", "ฝุ่น"], "retries": 0})
        job = run_job(source)
    messages = gather_messages(job)
    assert len(messages) == 2 and all("not a CKAN action API response" in m for m in messages)
    assert not any("secret-private-dataset" in m or "responseHeader" in m or "ข้อมูลลับ" in m
                   for m in messages)


def test_a_source_with_text_no_store_can_hold_is_refused_naming_the_field(
        app: Any, editor: tuple[dict[str, Any], str], allow_upstream: Any) -> None:
    """Found by tests/harvesters/test_fuzz_sources.py: a server error before."""
    org, token = editor
    allow_upstream("http://127.0.0.1:9/")
    for field, value in (("notes", "ค่าฝุ่น\x00"), ("title", "\ud800")):
        response = app.post("/api/3/action/harvest_source_create", headers={"Authorization": token},
                            json={**_source(org, "http://127.0.0.1:9/", "pm25_air4thai"), field: value})
        assert response.status_code == 409, field
        assert response.json["error"][field] == [
            "ข้อความมีอักขระ NUL หรือ surrogate ที่ไม่มีคู่ (ยูนิโค้ดที่ไม่ถูกต้อง) ซึ่งไม่สามารถบันทึกได้"]
