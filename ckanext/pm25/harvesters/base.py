"""What every pm25 harvester shares, on the CKAN side.

- the HTTP policy of a source: the site's limits (``ckanext.pm25.harvest.*``) with the source
  config's per-source options on top;
- recording what went wrong against the job (:class:`HarvestGatherError`) or the object
  (:class:`HarvestObjectError`), with the upstream snippet: the job always finishes and nothing
  is swallowed — an unexpected exception in a stage is recorded with its type and logged with
  its traceback, and the stage reports failure;
- one writer per harvested item at a time, across processes (a PostgreSQL advisory lock), so
  two fetch consumers handed the same object cannot both create its dataset;
- the DataStore table of hourly readings, upserted in batches on its primary key
  (station_id, datetime_utc), and the :class:`~ckanext.pm25.interfaces.IPm25Readings` hooks.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                   HarvestObjectError, HarvestObjectExtra, HarvestSource)
from ckanext.pm25.harvesters.datasets import Publisher
from ckanext.pm25.harvesters.http import FetchError, FetchResult, HttpPolicy
from ckanext.pm25.harvesters.normalise import Issue, PayloadError
from ckanext.pm25.harvesters.source_config import ConfigError, HttpOverrides, SourceConfig
from ckanext.pm25.interfaces import IPm25Readings

log = logging.getLogger(__name__)

FINGERPRINT_KEY = "pm25_fingerprint"
FALLBACK_NOTICE = "Notice: plain-http fallback used"
# Issue codes that are already visible as a reading's quality_flag: not reported as errors.
VALUE_FLAG_CODES = frozenset({"missing", "sentinel", "non_numeric", "negative", "out_of_range"})

DATASTORE_FIELDS: tuple[dict[str, Any], ...] = (
    {"id": "station_id", "type": "text",
     "info": {"label": "Station ID", "notes": "รหัสสถานี / upstream station id"}},
    {"id": "datetime_utc", "type": "timestamp",
     "info": {"label": "Hour (UTC)", "notes": "ต้นชั่วโมงของการตรวจวัด เวลา UTC / start of the "
                                                "measured hour, UTC"}},
    {"id": "datetime_local", "type": "text",
     "info": {"label": "Hour (Thai time)", "notes": "เวลาประเทศไทย ISO 8601 (+07:00) / the same "
                                                     "hour in Thai time, ISO 8601"}},
    {"id": "pm25", "type": "numeric",
     "info": {"label": "PM2.5 1-hour (µg/m³)", "notes": "ค่าเฉลี่ย 1 ชั่วโมง / hourly mean"}},
    {"id": "pm25_24h", "type": "numeric",
     "info": {"label": "PM2.5 24-hour (µg/m³)",
              "notes": "ค่าเฉลี่ยเคลื่อนที่ 24 ชั่วโมง (อย่างน้อย 18 ชั่วโมงที่มีค่า) / rolling "
                       "24-hour mean of at least 18 valid hours"}},
    {"id": "aqi_th", "type": "int",
     "info": {"label": "Thai AQI", "notes": "ดัชนีคุณภาพอากาศของกรมควบคุมมลพิษ / PCD AQI"}},
    {"id": "aqi_us", "type": "int",
     "info": {"label": "US EPA AQI", "notes": "US EPA AQI (2024)"}},
    {"id": "quality_flag", "type": "text",
     "info": {"label": "Quality flag", "notes": "ok หรือเหตุที่ไม่มีค่า / ok, or why a value is "
                                                "missing"}},
)
PRIMARY_KEY = ("station_id", "datetime_utc")


# --- configuration ---------------------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def user_agent() -> str:
    configured = tk.config.get("ckanext.pm25.harvest.user_agent")
    if configured:
        return configured
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    return f"ckanext-pm25-harvester/0.1 (+{site})" if site else "ckanext-pm25-harvester/0.1"


def http_policy(overrides: HttpOverrides) -> HttpPolicy:
    """The site's HTTP limits with a source's own options applied."""
    config = tk.config
    policy = HttpPolicy(
        connect_timeout=float(config.get("ckanext.pm25.harvest.connect_timeout")),
        read_timeout=float(config.get("ckanext.pm25.harvest.read_timeout")),
        total_timeout=float(config.get("ckanext.pm25.harvest.total_timeout")),
        retries=int(config.get("ckanext.pm25.harvest.retries")),
        backoff_factor=float(config.get("ckanext.pm25.harvest.backoff_factor")),
        max_retry_wait=float(config.get("ckanext.pm25.harvest.max_retry_wait")),
        max_bytes=int(config.get("ckanext.pm25.harvest.max_bytes")),
        user_agent=user_agent(),
        allowed_hosts=frozenset(tk.aslist(config.get("ckanext.pm25.harvest.allowed_hosts"))),
        portal_services=portal_services(),
    )
    changes: dict[str, Any] = {"allow_http_fallback": overrides.allow_http_fallback}
    for name in ("connect_timeout", "read_timeout", "retries", "backoff_factor"):
        value = getattr(overrides, name)
        if value is not None:
            changes[name] = value
    if overrides.max_bytes is not None:
        changes["max_bytes"] = min(overrides.max_bytes, policy.max_bytes)
    return replace(policy, **changes)


# The portal's own services: never a harvest destination (destinations.py).
PORTAL_SERVICE_KEYS = ("solr_url", "ckan.redis.url", "sqlalchemy.url", "ckan.datastore.write_url",
                       "ckan.datastore.read_url", "ckan.site_url")


def portal_services() -> frozenset[str]:
    return frozenset(str(value) for key in PORTAL_SERVICE_KEYS
                     if (value := tk.config.get(key)))


def upsert_batch_size() -> int:
    return int(tk.config.get("ckanext.pm25.harvest.upsert_batch_size"))


def translated(error: ConfigError) -> str:
    return "; ".join(f"{option}: {tk._(message) % params}"
                     for option, message, params in error.problems)


# --- acting as the harvester -----------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _site_user_name(site_id: str) -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def action_context() -> Context:
    """A fresh context for one action call, as the site user (CKAN mutates contexts)."""
    return {"user": _site_user_name(tk.config.get("ckan.site_id") or ""), "ignore_auth": True}


def call(action: str, data: dict[str, Any]) -> Any:
    return tk.get_action(action)(action_context(), data)


def publisher_for(source: HarvestSource, config: SourceConfig) -> Publisher:
    """The organisation of the harvest source publishes what it harvests. Raises ValueError
    when the source has none (datasets cannot be unowned here)."""
    source_package = model.Package.get(source.id)
    org_id = source_package.owner_org if source_package else None
    group = model.Group.get(org_id) if org_id else None
    if group is None:
        raise ValueError("the harvest source belongs to no organisation; set one so harvested "
                         "datasets have a publisher")
    return Publisher(
        source_id=source.id,
        source_name=source_package.name if source_package else source.id,
        owner_org=group.id,
        org_title=group.title or group.name,
        maintainer=config.maintainer,
        maintainer_email=config.maintainer_email or tk.config.get(
            "ckanext.pm25.harvest.maintainer_email") or None,
        license_id=config.license_id,
    )


def _schema(dataset_type: str) -> dict[str, Any]:
    return tk.get_action("scheming_dataset_schema_show")(
        {"ignore_auth": True}, {"type": dataset_type})


def schema_fields(dataset_type: str = "dataset") -> tuple[frozenset[str], frozenset[str]]:
    """(dataset field names, resource field names) of our scheming schema."""
    schema = _schema(dataset_type)
    return (frozenset(f["field_name"] for f in schema["dataset_fields"]),
            frozenset(f["field_name"] for f in schema["resource_fields"]))


def required_fields(dataset_type: str = "dataset") -> frozenset[str]:
    return frozenset(f["field_name"] for f in _schema(dataset_type)["dataset_fields"]
                     if f.get("required"))


# --- recording -------------------------------------------------------------------------------


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


@contextmanager
def item_lock(key: str) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock named ``key`` (session level, on its own connection so
    CKAN's commits inside the block do not release it)."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
    # autocommit: the lock needs no transaction, and SQLAlchemy 1.4 (CKAN 2.11) connections
    # have no commit()
    connection = model.meta.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": number})
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": number})
    finally:
        connection.close()


# --- harvest objects -------------------------------------------------------------------------


def insert_objects(job: HarvestJob, items: Iterable[dict[str, Any]], chunk: int = 200) -> list[str]:
    """Create harvest objects in bulk (``guid``, ``content``, optional ``metadata_modified_date``)
    without keeping ORM instances around: memory stays flat however many there are."""
    table = HarvestObject.__table__
    ids: list[str] = []
    batch: list[dict[str, Any]] = []
    now = datetime.utcnow()

    def flush() -> None:
        if batch:
            model.Session.execute(table.insert(), batch)
            model.Session.commit()
            batch.clear()

    for item in items:
        object_id = model.types.make_uuid()
        batch.append({
            "id": object_id, "guid": item["guid"], "content": item.get("content"),
            "harvest_job_id": job.id, "harvest_source_id": job.source_id, "state": "WAITING",
            "current": False, "gathered": now, "retry_times": 0,
            "metadata_modified_date": item.get("metadata_modified_date"),
        })
        ids.append(object_id)
        if len(batch) >= chunk:
            flush()
    flush()
    return ids


def current_objects(source_id: str) -> list[tuple[str, str | None, datetime | None]]:
    """(guid, package_id, metadata_modified_date) of the source's current objects."""
    rows = model.Session.query(HarvestObject.guid, HarvestObject.package_id,
                               HarvestObject.metadata_modified_date).filter(
        HarvestObject.harvest_source_id == source_id,
        HarvestObject.current == True).all()  # noqa: E712
    return [(guid, package_id, modified) for guid, package_id, modified in rows]


