"""Solr commits during harvesting: batched over an interval instead of one per dataset."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import ckan.plugins.toolkit as tk

_last_solr_commit = [0.0]


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


def commit_search_index() -> None:
    from ckan.lib import search
    search.commit()
    _last_solr_commit[0] = time.monotonic()
