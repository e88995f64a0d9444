"""The job-level merge of an hourly run (harvesters/station_batches.py): stations whose metadata
cannot have changed are fetched and merged as one batch, yet the job report still counts and
faults each station, and a station whose dataset must change is imported on its own."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from ckanext.pm25.harvesters.datasets import station_name
from ckanext.pm25.harvesters.station_batches import BATCH_KEY
from tests.harvesters.harvesting import (dataset, make_source, now_thai_hour, object_messages, rows,
                                         run_job, stations, stats)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")
FAST = {"retries": 1, "backoff_factor": 0, "read_timeout": 1.5, "connect_timeout": 1.5}


@contextmanager
def serving(allow_upstream: Callable[[str], None], hour: int) -> Iterator[Air4ThaiServer]:
    """The imitation with 48 hours ending yesterday at ``hour`` Thai time."""
    with Air4ThaiServer(now_local=now_thai_hour().replace(hour=hour) - timedelta(days=1),
                        hours=48) as running:
        allow_upstream(running.url)
        yield running


@pytest.fixture
def server(allow_upstream):
    with serving(allow_upstream, 10) as running:  # the next hour is on the same Thai day
        yield running


@pytest.fixture
def late_server(allow_upstream):
    with serving(allow_upstream, 23) as running:  # the next hour is on the next Thai day
        yield running


def batch_leaders(job: dict[str, object]) -> int:
    return model.Session.query(HarvestObjectExtra).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"], HarvestObjectExtra.key == BATCH_KEY).count()


def next_hour(server: Air4ThaiServer, value: float) -> None:
    server.now_local += timedelta(hours=1)
    for station_id in server.hourly:
        server.set_value(station_id, value, server.now_local)


def test_an_hourly_run_merges_its_steady_stations_as_one_batch(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    first = run_job(source)
    assert batch_leaders(first) == 0  # new stations are made one by one
    next_hour(server, 42.0)

    job = run_job(source)

    assert batch_leaders(job) == 1
    assert stats(job) == {"updated": 9} and object_messages(job) == {}
    for station in stations():
        assert len(rows(station)) == 49 and rows(station)[-1]["pm25"] == 42.0
    listed = helpers.call_action("pm25_station_list", limit=100)["results"]
    assert len(listed) == 9 and {s["latest"]["pm25"] for s in listed} == {42.0}

    again = run_job(source)  # the same upstream again: nothing to write
    assert batch_leaders(again) == 1 and stats(again) == {"not modified": 9}


def test_a_station_failing_in_a_batch_is_reported_on_its_own(server) -> None:
    source = make_source(server.url, "pm25_air4thai", FAST)
    run_job(source)
    before = {s["name"]: rows(s) for s in stations()}
    next_hour(server, 42.0)
    server.fail_next(server.HISTORY, 2)

    job = run_job(source)

    [(guid, messages)] = object_messages(job).items()
    assert guid.startswith("air4thai:") and "Could not fetch the hourly history" in messages[0]
    failed = station_name(guid.split(":")[1])
    for station in stations():
        stored = rows(station)
        if station["name"] == failed:  # its stored hours kept; the snapshot fills the new hour
            assert stored[:-1] == before[failed] and stored[-1]["pm25"] is None
        else:
            assert stored[-1]["pm25"] == 42.0


def test_a_changed_station_leaves_the_batch_and_its_dataset_is_updated(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    moved = "36t"
    server.set_coordinates(moved, "18.2888", "99.4909")  # from Chiang Mai to Lampang
    next_hour(server, 42.0)

    job = run_job(source)

    assert stats(job) == {"updated": 9}
    station = dataset(station_name(moved))
    assert station["provinces"] == ["TH-52"]
    assert rows(station)[-1]["pm25"] == 42.0


def test_the_first_hour_of_a_new_day_moves_every_station_s_coverage(late_server) -> None:
    source = make_source(late_server.url, "pm25_air4thai")
    run_job(source)
    day_before = {s["name"]: s["temporal_end"] for s in stations()}
    next_hour(late_server, 42.0)

    job = run_job(source)

    assert stats(job) == {"updated": 9}
    for station in stations():
        assert station["temporal_end"] > day_before[station["name"]]
        assert rows(station)[-1]["pm25"] == 42.0
