"""``ckan pm25 harvest run-due``: start the jobs that are due, for cron every few minutes.

ckanext-harvest schedules by named frequencies (daily at best, or "always"); hourly feeds need
their own interval. For every active source with an ``interval_minutes`` (the pm25 harvesters
default to theirs), one call:

1. marks the source's finished jobs as such (ckanext-harvest's ``harvest_jobs_run``);
2. aborts a job still open (New or Running) past ``ckanext.pm25.harvest.job_timeout_minutes``
   since it was created, with the reason recorded on the job (a gather error, visible in the
   job report) — a stuck job would otherwise block its source for ever;
3. skips a source with a job still open;
4. starts a job (onto the gather queue) when the last job was created at least
   ``interval_minutes`` ago, or when there was none. The interval runs from job start to job
   start, so an hourly source does not drift later by each run's duration.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestSource
from ckanext.pm25.harvesters import pruning, settings, site_user, solr_commits
from ckanext.pm25.participation.sending import send_alerts
from ckanext.pm25.harvesters.source_config import (ConfigError, SourceConfig,
                                                   parse_agency_config, parse_air4thai_config,
                                                   parse_dustboy_config, parse_firms_config,
                                                   parse_gistda_config, parse_openaq_config)

log = logging.getLogger(__name__)

OPEN_STATUSES = ("New", "Running")
PRUNE_EVERY_SECONDS = 24 * 3600  # the harvest history is pruned once a day (pruning.py)
CONFIG_PARSERS: dict[str, Callable[[str | None], SourceConfig]] = {
    "pm25_air4thai": parse_air4thai_config,
    "pm25_agency_ckan": parse_agency_config,
    "pm25_dustboy": parse_dustboy_config,
    "pm25_firms": parse_firms_config,
    "pm25_gistda": parse_gistda_config,
    "pm25_openaq": parse_openaq_config,
}

Action = Literal["started", "running", "aborted", "not_due", "invalid_config", "failed"]


@dataclass(frozen=True)
class Decision:
    source_id: str
    source_name: str
    action: Action
    detail: str
    job_id: str | None = None


def job_timeout() -> timedelta:
    return timedelta(minutes=int(tk.config.get("ckanext.pm25.harvest.job_timeout_minutes")))


def interval_of(source: HarvestSource) -> timedelta | None:
    """The source's interval; None for a source of another harvester without one. Raises
    ConfigError for a pm25 source whose config is invalid."""
    parser = CONFIG_PARSERS.get(source.type)
    if parser is not None:
        return timedelta(minutes=parser(source.config).interval_minutes)
    try:
        minutes = json.loads(source.config or "{}").get("interval_minutes")
    except (ValueError, AttributeError):
        return None
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
        return timedelta(minutes=minutes)
    return None


def run_due(now: datetime | None = None) -> list[Decision]:
    """One pass over the active sources. ``now`` is naive UTC, like the harvest tables."""
    now = now or datetime.utcnow()
    source_ids = [row[0] for row in model.Session.query(HarvestSource.id).join(
        model.Package, model.Package.id == HarvestSource.id).filter(
        HarvestSource.active == True,  # noqa: E712
        model.Package.state == "active").order_by(HarvestSource.created).all()]
    decisions = []
    for source_id in source_ids:
        source = HarvestSource.get(source_id)
        name = _source_name(source_id)
        try:
            decision = _run_source(source, name, now)
        except Exception as error:  # one broken source must not stop the others; reported
            model.Session.rollback()
            log.exception("run-due failed for harvest source %s", source_id)
            decision = Decision(source_id, name, "failed", repr(error))
        if decision is not None:
            decisions.append(decision)
    solr_commits.commit_search_index()  # whatever an import left uncommitted becomes searchable
    return decisions


def run_every(every: float, *, passes: int | None = None,
              report: Callable[[Decision], None] = lambda decision: None) -> None:
    """:func:`run_due` every ``every`` seconds, ``passes`` times (None: until the process is
    stopped), each pass followed by the province alerts (``ckan pm25 alerts send``). A pass
    that fails is logged and the next one runs: a scheduler that stops on a database hiccup
    would leave every job "Running" again."""
    done = 0
    pruned_at: float | None = None
    while passes is None or done < passes:
        if done:
            time.sleep(every)
        try:
            for decision in run_due():
                report(decision)
            if pruned_at is None or time.monotonic() - pruned_at >= PRUNE_EVERY_SECONDS:
                pruned_at = time.monotonic()
                pruned = pruning.prune()
                log.info("Harvest history pruned: %s objects, %s jobs", pruned.objects, pruned.jobs)
            # after the harvests: province alerts on the summary they have just updated (cheap
            # when nothing crossed: one query; never more than one mail a day per subscription)
            send_alerts()
        except Exception:
            model.Session.rollback()
            log.exception("a pass of the harvest scheduler failed; the next runs in %s s", every)
        finally:
            model.Session.remove()
        done += 1


def _source_name(source_id: str) -> str:
    package = model.Package.get(source_id)
    return package.name if package else source_id


def _run_source(source: HarvestSource, name: str, now: datetime) -> Decision | None:
    try:
        interval = interval_of(source)
    except ConfigError as error:
        return Decision(source.id, name, "invalid_config", settings.translated(error))
    if interval is None:
        return None
    site_user.call("harvest_jobs_run", {"source_id": source.id})
    aborted = [_abort(job, now) for job in _open_jobs(source.id)
               if now - job.created > job_timeout()]
    still_open = _open_jobs(source.id)
    if still_open:
        job = still_open[0]
        minutes = int((now - job.created).total_seconds() // 60)
        return Decision(source.id, name, "running",
                        f"job {job.id} ({job.status}) open for {minutes} min", job.id)
    last = model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id).order_by(
        HarvestJob.created.desc()).first()
    if last is not None and not aborted and now - last.created < interval:
        due = last.created + interval
        return Decision(source.id, name, "not_due", f"next run due at {due:%Y-%m-%d %H:%M} UTC")
    job = site_user.call("harvest_job_create", {"source_id": source.id, "run": True})
    detail = f"aborted {', '.join(aborted)}; started a new job" if aborted else "started a job"
    return Decision(source.id, name, "started", detail, job["id"])


def _open_jobs(source_id: str) -> list[HarvestJob]:
    return model.Session.query(HarvestJob).filter(
        HarvestJob.source_id == source_id, HarvestJob.status.in_(OPEN_STATUSES)).order_by(
        HarvestJob.created).all()


def _abort(job: HarvestJob, now: datetime) -> str:
    job_id = job.id
    minutes = int((now - job.created).total_seconds() // 60)
    limit = int(job_timeout().total_seconds() // 60)
    HarvestGatherError.create(
        f"Aborted by `ckan pm25 harvest run-due`: the job was {job.status.lower()} for "
        f"{minutes} minutes, longer than ckanext.pm25.harvest.job_timeout_minutes ({limit}). "
        f"Objects not finished were marked as errors; stored data is unchanged.", job)
    site_user.call("harvest_job_abort", {"id": job_id})
    aborted = HarvestJob.get(job_id)
    aborted.finished = now
    aborted.save()
    log.warning("Aborted harvest job %s after %s minutes", job_id, minutes)
    return job_id
