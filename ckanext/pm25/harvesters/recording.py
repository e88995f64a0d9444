"""What went wrong, recorded against the job (:class:`HarvestGatherError`) or the object
(:class:`HarvestObjectError`) with the upstream URL and snippet, and the notice of a plain-http
fallback. Data-quality notes (what was corrected, converted, de-duplicated or held back in an
upstream record that was used) are not failures: they are recorded on the object as
``pm25_note`` extras (:class:`HarvestObjectExtra`), outside ckanext-harvest's error tables, so
the job's error count stays the failures' (the report shows them apart: :mod:`.notes`).
Recording never raises on its own account, so the job always finishes and nothing is
swallowed."""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError,
                                   HarvestObjectExtra)
from ckanext.pm25.harvesters.http import FetchError, FetchResult
from ckanext.pm25.harvesters.normalise import Issue, PayloadError
from ckanext.pm25.harvesters.recorded_messages import (FETCH_FAILED, HTTP_FALLBACK, UNUSABLE,
                                                       UPSTREAM_SEPARATOR, english)

log = logging.getLogger(__name__)

FALLBACK_NOTICE = "Notice: plain-http fallback used"  # how HTTP_FALLBACK begins
NOTE_KEY = "pm25_note"
# Issue codes that are already visible as a reading's quality_flag: not reported as errors.
VALUE_FLAG_CODES = frozenset({"missing", "sentinel", "non_numeric", "negative", "out_of_range"})
# Issue codes of a record that was used as it should be: corrected (swapped coordinates),
# converted (a Buddhist-era year), de-duplicated (the first of two kept) or held back by rule (a
# reading dated in the future). Notes, not errors; every other code lost something (a value, a
# reading, a record) and stays an error.
NOTE_CODES = frozenset({"coords_swapped", "buddhist_era_year", "duplicate_station",
                        "duplicate_reading", "future"})


def _with_upstream(message: str, url: str | None, snippet: str | None) -> str:
    text = message
    if url:
        text += f" [{url}]"
    if snippet:
        text += f"{UPSTREAM_SEPARATOR}{snippet}"
    return text


def record_gather_error(job: HarvestJob, message: str, *, url: str | None = None,
                        snippet: str | None = None) -> None:
    text = _with_upstream(message, url, snippet)
    log.warning("Harvest job %s: %s", job.id, text)
    HarvestGatherError.create(text, job)


def record_object_error(obj: HarvestObject, message: str, stage: str, *, url: str | None = None,
                        snippet: str | None = None) -> None:
    text = _with_upstream(message, url, snippet)
    log.warning("Harvest object %s (%s): %s", obj.id, obj.guid, text)
    HarvestObjectError.create(text, obj, stage)


def record_object_note(obj: HarvestObject, message: str, *, snippet: str | None = None,
                       commit: bool = True) -> None:
    """A data-quality note on the object (not an error: the job's error count leaves it out).
    ``commit=False`` leaves it to the object's next save (one commit fewer per object), for a
    caller that saves the object next and records the note again if it rolls back first."""
    text = _with_upstream(message, None, snippet)
    log.info("Harvest object %s (%s), note: %s", obj.id, obj.guid, text)
    obj.extras.append(HarvestObjectExtra(key=NOTE_KEY, value=text))
    if not commit:
        return
    try:
        model.Session.commit()
    except Exception:  # recording never stops the stage; the note is in the log
        log.exception("Could not record a note on harvest object %s", obj.id)
        model.Session.rollback()


def fetch_failure(what: str, error: FetchError) -> tuple[str, str | None, str | None]:
    status = f" (HTTP {error.status})" if error.status and error.kind != "http_status" else ""
    return (english(FETCH_FAILED, what=what, kind=error.kind, detail=f"{error.message}{status}"),
            error.url, error.snippet or None)


def payload_failure(what: str, error: PayloadError) -> tuple[str, None, str | None]:
    return english(UNUSABLE, what=what, detail=error.message), None, error.snippet or None


def upstream_failure(what: str, error: FetchError | PayloadError, url: str) -> tuple[str, str | None, str | None]:
    """(message, url, snippet) for a request that failed or answered something unusable at ``url``."""
    if isinstance(error, FetchError):
        return fetch_failure(what, error)
    message, _, snippet = payload_failure(what, error)
    return message, url, snippet


def validation_message(error: tk.ValidationError) -> str:
    detail = error.error_dict if isinstance(error.error_dict, dict) else error.error_summary
    return json.dumps(detail, ensure_ascii=False, default=str)[:2000]


def report_fallback(job_id: str, result: FetchResult) -> None:
    """Say in the job report (once per job) that a fetch went over plain http."""
    if not result.used_http_fallback:
        return
    exists = model.Session.query(HarvestGatherError.id).filter(
        HarvestGatherError.harvest_job_id == job_id,
        HarvestGatherError.message.like(f"{FALLBACK_NOTICE}%")).first()
    if exists:
        return
    job = HarvestJob.get(job_id)
    record_gather_error(job, english(HTTP_FALLBACK), url=result.final_url)


def record_issues(obj: HarvestObject, issues: Iterable[Issue], stage: str) -> int:
    """Record record-level upstream issues on the object, one error (or note, for
    :data:`NOTE_CODES`) per kind with the count and the first record as snippet. Value flags
    (sentinels and the like) are skipped: each reading carries them in ``quality_flag``.
    Returns the number of errors recorded."""
    grouped: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.code not in VALUE_FLAG_CODES:
            grouped[issue.code].append(issue)
    errors = 0
    for code, group in grouped.items():
        first = group[0]
        count = f" ({len(group)} records)" if len(group) > 1 else ""
        message = f"{code}: {first.message}{count}"
        if code in NOTE_CODES:
            record_object_note(obj, message, snippet=first.snippet)
        else:
            record_object_error(obj, message, stage, snippet=first.snippet)
            errors += 1
    return errors
