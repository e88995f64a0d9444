"""The job-level merge of an hourly station run: the stations whose metadata cannot have changed
since their last import ("steady" stations) are fetched and imported together, one harvest
object of the batch carrying the others, so a run that brings only new readings costs one queue
message, one stored-hours query per store and one COPY + merge per store for a whole batch,
not a round trip per station.

Each station keeps its own harvest object (made by gather as before), so the job report counts
stations and a station's faults are recorded on its own object. Gather queues only the first
object of each batch (its *leader*); the leader's fetch and import stages handle every member
and give each member the state and report status ckanext-harvest would have given it.

A station is steady when its current object's steady key (what the dataset is made from: the
upstream station record, the source's config, its publisher, the placement rule) is the one gather
computes now, its dataset is active and not marked inactive, its "Hourly measurements" link
points at the store its privacy asks for, and the snapshot's hour falls within its temporal
coverage. The import checks the last two again with the rows fetched; a member that fails them
is imported on its own (the per-station import), so what the catalogue shows is never stale.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra
from ckanext.pm25.harvesters.datasets import (Publisher, fingerprint, hourly_resource_id,
                                              series_id, StationNetwork, store_resource_id)
from ckanext.pm25.harvesters.objects import FINGERPRINT_KEY
from ckanext.pm25.measurements.links import series_download_url

STEADY_KEY = "pm25_steady"
BATCH_KEY = "pm25_batch"
BATCH_SIZE = 250


def steady_key(station: Mapping[str, Any], source_config: str | None, publisher: Publisher) -> str:
    """A digest of everything a station dataset is made from except its readings."""
    return fingerprint({"station": dict(station), "config": source_config or "",
                        "publisher": asdict(publisher),
                        "snap_m": str(tk.config.get("ckanext.pm25.harvest.station_snap_m"))})


@dataclass(frozen=True)
class Candidate:
    """A listed station as gather sees it: its GUID, steady key and snapshot's Thai day."""

    guid: str
    station_id: str
    key: str
    day: str | None


def expected_link(source_id: str, package_id: str, private: bool, station_id: str,
                  network: StationNetwork) -> str:
    return series_download_url(tk.config.get("ckan.site_url"), store_resource_id(source_id, private),
                               series_id(station_id, network))


def steady_stations(source_id: str, candidates: Iterable[Candidate],
                    network: StationNetwork) -> dict[str, str]:
    """GUID → package id of the candidates that are steady (read in three queries; on CKAN 2.11 each
    dataset's extras are one more)."""
    wanted = {candidate.guid: candidate for candidate in candidates if candidate.day}
    if not wanted:
        return {}
    current = model.Session.query(HarvestObject.guid, HarvestObject.package_id,
                                  HarvestObjectExtra.value).join(
        HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id).filter(
        HarvestObject.harvest_source_id == source_id, HarvestObject.current == True,  # noqa: E712
        HarvestObject.guid.in_(list(wanted)), HarvestObjectExtra.key == STEADY_KEY).all()
    keyed = {guid: package_id for guid, package_id, key in current
             if package_id and key == wanted[guid].key}
    if not keyed:
        return {}
    # whole rows: a dataset's extras are a column on CKAN 2.12 but an association proxy on 2.11,
    # which a column query cannot select
    packages = {package.id: package for package in model.Session.query(model.Package).filter(
        model.Package.id.in_(list(keyed.values())))}
    links: dict[str, str] = {resource_id: url for resource_id, url in model.Session.query(
        model.Resource.id, model.Resource.url).filter(
        model.Resource.id.in_([hourly_resource_id(p) for p in keyed.values()]),
        model.Resource.state == "active")}
    steady = {}
    for guid, package_id in keyed.items():
        package, candidate = packages.get(package_id), wanted[guid]
        if package is None or not within_coverage(package.state, package.extras, [candidate.day]):
            continue
        if links.get(hourly_resource_id(package_id)) == expected_link(
                source_id, package_id, bool(package.private), candidate.station_id, network):
            steady[guid] = package_id
    return steady


def within_coverage(state: str, extras: Mapping[str, Any] | None, days: Sequence[str | None]) -> bool:
    """The dataset is active, not marked inactive, and covers every one of ``days``."""
    extras = extras or {}
    start, end = extras.get("temporal_start"), extras.get("temporal_end")
    if state != "active" or extras.get("station_status") == "inactive" or not start or not end:
        return False
    return all(day is not None and start <= day <= end for day in days)


