"""Fuzzing the PM2.5 dataset schema (issue 13, "Guarded for good"): generated values for every
field of ``schemas/pm25_dataset.yaml`` (and the keys CKAN adds: private, tags, extras,
resources, groups, state, type, id), sent by an agency editor to ``package_create`` and
``package_update`` through the action API (JSON, API token) and to the dataset form (with its
CSRF token). None may be a server error; every refusal names its field with a message in the
request's language (Thai by default, English under ``/en/``); and what is stored stays as it
was unless an update was accepted, and is then still shown, still saved again unchanged.

Bounded and reproducible: ``derandomize=True``, no deadline, a fixed number of examples: 120
creates (an accepted one is read back and its page shown), 100 updates (each also reads the
dataset back, and an accepted one saves it again), 40 form posts; at least MIN_REQUESTS
requests in all, checked when the module ends.
"""
from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckanext.pm25
import pytest
import yaml
from ckan.tests import factories
from hypothesis import given, settings
from hypothesis import strategies as st

from ckanext.pm25.common.text import shown
from tests.dataset.api import act
from tests.dataset.fixtures import PASSWORD
from tests.factories import pm25_dataset_dict, point
from tests.fuzzing import FUZZ, JSON_VALUE, TEXT, Sent, form_body, is_english, is_thai, messages
from tests.fuzzing import LEFT_OUT as _LEFT_OUT
from tests.fuzzing import applied as _applied  # the names the tests' bodies (hypothesis' seeds) use

MIN_REQUESTS = 400
# Datasets are indexed as they are saved, without a Solr commit each (the suite never searches).
pytestmark = pytest.mark.ckan_config("ckan.search.solr_commit", "false")
sent = Sent()

SCHEMA = yaml.safe_load((Path(ckanext.pm25.__file__).parent / "schemas" / "pm25_dataset.yaml").read_text("utf-8"))
FIELDS: dict[str, dict[str, Any]] = {field["field_name"]: field for field in SCHEMA["dataset_fields"]}
RESOURCE_FIELDS = [field["field_name"] for field in SCHEMA["resource_fields"]]
CHOICES = [choice["value"] for field in FIELDS.values() for choice in field.get("choices", [])]
# Keys of CKAN's own dataset schema that the PM2.5 schema leaves to CKAN.
CORE_KEYS = ["private", "tags", "extras", "resources", "groups", "state", "type", "id", "author", "version"]
MULTIPLE = {name for name, field in FIELDS.items() if field.get("preset") in ("multiple_checkbox", "multiple_select")}

# Edges of the date fields: Buddhist-era years, the schema's 1900-2200, impossible days, other notations.
DATES = ["2024-05-07", "2567-05-07", "2567", "0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2200-12-31",
         "2201-01-01", "2024-02-30", "2024-13-01", "07/05/2567", "7 พ.ค. 2567", "2024-05-07T13:00:00+07:00",
         "20240507", "-2024-01-01", "2024-W19", "๒๕๖๗-๐๕-๐๗", "1e400", "2024-05-07\x00"]