def previous_fingerprint(obj: HarvestObject) -> str | None:
    row = model.Session.query(HarvestObjectExtra.value).join(
        HarvestObject, HarvestObjectExtra.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.guid == obj.guid,
        HarvestObject.harvest_source_id == obj.harvest_source_id,
        HarvestObject.current == True,  # noqa: E712
        HarvestObjectExtra.key == FINGERPRINT_KEY).first()
    return row[0] if row else None


def make_current(obj: HarvestObject, package_id: str, fingerprint: str | None = None) -> None:
    """This object now stands for the dataset; earlier objects of the same item do not."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == obj.guid,
        HarvestObject.harvest_source_id == obj.harvest_source_id,
        HarvestObject.id != obj.id).update({"current": False}, synchronize_session=False)
    obj.current = True
    obj.package_id = package_id
    if fingerprint is not None:
        extra = next((e for e in obj.extras if e.key == FINGERPRINT_KEY), None)
        if extra is None:
            obj.extras.append(HarvestObjectExtra(key=FINGERPRINT_KEY, value=fingerprint))
        else:
            extra.value = fingerprint
    obj.save()


def make_withdrawn(obj: HarvestObject, package_id: str) -> None:
    """No object stands for the dataset any more (the report counts it as deleted)."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == obj.guid,
        HarvestObject.harvest_source_id == obj.harvest_source_id).update(
        {"current": False}, synchronize_session=False)
    obj.current = False
    obj.package_id = package_id
    obj.save()


