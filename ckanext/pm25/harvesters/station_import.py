"""What every station-like source does with its stations once fetched: one dataset per station
(``package_create``/``package_update`` through the PM2.5 schema, only when its metadata
changed), its new or changed hourly rows merged into the source's measurement store, its place
and provinces from its coordinates, a station missing from a usable upstream list marked
inactive (never deleted). Air4Thai's, DustBoy's and OpenAQ's harvesters share it; what sets
their datasets apart is their :class:`~ckanext.pm25.harvesters.datasets.StationNetwork`, and a
source whose stations carry more than a :class:`Station` (OpenAQ's locations: provider, owner,
licence, a duplicate of another source's station) overrides the hooks ``_station``,
``_dataset``, ``_provenance``, ``_stores`` and ``_republished``.

A harvest object's content, written by the source's fetch stage, is
``{"station": Station as a dict, "rows": [...], "latest": row | None, "fill_only": [...],
"window": {"store_start", "end"}, "seen_at": ISO time}`` (the station under the key
``content_key``), or ``{"gone": true, "station_id"}``.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo import geometry, provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.geo.lookup import Placement
from ckanext.pm25.harvesters import (locks, network, objects, publishing, readings_writer, recording,
                                      site_user, solr_commits, stages, station_batches, station_privacy)
from ckanext.pm25.harvesters.recorded_messages import CANNOT_IMPORT, english
from ckanext.pm25.harvesters.datasets import (AIR4THAI, DEFAULT_LICENSE, Publisher, StationNetwork,
                                              bounded_name, fingerprint, hourly_resource,
                                              hourly_resource_id, series_id, station_dataset,
                                              station_name, station_package_id,
                                              store_resource_id)
from ckanext.pm25.measurements import series_reads
from ckanext.pm25.measurements.bulk import merge
from ckanext.pm25.measurements.links import series_download_url
from ckanext.pm25.measurements.station_rows import PM25, measurement, station_row
from ckanext.pm25.harvesters.normalise import Reading, Station, reading_to_row
from ckanext.pm25.harvesters.series import HistoryWindow, changed_rows, with_rolling_means, without_hours
from ckanext.pm25.harvesters.source_config import StationSourceConfig
from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.common.times import HOUR, parse_utc


def future_tolerance() -> timedelta:
    return timedelta(minutes=int(tk.config.get("ckanext.pm25.harvest.future_tolerance_minutes")))


def window_rows(history: list[Reading], snapshot: Reading | None, window: HistoryWindow,
                ) -> dict[str, Any]:
    """What the fetch stage hands to the import: the rows of the window's hours with their
    24-hour means (readings dated in the future left out), the snapshot's value added for an
    hour the history lacks (``fill_only``: it fills a missing hour, never replaces a stored one)
    and the window."""
    readings = [r for r in history if "future" not in r.quality_flag.split(",")]
    fill_only: list[str] = []
    if snapshot is not None and snapshot.datetime_utc >= window.store_start \
            and all(r.datetime_utc != snapshot.datetime_utc for r in readings):
        readings.append(snapshot)
        fill_only.append(reading_to_row(snapshot)["datetime_utc"])
    return {"rows": [reading_to_row(r) for r in with_rolling_means(readings, window.store_start)],
            "fill_only": fill_only,
            "window": {"store_start": window.store_start.isoformat(), "end": window.end.isoformat()}}


def station_from(data: dict[str, Any]) -> Station:
    return Station(**{**data, "flags": tuple(data.get("flags") or ())})


class StationHarvesterBase(stages.Pm25HarvesterBase):
    """The import stage of a station source, and the objects of its stations gone from
    upstream. Subclasses set ``network`` and implement ``info``, ``parse_config``, ``gather``
    and ``fetch``."""

    station_network: StationNetwork = AIR4THAI
    content_key = "station"

    @property
    def guid_prefix(self) -> str:
        return self.station_network.prefix + ":"

    def parse_config(self, text: str | None) -> StationSourceConfig:
        raise NotImplementedError

    def validate_config(self, config: str | None) -> str | None:
        validated = super().validate_config(config)
        publishing.require_contact(self.parse_config(config))
        return validated

    def _gone(self, source_id: str, listed: set[str]) -> list[dict[str, Any]]:
        """Objects for stations harvested before, still active here, absent from the list."""
        gone = []
        for guid, package_id, _modified in objects.current_objects(source_id):
            if not guid.startswith(self.guid_prefix) or guid in listed or not package_id:
                continue
            package = model.Package.get(package_id)
            if package is None or package.state != "active" \
                    or (package.extras or {}).get("station_status") == "inactive":
                continue
            gone.append({"guid": guid, "content": json.dumps(
                {"gone": True, "station_id": guid[len(self.guid_prefix):]})})
        return gone

    # --- import ------------------------------------------------------------------------------

    def do_import(self, obj: HarvestObject, config: StationSourceConfig) -> bool | str:
        batch = station_batches.batch_of(obj)
        if batch is not None:
            return self._import_batch(obj, batch, config)
        return self._import_one(obj, config)

    def _import_one(self, obj: HarvestObject, config: StationSourceConfig) -> bool | str:
        content = json.loads(obj.content or "{}")
        try:
            publisher = publishing.publisher_for(obj.source, config)
        except ValueError as error:
            recording.record_object_error(obj, english(CANNOT_IMPORT, error=error), "Import")
            return False
        station_id = content["station_id"] if content.get("gone") \
            else self._station(content).station_id
        package_id = station_package_id(obj.harvest_source_id, station_id, self.station_network)
        with locks.item_lock(f"pm25-harvest:{obj.harvest_source_id}:{obj.guid}"), \
                solr_commits.batched_solr_commits():
            if content.get("gone"):
                return self._mark_inactive(obj, package_id)
            try:
                return self._import_station(obj, config, publisher, content, package_id)
            except tk.ValidationError as error:
                model.Session.rollback()
                recording.record_object_error(
                    obj, f"The station dataset did not pass validation: "
                         f"{recording.validation_message(error)}; stored data left as it was",
                    "Import", snippet=json.dumps(content.get(self.content_key), ensure_ascii=False))
                return False

    # --- what a source may do its own way ----------------------------------------------------

    def _station(self, content: dict[str, Any]) -> Station:
        return station_from(content[self.content_key])

    def _dataset(self, content: dict[str, Any], config: StationSourceConfig, publisher: Publisher,
                 *, spatial: str | None, places: list[provinces.Province],
                 last_seen: str) -> dict[str, Any]:
        """The station dataset's metadata (without resources, temporal coverage or state)."""
        return station_dataset(self._station(content), publisher, data_source=config.data_source,
                               network=self.station_network, spatial=spatial, provinces=places,
                               last_seen=last_seen)

    def _provenance(self, content: dict[str, Any], config: StationSourceConfig,
                    publisher: Publisher) -> tuple[str, str | None]:
        """The stored readings' ``source`` and ``licence``."""
        return config.data_source, publisher.license_id or DEFAULT_LICENSE

    def _stores(self, publisher: Publisher, config: StationSourceConfig) -> network.Stores:
        return network.ensure_stores(publisher, config.data_source, self.station_network)

    def _republished(self, obj: HarvestObject, content: dict[str, Any], config: StationSourceConfig,
                     package_id: str, *, store_id: str, series: str, rows: list[dict[str, Any]],
                     provenance: tuple[str, str | None]) -> bool | str | None:
        """The import's outcome when the station is another source's station republished
        (kept without a dataset of its own); None when it is a station of its own."""
        return None

    def _import_station(self, obj: HarvestObject, config: StationSourceConfig, publisher: Publisher,
                        content: dict[str, Any], package_id: str) -> bool | str:
        station = self._station(content)
        rows: list[dict[str, Any]] = content.get("rows") or []
        store_id = self._stores(publisher, config).of(is_private(package_id))
        series = series_id(station.station_id, self.station_network)
        source, licence = self._provenance(content, config, publisher)
        republished = self._republished(obj, content, config, package_id, store_id=store_id,
                                        series=series, rows=rows, provenance=(source, licence))
        if republished is not None:
            return republished
        known = _stored_fields(package_id)
        spatial, places = self._geography(obj, station, known)
        desired = self._dataset(content, config, publisher, spatial=spatial, places=places,
                                last_seen=_last_seen(rows, content, known))
        desired.update(_temporal(rows, known))
        # station_last_seen moves every hour; rewriting the dataset (and its index document)
        # hourly for it alone would dominate a run. It is refreshed whenever anything else
        # changes, daily at least (temporal_end is a date), and made exact when the station
        # is marked inactive.
        digest = fingerprint({k: v for k, v in desired.items() if k != "station_last_seen"})
        resource_id = hourly_resource_id(package_id)
        link = hourly_resource(package_id, series_download_url(
            tk.config.get("ckan.site_url"), store_id, series))
        # made private or public since its link was written, without package_update (an
        # organisation's bulk change): its series moves now; the link is rewritten below
        station_privacy.move_rows(model.Resource.get(resource_id), store_id)
        status_changed = False
        dataset: dict[str, Any] | None = None
        if known is None:
            objects.stand_for(obj, package_id)
            dataset = site_user.call("package_create", {
                **desired, "name": _free_name(station_name(station.station_id, self.station_network), package_id,
                                              publisher),
                "resources": [link]})
            metadata_changed = True
        else:
            link_resource = model.Resource.get(resource_id)
            metadata_changed = (known["state"] != "active"
                                or link_resource is None or link_resource.state != "active"
                                or link_resource.url != link["url"]
                                or objects.previous_fingerprint(obj) != digest)
            if metadata_changed:
                existing = site_user.call("package_show", {"id": package_id})
                resources = [link if r["id"] == resource_id else r for r in existing["resources"]]
                if not any(r["id"] == resource_id for r in resources):
                    resources.append(link)
                objects.stand_for(obj, package_id)
                dataset = site_user.call("package_update", {
                    **existing, **desired, "name": existing["name"], "resources": resources,
                    "state": "active"})
                moved = (existing.get("spatial") or "") != (dataset.get("spatial") or "")
                status_changed = (moved or existing["state"] != "active"
                                  or existing.get("station_status") != dataset.get("station_status"))
        stored = window_stored_rows(store_id, station.station_id, content, self.station_network)
        new, changed = changed_rows(rows, stored)
        # The snapshot's value alone (the history failed or lacked its hour) fills an hour not
        # stored yet; it never replaces a stored hour, whose hourly value it does not carry.
        changed = without_hours(changed, content.get("fill_only") or [])
        if (new or changed) and dataset is None:
            dataset = site_user.call("package_show", {"id": package_id})
        readings_writer.write_rows(
            store_id, [*new, *changed], series_id=series, source=source, licence=licence,
            after=lambda written: readings_writer.notify_readings_stored(
                obj, dataset or {}, resource_id, written))
        if status_changed and dataset is not None:
            readings_writer.notify_station_status_changed(obj, dataset)
        objects.make_current(obj, package_id, digest, extras={station_batches.STEADY_KEY: station_batches.steady_key(
            content[self.content_key], obj.source.config, publisher)})
        return True if (metadata_changed or new or changed) else "unchanged"

    # --- the job-level merge of steady stations (station_batches.py) ------------------------

    def _import_batch(self, leader: HarvestObject, members: list[HarvestObject],
                      config: StationSourceConfig) -> bool | str:
        """Every member's new or changed hours merged with one COPY per store, the summary told
        once; a member whose dataset must change after all is imported on its own."""
        outcomes: dict[str, bool | str] = {}
        try:
            outcomes = self._merge_batch(leader, members, config)
        except Exception as error:  # said on every member left; the leader's own by stages.py
            model.Session.rollback()
            for member in members:
                if member is not leader and member.state != "ERROR" and member.id not in outcomes:
                    recording.record_object_error(member, f"Not imported: the import of its batch "
                                                          f"failed: {error!r}", "Import")
            raise
        finally:
            for member in members:
                if member is leader:
                    continue
                if member.state != "ERROR":
                    station_batches.finished(member, outcomes.get(member.id, False), "IMPORT")
                model.Session.add(member)
            model.Session.commit()
        return outcomes.get(leader.id, False)

    def _merge_batch(self, leader: HarvestObject, members: list[HarvestObject],
                     config: StationSourceConfig) -> dict[str, bool | str]:
        try:
            publisher = publishing.publisher_for(leader.source, config)
        except ValueError as error:
            for member in members:
                recording.record_object_error(member, english(CANNOT_IMPORT, error=error), "Import")
            return {}
        stores = self._stores(publisher, config)
        fetched = [m for m in members if m.state != "ERROR"]
        contents = {m.id: json.loads(m.content or "{}") for m in fetched}
        # whole rows: extras are a column on CKAN 2.12, an association proxy on 2.11
        packages = {package.id: package for package in model.Session.query(model.Package).filter(
            model.Package.id.in_([m.package_id for m in fetched]))}
        links: dict[str, str] = {resource_id: url for resource_id, url in model.Session.query(
            model.Resource.id, model.Resource.url).filter(
            model.Resource.id.in_([hourly_resource_id(m.package_id) for m in fetched]),
            model.Resource.state == "active")}
        outcomes: dict[str, bool | str] = {}
        by_store: dict[str, list[HarvestObject]] = {}
        alone: list[HarvestObject] = []
        for member in fetched:
            if member is not leader:
                station_batches.importing(member)
            content = contents[member.id]
            if "window" not in content:  # the leader's own fetch failed (recorded on it)
                outcomes[member.id] = False
                continue
            package = packages.get(member.package_id)
            station = self._station(content)
            days = [str(row["datetime_local"])[:10] for row in content.get("rows") or []]
            if package is None or not station_batches.within_coverage(package.state, package.extras, days) \
                    or links.get(hourly_resource_id(package.id)) != station_batches.expected_link(
                        member.harvest_source_id, package.id, bool(package.private), station.station_id,
                        self.station_network):
                alone.append(member)
            else:
                by_store.setdefault(stores.of(bool(package.private)), []).append(member)
        for store_id, batch in by_store.items():
            outcomes.update(self._merge_store(leader, store_id, batch, contents, packages, config,
                                              publisher))
        station_batches.make_current([m for m in fetched if outcomes.get(m.id)])
        for member in alone:
            outcomes[member.id] = self._import_one(member, config)
        return outcomes

    def _merge_store(self, leader: HarvestObject, store_id: str, batch: list[HarvestObject],
                     contents: dict[str, dict[str, Any]], packages: dict[str, Any],
                     config: StationSourceConfig, publisher: Publisher) -> dict[str, bool | str]:
        """One COPY + merge of the batch's hours into one store, compared first with the stored
        hours of the batch's windows (one query)."""
        series = {m.id: series_id(self._station(contents[m.id]).station_id, self.station_network)
                  for m in batch}
        since = min(parse_utc(contents[m.id]["window"]["store_start"]) for m in batch) - 48 * HOUR
        stored = series_reads.rows_since(store_id, list(series.values()), PM25, since)
        written: dict[str, list[dict[str, Any]]] = {}
        measurements = []
        for member in batch:
            content = contents[member.id]
            station_id = self._station(content).station_id
            new, changed = changed_rows(content.get("rows") or [], [
                station_row(record, station_id) for record in stored.get(series[member.id], [])])
            rows = [*new, *without_hours(changed, content.get("fill_only") or [])]
            source, licence = self._provenance(content, config, publisher)
            written[member.id] = rows
            measurements += [measurement(row, series_id=series[member.id], source=source, licence=licence)
                             for row in rows]
        try:
            if measurements:
                merge(store_id, measurements)
        except Exception as error:  # the whole store's batch is as it was: said on each station
            for member in batch:
                recording.record_object_error(member, f"The readings could not be stored: {error!r}; "
                                                      f"stored data left as it was", "Import")
            return {member.id: False for member in batch}
        readings_writer.notify_stations_readings_stored(leader, [
            (_dataset_fields(packages[m.package_id]), hourly_resource_id(m.package_id), rows)
            for m in batch if (rows := written[m.id])])
        return {m.id: True if written[m.id] else "unchanged" for m in batch}

    def _geography(self, obj: HarvestObject, station: Station, existing: dict[str, Any] | None,
                   ) -> tuple[str | None, list[provinces.Province]]:
        """Point and provinces from the station's coordinates; when upstream's are unusable, the
        stored ones stay; with none stored, provinces named in the station's area text. A point
        just off the coast is placed in the nearest province and a point across a land border in
        none; both are recorded on the object."""
        if station.lat is not None and station.lon is not None:
            try:
                location = geometry.point(station.lat, station.lon)
            except GeoError:
                location = None
            if location is not None:
                snap = float(tk.config.get("ckanext.pm25.harvest.station_snap_m"))
                placed = gazetteer.gazetteer().place(location.x, location.y, snap_m=snap)
                _record_placement(obj, station, placed)
                found = placed.province
                return geometry.to_geojson(location), [found] if found else []
        if existing and existing.get("spatial"):
            return existing["spatial"], provinces.provinces_by_codes(stored_list(existing.get("provinces")))
        text = " ".join(filter(None, (station.area_th, station.area_en)))
        return None, provinces.find_provinces_in_text(text)

    def _mark_inactive(self, obj: HarvestObject, package_id: str) -> bool | str:
        existing = _existing(package_id)
        if existing is None:
            return "unchanged"
        if existing.get("station_status") == "inactive":
            objects.make_current(obj, package_id)
            return "unchanged"
        newest = stored_readings(store_resource_id(obj.harvest_source_id, bool(existing.get("private"))),
                                 str(existing.get("station_id")), 1, self.station_network)
        last_seen = _z(newest[0]["datetime_utc"]) if newest else existing.get("station_last_seen")
        dataset = site_user.call("package_update", {**existing, "station_status": "inactive",
                                               "station_last_seen": last_seen or ""})
        readings_writer.notify_station_status_changed(obj, dataset)
        objects.make_current(obj, package_id)
        return True

