"""pm25_openaq against the local OpenAQ v3 imitation (and the Air4Thai one for the
de-duplication), the real queues (Redis), the real DataStore and the PM2.5 schema."""
from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import helpers

from ckanext.pm25.harvesters.openaq_format import page_of
from tests.harvesters.harvesting import (all_rows, dataset, gather_messages, make_source,
                                         now_thai_hour, object_messages, object_notes, report,
                                         rows, run_job, stations, stats, store_of)
from tests.upstream import Air4ThaiServer
from tests.upstream.openaq import OpenAQServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

KEY = "test-openaq-key"
KEY_CONFIG = "ckanext.pm25.openaq.api_key"
FAST = {"maintainer_email": "air@example.go.th", "retries": 1, "backoff_factor": 0,
        "read_timeout": 2, "connect_timeout": 2}
OWN = {"openaq-9001", "openaq-3101", "openaq-3102"}  # not republished Air4Thai stations
ALL = OWN | {"openaq-225", "openaq-226", "openaq-227"}


@pytest.fixture
def with_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, KEY_CONFIG, KEY)


@pytest.fixture
def openaq(allow_upstream, with_key):
    with OpenAQServer(api_key=KEY) as running:
        allow_upstream(running.url)
        yield running


@pytest.fixture
def air4thai(allow_upstream):
    with Air4ThaiServer(now_local=now_thai_hour(), hours=48) as running:
        allow_upstream(running.url)
        yield running


def openaq_source(server: OpenAQServer, config: dict[str, Any] | None = None,
                  name: str = "openaq") -> dict[str, Any]:
    return make_source(server.url, "pm25_openaq", {**FAST, **(config or {})}, name=name)


def store_records(dataset_dict: dict[str, Any]) -> list[dict[str, Any]]:
    store_id, series = store_of(dataset_dict)
    return helpers.call_action("datastore_search", resource_id=store_id,
                               filters={"series_id": series}, limit=1000)["records"]


def store_series(store_id: str, series: str) -> list[dict[str, Any]]:
    return helpers.call_action("datastore_search", resource_id=store_id,
                               filters={"series_id": series}, limit=1000)["records"]


def extra(dataset_dict: dict[str, Any], key: str) -> Any:
    """A field the schema does not declare, kept as an extra."""
    return {e["key"]: e["value"] for e in dataset_dict.get("extras") or []}.get(key)


def province(code: str) -> dict[str, Any]:
    return next(p for p in helpers.call_action("pm25_province_list") if p["code"] == code)


def test_locations_become_station_datasets_with_their_provider_and_licence(openaq, app) -> None:
    source = openaq_source(openaq)

    job = run_job(source)

    assert job["status"] == "Finished"
    assert gather_messages(job) == [] and object_messages(job) == {}
    assert {d["name"] for d in stations()} == ALL
    sensor = dataset("openaq-9001")
    assert (sensor["measurement_type"], sensor["station_type"], extra(sensor, "openaq_is_monitor")) == (
        "low_cost_sensor", "SENSOR", "false")
    assert (extra(sensor, "openaq_provider"), extra(sensor, "openaq_owner"), extra(sensor, "openaq_licence")) == (
        "AirGradient", "Yupparaj Wittayalai School", "CC BY 4.0")
    assert sensor["provinces"] == ["TH-50"]
    assert "AirGradient" in sensor["notes"] and "CC BY 4.0" in sensor["notes"]
    monitor = dataset("openaq-3101")
    assert (monitor["measurement_type"], extra(monitor, "openaq_is_monitor")) == ("reference_station", "true")
    unknown = dataset("openaq-3102")  # isMonitor missing: recorded as not given
    assert (unknown["measurement_type"], extra(unknown, "openaq_is_monitor")) == ("reference_station",
                                                                           "not given")
    assert "isMonitor" in unknown["quality_notes"]
    assert extra(unknown, "openaq_licence") is None  # the location names none
    # a licence named by id only is named from /v3/licenses
    assert extra(dataset("openaq-227"), "openaq_licence") == \
        "Open Data Commons Open Database License (ODbL)"
    records = store_records(sensor)
    assert len(records) == 48
    assert {(r["source"], r["licence"]) for r in records} == {
        ("OpenAQ (AirGradient, owner Yupparaj Wittayalai School)", "CC BY 4.0")}
    newest = rows(sensor)[-1]
    assert newest["pm25"] == pytest.approx(openaq.values[90010][openaq.now_utc])
    assert all(r.headers.get("X-API-Key") == KEY for r in openaq.requests)
    assert [r.param("parameters_id") for r in openaq.requests_to(OpenAQServer.LOCATIONS)] == ["2"]
    # the series downloads as CSV from the store, with its provider and licence
    csv = app.get(sensor["resources"][0]["url"].replace(tk.config["ckan.site_url"], "")
                  ).get_data(as_text=True)
    assert "AirGradient" in csv and "CC BY 4.0" in csv
    page = app.get("/en/dataset/openaq-9001").get_data(as_text=True)
    assert "OpenAQ location 9001" in page and "Yupparaj Wittayalai School" in page

    before = all_rows()
    again = run_job(source)
    assert again["status"] == "Finished" and stats(again) == {"not modified": 6}
    assert all_rows() == before


