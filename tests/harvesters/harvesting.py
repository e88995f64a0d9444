"""Helpers for the harvester tests: sources created through the action API, jobs run through the
real Redis queues with ckanext-harvest's own consumer callbacks, and what a user would see
afterwards (datasets, DataStore rows, the job report)."""
from __future__ import annotations

import configparser
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ckan import model
from ckan.tests import factories, helpers

from ckanext.harvest.model import HarvestObject, HarvestObjectError
from ckanext.pm25.harvesters import runner
from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.measurements.links import parse_series_download_url
from ckanext.pm25.measurements.station_rows import station_row
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

CONTACT = "air@example.go.th"


def now_thai_hour() -> datetime:
    """The current hour in Thai time, naive: the imitation server's ``now_local``."""
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def config_allowing(folder: Path, ini: str, *urls: str) -> str:
    """A configuration file for a consumer process: ``ini`` with the imitation servers at
    ``urls`` allowed as harvest destinations (what ``allow_upstream`` does in this process)."""
    path = folder / "allowing-upstream.ini"
    path.write_text(f"[app:main]\nuse = config:{Path(ini).resolve()}\n"
                    f"{ALLOWED_HOSTS} = {' '.join(map(origin_of, urls))}\n\n{logging_sections(ini)}",
                    encoding="utf-8")
    return str(path)


def logging_sections(ini: str) -> str:
    """The logging sections of ``ini``, as text: CKAN 2.11's CLI configures logging from the
    file it is given alone (2.12 also reads the chained files), and fails without them."""
    parser = configparser.RawConfigParser()
    parser.read(ini, encoding="utf-8")
    out = io.StringIO()
    logging_only = configparser.RawConfigParser()
    for section in parser.sections():
        if section in ("loggers", "handlers", "formatters") or section.startswith(
                ("logger_", "handler_", "formatter_")):
            logging_only[section] = dict(parser.items(section, raw=True))
    logging_only.write(out)
    return out.getvalue()


def sysadmin_context() -> dict[str, Any]:
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


def make_source(url: str, source_type: str, config: dict[str, Any] | None = None, *,
                name: str = "source", org: dict[str, Any] | None = None,
                user: dict[str, Any] | None = None) -> dict[str, Any]:
    """A harvest source made through the action API by ``user`` (a new sysadmin by default)."""
    org = org or factories.Organization(name=f"{name}-org", title="กรมควบคุมมลพิษ")
    if source_type == "pm25_air4thai":
        config = {"maintainer_email": CONTACT, **(config or {})}
    context = {"user": user["name"], "ignore_auth": False} if user else sysadmin_context()
    return helpers.call_action(
        "harvest_source_create", context=context, name=name, title=name, url=url,
        source_type=source_type, owner_org=org["id"], config=json.dumps(config or {}))


def run_job(source: dict[str, Any]) -> dict[str, Any]:
    """One job of ``source``, through the Redis gather and fetch queues, to its end."""
    return runner.run_through_queues(source["id"], timeout=300)


def report(job: dict[str, Any]) -> dict[str, Any]:
    return helpers.call_action("harvest_job_report", id=job["id"])


def gather_messages(job: dict[str, Any]) -> list[str]:
    return [error["message"] for error in report(job)["gather_errors"]]


def object_messages(job: dict[str, Any]) -> dict[str, list[str]]:
    """guid → error messages of the job's objects."""
    rows = model.Session.query(HarvestObject.guid, HarvestObjectError.message).join(
        HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job["id"]).all()
    found: dict[str, list[str]] = {}
    for guid, message in rows:
        found.setdefault(guid, []).append(message)
    return found


def object_notes(job: dict[str, Any]) -> dict[str, list[str]]:
    """guid → data-quality notes of the job's objects, as the job report shows them."""
    return {item["guid"]: [note["message"] for note in item["notes"]]
            for item in report(job)["notes"].values()}


def datasets(**filters: Any) -> list[dict[str, Any]]:
    """Active datasets (not harvest sources), as package_show shows them, by name."""
    query = model.Session.query(model.Package.id).filter(
        model.Package.type == "dataset", model.Package.state == "active")
    for key, value in filters.items():
        query = query.filter(getattr(model.Package, key) == value)
    shown = [helpers.call_action("package_show", id=row[0]) for row in query.all()]
    return sorted(shown, key=lambda d: d["name"])


def stations(**filters: Any) -> list[dict[str, Any]]:
    """Active station datasets (not the networks' store datasets), by name."""
    return [d for d in datasets(**filters) if d.get("station_id")]


def dataset(name: str) -> dict[str, Any]:
    return helpers.call_action("package_show", id=name)


def hourly_resource(dataset_dict: dict[str, Any]) -> dict[str, Any]:
    matches = [r for r in dataset_dict["resources"] if r["name"] == "Hourly measurements"]
    assert len(matches) == 1, dataset_dict["resources"]
    return matches[0]


def store_of(dataset_dict: dict[str, Any]) -> tuple[str, str]:
    """(store resource id, series id) the station's "Hourly measurements" link downloads."""
    found = parse_series_download_url(hourly_resource(dataset_dict)["url"])
    assert found is not None, hourly_resource(dataset_dict)
    return found


def rows(dataset_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stored PM2.5 reading of a station dataset, oldest first, read from its network's
    measurement store with datastore_search as an API user would."""
    store_id, series = store_of(dataset_dict)
    result = helpers.call_action("datastore_search", resource_id=store_id,
                                 filters={"series_id": series, "parameter": "pm25"},
                                 sort="hour_utc", limit=32000)
    return [station_row(record, dataset_dict["station_id"]) for record in result["records"]]


def all_rows() -> dict[str, list[dict[str, Any]]]:
    return {d["name"]: rows(d) for d in datasets() if d.get("station_id")}


def stats(job: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in job["stats"].items() if v}