LAMPANG = {"type": "Polygon", "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4], [99.4, 18.4], [99.4, 18.2]]]}
GEOMETRIES: list[Any] = [
    json.loads(point(99.5, 18.29)), json.loads(point(18.29, 99.5)), json.loads(point(2.35, 48.85)),
    json.loads(point(100.5, 13.75)), {"type": "Point", "coordinates": [99.5]}, {"type": "Point", "coordinates": []},
    {"type": "Point", "coordinates": ["99.5", "18.3"]}, {"type": "Point", "coordinates": [99.5, 18.3, 400, 5]},
    {"type": "Point", "coordinates": [1e308, 18.3]}, {"type": "Point"}, {"coordinates": [99.5, 18.3]},
    LAMPANG,
    {"type": "Polygon", "coordinates": [[[99.4, 18.2], [99.6, 18.4], [99.6, 18.2], [99.4, 18.4], [99.4, 18.2]]]},
    {"type": "Polygon", "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4]]]},
    {"type": "Polygon", "coordinates": [[99.4, 18.2]]}, {"type": "LineString", "coordinates": []},
    {"type": "MultiPoint", "coordinates": [[99.5 + i / 1000, 18.3] for i in range(3000)]},
    {"type": "Feature", "geometry": json.loads(point(99.5, 18.29)), "properties": {}},
    {"type": "Feature", "geometry": None, "properties": None},
    {"type": "FeatureCollection", "features": []},
    {"type": "GeometryCollection", "geometries": [json.loads(point(99.5, 18.29)), LAMPANG]},
    {"type": "Circle", "coordinates": [99.5, 18.3], "radius": 5},
    {"type": "Point", "coordinates": [500000, 2000000], "crs": {"type": "name", "properties": {"name": "EPSG:32647"}}},
    {"type": "Point", "coordinates": [99.5, 18.3], "crs": {"type": "name", "properties": {"name": "EPSG:99999"}}},
    {"type": ["Point"], "coordinates": {"a": 1}},
]
GEOMETRY_TEXTS = ["POINT(99.5 18.3)", '{"type": "Point", "coordinates": [NaN, 18]}',
                  '{"type": "Point", "coordinates": [Infinity, 18]}', '{"type": "Point", "coordinates": [99.5, 18.3]',
                  "[" * 5_000 + "]" * 5_000, '{"a":' * 3_000 + "1" + "}" * 3_000, "null", "[]", "{}", "1"]
PROVINCES = ["TH-52", ["TH-52"], ["TH-10", "TH-52"], ["TH-10"], "TH-99", "ลำปาง", "Lampang", "Chiang Mai", "52",
             '["TH-52"]', '["TH-52"', "[1, 2]", [None], [{"a": 1}], [[]], "TH-52, TH-50", "TH-52\nTH-13", ["th-52"],
             "[" * 3_000 + "]" * 3_000]
NUMBERS = ["18.29", "-91", "181", "1e400", "nan", "inf", 18.29, True, "๑๘.๒๙", "18,29", "0x12", 10**30]
BIG = ["x" * 40_000, "ข" * 11_000, "ก" * 200, "a b " * 9_000]
PRIVATE = [True, False, "True", "false", "maybe", 2, 0, None, [], {}, "1", " yes ", "ใช่"]


@st.composite
def _geometries(draw: st.DrawFn) -> Any:
    """A geometry as a GeoJSON object in the body, or as its text (what the form sends)."""
    shape = draw(st.sampled_from(GEOMETRIES))
    return shape if draw(st.booleans()) else json.dumps(shape)


@st.composite
def _tag_lists(draw: st.DrawFn) -> Any:
    return [{"name": name} if draw(st.booleans()) else name
            for name in draw(st.lists(st.one_of(st.sampled_from(["PM2.5", "ฝุ่น", "x" * 200]), TEXT), max_size=3))]


@st.composite
def _resources(draw: st.DrawFn) -> list[Any]:
    resource: dict[str, Any] = {"url": draw(st.sampled_from(["http://example.com/a.csv", "", "javascript:x"]) | TEXT)}
    for name in draw(st.lists(st.sampled_from(RESOURCE_FIELDS), max_size=3, unique=True)):
        resource[name] = draw(st.sampled_from(DATES) | st.sampled_from(["2567", "1899", "2024", "-5"]) | TEXT
                              | JSON_VALUE)
    return [resource] if draw(st.integers(0, 4)) else [resource, draw(JSON_VALUE)]


def _value_for(draw: st.DrawFn, key: str) -> Any:
    """A careless value for ``key``: its own edges (choices, dates, geometries, provinces,
    numbers), text, any JSON value, or a huge text."""
    field = FIELDS.get(key, {})
    own: list[st.SearchStrategy[Any]] = []
    if field.get("choices"):
        choice = st.sampled_from([choice["value"] for choice in field["choices"]])
        own += [choice, st.lists(choice | TEXT, max_size=3)] if key in MULTIPLE else [choice]
    if field.get("preset") == "date":
        own.append(st.sampled_from(DATES))
    if key == "spatial":
        own += [_geometries(), st.sampled_from(GEOMETRY_TEXTS)]
    if key == "provinces":
        own.append(st.sampled_from(PROVINCES))
    if key.endswith("_longitude") or key == "update_frequency_interval":
        own.append(st.sampled_from(NUMBERS))
    if key == "private":
        own.append(st.sampled_from(PRIVATE))
    if key == "tags":
        own.append(_tag_lists())
    if key == "resources":
        own.append(_resources())
    if key == "extras":
        own.append(st.lists(st.fixed_dictionaries({"key": TEXT, "value": JSON_VALUE}), max_size=2))
    if key == "type":
        own.append(st.sampled_from(["dataset", "harvest", "nope", ""]))
    kinds = [*own, *own, TEXT, JSON_VALUE, st.sampled_from(BIG)] if own else [TEXT, JSON_VALUE, st.sampled_from(BIG)]
    return draw(st.one_of(*kinds))


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """Fields to change in a valid submission: generated values, sometimes a field left out
    (``None`` below means "leave out"), sometimes a key no schema knows."""
    keys = draw(st.lists(st.sampled_from([*FIELDS, *CORE_KEYS]), min_size=1, max_size=4, unique=True))
    changed: dict[str, Any] = {}
    for key in keys:
        changed[key] = _LEFT_OUT if draw(st.integers(0, 7)) == 0 else _value_for(draw, key)
    if draw(st.integers(0, 5)) == 0:
        name = draw(st.sampled_from(["x" * 150, "ที่มา", "spatial\x00", "__extras", "__junk"]) | TEXT)
        changed[name] = draw(JSON_VALUE)
    return changed


# --- the module's agency, editor and one stored dataset ----------------------------------------

@pytest.fixture(scope="module")
def editor(agency: dict[str, Any]) -> dict[str, Any]:
    """The agency's editor, with an API token."""
    return {**agency["editor"], "token": factories.APIToken(user=agency["editor"]["id"])["token"],
            "org": agency["organization"]["id"]}


@pytest.fixture(scope="module")
def stored(editor: dict[str, Any]) -> dict[str, Any]:
    """One valid dataset every update example aims at: ``submitted`` as first sent, ``shown``
    as package_show shows it now (kept current as accepted updates change it)."""
    submitted = pm25_dataset_dict(owner_org=editor["org"], name="fuzz-stored", spatial=point(99.5, 18.29),
                                  station_id="37t", temporal_start="2024-01-01", last_updated_date="2024-05-07")
    created = act("package_create", editor, **submitted)
    return {"id": created["id"], "submitted": submitted, "shown": created}


@pytest.fixture(scope="module", autouse=True)
def _enough_requests(stored: dict[str, Any]) -> Iterator[None]:
    yield
    if sent.tests == len(TESTS):
        assert sent.requests >= MIN_REQUESTS, f"only {sent.requests} requests were generated"


_serial = itertools.count(1)


def _quoted_from(*values: Any) -> str:
    """What a message may quote: the request's values and the schema's choices."""
    return json.dumps([values, CHOICES], ensure_ascii=False, default=str)


def _post(app: Any, path: str, body: Any, token: str) -> Any:
    sent.requests += 1
    text = json.dumps(body, ensure_ascii=True)  # unpaired surrogates travel as \\udXXX escapes
    return app.post(path, data=text, headers={"Content-Type": "application/json", "Authorization": token})


def _show(app: Any, dataset_id: str, token: str) -> dict[str, Any]:
    sent.requests += 1
    response = app.get(f"/api/3/action/package_show?id={dataset_id}", headers={"Authorization": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["result"]


# CKAN's own refusal of a package_update without an ``id`` by a user who is no sysadmin (its
# access check reads the id alone; CKAN formats the message untranslated, naming no field): known, open.
CKAN_MISSING_ID = {"__type": "Validation Error", "message": "Missing id, can not get Package object"}


def _check_refusal(response: Any, body: dict[str, Any], english: bool, *also_quoted: Any) -> None:
    """A refusal with messages in the request's language; a validation error names its fields."""
    payload = response.json
    assert payload["success"] is False
    error = payload["error"]
    if error == CKAN_MISSING_ID:
        return
    texts = [text for text in messages({key: item for key, item in error.items() if key != "data"}) if text.strip()]
    assert texts, f"a refusal without a message: {payload!r}"
    quoted_from = _quoted_from(body, *also_quoted)
    language_of = is_english if english else is_thai
    assert all(language_of(text, quoted_from) for text in texts), \
        f"not {'English' if english else 'Thai'}: {texts!r}"
    if response.status_code == 409:
        assert error["__type"] == "Validation Error", payload
        named = set(error) - {"__type"}
        assert named, payload
        # A key is named as sent, or cut short, or without its NUL characters, or with U+FFFD for what cannot be shown.
        sent_as = {form for key in map(str, body) for form in (key, key.replace("\x00", ""), shown(key, len(key)))}
        assert all(name in FIELDS or name in CORE_KEYS or name == "extras_validation"
                   or any(form.startswith(name) for form in sent_as) for name in named), \
            f"a refusal naming no field: {sorted(named)!r}"
    else:
        assert response.status_code in (400, 403, 404), payload


@st.composite
def api_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    return draw(st.sampled_from(["", "/en"])), draw(changes())


@given(api_calls())
@settings(FUZZ, max_examples=120)
def test_package_create_answers_every_submission_without_a_server_error(
        app: Any, editor: dict[str, Any], call: tuple[str, dict[str, Any]]) -> None:
    prefix, changed = call
    body = _applied(pm25_dataset_dict(owner_org=editor["org"], name=f"fuzz-new-{next(_serial)}"), changed)
    response = _post(app, f"{prefix}/api/3/action/package_create", body, editor["token"])
    assert response.status_code < 500, response.get_data(as_text=True)[:800]
    if response.status_code != 200:
        _check_refusal(response, body, prefix == "/en")
        return
    created = response.json["result"]
    assert _show(app, created["id"], editor["token"]) == created
    sent.requests += 1
    page = app.get(f"{prefix}/dataset/{created['id']}", headers={"Authorization": editor["token"]})
    assert page.status_code == 200, page.get_data(as_text=True)[:800]


@given(api_calls())
@settings(FUZZ, max_examples=100)
def test_package_update_answers_every_change_and_loses_nothing(
        app: Any, editor: dict[str, Any], stored: dict[str, Any], call: tuple[str, dict[str, Any]]) -> None:
    """Each example changes the stored dataset's first submission; refused, the dataset is as
    it was; accepted, it is shown as the update answered and a save of what is shown changes
    nothing (what was stored still validates)."""
    prefix, changed = call
    before = stored["shown"]
    body = _applied({**stored["submitted"], "id": stored["id"]}, changed)
    response = _post(app, f"{prefix}/api/3/action/package_update", body, editor["token"])
    assert response.status_code < 500, response.get_data(as_text=True)[:800]
    if response.status_code != 200:
        _check_refusal(response, body, prefix == "/en", before)
        assert _show(app, stored["id"], editor["token"]) == before, "a refused update changed the dataset"
        return
    updated = response.json["result"]
    if updated["id"] != stored["id"]:  # an id of another dataset was sent: that one was updated
        return
    assert _show(app, stored["id"], editor["token"]) == updated
    again = _post(app, "/en/api/3/action/package_update", updated, editor["token"])
    assert again.status_code == 200, again.get_data(as_text=True)[:800]
    saved_again = again.json["result"]
    assert {**saved_again, "metadata_modified": None} == {**updated, "metadata_modified": None}, \
        "saving the dataset as shown changed it"
    stored["shown"] = saved_again


# --- the dataset form ---------------------------------------------------------------------------

_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')
_SUMMARY = re.compile(r'<div class="error-explanation[^"]*">(.*?)</div>', re.DOTALL)
_ITEM = re.compile(r'<li data-field-label="([^"]*)">(.*?)</li>', re.DOTALL)
SUMMARY_HEADING = {"": "แบบฟอร์มมีข้อมูลที่กรอกผิด:", "/en": "The form contains invalid entries:"}
ERROR_PAGE_TITLE = {"": "<title>ผิดพลาด 400", "/en": "<title>Error 400"}


def _log_in(client: Any, user: dict[str, Any]) -> str:
    """Logs ``user`` in (``client`` keeps the session) and answers the form's CSRF token."""
    def token(path: str) -> str:
        page = client.get(path)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert page.status_code == 200 and found, path
        return found.group(1)

    sent.requests += 2
    client.post("/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                        "_csrf_token": token("/en/user/login")})
    return token("/en/dataset/new")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@st.composite
def form_posts(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    """A form as a browser would post it (text only; a multiple choice as repeated fields)."""
    fields = {key: value for key, value in pm25_dataset_dict(tag_string="PM2.5,ฝุ่น").items() if key != "name"}
    fields = _applied(fields, {key: value for key, value in draw(changes()).items()
                               if key not in ("tags", "extras", "resources", "groups", "id", "type")})
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        if isinstance(value, list) and name in MULTIPLE:
            pairs += [(name, _as_text(item)) for item in value]
        elif value is not None:
            pairs.append((str(name), _as_text(value)))
    return draw(st.sampled_from(["", "/en"])), pairs


@pytest.fixture
def form_client(app: Any, editor: dict[str, Any]) -> tuple[Any, str]:
    """A client of ``app`` that keeps its cookies (CKAN 2.11's ``app`` starts a new one for each
    request), with the editor logged in; and the dataset form's CSRF token."""
    client = app.test_client()
    return client, _log_in(client, editor)


@given(form_posts())
@settings(FUZZ, max_examples=40)
def test_the_dataset_form_answers_every_post_without_a_server_error(
        form_client: tuple[Any, str], editor: dict[str, Any], post: tuple[str, list[tuple[str, str]]]) -> None:
    client, form_token = form_client
    prefix, pairs = post
    pairs = [*pairs, ("name", f"fuzz-form-{next(_serial)}"), ("owner_org", editor["org"]),
             ("_ckan_phase", "dataset_new_1"), ("save", "go-resources"), ("_csrf_token", form_token)]
    sent.requests += 1
    response = client.post(f"{prefix}/dataset/new", data=form_body(pairs),
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:800]
    if response.status_code in (302, 303):
        assert "/resource/new" in response.headers["Location"]
        return
    if response.status_code == 400:  # a field name CKAN's form reading cannot take (``a__0``): its error page
        assert ERROR_PAGE_TITLE[prefix] in page, page[:800]
        return
    assert response.status_code == 200, page[:800]
    summary = _SUMMARY.search(page)
    assert summary and SUMMARY_HEADING[prefix] in summary.group(1), "a refused form without its list of errors"
    items = [html.unescape(text).strip().removeprefix(f"{html.unescape(label)}: ")
             for label, text in _ITEM.findall(summary.group(1))]
    assert items and all(item.strip() for item in items)
    language_of = is_english if prefix == "/en" else is_thai
    quoted_from = _quoted_from(pairs, [label for field in FIELDS.values() for label in field["label"].values()])
    assert all(language_of(item, quoted_from) for item in items), items


TESTS = [test_package_create_answers_every_submission_without_a_server_error,
         test_package_update_answers_every_change_and_loses_nothing,
         test_the_dataset_form_answers_every_post_without_a_server_error]


@pytest.fixture(autouse=True)
def _counted() -> Iterator[None]:
    yield
    sent.tests += 1