def _record_placement(obj: HarvestObject, station: Station, placed: Placement) -> None:
    where = f"station {station.station_id} at {station.lat}, {station.lon}"
    if placed.province is not None and placed.snapped_m is not None:
        recording.record_object_note(
            obj, f"Placed in {placed.province.name_en} ({placed.province.code}): {where} lies "
                 f"{placed.snapped_m:.0f} m off its coast, outside every province boundary")
    elif placed.across_border is not None and placed.distance_m is not None:
        recording.record_object_note(
            obj, f"Not placed in any province: {where} lies outside Thailand, {placed.distance_m:.0f} m "
                 f"across the land border from {placed.across_border.name_en} "
                 f"({placed.across_border.code})")


def is_private(package_id: str) -> bool:
    package = model.Package.get(package_id)
    return bool(package.private) if package is not None else False


def stored_readings(store_id: str, station_id: str, limit: int,
                    station_network: StationNetwork = AIR4THAI) -> list[dict[str, Any]]:
    """The station's newest stored rows, newest first; none before its store exists."""
    if not limit:
        return []
    try:
        return readings_writer.stored_rows(store_id, series_id(station_id, station_network),
                                           station_id, limit)
    except tk.ObjectNotFound:
        return []


def window_stored_rows(store_id: str, station_id: str, content: dict[str, Any],
                       station_network: StationNetwork) -> list[dict[str, Any]]:
    """The stored rows the fetched window's rows are compared with: its hours and two days
    before (whose rows' 24-hour means it may change)."""
    window = content.get("window") or {}
    hours = _hours_between(window.get("store_start"), window.get("end"))
    return stored_readings(store_id, station_id, hours + 48, station_network)


