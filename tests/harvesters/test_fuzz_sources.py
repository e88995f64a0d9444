"""Fuzzing the harvest source form and API (issue 13, "Guarded for good"): generated URLs,
titles, names, source types (ours and junk), frequencies and configurations (JSON with junk
keys, values and nesting, and text that is no JSON), sent by an agency editor to
``harvest_source_create``/``harvest_source_update`` (JSON, API token) and to the ``/harvest/new``
form (with its CSRF token). None may be a server error and every refusal carries a message;
a refused update leaves the source as it was.

No network: every host is an address literal or ``localhost`` (a source is checked when saved,
never contacted), and the only destination allowed is one loopback port nothing listens on.
Bounded and reproducible: ``derandomize=True``, no deadline, 100 API examples (each update also
reads the source back) and 50 form posts; at least 180 requests in all, checked when the module
ends.
"""
from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.dataset.api import act
from tests.dataset.fixtures import PASSWORD, agency, ckan_per_module, sysadmin  # noqa: F401  (module fixtures)
from tests.fuzzing import FUZZ, JSON_VALUE, LEFT_OUT, TEXT, Sent, applied, form_body, messages
from tests.harvesters.harvesting import CONTACT
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

MIN_REQUESTS = 180
sent = Sent()

UPSTREAM = "http://127.0.0.1:9/"  # allowed, never contacted: saving a source only checks its URL
URLS = [
    UPSTREAM, f"{UPSTREAM}api/3", "https://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:6379/",
    "http://0x7f000001:8983/solr/ckan/select", "http://2130706433:9/", "http://127.1:9/", "http://0:9/",
    "http://[::ffff:127.0.0.1]:9/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
    "http://1.1.1.1:9/", "gopher://127.0.0.1:6379/_FLUSHALL", "file:///etc/passwd", "javascript:alert(1)",
    "http://", "http:///x", "http://[::1", "http://127.0.0.1:99999/", "http://127.0.0.1:-1/",
    "http://user:pass@127.0.0.1:9/", "HTTP://127.0.0.1:9/", f" {UPSTREAM} ", "//127.0.0.1:9/",
    UPSTREAM + "a" * 5_000, f"{UPSTREAM}\x00", f"{UPSTREAM}\ud800", "http://127.0.0.1:9/ลำปาง",
]
SOURCE_TYPES = ["pm25_air4thai", "pm25_agency_ckan", "", "ckan", "nope", "PM25_AIR4THAI", "pm25_air4thai\x00"]
FREQUENCIES = ["MANUAL", "DAILY", "WEEKLY", "BIWEEKLY", "MONTHLY", "ALWAYS", "manual", "", "HOURLY", "ทุกวัน"]
OPTIONS = ["interval_minutes", "allow_http_fallback", "connect_timeout", "read_timeout", "retries", "backoff_factor",
           "max_bytes", "maintainer", "maintainer_email", "license_id", "backfill_hours", "revisit_hours",
           "max_catchup_hours", "history_endpoint", "data_source", "query", "fq", "page_size", "max_datasets"]
OPTION_VALUES = [60, 5, 4, 0, -1, 10**30, 1.5, "60", True, "true", None, [], {}, "webV2", "forweb", CONTACT,
                 "not-an-email", ["PM2.5", "ฝุ่น"], [""], "", "x" * 5_000]
NOT_JSON = ["{", "[]", "null", "1", '"x"', "{'a': 1}", "[" * 5_000 + "]" * 5_000, '{"a":' * 3_000 + "1" + "}" * 3_000,
            "NaN", '{"interval_minutes": NaN}', '{"interval_minutes": 1e400}', '{"max_bytes": 99999999999999999999999}',
            '{"query": []}', '{"interval_minutes": 60, "interval_minutes": "x"}', "\ufeff{}", " ", "{}\x00"]


