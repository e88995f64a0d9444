"""A harvest job from the API to its report, under the processes ``make run`` starts beside the
portal (``ckan pm25 harvest consume gather``/``fetch`` and ``ckan pm25 harvest schedule``), and
a second job for a source whose job is still open refused with a message, not a server error."""
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
from ckan.tests import factories, helpers

from ckanext.harvest.model import HarvestSource
from tests.harvesters.harvesting import stations, config_allowing, make_source, now_thai_hour
from tests.upstream import DEFAULT_STATIONS, Air4ThaiServer
from tests.logs import logs_folder

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

STATIONS = DEFAULT_STATIONS[:3]

LOGS = logs_folder()
PROCESSES = {"gather": ["consume", "gather"], "fetch": ["consume", "fetch"],
             "scheduler": ["schedule", "--every", "1"]}


def create_job(app: Any, token: str, source_id: str, status: int = 200,
               prefix: str = "") -> dict[str, Any]:
    response = app.post(f"{prefix}/api/3/action/harvest_job_create", json={"source_id": source_id},
                        headers={"Authorization": token}, status=status)
    return response.json


def wait_until_finished(job_id: str, processes: dict[str, subprocess.Popen],
                        timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exited = [name for name, process in processes.items() if process.poll() is not None]
        assert not exited, f"exited: {exited} (see {LOGS}/test-make-run-*.log)"
        model.Session.remove()
        job = helpers.call_action("harvest_job_show", id=job_id)
        if job["status"] == "Finished":
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")


@pytest.fixture
def sysadmin_token() -> str:
    return factories.APIToken(user=factories.Sysadmin()["id"])["token"]


def test_a_second_job_while_one_is_open_is_refused_in_the_request_language(
        app: Any, sysadmin_token: str, allow_upstream) -> None:
    with Air4ThaiServer(STATIONS, now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        create_job(app, sysadmin_token, source["id"])
        thai = create_job(app, sysadmin_token, source["id"], status=409)
        english = create_job(app, sysadmin_token, source["id"], status=409, prefix="/en")
    assert thai["error"]["__type"] == "Validation Error"
    assert "มีงานเก็บเกี่ยวข้อมูลที่ยังไม่เสร็จ" in thai["error"]["source_id"][0]
    assert "already has a job that has not finished" in english["error"]["source_id"][0]


def test_an_inactive_source_refuses_a_job_with_a_message(app: Any, sysadmin_token: str,
                                                         allow_upstream) -> None:
    with Air4ThaiServer(STATIONS, now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_air4thai")
        stored = HarvestSource.get(source["id"])
        stored.active = False
        stored.save()
        english = create_job(app, sysadmin_token, source["id"], status=409, prefix="/en")
    assert "is inactive" in english["error"]["source_id"][0]


def test_a_job_created_through_the_api_finishes_with_its_report_under_make_runs_processes(
        app: Any, sysadmin_token: str, allow_upstream, ckan_config, tmp_path: Path) -> None:
    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    with Air4ThaiServer(STATIONS, now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        ini = config_allowing(tmp_path, ckan_config["__file__"], server.url)
        source = make_source(server.url, "pm25_air4thai")
        first = create_job(app, sysadmin_token, source["id"])["result"]
        processes: dict[str, subprocess.Popen] = {}
        try:
            for name, args in PROCESSES.items():
                with open(LOGS / f"test-make-run-{name}.log", "w") as log:
                    processes[name] = subprocess.Popen([ckan, "-c", ini, "pm25", "harvest", *args],
                                                       stdout=log, stderr=subprocess.STDOUT)
            finished = wait_until_finished(first["id"], processes, timeout=180)
            server.set_coordinates("36t", "18.2888", "99.4909")  # moved to Lampang
            second = create_job(app, sysadmin_token, source["id"])["result"]
            again = wait_until_finished(second["id"], processes, timeout=180)
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(timeout=30)

    assert {k: v for k, v in finished["stats"].items() if v} == {"added": 3}
    assert {k: v for k, v in again["stats"].items() if v} == {"updated": 1, "not modified": 2}
    report = helpers.call_action("harvest_job_report", id=again["id"])
    assert report["gather_errors"] == [] and report["object_errors"] == {}
    assert len(stations()) == len(STATIONS)
    shown = helpers.call_action("harvest_source_show_status", id=source["id"])
    assert shown["last_job"]["id"] == again["id"] and shown["last_job"]["status"] == "Finished"
