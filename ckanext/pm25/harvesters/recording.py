"""What went wrong, recorded against the job (:class:`HarvestGatherError`) or the object
(:class:`HarvestObjectError`) with the upstream URL and snippet, and the notes a job report
carries (a plain-http fallback). Recording never raises on its own account, so the job always
finishes and nothing is swallowed."""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError
from ckanext.pm25.harvesters.http import FetchError, FetchResult
from ckanext.pm25.harvesters.normalise import Issue, PayloadError

log = logging.getLogger(__name__)

FALLBACK_NOTICE = "Notice: plain-http fallback used"
# Issue codes that are already visible as a reading's quality_flag: not reported as errors.
VALUE_FLAG_CODES = frozenset({"missing", "sentinel", "non_numeric", "negative", "out_of_range"})


def _with_upstream(message: str, url: str | None, snippet: str | None) -> str:
    text = message
    if url:
        text += f" [{url}]"
    if snippet:
        text += f"\nUpstream: {snippet}"
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


def fetch_failure(what: str, error: FetchError) -> tuple[str, str | None, str | None]:
    status = f" (HTTP {error.status})" if error.status and error.kind != "http_status" else ""
    return (f"Could not fetch {what}: {error.kind}: {error.message}{status}", error.url,
            error.snippet or None)


def payload_failure(what: str, error: PayloadError) -> tuple[str, None, str | None]:
    return f"Unusable {what}: {error.message}", None, error.snippet or None


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
    record_gather_error(job, f"{FALLBACK_NOTICE}: the https certificate could not be verified, "
                             f"so data was fetched over unencrypted http as this source's "
                             f"allow_http_fallback permits", url=result.final_url)


def record_issues(obj: HarvestObject, issues: Iterable[Issue], stage: str) -> int:
    """Record record-level upstream issues on the object, one error per kind with the count and
    the first record as snippet. Value flags (sentinels and the like) are skipped: each
    reading carries them in ``quality_flag``. Returns the number of errors recorded."""
    grouped: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.code not in VALUE_FLAG_CODES:
            grouped[issue.code].append(issue)
    for code, group in grouped.items():
        first = group[0]
        count = f" ({len(group)} records)" if len(group) > 1 else ""
        record_object_error(obj, f"{code}: {first.message}{count}", stage, snippet=first.snippet)
    return len(grouped)
