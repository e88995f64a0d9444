"""The CKAN side of the summary: the database engine, the configured limits, and what the plugin
hands over from IPm25Readings and IPackageController.

Writes run in their own transaction on CKAN's engine, never in the ORM session, so a harvester's
pending session state is neither committed nor rolled back by the summary.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from ckanext.pm25.readings import area_store, store
from ckanext.pm25.readings.records import Freshness

log = logging.getLogger(__name__)

UNDEFINED_TABLE = "42P01"


@contextmanager
def writing() -> Iterator[Connection]:
    assert model.meta.engine is not None, "CKAN's database engine is not configured"
    with model.meta.engine.begin() as conn:
        yield conn


@contextmanager
def reading() -> Iterator[Connection]:
    assert model.meta.engine is not None, "CKAN's database engine is not configured"
    with model.meta.engine.connect() as conn:
        yield conn


def now() -> datetime:
    return datetime.now(timezone.utc)


def freshness() -> Freshness:
    return Freshness(now(), timedelta(hours=tk.config.get("ckanext.pm25.dashboard.stale_after_hours")))


# IPm25Readings


def low_cost_in_mean() -> bool:
    return bool(tk.config.get("ckanext.pm25.dashboard.low_cost_in_province_mean"))


def readings_stored(dataset: dict[str, Any], resource_id: str, rows: list[dict[str, Any]]) -> None:
    with writing() as conn:
        count = store.record_readings(conn, dataset, resource_id, rows, low_cost_in_mean=low_cost_in_mean())
    log.debug("Summary: %s readings of %s", count, dataset.get("name"))


def stations_readings_stored(batches: list[tuple[dict[str, Any], str, list[dict[str, Any]]]]) -> None:
    """Several stations' readings in one transaction, the touched aggregates refreshed once."""
    low_cost = low_cost_in_mean()
    with writing() as conn:
        count = store.record_many(conn, [(store.station_info(dataset, low_cost_in_mean=low_cost),
                                          resource_id, rows) for dataset, resource_id, rows in batches])
    log.debug("Summary: %s readings of %s stations", count, len(batches))


def areas_stored(areas: list[dict[str, Any]]) -> None:
    with writing() as conn:
        count = area_store.record_areas(conn, areas)
    log.debug("Summary: %s modelled areas", count)


def station_status_changed(dataset: dict[str, Any]) -> None:
    with writing() as conn:
        store.update_station(conn, store.station_info(dataset, low_cost_in_mean=low_cost_in_mean()),
                             create=True)


# IPackageController: a dataset edit never fails because of the summary; without its tables
# (the pm25 migration not applied yet) the summary is skipped with a warning.


def is_unmigrated(error: ProgrammingError) -> bool:
    return getattr(error.orig, "pgcode", None) == UNDEFINED_TABLE


@contextmanager
def _unless_unmigrated() -> Iterator[None]:
    try:
        yield
    except ProgrammingError as error:
        if not is_unmigrated(error):
            raise
        log.warning("The PM2.5 summary tables are missing: apply the migrations (ckan db upgrade -p pm25)")


def dataset_updated(data: dict[str, Any]) -> None:
    """Any dataset edit: a station already in the summary follows its dataset (moved, marked
    inactive); other datasets cost one indexed look-up. Deleting it or making it private needs
    nothing here: the read path joins CKAN's ``package`` table (see ``store``)."""
    if not data.get("id"):
        return
    with _unless_unmigrated(), writing() as conn:
        store.update_station(conn, store.station_info(data, low_cost_in_mean=low_cost_in_mean()))