@st.composite
def configs(draw: st.DrawFn) -> Any:
    """A source configuration: JSON of known and junk options with edge values, or text that is not
    one, or not text at all."""
    options = draw(st.dictionaries(st.sampled_from(OPTIONS) | TEXT, st.sampled_from(OPTION_VALUES) | JSON_VALUE,
                                   max_size=4))
    if draw(st.integers(0, 2)) == 0 and "maintainer_email" not in options:
        options["maintainer_email"] = CONTACT
    return draw(st.sampled_from([json.dumps(options)]) | st.sampled_from(NOT_JSON) | TEXT | JSON_VALUE)


def _one_of(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(values), st.sampled_from(values), TEXT, JSON_VALUE)


FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "url": _one_of(URLS), "source_type": _one_of(SOURCE_TYPES), "frequency": _one_of(FREQUENCIES),
    "config": configs(), "title": _one_of(["ค่าฝุ่น", "x" * 40_000, ""]), "name": _one_of(["fuzz-source", "x" * 200, ""]),
    "notes": TEXT, "owner_org": _one_of(["", "nope"]), "private": _one_of([True, "maybe"]), "active": _one_of([False]),
}


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """Fields to change in a valid source: generated values, a field left out (``LEFT_OUT``), a key no schema knows."""
    keys = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=4, unique=True))
    changed = {key: LEFT_OUT if draw(st.integers(0, 7)) == 0 else draw(FIELDS[key]) for key in keys}
    if draw(st.integers(0, 5)) == 0:
        changed[draw(TEXT)] = draw(JSON_VALUE)
    return changed


_serial = itertools.count(1)


def _source(org: str, **changed: Any) -> dict[str, Any]:
    """A valid source of the agency (a new name, and a config of its own so the URL is no duplicate), changed."""
    number = next(_serial)
    source = {"url": UPSTREAM, "title": f"แหล่งข้อมูล {number}", "name": f"fuzz-source-{number}",
              "source_type": "pm25_agency_ckan", "frequency": "MANUAL", "owner_org": org,
              "config": json.dumps({"maintainer_email": CONTACT, "page_size": number % 1000 + 1})}
    return applied(source, changed)


@pytest.fixture(scope="module")
def editor(agency: dict[str, Any]) -> dict[str, Any]:  # noqa: F811  (the imported fixture)
    return {**agency["editor"], "token": factories.APIToken(user=agency["editor"]["id"])["token"],
            "org": agency["organization"]["id"]}


