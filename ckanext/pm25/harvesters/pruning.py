"""Bounded harvest history: an hourly source makes one harvest object per station per run
(24,000 a day for 1,000 stations), each holding what was fetched. Objects of jobs that
finished more than ``ckanext.pm25.harvest.keep_job_days`` days ago are deleted with their
errors and extras, then those jobs with their gather errors; the current object of every
dataset is always kept (ckanext-harvest links the dataset to it and the import compares
with its fingerprint), and so is its job. The rule of ckanext-harvest's
``harvest_source_job_history_clear`` (keep current), bounded by age and for every source."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

# Objects that may go: not current, of a job that finished before the cut-off and holds no
# current object (a job's report would otherwise lose part of a dataset's record).
_PRUNABLE = """
    SELECT obj.id FROM harvest_object AS obj JOIN harvest_job AS job ON job.id = obj.harvest_job_id
    WHERE job.status = 'Finished' AND job.finished < :cutoff AND obj.current IS NOT TRUE
      AND NOT EXISTS (SELECT 1 FROM harvest_object AS kept
                      WHERE kept.harvest_job_id = job.id AND kept.current)"""
_OLD_JOBS = """
    SELECT job.id FROM harvest_job AS job
    WHERE job.status = 'Finished' AND job.finished < :cutoff
      AND NOT EXISTS (SELECT 1 FROM harvest_object AS obj WHERE obj.harvest_job_id = job.id)"""


@dataclass(frozen=True)
class Pruned:
    objects: int
    jobs: int


def keep_days() -> int:
    return int(tk.config.get("ckanext.pm25.harvest.keep_job_days"))


def prune(days: int | None = None, now: datetime | None = None) -> Pruned:
    """Delete the harvest history older than ``days`` (the configured number by default), in
    one transaction."""
    days = keep_days() if days is None else days
    if days < 1:
        raise ValueError("keep at least one day of harvest history")
    moment = now or datetime.now(timezone.utc)
    cutoff = (moment - timedelta(days=days)).astimezone(timezone.utc).replace(tzinfo=None)
    engine = model.meta.engine
    assert engine is not None, "CKAN's database engine is configured before pruning"
    with engine.begin() as connection:
        values = {"cutoff": cutoff}
        ids = [row[0] for row in connection.execute(sa.text(_PRUNABLE), values)]
        for start in range(0, len(ids), 10000):
            chunk = {"ids": tuple(ids[start:start + 10000])}
            for table in ("harvest_object_error", "harvest_object_extra"):
                connection.execute(sa.text(f"DELETE FROM {table} WHERE harvest_object_id IN :ids")
                                   .bindparams(sa.bindparam("ids", expanding=True)), chunk)
            connection.execute(sa.text("DELETE FROM harvest_object WHERE id IN :ids")
                               .bindparams(sa.bindparam("ids", expanding=True)), chunk)
        jobs = [row[0] for row in connection.execute(sa.text(_OLD_JOBS), values)]
        if jobs:
            chunk = {"ids": tuple(jobs)}
            connection.execute(sa.text("DELETE FROM harvest_gather_error WHERE harvest_job_id IN :ids")
                               .bindparams(sa.bindparam("ids", expanding=True)), chunk)
            connection.execute(sa.text("DELETE FROM harvest_job WHERE id IN :ids")
                               .bindparams(sa.bindparam("ids", expanding=True)), chunk)
    return Pruned(objects=len(ids), jobs=len(jobs))