def test_pages_until_the_list_ends_whether_found_is_a_number_or_a_lower_bound(openaq) -> None:
    openaq.found_as_text = True
    source = openaq_source(openaq, {"page_size": 4})

    job = run_job(source)

    assert [r.param("page") for r in openaq.requests_to(OpenAQServer.LOCATIONS)] == ["1", "2"]
    assert {d["name"] for d in stations()} == ALL and object_messages(job) == {}
    assert page_of({"meta": {"found": "12"}, "results": [1, 2]}, page=1, limit=2).more
    assert not page_of({"meta": {"found": 2}, "results": [1, 2]}, page=1, limit=2).more


@pytest.mark.parametrize("endpoint,form", [("measurements", "period"), ("hours", "date")])
def test_values_from_either_endpoint_and_either_date_form(openaq, endpoint: str, form: str) -> None:
    openaq.values_form = form
    source = openaq_source(openaq, {"values_endpoint": endpoint})

    run_job(source)

    assert len(rows(dataset("openaq-3101"))) == 48
    assert openaq.requests_to(OpenAQServer.values_path(31010, endpoint))


def test_a_republished_air4thai_station_is_linked_and_counted_once(openaq, air4thai,
                                                                  app) -> None:
    run_job(make_source(air4thai.url, "pm25_air4thai", FAST, name="air4thai"))
    chiang_mai_before = province("TH-50")["station_count"]

    job = run_job(openaq_source(openaq))

    names = {d["name"] for d in stations()}
    assert names >= OWN and not names & {"openaq-225", "openaq-226", "openaq-227"}
    # linked both ways: on the Air4Thai station and in the OpenAQ job's report
    assert extra(dataset("air4thai-35t"), "also_published_by_openaq") == "225"   # name + provider
    assert extra(dataset("air4thai-37t"), "also_published_by_openaq") == "226"
    assert extra(dataset("air4thai-o70"), "also_published_by_openaq") == "227"   # 3 m away
    assert extra(dataset("air4thai-36t"), "also_published_by_openaq") is None  # a low-cost sensor 30 m off
    notes = object_notes(job)
    assert any("Air4Thai station 35t" in note for note in notes["openaq:225"])
    # counted once: 225 republishes 35t and adds none; the OpenAQ low-cost sensor in Chiang Mai
    # is a layer of its own, out of the province count (low_cost_in_province_mean is off)
    assert province("TH-50")["station_count"] == chiang_mai_before
    assert province("TH-17")["station_count"] == 1  # Sing Buri: o70 alone
    # its readings are still kept, with their provenance, in the OpenAQ store
    store_id, _ = store_of(dataset("openaq-3101"))
    kept = store_series(store_id, "openaq:227")
    assert len(kept) == 48
    assert {r["licence"] for r in kept} == {"Open Data Commons Open Database License (ODbL)"}
    page = app.get("/dataset/air4thai-35t").get_data(as_text=True)
    assert "เผยแพร่โดย OpenAQ ด้วย:" in page and "จุดตรวจวัด OpenAQ 225" in page
    english = app.get("/en/dataset/air4thai-35t").get_data(as_text=True)
    assert "Also published by OpenAQ:" in english and "OpenAQ location 225" in english