def _dataset_fields(package: Any) -> dict[str, Any]:
    """A station dataset as the summary hooks read it, from its ``package`` row."""
    return {**(package.extras or {}), "id": package.id, "name": package.name,
            "state": package.state, "private": package.private}


def _existing(package_id: str) -> dict[str, Any] | None:
    if model.Package.get(package_id) is None:
        return None
    return site_user.call("package_show", {"id": package_id})


def _stored_fields(package_id: str) -> dict[str, Any] | None:
    """What the import needs to know of a stored station dataset, read from the database
    without building the whole package_show dict (state, spatial, provinces, temporal
    coverage, last seen)."""
    package = model.Package.get(package_id)
    if package is None:
        return None
    return {**(package.extras or {}), "state": package.state, "name": package.name}


def last_hourly(recent: list[dict[str, Any]]) -> datetime | None:
    """The newest stored row that came from the hourly history: a row stored from the snapshot
    alone (history unavailable then) has no hourly value and no flag explaining why, and must
    not count, or the hours before it would never be fetched."""
    for row in recent:
        if row.get("pm25") is not None or (row.get("quality_flag") or "ok") != "ok":
            return parse_utc(row["datetime_utc"])
    return None


def _free_name(ideal: str, package_id: str, publisher: Publisher) -> str:
    """``<network prefix>-<station>`` (``air4thai-35t``), or with the source's name added when
    another dataset (from another source of the same upstream) has it already."""
    holder = model.Package.get(ideal)
    if holder is None or holder.id == package_id:
        return ideal
    return bounded_name(ideal, publisher.source_name)


