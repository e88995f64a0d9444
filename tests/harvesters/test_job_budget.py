"""A harvest job's time budget (ckanext.pm25.harvest.job_time_budget): a hanging upstream stops
the job's gather or fetches once the budget is spent, with an error saying so, what was stored
stays, and a job queued behind the hanging one still has its whole budget."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.pm25.harvesters import runner
from tests.harvesters.harvesting import (all_rows, datasets, gather_messages, make_source,
                                         now_thai_hour, object_messages, run_job, stats,
                                         sysadmin_context)
from tests.upstream import DEFAULT_STATIONS, AgencyCkanServer, Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

BUDGET_KEY = "ckanext.pm25.harvest.job_time_budget"
PATIENT = {"read_timeout": 30, "retries": 3, "backoff_factor": 0}  # a hang alone takes minutes
HANG = 60.0


def set_budget(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    monkeypatch.setitem(tk.config, BUDGET_KEY, seconds)


def test_a_hanging_catalogue_stops_the_gather_and_withdraws_nothing(
        allow_upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    with AgencyCkanServer() as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_agency_ckan",
                             {**PATIENT, "query": ["PM2.5", "ฝุ่น", "คุณภาพอากาศ"]}, name="agency")
        run_job(source)
        before = {d["name"]: d["metadata_modified"] for d in datasets()}
        assert before
        searched = len(server.requests_to(server.SEARCH))
        set_budget(monkeypatch, 3)
        server.slow_next(server.SEARCH, HANG, count=50)

        job = run_job(source)
        searches = len(server.requests_to(server.SEARCH)) - searched

    assert job["status"] == "Finished"
    [message] = gather_messages(job)
    assert message.startswith("Stopped after ")
    assert f"the job's time budget ({BUDGET_KEY} = 3 s) ran out" in message
    assert "search results for 'PM2.5' from 0; nothing is withdrawn this run" in message
    assert searches == 1  # no retry and no other query term once the budget is spent
    assert {d["name"]: d["metadata_modified"] for d in datasets()} == before


def test_a_hanging_station_history_stops_its_job_and_not_the_job_queued_behind_it(
        allow_upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    with Air4ThaiServer(DEFAULT_STATIONS[:3], now_local=now_thai_hour(), hours=6) as slow, \
            Air4ThaiServer(DEFAULT_STATIONS[3:6], now_local=now_thai_hour(), hours=6) as fast:
        allow_upstream(slow.url, fast.url)
        hanging = make_source(slow.url, "pm25_air4thai", PATIENT, name="hanging")
        healthy = make_source(fast.url, "pm25_air4thai", PATIENT, name="healthy")
        run_job(hanging)
        stored = all_rows()
        fetched_before = len(slow.requests_to(slow.HISTORY))
        set_budget(monkeypatch, 5)
        slow.slow_next(slow.HISTORY, HANG, count=50)

        # Both jobs are queued at once: the healthy job's objects wait behind the hanging ones.
        jobs = [helpers.call_action("harvest_job_create", context=sysadmin_context(),
                                    source_id=source["id"], run=True)
                for source in (hanging, healthy)]
        runner.drain_queues(jobs[1]["id"], healthy["id"], timeout=120)
        runner.drain_queues(jobs[0]["id"], hanging["id"], timeout=120)
        histories = len(slow.requests_to(slow.HISTORY)) - fetched_before

    model.Session.remove()
    stopped, finished = (helpers.call_action("harvest_job_show", id=job["id"]) for job in jobs)
    messages: dict[str, Any] = object_messages(stopped)
    assert sorted(messages) == ["air4thai:35t", "air4thai:36t", "air4thai:37t"]
    assert all(len(found) == 1 and found[0].startswith("Stopped after ")
               and f"({BUDGET_KEY} = 5 s)" in found[0] for found in messages.values())
    assert sum("while fetching the hourly history" in found[0]
               for found in messages.values()) == 1
    assert sum("before this station was fetched; its stored readings are unchanged" in found[0]
               for found in messages.values()) == 2
    assert histories == 1  # the hanging history was asked once, the other stations not at all
    assert {name: rows for name, rows in all_rows().items() if name in stored} == stored
    assert stopped["status"] == finished["status"] == "Finished"
    assert stats(finished) == {"added": 3} and object_messages(finished) == {}