def test_a_primary_station_harvested_later_takes_over_the_openaq_dataset(openaq, air4thai) -> None:
    source = openaq_source(openaq)
    run_job(source)
    assert "openaq-227" in {d["name"] for d in stations()}
    run_job(make_source(air4thai.url, "pm25_air4thai", FAST, name="air4thai"))
    sing_buri = province("TH-17")
    assert sing_buri["station_count"] == 2  # both, until the OpenAQ run links them

    job = run_job(source)

    assert "openaq-227" not in {d["name"] for d in stations()}
    assert province("TH-17")["station_count"] == 1
    assert province("TH-17")["latest"]["stations_reporting"] == 1
    assert any("is deleted" in note for note in object_notes(job)["openaq:227"])
    again = run_job(source)
    assert stats(again) == {"not modified": 6}


def test_without_a_key_the_job_says_which_config_key_to_set(allow_upstream) -> None:
    with OpenAQServer(api_key=KEY) as server:
        allow_upstream(server.url)
        job = run_job(openaq_source(server))
        assert server.requests == []
    assert any(KEY_CONFIG in message for message in gather_messages(job))
    assert stations() == []


def test_a_wrong_key_is_a_gather_error(openaq, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, KEY_CONFIG, "not-the-key")
    job = run_job(openaq_source(openaq))
    assert any("HTTP 401" in message for message in gather_messages(job))
    assert stations() == []


