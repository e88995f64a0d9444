"""The runner (``ckan pm25 harvest run``, the demo harvest, the tests) beside queue consumers
running elsewhere: every harvest object is fetched once, and the job report counts what
happened."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import datetime

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob
from ckanext.pm25.harvesters import runner
from tests.harvesters.harvesting import (dataset, make_source, now_thai_hour, run_job, stats,
                                         sysadmin_context)
from tests.upstream import DEFAULT_STATIONS, Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

LAMPANG = ("18.2888", "99.4909")
STATIONS = DEFAULT_STATIONS[:3]  # 35t and 36t in Chiang Mai, 37t in Lampang


def publish_when_resubmitted(redis, key: str, object_ids: list[str], wait: float) -> None:
    """The gather consumer elsewhere queues the objects it wrote: as soon as anything else has
    put objects on the fetch queue meanwhile, or after ``wait`` seconds (Redis only, no CKAN)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and redis.llen(key) == 0:
        time.sleep(0.005)
    for object_id in object_ids:
        redis.rpush(key, json.dumps({"harvest_object_id": object_id}))


def test_objects_a_gather_elsewhere_has_not_queued_yet_are_fetched_once(allow_upstream) -> None:
    with Air4ThaiServer(STATIONS, now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        run_job(source)
        server.set_coordinates("36t", *LAMPANG)  # the station moved to Lampang
        seen_before = len(server.requests_to(server.HISTORY))

        job = helpers.call_action("harvest_job_create", context=sysadmin_context(),
                                  source_id=source["id"], run=True)
        # A gather consumer in another process takes the job and writes its objects; it has
        # not put them on the fetch queue yet when this process starts waiting for the job.
        gatherer = queue.get_gather_consumer()
        _, _, body = gatherer.basic_get(queue=queue.get_gather_queue_name())
        redis, key = queue.get_connection(), queue.get_fetch_routing_key()
        redis.set(gatherer.persistance_key(body), str(datetime.now()))
        object_ids = queue.gather_stage(queue.get_harvester("pm25_air4thai"),
                                        HarvestJob.get(job["id"]))
        # the moved station on its own, the two others as one batch (station_batches.py)
        assert len(object_ids) == 2
        elsewhere = threading.Thread(target=publish_when_resubmitted,
                                     args=(redis, key, object_ids, 3.0))
        elsewhere.start()
        try:
            runner.drain_queues(job["id"], source["id"], timeout=120)
        finally:
            elsewhere.join()
            gatherer.basic_ack(body)
        fetched = Counter(request.param("stationID")
                          for request in server.requests_to(server.HISTORY)[seen_before:])
        left_over = redis.llen(key)

    model.Session.remove()
    shown = helpers.call_action("harvest_job_show", id=job["id"])
    assert fetched == {spec.station_id: 1 for spec in STATIONS}
    assert left_over == 0  # nothing handed out a second time
    assert shown["status"] == "Finished"
    assert stats(shown) == {"updated": 1, "not modified": 2}
    assert dataset("air4thai-36t")["provinces"] == ["TH-52"]