# --- DataStore -------------------------------------------------------------------------------


def stored_rows(resource_id: str, station_id: str, limit: int) -> list[dict[str, Any]] | None:
    """The station's newest ``limit`` rows, newest first; None when there is no table yet."""
    try:
        result = call("datastore_search", {
            "resource_id": resource_id, "filters": {"station_id": station_id},
            "sort": "datetime_utc desc", "limit": limit, "include_total": False})
    except tk.ObjectNotFound:
        return None
    return list(result["records"])


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield [dict(row) for row in rows[start:start + size]]


def write_rows(resource_id: str, new: Sequence[dict[str, Any]], changed: Sequence[dict[str, Any]],
               *, table_exists: bool, after_batch: Callable[[list[dict[str, Any]]], None]) -> int:
    """Store readings in batches: rows not stored yet are inserted (one statement per batch),
    rows that differ from the stored ones are upserted on the primary key (station_id,
    datetime_utc); the table is created with the first batch when missing. ``after_batch``
    runs after each batch committed. A key that turns out to exist already (a writer outside
    the harvester) makes its batch an upsert instead: never a duplicate, never an error."""
    size = upsert_batch_size()
    batches = [("insert", batch) for batch in _chunks(new, size)] + \
              [("upsert", batch) for batch in _chunks(changed, size)]
    if not table_exists:
        first = batches.pop(0)[1] if batches and batches[0][0] == "insert" else []
        call("datastore_create", {
            "resource_id": resource_id, "fields": list(DATASTORE_FIELDS),
            "primary_key": list(PRIMARY_KEY), "force": True, "records": first,
            "calculate_record_count": not batches})
        if first:
            after_batch(first)
    for position, (method, batch) in enumerate(batches):
        data = {"resource_id": resource_id, "records": batch, "method": method, "force": True,
                "calculate_record_count": position == len(batches) - 1}
        try:
            call("datastore_upsert", data)
        except tk.ValidationError:
            if method != "insert":
                raise
            model.Session.rollback()
            call("datastore_upsert", {**data, "method": "upsert"})
        after_batch(batch)
    return len(new) + len(changed)


@contextmanager
def batched_solr_commits() -> Iterator[None]:
    """Index datasets without a Solr commit each, committing at most every
    ``ckanext.pm25.harvest.solr_commit_seconds`` instead.

    A hard commit per dataset (CKAN's default, ``ckan.search.solr_commit``) costs more than the
    rest of a station's import. During an import stage this process turns CKAN's switch off
    and commits when the interval has passed; whatever is left is committed by the next
    commit: ckanext-harvest's ``harvest_jobs_run`` reindexes the source when it marks a job
    finished, and ``ckan pm25 harvest run-due`` commits at its end. Harvest consumers are
    single-threaded processes, so switching the process-wide setting affects no one else.
    """
    interval = float(tk.config.get("ckanext.pm25.harvest.solr_commit_seconds"))
    if interval <= 0 or not tk.asbool(tk.config.get("ckan.search.solr_commit")):
        yield
        return
    tk.config["ckan.search.solr_commit"] = False
    try:
        yield
    finally:
        tk.config["ckan.search.solr_commit"] = True
        now = time.monotonic()
        if now - _last_solr_commit[0] >= interval:
            commit_search_index()


