"""Two real `ckan pm25 harvest consume fetch` processes (ckanext-harvest's fetch callback) side
by side on the same job, each harvest object handed out twice (as ckanext-harvest's resubmission
does for objects it believes lost): no dataset, resource or reading is duplicated."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject, HarvestObjectError
from tests.harvesters.harvesting import (config_allowing, datasets, make_source, now_thai_hour,
                                         rows, sysadmin_context)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

STATIONS, HOURS = 24, 12
LOGS = Path(__file__).resolve().parents[2] / ".stack" / "logs"


def wait_until_drained(redis, key: str, job_id: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model.Session.remove()
        unfinished = model.Session.query(HarvestObject.id).filter(
            HarvestObject.harvest_job_id == job_id,
            HarvestObject.state.notin_(["COMPLETE", "ERROR"])).count()
        if redis.llen(key) == 0 and not redis.keys(key + ":*") and unfinished == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"the consumers did not finish within {timeout} s")


def test_two_fetch_consumers_on_one_job_produce_no_duplicates(ckan_config, allow_upstream,
                                                             tmp_path: Path) -> None:
    with Air4ThaiServer.synthetic(STATIONS, HOURS, now_local=now_thai_hour()) as server:
        allow_upstream(server.url)
        ini = config_allowing(tmp_path, ckan_config["__file__"], server.url)
        source = make_source(server.url, "pm25_air4thai", {"backfill_hours": HOURS})
        job = helpers.call_action("harvest_job_create", context=sysadmin_context(),
                                  source_id=source["id"], run=True)
        gather = queue.get_gather_consumer()
        queue.gather_callback(gather, *gather.basic_get(queue=queue.get_gather_queue_name()))
        redis, key = queue.get_connection(), queue.get_fetch_routing_key()
        handed_out = redis.lrange(key, 0, -1)
        assert len(handed_out) == STATIONS
        redis.rpush(key, *handed_out)  # every object twice

        ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
        LOGS.mkdir(parents=True, exist_ok=True)
        consumers = []
        for number in (1, 2):
            log = open(LOGS / f"test-fetch-consumer-{number}.log", "w")
            consumers.append((subprocess.Popen(
                [ckan, "-c", ini, "pm25", "harvest", "consume", "fetch"],
                stdout=log, stderr=subprocess.STDOUT), log))
        try:
            wait_until_drained(redis, key, job["id"], timeout=300)
        finally:
            for process, log in consumers:
                process.terminate()
                process.wait(timeout=30)
                log.close()
        history_calls = len(server.requests_to(server.HISTORY))

    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    model.Session.remove()
    errors = model.Session.query(HarvestObjectError.message).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"]).all()
    assert errors == []
    assert history_calls == 2 * STATIONS  # both deliveries of every object were processed
    found = datasets()
    assert len(found) == STATIONS
    assert len({d["station_id"] for d in found}) == STATIONS
    assert all(len(d["resources"]) == 1 for d in found)
    stored = [row for d in found for row in rows(d)]
    assert len(stored) == STATIONS * HOURS
    assert len({(r["station_id"], r["datetime_utc"]) for r in stored}) == STATIONS * HOURS
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "Finished"
