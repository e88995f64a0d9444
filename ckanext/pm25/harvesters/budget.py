"""A harvest job's time budget (``ckanext.pm25.harvest.job_time_budget``): the time the job may
spend gathering and fetching, added up over its stages and objects, whichever consumer ran
them. Past it the gather stops (nothing is withdrawn that run) and objects not fetched yet are
left for the next run, each with an error saying so; what is stored stays as it was. The clock
runs only while the job's own work runs (time spent waiting in a queue behind another source
does not count), so one hanging source stops itself after its budget and never takes the budget
of the jobs queued after it."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

import ckan.plugins.toolkit as tk
from sqlalchemy import func

from ckan import model
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.harvesters import recording
from ckanext.pm25.harvesters.http import HttpPolicy
from ckanext.pm25.harvesters.recorded_messages import OUT_OF_TIME, english

KEY = "ckanext.pm25.harvest.job_time_budget"


def seconds() -> float:
    return float(tk.config.get(KEY))


def spent_in_gather(job: HarvestJob, now: datetime | None = None) -> float:
    """Seconds the job's gather has taken (so far, while it runs)."""
    started = job.gather_started or job.created
    ended = job.gather_finished or now or datetime.utcnow()
    return max(0.0, (ended - started).total_seconds())


def spent(job: HarvestJob, running: HarvestObject | None = None) -> float:
    """Seconds the job has spent: its gather, its objects' finished fetches and, when given, the
    fetch running now."""
    now = datetime.utcnow()
    fetches = model.Session.query(func.sum(func.extract(
        "epoch", HarvestObject.fetch_finished - HarvestObject.fetch_started))).filter(
        HarvestObject.harvest_job_id == job.id,
        HarvestObject.fetch_started.isnot(None), HarvestObject.fetch_finished.isnot(None),
        HarvestObject.fetch_finished >= HarvestObject.fetch_started).scalar() or 0
    total = spent_in_gather(job, now) + float(fetches)
    # a fetch started again (a second delivery) still has the previous fetch_finished
    if running is not None and running.fetch_started is not None and (
            running.fetch_finished is None or running.fetch_finished < running.fetch_started):
        total += max(0.0, (now - running.fetch_started).total_seconds())
    return total


def within(policy: HttpPolicy, spent_seconds: float) -> HttpPolicy:
    """``policy`` whose requests end when the budget does."""
    return replace(policy, budget_ends=time.monotonic() + max(0.0, seconds() - spent_seconds))


def stopped(spent_seconds: float, what: str) -> str:
    """The error recorded when the budget runs out."""
    return english(OUT_OF_TIME, seconds=f"{spent_seconds:.0f}", key=KEY, budget=f"{seconds():.0f}",
                   while_doing=what)


def spent_before_fetch(obj: HarvestObject, what: str, known: float | None = None) -> float | None:
    """Seconds the job has spent before ``obj`` is fetched (``known`` when the caller keeps
    count), or None, with ``what`` recorded as the object's fetch error, when the budget has
    already run out."""
    spent_seconds = spent(obj.job, obj) if known is None else known
    if spent_seconds < seconds():
        return spent_seconds
    recording.record_object_error(obj, stopped(spent_seconds, what), "Fetch")
    return None