def test_the_key_stays_out_of_configs_logs_reports_and_other_hosts(
        openaq, allow_upstream, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with OpenAQServer(api_key=KEY) as elsewhere:
        allow_upstream(elsewhere.url)
        openaq.redirect_next(OpenAQServer.LOCATIONS,
                             elsewhere.url + OpenAQServer.LOCATIONS + "?parameters_id=2&iso=TH")
        source = openaq_source(openaq)
        job = run_job(source)
        assert elsewhere.requests and all("X-API-Key" not in r.headers
                                          for r in elsewhere.requests)
    assert any("HTTP 401" in message for message in gather_messages(job))
    shown = json.dumps([report(job), helpers.call_action("harvest_source_show", id=source["id"]),
                        helpers.call_action("package_show", id=source["id"])])
    assert KEY not in shown
    assert KEY not in caplog.text


@pytest.mark.parametrize("sliding", [True, False])
def test_requests_are_paced_by_the_rate_limit_headers(openaq, sliding: bool) -> None:
    openaq.limit, openaq.window, openaq.sliding = 3, 2.0, sliding
    source = openaq_source(openaq)

    job = run_job(source)

    assert job["status"] == "Finished" and object_messages(job) == {}
    assert openaq.refused == []
    # a fixed window lets three at the end of one window and three at the start of the next
    # through; only a sliding one promises no more than three in any two seconds
    assert not (sliding and openaq.exceeded())
    assert len(openaq.served) == 8  # locations, licences, six sensors: none twice
    assert {d["name"] for d in stations()} == ALL


def test_a_retried_request_waits_its_turn_like_any_other(openaq) -> None:
    """Upstream counts every attempt: urllib3's retries of a failed request go through the pacer."""
    openaq.limit, openaq.window, openaq.sliding = 3, 2.0, True
    openaq.fail_next(OpenAQServer.LOCATIONS, 2, status=503)
    source = openaq_source(openaq, {"retries": 3})

    job = run_job(source)

    assert gather_messages(job) == []
    assert job["status"] == "Finished" and object_messages(job) == {}
    assert openaq.refused == []
    assert not openaq.exceeded()
    assert len(openaq.served) == 10  # the two failed attempts, then the eight requests
    # each attempt is counted against the per-minute and per-hour allowance, as upstream counts it
    assert connect_to_redis().zcard(f"pm25:rate:{source['id']}:sent") == 10
    assert {d["name"] for d in stations()} == ALL


@pytest.mark.parametrize("as_date", [False, True])
def test_a_429_waits_for_its_retry_after_then_continues(openaq, as_date: bool) -> None:
    openaq.rate_headers = False  # no warning: the harvester meets the 429
    openaq.retry_after_as_date = as_date
    openaq.limit, openaq.window, openaq.penalty = 4, 600.0, 1.0
    source = openaq_source(openaq, {"retries": 3})

    job = run_job(source)

    assert job["status"] == "Finished" and object_messages(job) == {}
    assert openaq.refused
    for refused in openaq.refused:
        after = [t for t in openaq.served if t > refused]
        assert after and min(after) - refused >= 0.9  # waited for its Retry-After
    assert {d["name"] for d in stations()} == ALL
    assert all(len(rows(d)) == 48 for d in stations())


def test_a_job_out_of_budget_stops_and_the_next_run_goes_on_from_there(
        openaq, monkeypatch: pytest.MonkeyPatch) -> None:
    openaq.limit, openaq.window = 4, 30.0
    monkeypatch.setitem(tk.config, "ckanext.pm25.harvest.job_time_budget", 8)
    source = openaq_source(openaq)

    job = run_job(source)

    assert job["status"] == "Finished"
    stopped = {guid for guid, messages in object_messages(job).items()
               if any("time budget" in m for m in messages)}
    done = {d["station_id"] for d in stations()}
    assert stopped and done  # some fetched, the rest left for later
    assert openaq.refused == []  # the pacer waited rather than be refused
    first_requests = {r.path: r for r in openaq.requests}

    openaq.limit = 100
    monkeypatch.setitem(tk.config, "ckanext.pm25.harvest.job_time_budget", 600)
    connect_to_redis().delete(f"pm25:rate:{source['id']}:blocked")
    openaq.window = 0.001
    run_job(source)

    assert {d["name"] for d in stations()} == ALL
    assert all(len(rows(d)) == 48 for d in stations())
    # a location fetched in the first run asks only for its last hours, not its 48 again
    for request in openaq.requests:
        sensor_path = request.path
        if sensor_path in first_requests and sensor_path.startswith("/v3/sensors/") \
                and request is not first_requests[sensor_path]:
            assert request.param("datetime_from") > first_requests[sensor_path].param(
                "datetime_from")


def test_upstream_faults_are_recorded_and_the_rest_is_harvested(openaq) -> None:
    openaq.truncate_next(OpenAQServer.values_path(31010))
    openaq.html_error_next(OpenAQServer.values_path(31020))
    openaq.set_value(2270, openaq.now_utc, "-999")
    openaq.set_value(90010, openaq.now_utc, "-")
    source = openaq_source(openaq)

    job = run_job(source)

    errors = object_messages(job)
    assert set(errors) == {"openaq:3101", "openaq:3102", "openaq:227", "openaq:9001"}
    assert any("HTML" in message for message in errors["openaq:3102"])
    assert any("sentinel" in message for message in errors["openaq:9001"])  # "-"
    assert any("sentinel" in message for message in errors["openaq:227"])  # -999
    assert "openaq-3101" not in {d["name"] for d in stations()}
    newest = rows(dataset("openaq-9001"))[-1]
    assert (newest["pm25"], newest["quality_flag"]) == (None, "sentinel")

    openaq.html_error_next(OpenAQServer.LOCATIONS)
    before = all_rows()
    failed = run_job(source)
    assert any("HTML" in message for message in gather_messages(failed))
    assert all_rows() == before

    run_job(source)
    assert {d["name"] for d in stations()} == ALL


def test_a_location_gone_from_the_list_is_marked_inactive_not_deleted(openaq) -> None:
    source = openaq_source(openaq)
    run_job(source)
    last = rows(dataset("openaq-3101"))[-1]["datetime_utc"]
    del openaq.locations[3101]

    job = run_job(source)

    gone = dataset("openaq-3101")
    assert (gone["state"], gone["station_status"], gone["station_last_seen"]) == (
        "active", "inactive", last)
    assert len(rows(gone)) == 48
    assert stats(job)["updated"] == 1