def _last_seen(rows: list[dict[str, Any]], content: dict[str, Any],
               existing: dict[str, Any] | None) -> str:
    """When upstream last reported the station: its newest reading, else what we knew."""
    stamps = [row["datetime_utc"] for row in rows]
    latest = content.get("latest")
    if latest and "future" not in str(latest.get("quality_flag", "")):
        stamps.append(latest["datetime_utc"])
    if stamps:
        return max(stamps)
    if existing and existing.get("station_last_seen"):
        return existing["station_last_seen"]
    return parse_utc(content["seen_at"]).astimezone(timezone.utc).replace(
        microsecond=0).isoformat().replace("+00:00", "Z")


def _z(stamp: str) -> str:
    """A DataStore timestamp (UTC, no zone) as ISO 8601 with ``Z``, like the stored rows."""
    return parse_utc(stamp).astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def _temporal(rows: list[dict[str, Any]], existing: dict[str, Any] | None) -> dict[str, str]:
    days = [str(row["datetime_local"])[:10] for row in rows]
    if existing:
        days += [d for d in (existing.get("temporal_start"), existing.get("temporal_end")) if d]
    if not days:
        return {}
    return {"temporal_start": min(days), "temporal_end": max(days)}


def _hours_between(start: str | None, end: str | None) -> int:
    if not start or not end:
        return 0
    return max(0, int((parse_utc(end) - parse_utc(start)) / HOUR) + 1)

