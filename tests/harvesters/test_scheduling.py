"""`ckan pm25 harvest run-due`: jobs started when a source's interval has passed, skipped while
one runs, aborted past the timeout with the reason on the job — with the real gather queue."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from ckan import model
from ckan.cli.cli import ckan

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestSource
from ckanext.pm25.harvesters.runner import drain_queues
from ckanext.pm25.harvesters.scheduling import run_due
from tests.harvesters.harvesting import gather_messages, make_source

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

# Nothing listens on port 9: each job ends quickly with a recorded connection error.
CLOSED = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def closed_port_allowed(allow_upstream) -> None:  # type: ignore[no-untyped-def]
    """Sources point at a loopback port nothing listens on (their jobs fail to connect)."""
    allow_upstream(CLOSED)
QUICK = {"interval_minutes": 60, "retries": 0, "connect_timeout": 1}


def queued_jobs() -> list[str]:
    redis = queue.get_connection()
    return [json.loads(item)["harvest_job_id"]
            for item in redis.lrange(queue.get_gather_routing_key(), 0, -1)]


def job(job_id: str) -> HarvestJob:
    model.Session.remove()
    return HarvestJob.get(job_id)


def test_a_due_source_gets_a_job_on_the_gather_queue_and_none_while_it_runs() -> None:
    source = make_source(CLOSED, "pm25_air4thai", QUICK)

    [first] = run_due()
    [second] = run_due()

    assert (first.action, first.source_name) == ("started", "source")
    assert job(first.job_id).status == "Running"
    assert queued_jobs() == [first.job_id]
    assert (second.action, second.job_id) == ("running", first.job_id)
    assert queued_jobs() == [first.job_id]
    assert source["id"] == first.source_id


def test_the_next_job_starts_only_when_the_interval_has_passed() -> None:
    source = make_source(CLOSED, "pm25_air4thai", QUICK)
    [started] = run_due()
    drain_queues(started.job_id, source["id"], timeout=60)
    created = job(started.job_id).created
    assert job(started.job_id).status == "Finished"
    assert "connection" in gather_messages({"id": started.job_id})[0]

    [early] = run_due(now=created + timedelta(minutes=59))
    [due] = run_due(now=created + timedelta(minutes=60, seconds=1))

    assert early.action == "not_due"
    assert "next run due at" in early.detail
    assert due.action == "started" and due.job_id != started.job_id


@pytest.mark.ckan_config("ckanext.pm25.harvest.job_timeout_minutes", "30")
def test_a_job_running_past_the_timeout_is_aborted_with_the_reason_and_a_new_one_starts() -> None:
    make_source(CLOSED, "pm25_air4thai", QUICK)
    [started] = run_due()
    created = job(started.job_id).created

    [still_fine] = run_due(now=created + timedelta(minutes=29))
    [decision] = run_due(now=created + timedelta(minutes=31))

    assert still_fine.action == "running"
    assert decision.action == "started"
    assert decision.detail.startswith(f"aborted {started.job_id}")
    stuck = job(started.job_id)
    assert stuck.status == "Finished" and stuck.finished is not None
    [reason] = gather_messages({"id": started.job_id})
    assert reason.startswith("Aborted by `ckan pm25 harvest run-due`: the job was running for "
                             "31 minutes, longer than ckanext.pm25.harvest.job_timeout_minutes "
                             "(30)")
    assert job(decision.job_id).status == "Running"


def test_the_command_reports_each_source_and_fails_on_a_broken_config(cli) -> None:
    make_source(CLOSED, "pm25_air4thai", QUICK, name="hourly")
    broken = make_source(CLOSED, "pm25_agency_ckan", {"interval_minutes": 600}, name="agency")

    result = cli.invoke(ckan, ["pm25", "harvest", "run-due"])

    assert result.exit_code == 0, result.output
    assert "hourly: started — started a job" in result.output
    assert "agency: started — started a job" in result.output
    assert "2 sources checked, 2 jobs started" in result.output

    source = HarvestSource.get(broken["id"])
    source.config = '{"interval_minutes": "soon"}'  # edited behind the form's back
    source.save()
    result = cli.invoke(ckan, ["pm25", "harvest", "run-due"])

    assert result.exit_code == 1
    assert "agency: invalid config — interval_minutes: must be a whole number" in result.output
    assert "hourly: running" in result.output