@pytest.fixture(scope="module")
def stored(editor: dict[str, Any]) -> dict[str, Any]:
    """One valid source every update example aims at; ``shown`` is harvest_source_show's answer now."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(tk.config, ALLOWED_HOSTS, [origin_of(UPSTREAM)])
        created = act("harvest_source_create", editor, **_source(editor["org"], name="fuzz-stored-source"))
    return {"id": created["id"], "shown": act("harvest_source_show", editor, id=created["id"])}


@pytest.fixture(scope="module", autouse=True)
def _enough_requests(ckan_per_module: None, stored: dict[str, Any]) -> Iterator[None]:  # noqa: F811
    """The plugins loaded and the data made before the first test (autouse fixtures run in name order)."""
    yield
    if sent.tests == len(TESTS):
        assert sent.requests >= MIN_REQUESTS, f"only {sent.requests} requests were generated"


@pytest.fixture
def allowed(allow_upstream: Callable[..., None]) -> None:
    allow_upstream(UPSTREAM)


def _post(app: Any, path: str, body: Any, token: str) -> Any:
    sent.requests += 1
    response = app.post(path, data=json.dumps(body, ensure_ascii=True),
                        headers={"Content-Type": "application/json", "Authorization": token})
    assert response.status_code < 500, response.get_data(as_text=True)[:800]
    return response


def _show(app: Any, source_id: str, token: str) -> dict[str, Any]:
    sent.requests += 1
    response = app.get(f"/api/3/action/harvest_source_show?id={source_id}", headers={"Authorization": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.json["result"]


def _check_refusal(response: Any) -> None:
    payload = response.json
    assert payload["success"] is False and response.status_code in (400, 403, 404, 409), payload
    error = {key: item for key, item in payload["error"].items() if key != "data"}
    assert [text for text in messages(error) if text.strip()], f"a refusal without a message: {payload!r}"
    if response.status_code == 409:
        assert payload["error"]["__type"] == "Validation Error" and set(error) - {"__type"}, payload


@given(st.sampled_from(["harvest_source_create", "harvest_source_update"]), st.sampled_from(["", "/en"]), changes())
@settings(FUZZ, max_examples=100)
def test_the_harvest_source_api_answers_every_call_without_a_server_error(
        app: Any, allowed: None, editor: dict[str, Any], stored: dict[str, Any], action: str, prefix: str,
        changed: dict[str, Any]) -> None:
    """A create is shown once accepted; an update refused leaves the source as it was, and one
    accepted is shown as it answered."""
    body = _source(editor["org"], **changed)
    if action == "harvest_source_update":
        body["id"] = stored["id"]
    response = _post(app, f"{prefix}/api/3/action/{action}", body, editor["token"])
    if response.status_code != 200:
        _check_refusal(response)
        if action == "harvest_source_update":
            assert _show(app, stored["id"], editor["token"]) == stored["shown"], "a refused update changed the source"
        return
    saved = response.json["result"]
    shown = _show(app, saved["id"], editor["token"])
    assert (shown["url"], shown["source_type"]) == (saved["url"], saved["source_type"])
    if action == "harvest_source_update":
        stored["shown"] = shown


# --- the /harvest/new form -----------------------------------------------------------------------

_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')
_SUMMARY = re.compile(r'<div class="error-explanation[^"]*">(.*?)</div>', re.DOTALL)
_ITEM = re.compile(r'<li data-field-label="([^"]*)">(.*?)</li>', re.DOTALL)


@pytest.fixture
def form_client(app: Any, editor: dict[str, Any]) -> tuple[Any, str]:
    """A client of ``app`` that keeps its cookies (CKAN 2.11's ``app`` starts a new one for each
    request), with the editor logged in; and the harvest source form's CSRF token."""
    client = app.test_client()

    def token(path: str) -> str:
        page = client.get(path)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert page.status_code == 200 and found, path
        return found.group(1)

    sent.requests += 2
    client.post("/en/user/login", data={"login": editor["name"], "password": PASSWORD,
                                        "_csrf_token": token("/en/user/login")})
    return client, token("/en/harvest/new")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@given(st.sampled_from(["", "/en"]), changes())
@settings(FUZZ, max_examples=50)
def test_the_harvest_source_form_answers_every_post_without_a_server_error(
        allowed: None, form_client: tuple[Any, str], editor: dict[str, Any], prefix: str,
        changed: dict[str, Any]) -> None:
    """The form is saved (a redirect to the source) or shown again with its list of errors."""
    client, form_token = form_client
    fields = [(str(name), _as_text(value)) for name, value in _source(editor["org"], **changed).items()
              if value is not None]
    sent.requests += 1
    response = client.post(f"{prefix}/harvest/new", follow_redirects=False,
                        data=form_body([*fields, ("save", ""), ("_csrf_token", form_token)]),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:800]
    if response.status_code in (302, 303):
        return
    if response.status_code in (400, 403):  # a field name CKAN's form reading cannot take (``a__0``), another
        assert f"{response.status_code} - " in page, page[:800]  # agency: the error page
        return
    assert response.status_code == 200, page[:800]
    summary = _SUMMARY.search(page)
    assert summary, "a refused form without its list of errors"
    items = [html.unescape(text).strip() for _label, text in _ITEM.findall(summary.group(1))]
    assert items and all(item.strip() for item in items), items


TESTS = [test_the_harvest_source_api_answers_every_call_without_a_server_error,
         test_the_harvest_source_form_answers_every_post_without_a_server_error]


@pytest.fixture(autouse=True)
def _counted() -> Iterator[None]:
    yield
    sent.tests += 1
