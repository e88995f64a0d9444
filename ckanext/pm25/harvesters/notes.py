"""The data-quality notes of a harvest job, shown apart from its errors.

Notes are recorded on harvest objects as ``pm25_note`` extras (:mod:`.recording`), so
ckanext-harvest's error count never includes them. Its job actions are chained to add them:
``stats["notes"]`` (the number of notes) on every job dict (``harvest_job_show``,
``harvest_job_list``, the last job of ``harvest_source_show_status``, which the source's pages
use) and ``notes`` in ``harvest_job_report`` (per object, like ``object_errors``). The job
pages show them with the templates ``snippets/job_details.html`` and ``source/job/read.html``.

Each chain checks access first (CKAN's convention; the wrapped action checks it again).
Each pm25 harvester plugin registers these chains; a chain that finds the notes already added
by another leaves them as they are.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context
from sqlalchemy import func

from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from ckanext.pm25.harvesters.recording import NOTE_KEY

NOTES = "notes"
Action = Callable[[Context, dict[str, Any]], Any]


def _counts(job_ids: Iterable[str]) -> dict[str, int]:
    ids = [job_id for job_id in job_ids if job_id]
    if not ids:
        return {}
    rows = model.Session.query(HarvestObject.harvest_job_id, func.count(HarvestObjectExtra.id)).join(
        HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.harvest_job_id.in_(ids), HarvestObjectExtra.key == NOTE_KEY).group_by(
        HarvestObject.harvest_job_id).all()
    return {job_id: count for job_id, count in rows}


def _with_counts(jobs: list[dict[str, Any]]) -> None:
    missing = [job for job in jobs if isinstance(job.get("stats"), dict) and NOTES not in job["stats"]]
    counts = _counts(str(job.get("id") or "") for job in missing)
    for job in missing:
        job["stats"][NOTES] = counts.get(job["id"], 0)


def job_notes(job_id: str) -> dict[str, dict[str, Any]]:
    """harvest object id → its guid and notes (oldest first), for the job's objects with notes."""
    rows = model.Session.query(HarvestObject.id, HarvestObject.guid, HarvestObjectExtra.value).join(
        HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job_id, HarvestObjectExtra.key == NOTE_KEY).order_by(
        HarvestObject.guid, HarvestObjectExtra.id).all()
    found: dict[str, dict[str, Any]] = {}
    for object_id, guid, message in rows:
        found.setdefault(object_id, {"guid": guid, NOTES: []})[NOTES].append({"message": message})
    return found


@tk.side_effect_free
@tk.chained_action
def harvest_job_show(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    tk.check_access("harvest_job_show", context, data_dict)
    job = up(context, data_dict)
    _with_counts([job])
    return job


@tk.side_effect_free
@tk.chained_action
def harvest_job_list(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    tk.check_access("harvest_job_list", context, data_dict)
    jobs = up(context, data_dict)
    _with_counts(jobs)
    return jobs


@tk.side_effect_free
@tk.chained_action
def harvest_source_show_status(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    tk.check_access("harvest_source_show_status", context, data_dict)
    status = up(context, data_dict)
    if isinstance(status.get("last_job"), dict):
        _with_counts([status["last_job"]])
    return status


@tk.side_effect_free
@tk.chained_action
def harvest_job_report(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    tk.check_access("harvest_job_show", context, data_dict)  # what the report itself checks
    report = up(context, data_dict)  # also finds the job, or raises NotFound
    if NOTES not in report:
        report[NOTES] = job_notes(str(data_dict.get("id")))
    return report


# ckanext-harvest registers its action functions as auth functions too (one shared dict), so
# CKAN's auth audit expects a check of "harvest_job_report", whose "auth function" is the action
# itself; the report is guarded by harvest_job_show's (above), as ckanext-harvest guards it.
# CKAN exempts an extension's own actions from the audit; a chain has to say so.
harvest_job_report.auth_audit_exempt = True  # type: ignore[attr-defined]


ACTIONS: dict[str, Callable[..., Any]] = {
    "harvest_job_show": harvest_job_show,
    "harvest_job_list": harvest_job_list,
    "harvest_source_show_status": harvest_source_show_status,
    "harvest_job_report": harvest_job_report,
}
