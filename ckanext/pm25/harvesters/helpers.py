"""Template helpers of ckanext-harvest's pages: the harvester types and the job report's recorded
errors and notes in the request's language.

ckanext-harvest's source form prints each harvester's ``info()`` title and description as
given (its ``harvester_types`` helper translates the title, its form does not); ours are English
msgids marked with ``N_`` (air4thai.py, agency_ckan.py), so the Thai catalogue has them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.harvesters.recorded_messages import localised


@tk.chained_helper
def harvesters_info(next_helper: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """ckanext-harvest's ``harvesters_info`` with titles and descriptions translated."""
    return [{**info, **{key: tk._(info[key]) for key in ("title", "description") if info.get(key)}}
            for info in next_helper()]


def _localise(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        if isinstance(entry.get("message"), str):
            entry["message"] = localised(entry["message"], tk._)


def pm25_localise_job_messages(job: dict[str, Any], report: dict[str, Any]) -> str:
    """The recorded errors and notes of a job page (``harvest_job_show``'s summaries,
    ``harvest_job_report``'s errors and notes) in the request's language, in these dicts made for
    this page alone; stored, and in the API, they stay English (recorded_messages.py)."""
    _localise(job.get("gather_error_summary") or [])
    _localise(job.get("object_error_summary") or [])
    _localise(report.get("gather_errors") or [])
    for section in ("object_errors", "notes"):
        for harvest_object in (report.get(section) or {}).values():
            _localise(harvest_object.get("errors") or harvest_object.get("notes") or [])
    return ""


HELPERS: dict[str, Callable[..., Any]] = {"harvesters_info": harvesters_info,
                                          "pm25_localise_job_messages": pm25_localise_job_messages}
