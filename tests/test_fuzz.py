"""Fuzzing the public readings and province actions and the pages' parameters (issue 13, "Guarded
for good"): generated requests, anonymous, over HTTP through the Flask test client. None may be
a server error (status 500 or more), and every refusal carries a message.

Bounded and reproducible: ``derandomize=True`` (the same examples every run, so CI is
repeatable), no deadline, a fixed number of examples per test: 700 × 2 API requests, 600
pages, 25 nested bodies (at least 2,000 requests in all, checked when the module ends). The
data is one station built once per module; no example writes.
"""
from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import ckan.plugins
import pytest
from ckan.tests import factories
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.database import reset_stores
from tests.fuzzing import FUZZ, JSON_VALUE, TEXT, Sent, messages, query
from tests.readings.stations import create_station, this_hour

pytestmark = pytest.mark.usefixtures("with_plugins", "station")

MIN_REQUESTS = 2_000
sent = Sent()

ACTIONS = {
    "pm25_province_list": ("q",),
    "pm25_province_show": ("id", "start", "end", "aggregate"),
    "pm25_station_list": ("province", "bbox", "organization", "active", "limit", "offset"),
    "pm25_measurements": ("stations", "start", "end", "aggregate", "limit", "offset"),
    "pm25_province_lookup": ("lat", "lon", "geometry"),
}
GOOD = {"id": "TH-52", "stations": "L1", "province": "TH-52", "organization": "pcd", "lat": "18.3", "lon": "99.5"}


@pytest.fixture(scope="module")
def station(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[None]:
    """One station (L1 in Lampang, two hours of readings), so that a parameter which passes
    validation reaches the queries."""
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
        sysadmin = factories.Sysadmin()
        pcd = factories.Organization(user=sysadmin, name="pcd")
        now = this_hour()
        create_station("TH-52", "L1", {now - timedelta(hours=1): 40.0, now: 50.0}, user=sysadmin,
                       owner_org=pcd["id"])
    finally:
        ckan.plugins.unload_all()
    yield
    if sent.tests == len(TESTS):
        assert sent.requests >= MIN_REQUESTS, f"only {sent.requests} requests were generated"


def _check_api(response: Any) -> None:
    sent.requests += 1
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.json
    if response.status_code == 200:
        assert body["success"] is True
        return
    error = body["error"] if isinstance(body, dict) else body
    assert [text for text in messages(error) if text.strip()], f"a refusal without a message: {body!r}"


def _check_page(response: Any) -> None:
    sent.requests += 1
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.get_data(as_text=True).strip(), "a refusal without a page"


def _params(draw: st.DrawFn, names: tuple[str, ...], value: st.SearchStrategy[Any]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    params = {name: GOOD[name] for name in names if name in GOOD and draw(st.booleans())}
    params.update({name: draw(value) for name in chosen})
    if draw(st.integers(0, 9)) == 0:
        params[draw(TEXT)] = draw(value)  # a parameter no action knows
    return params


@st.composite
def api_calls(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    action = draw(st.sampled_from(sorted(ACTIONS)))
    prefix = draw(st.sampled_from(["", "/en"]))
    return action, prefix, _params(draw, ACTIONS[action], TEXT), _params(draw, ACTIONS[action], JSON_VALUE)


@given(api_calls())
@settings(FUZZ, max_examples=700)
def test_the_action_api_answers_every_request_without_a_server_error(app: Any, call: Any) -> None:
    """Each example: the action by GET with a query string, and by POST with a JSON body."""
    action, prefix, params, body = call
    _check_api(app.get(f"{prefix}/api/3/action/{action}?{query(params)}"))
    text = json.dumps(body, ensure_ascii=True)  # ensure_ascii: unpaired surrogates travel as \\udXXX escapes
    _check_api(app.post(f"{prefix}/api/3/action/{action}", data=text, headers={"Content-Type": "application/json"}))


@st.composite
def page_requests(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "/en"]))
    code = draw(st.one_of(st.just("TH-52"), st.just("52"), TEXT.filter(lambda text: "/" not in text and text)))
    path, names = draw(st.sampled_from([
        (f"/province/{urllib.parse.quote(code.encode('utf-8', 'surrogatepass'), safe='')}", ("page",)),
        ("/province/TH-52", ("page",)),
        ("/province/TH-52/readings.csv", ("start", "end", "aggregate")),
        ("/pm25/measurements.csv", ("stations", "start", "end", "aggregate")),
        ("/pm25", ("range",)),
        ("/dataset/", ("ext_province", "ext_bbox", "page")),
        ("/province/TH-52/stations.geojson", ("x",)),
    ]))
    params = {name: draw(TEXT) for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))}
    if path == "/pm25/measurements.csv" and "stations" not in params:
        params["stations"] = "L1"
    return f"{prefix}{path}?{query(params)}"


@given(page_requests())
@settings(FUZZ, max_examples=600)
def test_the_pages_answer_every_parameter_without_a_server_error(app: Any, path: str) -> None:
    _check_page(app.get(path))


@given(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=200_000),
       st.sampled_from(sorted(ACTIONS)))
@settings(FUZZ, max_examples=25)
def test_nested_bodies_are_refused_with_a_message(app: Any, kind: int, depth: int, action: str) -> None:
    opening, closing = ("[", "]") if kind % 2 else ('{"a":', "}")
    nested = opening * depth + "1" + closing * depth
    body = nested if kind < 2 else json.dumps({"stations": "L1"})[:-1] + f', "x": {nested}}}'
    _check_api(app.post(f"/api/3/action/{action}", data=body, headers={"Content-Type": "application/json"}))


TESTS = [test_the_action_api_answers_every_request_without_a_server_error,
         test_the_pages_answer_every_parameter_without_a_server_error, test_nested_bodies_are_refused_with_a_message]


@pytest.fixture(autouse=True)
def _counted() -> Iterator[None]:
    yield
    sent.tests += 1