_last_solr_commit = [0.0]


def commit_search_index() -> None:
    from ckan.lib import search
    search.commit()
    _last_solr_commit[0] = time.monotonic()


# --- hooks -----------------------------------------------------------------------------------


def notify_readings_stored(obj: HarvestObject, dataset: dict[str, Any], resource_id: str,
                           rows: list[dict[str, Any]]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.readings_stored(dataset, resource_id, rows)
        except Exception as error:  # a hook's failure is recorded, and the readings stay stored
            model.Session.rollback()
            log.exception("readings_stored hook of %s failed", plugin.name)
            record_object_error(obj, f"The readings were stored, but the readings_stored hook "
                                     f"of {plugin.name} failed: {error!r}", "Import")


def notify_station_status_changed(obj: HarvestObject, dataset: dict[str, Any]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.station_status_changed(dataset)
        except Exception as error:  # as above: recorded, the dataset change stands
            model.Session.rollback()
            log.exception("station_status_changed hook of %s failed", plugin.name)
            record_object_error(obj, f"The station dataset was saved, but the "
                                     f"station_status_changed hook of {plugin.name} failed: "
                                     f"{error!r}", "Import")


def validation_message(error: tk.ValidationError) -> str:
    detail = error.error_dict if isinstance(error.error_dict, dict) else error.error_summary
    return json.dumps(detail, ensure_ascii=False, default=str)[:2000]


# --- the base plugin -------------------------------------------------------------------------


class Pm25HarvesterBase(plugins.SingletonPlugin):
    """IHarvester with the stages wrapped so an unexpected exception is recorded against the
    job or object (never lost, never killing the queue consumer) and the job still finishes.
    Subclasses implement ``info``, ``parse_config`` and ``gather``/``fetch``/``do_import``."""

    plugins.implements(IHarvester)
    plugins.implements(plugins.IActions)

    def info(self) -> dict[str, str]:
        raise NotImplementedError

    # IActions: a source's URL is checked when the source is created or updated
    def get_actions(self) -> dict[str, Callable[..., Any]]:
        from ckanext.pm25.harvesters.source_url import actions_for
        return dict(actions_for(self.info()["name"]))

    def parse_config(self, text: str | None) -> SourceConfig:
        raise NotImplementedError

    def gather(self, job: HarvestJob, config: Any) -> list[str]:
        raise NotImplementedError

    def fetch(self, obj: HarvestObject, config: Any) -> bool | str:
        raise NotImplementedError

    def do_import(self, obj: HarvestObject, config: Any) -> bool | str:
        raise NotImplementedError

    # IHarvester

    def validate_config(self, config: str | None) -> str | None:
        try:
            self.parse_config(config)
        except ConfigError as error:
            raise ValueError(translated(error)) from error
        return config

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        try:
            config = self.parse_config(harvest_job.source.config)
        except ConfigError as error:
            record_gather_error(harvest_job, f"Invalid source configuration: {error}")
            return []
        try:
            return self.gather(harvest_job, config)
        except Exception as error:
            model.Session.rollback()
            log.exception("gather of job %s failed", harvest_job.id)
            record_gather_error(harvest_job, f"Unexpected error in gather: {error!r}\n"
                                             f"{_last_frames()}")
            return []

    def fetch_stage(self, harvest_object: HarvestObject) -> bool | str:
        return self._run_object_stage(self.fetch, harvest_object, "Fetch")

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        return self._run_object_stage(self.do_import, harvest_object, "Import")

    def _run_object_stage(self, stage: Callable[[HarvestObject, Any], bool | str],
                          obj: HarvestObject, name: str) -> bool | str:
        try:
            config = self.parse_config(obj.source.config)
        except ConfigError as error:
            record_object_error(obj, f"Invalid source configuration: {error}", name)
            return False
        try:
            return stage(obj, config)
        except Exception as error:
            model.Session.rollback()
            log.exception("%s of harvest object %s (%s) failed", name, obj.id, obj.guid)
            record_object_error(obj, f"Unexpected error in {name.lower()}: {error!r}\n"
                                     f"{_last_frames()}", name)
            return False


def _last_frames(limit: int = 3) -> str:
    return "".join(traceback.format_exc(limit=-limit).splitlines(keepends=True)[-12:])[:1500]
