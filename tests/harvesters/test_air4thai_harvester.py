"""pm25_air4thai against the local Air4Thai imitation, the real queues (Redis), the real
DataStore and the PM2.5 schema with its validators."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.plugins import core
from ckan.tests import helpers

from ckanext.pm25.interfaces import IPm25Readings
from tests.harvesters.harvesting import (stations, all_rows, dataset, datasets, gather_messages,
                                         hourly_resource, make_source, store_of, now_thai_hour,
                                         object_messages, object_notes, rows, run_job, stats)
from tests.upstream import Air4ThaiServer, StationSpec
from tests.upstream.allowing import ALLOWED_HOSTS

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

FAST = {"retries": 1, "backoff_factor": 0, "read_timeout": 1.5, "connect_timeout": 1.5}
SING_BURI = ("14.8936", "100.3967")
LAMPANG = ("18.2888", "99.4909")


class ReadingsObserver(plugins.SingletonPlugin):
    """Another extension listening to the harvester's hooks, as the dashboard does."""

    plugins.implements(IPm25Readings)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stored: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.changed: list[dict[str, Any]] = []

    def readings_stored(self, dataset: dict[str, Any], resource_id: str,
                        rows: list[dict[str, Any]]) -> None:
        self.stored.append((dataset["name"], resource_id, list(rows)))

    def station_status_changed(self, dataset: dict[str, Any]) -> None:
        self.changed.append(dataset)


@pytest.fixture
def observer():
    plugin = ReadingsObserver(name="pm25_test_readings_observer")
    core._PLUGINS_SERVICE[plugin.name] = plugin
    yield plugin
    core._PLUGINS_SERVICE.pop(plugin.name, None)


@pytest.fixture
def server(allow_upstream):
    with Air4ThaiServer(now_local=now_thai_hour(), hours=48) as running:
        allow_upstream(running.url)
        yield running


def advance_one_hour(server: Air4ThaiServer, value: float = 42.0) -> None:
    """Upstream one hour later: every station reports a new hour."""
    server.now_local += timedelta(hours=1)
    for station_id in server.hourly:
        server.set_value(station_id, value, server.now_local)


def test_a_first_run_creates_a_station_dataset_with_its_hourly_table(server, observer) -> None:
    source = make_source(server.url, "pm25_air4thai")

    job = run_job(source)

    assert job["status"] == "Finished"
    assert gather_messages(job) == []
    assert object_messages(job) == {}
    assert stats(job) == {"added": 9}
    lampang = dataset("air4thai-37t")
    assert "ศูนย์ราชการจังหวัดลำปาง" in lampang["title"]
    assert "Lampang Government Centre" in lampang["title"]
    assert lampang["organization"]["name"] == "source-org"
    assert (lampang["data_type"], lampang["update_frequency_unit"], lampang["data_category"],
            lampang["license_id"], lampang["objective"], lampang["data_format"]) == (
        "ข้อมูลระเบียน", "ชั่วโมง", "ข้อมูลสาธารณะ", "Open Data Common",
        ["เพื่อการให้บริการประชาชน"], ["CSV", "JSON"])
    assert lampang["maintainer"] == "กรมควบคุมมลพิษ"
    assert (lampang["station_id"], lampang["station_type"], lampang["station_status"],
            lampang["measurement_type"]) == ("37t", "GROUND", "active", "reference_station")
    assert json.loads(lampang["spatial"])["type"] == "Point"
    assert lampang["provinces"] == ["TH-52"]
    assert "ลำปาง" in {tag["name"] for tag in lampang["tags"]}
    assert dataset("air4thai-o70")["provinces"] == ["TH-17"]
    assert dataset("air4thai-bkp97t")["station_type"] == "BKK"

    store_id, series = store_of(lampang)
    assert series == "air4thai:37t"
    assert not hourly_resource(lampang).get("datastore_active")  # a link, not a copy
    info = helpers.call_action("datastore_info", id=store_id)
    assert {f["id"]: f["type"] for f in info["fields"]} == {
        "series_id": "text", "parameter": "text", "hour_utc": "timestamptz", "value": "numeric",
        "mean_24h": "numeric", "aqi_th": "int4", "aqi_us": "int4", "quality_flag": "text",
        "source": "text", "licence": "text"}
    network = helpers.call_action("package_show", id=helpers.call_action(
        "resource_show", id=store_id)["package_id"])
    assert network["organization"]["name"] == "source-org"
    assert not network.get("station_id")
    readings = rows(lampang)
    assert len(readings) == 48
    assert {r["station_id"] for r in readings} == {"37t"}
    assert {r["quality_flag"] for r in readings} == {"ok"}
    newest = readings[-1]
    assert newest["datetime_local"] == server.now_local.isoformat() + "+07:00"
    assert newest["pm25"] == pytest.approx(server.hourly["37t"][server.now_local])
    assert newest["pm25_24h"] is not None and newest["aqi_th"] is not None
    assert readings[0]["pm25_24h"] is None  # fewer than 18 hours before it
    assert lampang["temporal_end"] == server.now_local.date().isoformat()

    stored = {name for name, _resource, _rows in observer.stored}
    assert len(stored) == 9
    assert sum(len(batch) for _n, _r, batch in observer.stored) == 9 * 48


