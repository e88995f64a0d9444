"""Running a harvest job to its end in this process.

- :func:`run_through_queues`: the job goes onto the real gather queue (Redis) and this process
  consumes the gather and fetch queues with ckanext-harvest's own callbacks, exactly what the
  ``ckan harvester gather-consumer``/``fetch-consumer`` processes do, until the job is
  finished. Consumers running elsewhere may take part; the wait covers their work too.
  ckanext-harvest's ``harvest_jobs_run`` (which marks a job finished) is called only once the
  job's own objects are all done: it also re-queues every WAITING object missing from the
  fetch queue, and a WAITING object may be one a gather elsewhere has written and not queued
  yet, or one a consumer elsewhere has just taken; called while waiting, it had such objects
  fetched twice (the second import found nothing to change and the report said "not modified"
  for a station that had moved). Lost messages are re-queued by the scheduler
  (``ckan pm25 harvest run-due``/``schedule``), not by this wait; and a message for an object
  another consumer holds or has finished is dropped (:func:`.consumers.handle_fetch`).
- :func:`run_inline`: gather, fetch and import called directly, without queues (what
  ``ckan harvester run-test`` does): nothing another consumer could pick up.
"""
from __future__ import annotations

import time
from typing import Any

from ckan import model

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.harvesters import consumers, site_user, solr_commits

DONE_STATES = ("COMPLETE", "ERROR")


class JobTimeout(RuntimeError):
    pass


def run_through_queues(source_id: str, *, timeout: float = 600.0,
                       poll: float = 0.1) -> dict[str, Any]:
    """Create a job for the source, run it through the queues, return ``harvest_job_show``."""
    job = site_user.call("harvest_job_create", {"source_id": source_id, "run": True})
    drain_queues(job["id"], source_id, timeout=timeout, poll=poll)
    return site_user.call("harvest_job_show", {"id": job["id"]})


def drain_queues(job_id: str, source_id: str, *, timeout: float = 600.0,
                 poll: float = 0.1) -> None:
    """Consume the site's gather and fetch queues until job ``job_id`` is finished."""
    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    deadline = time.monotonic() + timeout
    while True:
        method, header, body = gather.basic_get(queue=queue.get_gather_queue_name())
        if body is not None:
            queue.gather_callback(gather, method, header, body)
            continue
        method, header, body = fetch.basic_get(queue=queue.get_fetch_queue_name())
        if body is not None:
            consumers.handle_fetch(fetch, method, header, body)
            continue
        model.Session.remove()
        if job_is_done(job_id):
            site_user.call("harvest_jobs_run", {"source_id": source_id})
            model.Session.remove()
        job = HarvestJob.get(job_id)
        if job is None or job.status == "Finished":
            solr_commits.commit_search_index()
            return
        if time.monotonic() > deadline:
            raise JobTimeout(f"harvest job {job_id} did not finish within {timeout:.0f} s")
        time.sleep(poll)


def job_is_done(job_id: str) -> bool:
    """Whether the job's gather has finished and every object it made is complete or failed
    (what ``harvest_jobs_run`` checks before marking the job finished)."""
    job = HarvestJob.get(job_id)
    if job is None or job.status == "Finished":
        return True
    if job.gather_finished is None:
        return False
    unfinished = model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job_id,
        HarvestObject.state.notin_(DONE_STATES)).count()
    return unfinished == 0


def run_inline(source_id: str) -> dict[str, Any]:
    """Create a job and run its stages directly in this process (no queues)."""
    from ckanext.harvest.queue import fetch_and_import_stages, gather_stage, get_harvester

    created = site_user.call("harvest_job_create", {"source_id": source_id, "run": False})
    job = HarvestJob.get(created["id"])
    job.status = "Running"
    job.save()
    harvester = get_harvester(job.source.type)
    object_ids = gather_stage(harvester, job) or []
    for object_id in object_ids:
        obj = HarvestObject.get(object_id)
        fetch_and_import_stages(harvester, obj)
        model.Session.remove()
    site_user.call("harvest_jobs_run", {"source_id": source_id})
    solr_commits.commit_search_index()
    return site_user.call("harvest_job_show", {"id": created["id"]})