def queue_batches(job: HarvestJob, ids: Sequence[str], guids: Sequence[str],
                  steady: Mapping[str, str], size: int = BATCH_SIZE) -> list[str]:
    """The object ids to queue: every object of a station that is not steady, and the leader of
    each batch of steady ones (its members listed on it, their package ids set)."""
    alone = [object_id for object_id, guid in zip(ids, guids, strict=True) if guid not in steady]
    batched = [(object_id, guid) for object_id, guid in zip(ids, guids, strict=True) if guid in steady]
    if not batched:
        return alone
    table = HarvestObject.__table__
    model.Session.execute(table.update().where(table.c.id == sa.bindparam("object_id")).values(
        package_id=sa.bindparam("package")),
        [{"object_id": object_id, "package": steady[guid]} for object_id, guid in batched])
    leaders = []
    for start in range(0, len(batched), size):
        members = [object_id for object_id, _ in batched[start:start + size]]
        model.Session.add(HarvestObjectExtra(harvest_object_id=members[0], key=BATCH_KEY,
                                             value=json.dumps(members)))
        leaders.append(members[0])
    model.Session.commit()
    return alone + leaders


def batch_of(obj: HarvestObject) -> list[HarvestObject] | None:
    """The objects of the batch ``obj`` leads (itself first), None when it leads none."""
    listed = next((e.value for e in obj.extras if e.key == BATCH_KEY), None)
    if listed is None:
        return None
    ids = json.loads(listed)
    found = {o.id: o for o in model.Session.query(HarvestObject).filter(HarvestObject.id.in_(ids))}
    return [found[object_id] for object_id in ids if object_id in found]


def claim_members(leader: HarvestObject, members: Sequence[HarvestObject]) -> list[HarvestObject]:
    """The leader and the members this batch now holds: each WAITING member becomes FETCH in
    one statement (as :func:`..consumers.claim` takes a queued object), so a member that
    ckanext-harvest re-queued and another consumer took is left to it; the members held are
    listed on the leader for its import."""
    others = [m.id for m in members if m.id != leader.id]
    table = HarvestObject.__table__
    claimed = {row[0] for row in model.Session.execute(table.update().where(
        table.c.id.in_(others), table.c.state == "WAITING").values(
        state="FETCH", fetch_started=datetime.utcnow()).returning(table.c.id))}
    held = [leader, *(m for m in members if m.id in claimed)]
    extra = next(e for e in leader.extras if e.key == BATCH_KEY)
    extra.value = json.dumps([m.id for m in held])
    model.Session.commit()
    for member in held:
        model.Session.refresh(member)
    return held


def importing(obj: HarvestObject) -> None:
    """A member enters its import, as ckanext-harvest marks a queued object."""
    obj.import_started = datetime.utcnow()
    obj.state = "IMPORT"


def finished(obj: HarvestObject, outcome: bool | str, stage: str) -> None:
    """A member's stage ended with ``outcome`` (a stage's return value): state and report status
    as ckanext-harvest's ``fetch_and_import_stages`` sets them (members are always updates of a
    current dataset)."""
    now = datetime.utcnow()
    if stage == "FETCH":
        obj.fetch_finished = now
    else:
        obj.import_finished = now
    if not outcome:
        obj.state, obj.report_status = "ERROR", "errored"
    elif stage == "IMPORT":
        obj.state = "COMPLETE"
        obj.report_status = "not modified" if outcome == "unchanged" else "updated"


def make_current(objects: Sequence[HarvestObject]) -> None:
    """The batch's objects now stand for their datasets in place of their current objects,
    whose fingerprint and steady key they take over (nothing about the datasets changed)."""
    if not objects:
        return
    ids = [o.id for o in objects]
    source_id = objects[0].harvest_source_id
    params = {"ids": ids, "source": source_id, "keys": [FINGERPRINT_KEY, STEADY_KEY]}
    model.Session.execute(sa.text("""
        INSERT INTO harvest_object_extra (id, harvest_object_id, key, value)
        SELECT gen_random_uuid()::text, new.id, extra.key, extra.value
          FROM harvest_object AS new
          JOIN harvest_object AS old ON old.guid = new.guid AND old.harvest_source_id = new.harvest_source_id
                                    AND old.current AND old.id <> new.id
          JOIN harvest_object_extra AS extra ON extra.harvest_object_id = old.id AND extra.key = ANY(:keys)
         WHERE new.id = ANY(:ids)"""), params)
    model.Session.execute(sa.text("""
        UPDATE harvest_object SET current = false
         WHERE harvest_source_id = :source AND current AND NOT (id = ANY(:ids))
           AND guid IN (SELECT guid FROM harvest_object WHERE id = ANY(:ids))"""), params)
    model.Session.execute(sa.text("UPDATE harvest_object SET current = true WHERE id = ANY(:ids)"),
                          params)
    for obj in objects:
        obj.current = True
    model.Session.commit()  # kept even if a member imported on its own after this rolls back
