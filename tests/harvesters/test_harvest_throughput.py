"""What the throughput measures of the import (datasets indexed without a Solr commit each, one
commit when the job finishes) look like to a user: every station is found in the catalogue once
its job has finished, its readings are stored once, and the job report is clean."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject
from tests.harvesters.harvesting import (gather_messages, stations, store_of,
                                         make_source, now_thai_hour, object_messages, rows,
                                         run_job, stats)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

STATIONS = 9  # the imitation server's default stations


@pytest.fixture
def server(allow_upstream):
    with Air4ThaiServer(now_local=now_thai_hour(), hours=48) as running:
        allow_upstream(running.url)
        yield running


def run_as_the_consumers_do(source: dict[str, Any]) -> dict[str, Any]:
    """A job through the Redis queues with ckanext-harvest's consumer callbacks, finished by
    ``harvest_jobs_run`` as the cron job does, and nothing else: no search commit of our own."""
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=True)
    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    for consumer, queue_name, callback in (
            (gather, queue.get_gather_queue_name(), queue.gather_callback),
            (fetch, queue.get_fetch_queue_name(), queue.fetch_callback)):
        while True:
            method, header, body = consumer.basic_get(queue=queue_name)
            if body is None:
                break
            callback(consumer, method, header, body)
    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    model.Session.remove()
    assert HarvestJob.get(job["id"]).status == "Finished"
    return helpers.call_action("harvest_job_show", id=job["id"])


def found_in_catalogue(org_id: str) -> list[str]:
    """Names of the organisation's station datasets that a search of the catalogue finds."""
    result = helpers.call_action("package_search", fq=f"owner_org:{org_id}", rows=1000,
                                 include_private=True)
    return sorted(found["name"] for found in result["results"] if found.get("station_id"))


def assert_each_reading_stored_once(station_datasets: list[dict[str, Any]], hours: int) -> None:
    for station in station_datasets:
        stored = rows(station)
        keys = Counter((row["station_id"], row["datetime_utc"]) for row in stored)
        assert len(stored) == hours, station["name"]
        assert max(keys.values()) == 1, station["name"]


@pytest.mark.ckan_config("ckanext.pm25.harvest.solr_commit_seconds", "3600")
def test_stations_are_found_in_the_catalogue_once_the_job_has_finished(server) -> None:
    source = make_source(server.url, "pm25_air4thai")

    job = run_as_the_consumers_do(source)

    assert stats(job) == {"added": STATIONS}
    assert gather_messages(job) == [] and object_messages(job) == {}
    station_datasets = stations()
    assert len(station_datasets) == STATIONS
    assert found_in_catalogue(source["owner_org"]) == [s["name"] for s in station_datasets]
    assert_each_reading_stored_once(station_datasets, 48)


@pytest.mark.ckan_config("ckanext.pm25.harvest.solr_commit_seconds", "3600")
def test_an_hourly_run_adds_each_new_hour_once_and_the_stations_stay_findable(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    server.now_local += timedelta(hours=1)
    for station_id in server.hourly:
        server.set_value(station_id, 42.0, server.now_local)

    job = run_as_the_consumers_do(source)

    assert stats(job) == {"updated": STATIONS}
    assert gather_messages(job) == [] and object_messages(job) == {}
    station_datasets = stations()
    assert found_in_catalogue(source["owner_org"]) == [s["name"] for s in station_datasets]
    assert_each_reading_stored_once(station_datasets, 49)
    newest = {station["name"]: rows(station)[-1] for station in station_datasets}
    assert {row["pm25"] for row in newest.values()} == {42.0}


def test_a_reimport_long_after_the_fetch_restores_a_reading_deleted_since(server) -> None:
    """A re-import (``ckan harvester import``) compares with what is stored now, not with what
    was stored when the objects were fetched: a reading deleted since is written again."""
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    server.now_local += timedelta(hours=1)
    for station_id in server.hourly:
        server.set_value(station_id, 42.0, server.now_local)
    run_job(source)
    lampang = next(station for station in stations() if station["station_id"] == "37t")
    stored_before = rows(lampang)
    # an hour that was stored already when the second job fetched (and kept its rows)
    deleted = stored_before[-2]
    store_id, series = store_of(lampang)
    helpers.call_action("datastore_delete", resource_id=store_id, force=True, filters={
        "series_id": series, "hour_utc": deleted["datetime_utc"]})
    assert len(rows(lampang)) == 48
    model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_source_id == source["id"],
        HarvestObject.current == True).update(  # noqa: E712
        {"fetch_finished": datetime.utcnow() - timedelta(hours=2)}, synchronize_session=False)
    model.Session.commit()

    helpers.call_action("harvest_objects_import", source_id=source["id"])

    assert rows(lampang) == stored_before
