"""Harvest-object bookkeeping: bulk creation, which objects are current for a source, and the
fingerprint extra that tells an unchanged item from a changed one."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra

FINGERPRINT_KEY = "pm25_fingerprint"


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


def _supersede(obj: HarvestObject, package_id: str) -> None:
    """``obj`` is the current object of ``package_id``; earlier objects of the same item are not."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == obj.guid,
        HarvestObject.harvest_source_id == obj.harvest_source_id,
        HarvestObject.id != obj.id).update({"current": False}, synchronize_session=False)
    obj.current = True
    obj.package_id = package_id


def stand_for(obj: HarvestObject, package_id: str) -> None:
    """Make ``obj`` the current object of ``package_id`` before the dataset is saved, in the
    same transaction, so the save's index document carries ``harvest_source_id``:
    ckanext-harvest's ``before_dataset_index`` reads it from the current object, and a dataset
    indexed before that is missing from its source's page. As ckanext-harvest's own
    ``HarvesterBase`` does it: the foreign key is deferred (the dataset may not exist yet) and
    the change flushed; a rollback after a refused save undoes it."""
    _supersede(obj, package_id)
    model.Session.add(obj)
    model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
    model.Session.flush()


def make_current(obj: HarvestObject, package_id: str, fingerprint: str | None = None, *,
                 commit: bool = True, extras: dict[str, str] | None = None) -> None:
    """This object now stands for the dataset; earlier objects of the same item do not.
    ``commit=False`` flushes only, for the import stage's last step: ckanext-harvest commits
    the object (its state and report status) as soon as the stage returns. ``extras`` are
    kept on the object beside the fingerprint."""
    _supersede(obj, package_id)
    kept = {**({FINGERPRINT_KEY: fingerprint} if fingerprint is not None else {}), **(extras or {})}
    for key, value in kept.items():
        extra = next((e for e in obj.extras if e.key == key), None)
        if extra is None:
            obj.extras.append(HarvestObjectExtra(key=key, value=value))
        else:
            extra.value = value
    if commit:
        obj.save()
        return
    model.Session.add(obj)
    model.Session.flush()


def make_withdrawn(obj: HarvestObject, package_id: str) -> None:
    """No object stands for the dataset any more (the report counts it as deleted)."""
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == obj.guid,
        HarvestObject.harvest_source_id == obj.harvest_source_id).update(
        {"current": False}, synchronize_session=False)
    obj.current = False
    obj.package_id = package_id
    obj.save()
