"""Two real `ckan pm25 harvest consume fetch` processes (ckanext-harvest's fetch callback) side
by side on the same job, each harvest object handed out twice (as ckanext-harvest's resubmission
does for objects it believes lost): both processes take objects, each object is fetched once
(the second delivery is dropped), and no dataset, resource or reading is duplicated."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject, HarvestObjectError
from tests.harvesters.harvesting import (config_allowing, make_source, stations, now_thai_hour,
                                         rows, sysadmin_context)
from tests.upstream import Air4ThaiServer
from tests.logs import logs_folder

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

STATIONS, HOURS = 24, 12
LOGS = logs_folder()
# ckanext-harvest's fetch callback logs every object it is handed (INFO, shown by test.ini)
RECEIVED = re.compile(r"Received harvest object id: (\S+)")
DROPPED = re.compile(r"Harvest object (\S+) is held by another consumer or done: message dropped")


def wait_until_both_wait_for_work(redis, processes: list[subprocess.Popen], timeout: float) -> None:
    """Until every consumer process is blocked in its BLPOP on our Redis database, so that the
    messages pushed next are handed out between them (Redis serves blocked clients in turn)."""
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert all(process.poll() is None for process in processes), "a consumer exited"
        blocked = [client for client in redis.client_list()
                   if "b" in client["flags"] and client["cmd"] == "blpop" and int(client["db"]) == db]
        if len(blocked) >= len(processes):
            return
        time.sleep(0.2)
    raise AssertionError(f"the consumers were not waiting for work within {timeout} s")


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
        redis.delete(key)  # handed out again once both consumers wait

        ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
        consumers = []
        for number in (1, 2):
            # The child keeps its own handle on the log file.
            with open(LOGS / f"test-fetch-consumer-{number}.log", "w") as log:
                consumers.append(subprocess.Popen(
                    [ckan, "-c", ini, "pm25", "harvest", "consume", "fetch"],
                    stdout=log, stderr=subprocess.STDOUT))
        try:
            wait_until_both_wait_for_work(redis, consumers, timeout=120)
            redis.rpush(key, *handed_out, *handed_out)  # every object twice
            wait_until_drained(redis, key, job["id"], timeout=300)
        finally:
            for process in consumers:
                process.terminate()
                process.wait(timeout=30)
        history_calls = len(server.requests_to(server.HISTORY))

    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    model.Session.remove()
    messages = model.Session.query(HarvestObjectError.message).join(HarvestObject).filter(
        HarvestObject.harvest_job_id == job["id"]).all()
    # A synthetic station may lie just off the coast: its placement is a note, not an error.
    assert messages == []
    assert history_calls == STATIONS  # one delivery of every object was processed
    logs = [(LOGS / f"test-fetch-consumer-{number}.log").read_text() for number in (1, 2)]
    taken = [RECEIVED.findall(text) for text in logs]
    assert all(taken), f"each consumer took objects: {[len(ids) for ids in taken]}"
    every_object = Counter({json.loads(body)["harvest_object_id"]: 1 for body in handed_out})
    assert Counter(taken[0] + taken[1]) == every_object
    assert Counter(DROPPED.findall(logs[0]) + DROPPED.findall(logs[1])) == every_object
    found = stations()
    assert len(found) == STATIONS
    assert len({d["station_id"] for d in found}) == STATIONS
    assert all(len(d["resources"]) == 1 for d in found)
    stored = [row for d in found for row in rows(d)]
    assert len(stored) == STATIONS * HOURS
    assert len({(r["station_id"], r["datetime_utc"]) for r in stored}) == STATIONS * HOURS
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "Finished"