def test_ten_runs_over_the_same_upstream_data_equal_one_run(server, observer) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    after_one = all_rows()
    modified = {d["name"]: d["metadata_modified"] for d in datasets()}
    observer.stored.clear()

    later = [run_job(source) for _ in range(9)]

    assert [stats(job) for job in later] == [{"not modified": 9}] * 9
    assert all_rows() == after_one
    assert {d["name"]: d["metadata_modified"] for d in datasets()} == modified
    assert len(stations()) == 9
    assert observer.stored == []


def test_changed_upstream_values_update_in_place_and_new_hours_are_added(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    corrected_hour = server.now_local - timedelta(hours=1)
    server.set_value("35t", 99.9, corrected_hour)
    advance_one_hour(server)

    job = run_job(source)

    assert stats(job) == {"updated": 9}
    chiang_mai = rows(dataset("air4thai-35t"))
    assert len(chiang_mai) == 49
    by_hour = {r["datetime_local"]: r for r in chiang_mai}
    assert by_hour[corrected_hour.isoformat() + "+07:00"]["pm25"] == pytest.approx(99.9)
    assert by_hour[server.now_local.isoformat() + "+07:00"]["pm25"] == pytest.approx(42.0)
    assert len({r["datetime_utc"] for r in chiang_mai}) == 49


def test_a_mobile_unit_moves_and_a_vanished_station_becomes_inactive(server, observer) -> None:
    server.add_mobile_station("mob1", [SING_BURI, LAMPANG])
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    assert dataset("air4thai-mob1")["provinces"] == ["TH-17"]
    last_seen = dataset("air4thai-37t")["station_last_seen"]
    server.remove_station("37t")

    job = run_job(source)

    mobile = dataset("air4thai-mob1")
    assert mobile["provinces"] == ["TH-52"]
    assert json.loads(mobile["spatial"])["coordinates"] == [float(LAMPANG[1]), float(LAMPANG[0])]
    gone = dataset("air4thai-37t")
    assert (gone["state"], gone["station_status"], gone["station_last_seen"]) == (
        "active", "inactive", last_seen)
    assert len(rows(gone)) == 48  # its readings stay
    assert {d["name"]: (d["station_status"], d["provinces"]) for d in observer.changed} == {
        "air4thai-mob1": ("active", ["TH-52"]), "air4thai-37t": ("inactive", ["TH-52"])}
    assert job["status"] == "Finished" and object_messages(job) == {}

    observer.changed.clear()
    run_job(source)  # still gone: nothing more to say
    assert "air4thai-37t" not in {d["name"] for d in observer.changed}

    server.add_station(StationSpec("37t", "ศูนย์ราชการจังหวัดลำปาง", "Lampang Government Centre",
                                   "ลำปาง", "Lampang", lat=LAMPANG[0], lon=LAMPANG[1]))
    run_job(source)
    assert dataset("air4thai-37t")["station_status"] == "active"


# Corrected, de-duplicated or held back by rule: notes of the report, not errors.
NOTE_CODES = ("coords_swapped", "duplicate_station", "future")


def test_record_level_quirks_end_as_recorded_errors_notes_or_flagged_readings(server) -> None:
    expected = server.add_quirky_stations()
    source = make_source(server.url, "pm25_air4thai")

    job = run_job(source)

    assert job["status"] == "Finished"
    errors, notes = object_messages(job), object_notes(job)
    for station_id, code in expected.items():
        guid = f"air4thai:{station_id}"
        if code in ("sentinel", "non_numeric", "negative", "out_of_range"):
            newest = rows(dataset(f"air4thai-{station_id}"))[-1]
            assert (newest["pm25"], newest["quality_flag"]) == (None, code), station_id
        else:
            recorded, other = (notes, errors) if code in NOTE_CODES else (errors, notes)
            messages = recorded.get(guid, [])
            assert any(m.startswith(f"{code}:") for m in messages), (station_id, messages)
            assert any("Upstream: {" in m for m in messages)
            assert not any(m.startswith(f"{code}:") for m in other.get(guid, [])), station_id
    assert job["stats"]["notes"] == sum(len(messages) for messages in notes.values()) >= 3
    assert job["stats"]["errored"] == len(errors) + len(gather_messages(job))
    assert len([d for d in stations() if d["station_id"] == "35t"]) == 1
    zero = dataset("air4thai-q01t")
    assert (zero["spatial"], zero["provinces"]) == ("", ["TH-17"])  # from its area text
    swapped = dataset("air4thai-q02t")
    assert json.loads(swapped["spatial"])["coordinates"] == [100.4, 14.9]
    assert "swapped" in swapped["quality_notes"]
    future = rows(dataset("air4thai-q09t"))
    assert max(r["datetime_local"] for r in future) == server.now_local.isoformat() + "+07:00"
    assert dataset("air4thai-q10t")["station_type"] == ""


@pytest.mark.parametrize("fault, expected", [
    (lambda s: s.fail_next(s.LATEST, 2), "http_status: HTTP 500"),
    (lambda s: s.slow_next(s.LATEST, 3, count=2), "timeout"),
    (lambda s: s.truncate_next(s.LATEST), "not_json"),
    (lambda s: s.html_error_next(s.LATEST), "Upstream: <!DOCTYPE html>"),
    (lambda s: setattr(s, "empty_station_list", True), "empty station list"),
    (lambda s: s.oversize_next(s.LATEST, 300_000), "too_large"),
    (lambda s: s.rate_limit_next(s.LATEST, retry_after=0, count=2), "HTTP 429"),
], ids=["http-500", "timeout", "truncated-json", "html-200", "empty-list", "oversize", "429"])
def test_a_failed_station_list_is_recorded_and_changes_nothing(server, fault, expected) -> None:
    source = make_source(server.url, "pm25_air4thai", {**FAST, "max_bytes": 200_000})
    run_job(source)
    before = all_rows()
    metadata = {d["name"]: (d["metadata_modified"], d["station_status"]) for d in stations()}
    fault(server)

    job = run_job(source)

    assert job["status"] == "Finished"
    messages = gather_messages(job)
    assert len(messages) == 1 and expected in messages[0], messages
    assert all_rows() == before
    assert {d["name"]: (d["metadata_modified"], d["station_status"])
            for d in stations()} == metadata


def test_a_retry_after_429_is_honoured_and_the_run_succeeds(server) -> None:
    server.rate_limit_next(server.LATEST, retry_after=1)
    source = make_source(server.url, "pm25_air4thai", {"retries": 2, "backoff_factor": 0})

    job = run_job(source)

    assert stats(job) == {"added": 9} and gather_messages(job) == []
    first, second = server.requests_to(server.LATEST)[:2]
    assert second.at - first.at >= 0.9


def test_a_failed_history_keeps_the_latest_value_and_a_later_run_fills_the_gap(server) -> None:
    server.fail_next(server.HISTORY, 2)
    source = make_source(server.url, "pm25_air4thai", FAST)

    job = run_job(source)

    errors = object_messages(job)
    [(guid, messages)] = errors.items()
    assert "Could not fetch the hourly history: http_status: HTTP 500" in messages[0]
    station = dataset("air4thai-" + guid.split(":")[1])
    [only] = rows(station)
    assert only["pm25"] is None and only["pm25_24h"] is not None  # the snapshot's 24-hour value

    run_job(source)
    assert len(rows(station)) == 48
    assert rows(station)[-1]["pm25"] is not None


def test_a_failed_history_never_overwrites_a_stored_hour_with_the_snapshot(server) -> None:
    source = make_source(server.url, "pm25_air4thai", FAST)
    run_job(source)
    before = all_rows()
    server.fail_next(server.HISTORY, 2)

    job = run_job(source)

    [(guid, messages)] = object_messages(job).items()
    assert "Could not fetch the hourly history" in messages[0]
    assert all_rows() == before  # the failed station's newest hour keeps its hourly value
    newest = rows(dataset("air4thai-" + guid.split(":")[1]))[-1]
    assert newest["pm25"] is not None


def test_both_history_forms_store_the_same_hours(server) -> None:
    old = make_source(server.url, "pm25_air4thai", {"history_endpoint": "webV2"}, name="older")
    new = make_source(server.url, "pm25_air4thai", {"history_endpoint": "forweb"}, name="newer")

    run_job(old)
    run_job(new)

    first, second = rows(dataset("air4thai-54t")), rows(dataset("air4thai-54t-newer"))
    assert first == second and len(first) == 48


def test_a_broken_certificate_falls_back_to_http_only_when_allowed_and_says_so(
        allow_upstream) -> None:
    with Air4ThaiServer(now_local=now_thai_hour(), hours=4, tls=True) as tls_server:
        allow_upstream(tls_server.url, tls_server.http_url)  # the fallback is plain http
        refused = make_source(tls_server.url, "pm25_air4thai", FAST, name="strict")
        allowed = make_source(tls_server.url, "pm25_air4thai",
                              {**FAST, "allow_http_fallback": True, "backfill_hours": 4},
                              name="lenient")

        strict_job = run_job(refused)
        lenient_job = run_job(allowed)
        plain_url = tls_server.http_url

    assert "tls:" in gather_messages(strict_job)[0]
    assert stats(lenient_job) == {"added": 9, "errored": 1}
    [notice] = gather_messages(lenient_job)
    assert notice.startswith("Notice: plain-http fallback used")
    assert plain_url in notice
    assert len(rows(dataset("air4thai-35t"))) == 4


@pytest.mark.parametrize("url", ["http://169.254.169.254", "http://10.1.2.3:8080",
                                 "ftp://127.0.0.1/air4thai"])
def test_private_hosts_and_other_schemes_are_refused_as_a_source_url(url) -> None:
    with pytest.raises(tk.ValidationError) as raised:
        make_source(url, "pm25_air4thai", FAST)
    assert list(raised.value.error_dict) == ["url"]


@pytest.mark.parametrize("url", ["http://169.254.169.254", "http://10.1.2.3:8080"])
def test_a_source_whose_host_is_no_longer_allowed_is_refused_when_its_job_runs(
        url, allow_upstream, monkeypatch) -> None:
    allow_upstream(url)
    source = make_source(url, "pm25_air4thai", FAST)
    monkeypatch.setitem(tk.config, ALLOWED_HOSTS, [])  # the allow-list changed since

    job = run_job(source)

    assert job["status"] == "Finished"
    assert "refused_host" in gather_messages(job)[0]
    assert datasets() == []


@pytest.mark.parametrize("config, message", [
    ({"interval_minutes": 2}, "interval_minutes: must be between 5 and 44640, not 2"),
    ({"backfill_hours": "many"}, "backfill_hours: must be a whole number"),
    ({"backfil_hours": 24}, "backfil_hours: is not an option of this harvester"),
    ({"history_endpoint": "v3"}, "history_endpoint: must be one of webV2, forweb"),
    ({"maintainer_email": "nobody"}, "maintainer_email: nobody is not an e-mail address"),
])
def test_an_invalid_source_config_is_refused_with_the_option_named(config, message,
                                                                  allow_upstream) -> None:
    allow_upstream("http://127.0.0.1:9")
    with pytest.raises(Exception) as raised:
        make_source("http://127.0.0.1:9", "pm25_air4thai", config)

    assert message in str(raised.value)


def test_a_station_source_needs_a_contact_e_mail(allow_upstream) -> None:
    from ckan.tests import factories, helpers
    from tests.harvesters.harvesting import sysadmin_context

    allow_upstream("http://127.0.0.1:9")
    with pytest.raises(Exception) as raised:
        helpers.call_action("harvest_source_create", context=sysadmin_context(), name="pcd",
                            url="http://127.0.0.1:9", source_type="pm25_air4thai",
                            owner_org=factories.Organization()["id"], config="{}")

    assert "maintainer_email" in str(raised.value)


def test_a_valid_config_is_accepted_as_written(allow_upstream) -> None:
    allow_upstream("http://127.0.0.1:9")
    source = make_source("http://127.0.0.1:9", "pm25_air4thai",
                         {"interval_minutes": 30, "backfill_hours": 72,
                          "allow_http_fallback": True})

    assert json.loads(source["config"])["backfill_hours"] == 72
