"""`ckan pm25 harvest consume gather|fetch`: real consumer processes that stay up through idle
minutes (ckanext-harvest's own exit after 5 idle seconds with redis-py 8) and then run a job."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestObject
from tests.harvesters.harvesting import (stations, config_allowing, make_source, now_thai_hour,
                                         sysadmin_context)
from tests.upstream import Air4ThaiServer
from tests.logs import logs_folder

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

STATIONS, HOURS = 3, 4
REDIS_SOCKET_TIMEOUT = 5  # redis-py 8's default, the one that ends ckanext-harvest's consumers
LOGS = logs_folder()


def start_consumer(ini: str, stage: str) -> subprocess.Popen[bytes]:
    """The consumer process, writing to its log file (the child keeps its own handle on it)."""
    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    with open(LOGS / f"test-consume-{stage}.log", "w") as log:
        return subprocess.Popen([ckan, "-c", ini, "pm25", "harvest", "consume", stage],
                                stdout=log, stderr=subprocess.STDOUT)


def wait_for_job_objects(job_id: str, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model.Session.remove()
        states = [state for (state,) in model.Session.query(HarvestObject.state).filter(
            HarvestObject.harvest_job_id == job_id)]
        if len(states) == expected and all(state in ("COMPLETE", "ERROR") for state in states):
            return
        time.sleep(0.5)
    raise AssertionError(f"the consumers did not finish job {job_id} within {timeout} s")


def test_consumers_survive_an_idle_queue_then_run_a_job(ckan_config: Any, allow_upstream: Any,
                                                        tmp_path: Path) -> None:
    # the socket timeout of the Redis client the consumers use (none before redis-py 8)
    socket_timeout = queue.get_connection().connection_pool.connection_kwargs.get("socket_timeout")
    with Air4ThaiServer.synthetic(STATIONS, HOURS, now_local=now_thai_hour()) as server:
        allow_upstream(server.url)
        ini = config_allowing(tmp_path, ckan_config["__file__"], server.url)
        consumers = [start_consumer(ini, stage) for stage in ("gather", "fetch")]
        try:
            time.sleep((socket_timeout or REDIS_SOCKET_TIMEOUT) * 3)  # several socket timeouts of an empty queue
            assert [process.poll() for process in consumers] == [None, None], \
                f"a consumer exited while the queue was empty (see {LOGS}/test-consume-*.log)"

            source = make_source(server.url, "pm25_air4thai", {"backfill_hours": HOURS})
            job = helpers.call_action("harvest_job_create", context=sysadmin_context(),
                                      source_id=source["id"], run=True)
            wait_for_job_objects(job["id"], STATIONS, timeout=180)
        finally:
            for process in consumers:
                process.terminate()
                process.wait(timeout=30)

    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    shown = helpers.call_action("harvest_job_show", id=job["id"])
    assert shown["status"] == "Finished"
    assert shown["stats"].get("errored", 0) == 0
    assert len(stations()) == STATIONS
    redis = queue.get_connection()
    assert redis.llen(queue.get_gather_routing_key()) == 0 and redis.llen(queue.get_fetch_routing_key()) == 0
