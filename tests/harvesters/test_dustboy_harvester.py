"""pm25_dustboy against the local DustBoy imitation over real HTTP (both field shapes, the
bearer key, faults), the real queues, DataStore, Solr and the PM2.5 schema; what a user sees
afterwards: datasets, stored rows, the job report, the readings API and pages."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from ckan.tests import helpers

from tests.harvesters.harvesting import (CONTACT, dataset, gather_messages, make_source, now_thai_hour,
                                         object_messages, object_notes, rows, run_job, stations, stats)
from tests.upstream.dustboy import DEFAULT_KEY, DustBoyServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

KEY_OPTION = "ckanext.pm25.dustboy.api_key"
FAST = {"retries": 0, "backoff_factor": 0, "read_timeout": 1.5, "connect_timeout": 1.5,
        "maintainer_email": CONTACT}
ATTRIBUTION = "CCDC, Chiang Mai University (DustBoy)"


@pytest.fixture
def serve(allow_upstream):
    running: list[DustBoyServer] = []

    def start(**options: Any) -> DustBoyServer:
        server = DustBoyServer(now_local=now_thai_hour(), hours=30, **options).start()
        running.append(server)
        allow_upstream(server.url)
        return server
    yield start
    for server in running:
        server.stop()


def dustboy_source(server: DustBoyServer, **config: Any) -> dict[str, Any]:
    return make_source(server.url, "pm25_dustboy", {**FAST, **config}, name="dustboy")


def without_notes(counts: dict[str, int]) -> dict[str, int]:
    """A job's counts without its notes (each sensor's says which field names upstream used)."""
    return {key: value for key, value in counts.items() if key != "notes"}


def everything_stored() -> dict[str, Any]:
    return {d["name"]: (d["metadata_modified"], rows(d)) for d in stations()}


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
@pytest.mark.parametrize("shape, seen", [
    ("dustboy", ["station_id=dustboy_id", "lat=dustboy_lat", "lon=dustboy_lon", "pm25=pm25",
                 "stamp=log_datetime"]),
    ("plain", ["station_id=id", "lat=lat", "lon=lng", "pm25=pm2_5", "stamp=time", "date=date",
               "time_of_day=time"]),
])
def test_both_field_shapes_make_the_same_sensor_datasets_and_readings(serve, shape, seen) -> None:
    server = serve(shape=shape)
    job = run_job(dustboy_source(server))

    assert job["status"] == "Finished"
    assert gather_messages(job) == []
    assert object_messages(job) == {}
    assert without_notes(stats(job)) == {"added": 8}
    sensor = dataset("dustboy-4001")
    assert (sensor["measurement_type"], sensor["station_type"], sensor["station_id"]) == (
        "low_cost_sensor", "SENSOR", "4001")
    assert sensor["provinces"] == ["TH-50"]
    assert ATTRIBUTION in sensor["data_source"] and ATTRIBUTION in sensor["notes"]
    stored = rows(sensor)
    assert len(stored) == 30
    newest = stored[-1]
    assert newest["pm25"] == server.values["4001"][server.now_local]
    assert newest["datetime_local"].startswith(server.now_local.isoformat())
    notes = " ".join(object_notes(job)["dustboy:4001"])
    for name in seen:
        assert name in notes, notes
    if shape == "plain":
        assert "30 hours had several values: their mean stored" in notes


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
def test_a_second_run_over_the_same_data_changes_nothing(serve) -> None:
    server = serve()
    source = dustboy_source(server)
    run_job(source)
    before = everything_stored()

    again = run_job(source)

    assert without_notes(stats(again)) == {"not modified": 8}
    assert everything_stored() == before


def test_without_a_key_the_job_says_which_config_key_to_set(serve) -> None:
    server = serve()
    job = run_job(dustboy_source(server))

    assert job["status"] == "Finished"
    messages = gather_messages(job)
    assert len(messages) == 1 and KEY_OPTION in messages[0], messages
    assert stations() == []
    assert server.requests == []  # nothing asked of the service without a key


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
def test_a_refused_key_is_a_clear_error_and_leaves_everything_stored(serve, monkeypatch) -> None:
    import ckan.plugins.toolkit as tk

    server = serve()
    source = dustboy_source(server)
    run_job(source)
    before = everything_stored()
    server.now_local += timedelta(hours=1)
    for sensor_id in server.sensors:
        server.set_value(sensor_id, 99.0)
    monkeypatch.setitem(tk.config, KEY_OPTION, "wrong-key-4471")

    job = run_job(source)

    messages = gather_messages(job)
    assert len(messages) == 1
    assert "refused the API key (HTTP 401)" in messages[0] and KEY_OPTION in messages[0]
    assert "wrong-key-4471" not in json.dumps(helpers.call_action("harvest_job_report", id=job["id"]))
    assert everything_stored() == before
    assert [r.headers.get("Authorization") for r in server.requests_to(server.STATIONS)][-1] \
        == "Bearer wrong-key-4471"


def test_the_key_never_lives_in_the_source_config(serve) -> None:
    server = serve()
    with pytest.raises(Exception) as refused:
        make_source(server.url, "pm25_dustboy", {**FAST, "api_key": "typed-in-config"}, name="leaky")
    assert "api_key" in str(refused.value)
    assert "is not an option" in str(refused.value)


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
@pytest.mark.parametrize("fault", ["status", "html", "truncate"])
def test_an_unusable_station_list_is_recorded_and_changes_nothing(serve, fault) -> None:
    server = serve()
    source = dustboy_source(server)
    run_job(source)
    before = everything_stored()
    {"status": lambda: server.fail_next(server.STATIONS, 3),
     "html": lambda: server.html_error_next(server.STATIONS),
     "truncate": lambda: server.truncate_next(server.STATIONS)}[fault]()

    job = run_job(source)

    messages = gather_messages(job)
    assert len(messages) == 1 and "stored data left as it was" in messages[0], messages
    assert everything_stored() == before
    assert [d["station_status"] for d in stations()] == ["active"] * 8


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
@pytest.mark.parametrize("fault", ["status", "html", "truncate", "slow"])
def test_a_failed_series_keeps_the_latest_value_and_the_rest_of_the_run(serve, fault) -> None:
    server = serve()
    path = server.SERIES + "4003"
    {"status": lambda: server.fail_next(path, 3),
     "html": lambda: server.html_error_next(path),
     "truncate": lambda: server.truncate_next(path),
     "slow": lambda: server.slow_next(path, 3.0)}[fault]()

    job = run_job(dustboy_source(server))

    errors = object_messages(job)
    assert list(errors) == ["dustboy:4003"]
    assert "the latest value is stored instead" in errors["dustboy:4003"][0]
    assert [row["pm25"] for row in rows(dataset("dustboy-4003"))] == [server.values["4003"][server.now_local]]
    assert len(rows(dataset("dustboy-4001"))) == 30


@pytest.mark.ckan_config(KEY_OPTION, DEFAULT_KEY)
def test_sentinels_and_text_become_flagged_gaps(serve) -> None:
    server = serve()
    server.set_value("4002", "-", server.now_local - timedelta(hours=2))
    server.set_value("4002", -999, server.now_local - timedelta(hours=3))
    server.set_value("4002", "n/a", server.now_local - timedelta(hours=4))

    run_job(dustboy_source(server))

    by_hour = {row["datetime_local"][:13]: row for row in rows(dataset("dustboy-4002"))}
    for back in (2, 3, 4):
        hour = (server.now_local - timedelta(hours=back)).isoformat()[:13]
        assert by_hour[hour]["pm25"] is None
        assert by_hour[hour]["quality_flag"] == "sentinel"
