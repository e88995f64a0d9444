"""``pm25_air4thai``: the Pollution Control Department's monitoring stations (Air4Thai).

- Gather: the latest snapshot (``/services/getNewAQI_JSON.php``) lists the stations; one
  harvest object per station, GUID ``air4thai:<stationID>``. A station harvested before and
  missing from a usable, non-empty list gets an object that marks its dataset inactive (never
  deleted). An unusable list (HTTP failure, HTML, truncated JSON, empty) is a gather error and
  changes nothing.
- Fetch: the station's hourly history since its last stored reading (``revisit_hours`` before
  it, for late corrections; ``backfill_hours`` on the first run; never more than
  ``max_catchup_hours``), plus 23 hours before that to compute 24-hour means. When the history
  fails, the error is recorded and the snapshot's latest value is still stored.
- Import: a dataset per station through package_create/package_update (the PM2.5 schema and its
  validators), only when its metadata changed; the rows that are new or changed merged into
  the source's measurement store (``network.py``, ``measurements/``), to which the station's
  "Hourly measurements" resource links. Readings dated in the future are not stored (they would become every
  summary's "latest"); they are recorded as notes.

Hour labels: ``webV2`` (``/webV2/history/api/data.php``, the default) stamps a reading with the
hour's beginning; ``forweb`` (``/forweb/getHistoryData.php``) with its end, so its stamps are
moved back one hour. Both then store the same ``datetime_utc`` (start of the hour). Upstream
documentation of this is missing (*unverified* in reference/sources.md); the imitation server
follows the same reading.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo import geometry, provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.geo.lookup import Placement
from ckanext.pm25.harvesters import (budget, locks, network, objects, publishing, readings_writer, recording,
                                      settings, site_user, solr_commits, stages, station_privacy)
from ckanext.pm25.harvesters.datasets import (DEFAULT_LICENSE, Publisher, bounded_name, fingerprint,
                                              hourly_resource, hourly_resource_id, series_id,
                                              station_dataset, station_name,
                                              station_package_id, store_resource_id)
from ckanext.pm25.measurements.links import series_download_url
from ckanext.pm25.harvesters.http import FetchError, HttpPolicy, fetch_json
from ckanext.pm25.harvesters.normalise import (HourLabel, Issue, PayloadError, Reading, Station, parse_air4thai_history,
                                               parse_air4thai_latest, reading_to_row)
from ckanext.pm25.harvesters.series import (changed_rows, history_window, reading_from_row,
                                            with_rolling_means, without_hours)
from ckanext.pm25.harvesters.source_config import Air4ThaiConfig, parse_air4thai_config
from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.common.times import HOUR, THAI_TZ, floor_hour, parse_utc, utcnow

LATEST_PATH = "/services/getNewAQI_JSON.php"
HISTORY_PATHS = {"webV2": "/webV2/history/api/data.php", "forweb": "/forweb/getHistoryData.php"}
HOUR_LABELS: dict[str, HourLabel] = {"webV2": "beginning", "forweb": "ending"}
GUID_PREFIX = "air4thai:"


def base_url(url: str) -> str:
    """The service root of a source URL given as the root or as one of its endpoints."""
    root = url.strip().rstrip("/")
    for path in (LATEST_PATH, *HISTORY_PATHS.values()):
        if root.endswith(path):
            return root[: -len(path)]
    return root


def future_tolerance() -> timedelta:
    return timedelta(minutes=int(tk.config.get("ckanext.pm25.harvest.future_tolerance_minutes")))


def _station(data: dict[str, Any]) -> Station:
    return Station(**{**data, "flags": tuple(data.get("flags") or ())})


class Air4ThaiHarvester(stages.Pm25HarvesterBase):

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_air4thai",
            # English msgids, shown translated by harvesters/helpers.py
            "title": N_("Air4Thai (PCD) PM2.5 stations"),
            "description": N_("Hourly PM2.5 of the Pollution Control Department's monitoring "
                              "stations: one dataset per station, readings in the DataStore."),
        }

    def parse_config(self, text: str | None) -> Air4ThaiConfig:
        return parse_air4thai_config(text)

    def validate_config(self, config: str | None) -> str | None:
        validated = super().validate_config(config)
        publishing.check_contact(parse_air4thai_config(config))
        return validated

    def get_original_url(self, harvest_object_id: str) -> str | None:
        """The station's record in the upstream snapshot (linked from the job report)."""
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.guid.startswith(GUID_PREFIX):
            return None
        return f"{base_url(obj.source.url)}{LATEST_PATH}?stationID={obj.guid[len(GUID_PREFIX):]}"

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: Air4ThaiConfig) -> list[str]:
        try:
            publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, f"Cannot harvest: {error}")
            return []
        url = base_url(job.source.url) + LATEST_PATH
        now = utcnow()
        try:
            fetched = fetch_json(url, budget.within(settings.http_policy(config.http),
                                                    budget.spent_in_gather(job)))
        except FetchError as error:
            message, where, snippet = recording.fetch_failure("the station list", error)
            if error.kind == "out_of_time":
                message = budget.stopped(budget.spent_in_gather(job),
                                         "while fetching the station list; stored data left as it was")
            recording.record_gather_error(job, message, url=where, snippet=snippet)
            return []
        recording.report_fallback(job.id, fetched)
        final_url, payload = fetched.final_url, fetched.data
        del fetched  # only the parsed stations are kept from here on
        try:
            latest = parse_air4thai_latest(payload, now=now, future_tolerance=future_tolerance())
        except PayloadError as error:
            message, _, snippet = recording.payload_failure("station list", error)
            recording.record_gather_error(job, message + "; stored data left as it was",
                                     url=final_url, snippet=snippet)
            return []
        finally:
            del payload
        issues: dict[str, list[dict[str, Any]]] = {}
        for issue in latest.issues:
            if issue.station_id is None:
                recording.record_gather_error(job, f"{issue.code}: {issue.message}",
                                         snippet=issue.snippet)
            else:
                issues.setdefault(issue.station_id, []).append(asdict(issue))
        readings = {reading.station_id: reading for reading in latest.readings}
        seen_at = now.isoformat()

        def items() -> Iterator[dict[str, Any]]:
            # A generator: harvest objects are written in chunks, never all held at once.
            for station in latest.stations:
                reading = readings.get(station.station_id)
                yield {"guid": GUID_PREFIX + station.station_id, "content": json.dumps({
                    "station": asdict(station),
                    "latest": reading_to_row(reading) if reading else None,
                    "issues": issues.get(station.station_id, []),
                    "seen_at": seen_at,
                }, ensure_ascii=False)}
            yield from self._gone(job.source_id, {GUID_PREFIX + s.station_id
                                                  for s in latest.stations})

        return objects.insert_objects(job, items())

    def _gone(self, source_id: str, listed: set[str]) -> list[dict[str, Any]]:
        """Objects for stations harvested before, still active here, absent from the list."""
        gone = []
        for guid, package_id, _modified in objects.current_objects(source_id):
            if not guid.startswith(GUID_PREFIX) or guid in listed or not package_id:
                continue
            package = model.Package.get(package_id)
            if package is None or package.state != "active" \
                    or (package.extras or {}).get("station_status") == "inactive":
                continue
            gone.append({"guid": guid, "content": json.dumps(
                {"gone": True, "station_id": guid[len(GUID_PREFIX):]})})
        return gone

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: Air4ThaiConfig) -> bool:
        content = json.loads(obj.content or "{}")
        if content.get("gone"):
            return True
        spent = budget.spent_before_fetch(obj, "before this station was fetched; its stored readings are unchanged and "
                                          "it is fetched again next run")
        if spent is None:
            return False
        station = _station(content["station"])
        recording.record_issues(obj, [Issue(**issue) for issue in content.get("issues", [])], "Fetch")
        now = utcnow()
        snapshot = self._snapshot_reading(content.get("latest"))
        latest_time = snapshot.datetime_utc if snapshot else floor_hour(now)
        package_id = station_package_id(obj.harvest_source_id, station.station_id)
        recent = _stored(store_resource_id(obj.harvest_source_id, _is_private(package_id)),
                         station.station_id, config.max_catchup_hours)
        last_stored = _last_hourly(recent)
        window = history_window(latest_time, last_stored, backfill_hours=config.backfill_hours,
                                revisit_hours=config.revisit_hours,
                                max_catchup_hours=config.max_catchup_hours)
        history = self._history(obj, budget.within(settings.http_policy(config.http), spent),
                                station.station_id, window.fetch_start, window.end, now, config)
        if history is None:
            return False  # the job's time budget ran out: left as stored, for the next run
        readings = [r for r in history if "future" not in r.quality_flag.split(",")]
        fill_only: list[str] = []
        if snapshot is not None and snapshot.datetime_utc >= window.store_start \
                and all(r.datetime_utc != snapshot.datetime_utc for r in readings):
            readings.append(snapshot)
            fill_only.append(reading_to_row(snapshot)["datetime_utc"])
        rows = [reading_to_row(r) for r in with_rolling_means(readings, window.store_start)]
        content.update(rows=rows, fill_only=fill_only,
                       window={"store_start": window.store_start.isoformat(),
                               "end": window.end.isoformat()})
        obj.content = json.dumps(content, ensure_ascii=False)
        obj.save()
        return True

    @staticmethod
    def _snapshot_reading(row: dict[str, Any] | None) -> Reading | None:
        if not row or "future" in str(row.get("quality_flag", "")).split(","):
            return None  # a future-dated snapshot was recorded at fetch as an issue
        return reading_from_row(row)

    def _history(self, obj: HarvestObject, policy: HttpPolicy, station_id: str,
                 start: datetime, end: datetime, now: datetime,
                 config: Air4ThaiConfig) -> list[Reading] | None:
        """The station's readings from its hourly history ([] when the history failed: the
        snapshot's value is stored instead); None when the job's time budget ran out."""
        # One hour more on each side: the hour-ending form labels hours one later.
        first = (start - HOUR).astimezone(THAI_TZ)
        last = (end + HOUR).astimezone(THAI_TZ)
        url = base_url(obj.source.url) + HISTORY_PATHS[config.history_endpoint]
        params = {"stationID": station_id, "param": "PM25", "type": "hr",
                  "sdate": first.date().isoformat(), "edate": last.date().isoformat(),
                  "stime": f"{first.hour:02d}", "etime": f"{last.hour:02d}"}
        try:
            fetched = fetch_json(url, policy, params=params)
        except FetchError as error:
            message, where, snippet = recording.fetch_failure("the hourly history", error)
            if error.kind == "out_of_time":
                recording.record_object_error(obj, budget.stopped(
                    budget.spent(obj.job, obj), "while fetching the hourly history; its stored "
                                                "readings are unchanged and it is fetched again "
                                                "next run"), "Fetch", url=where)
                return None
            recording.record_object_error(obj, message + "; the latest snapshot value is stored "
                                     "instead", "Fetch", url=where, snippet=snippet)
            return []
        recording.report_fallback(obj.harvest_job_id, fetched)
        try:
            parsed = parse_air4thai_history(fetched.data, now=now,
                                            future_tolerance=future_tolerance(),
                                            hour_label=HOUR_LABELS[config.history_endpoint])
        except PayloadError as error:
            message, _, snippet = recording.payload_failure("hourly history", error)
            recording.record_object_error(obj, message + "; the latest snapshot value is stored "
                                     "instead", "Fetch", url=fetched.final_url, snippet=snippet)
            return []
        recording.record_issues(obj, [i for i in parsed.issues
                                 if i.station_id in (None, station_id)], "Fetch")
        return [r for r in parsed.readings
                if r.station_id == station_id and r.datetime_utc >= start]

    # --- import ------------------------------------------------------------------------------

    def do_import(self, obj: HarvestObject, config: Air4ThaiConfig) -> bool | str:
        content = json.loads(obj.content or "{}")
        try:
            publisher = publishing.publisher_for(obj.source, config)
        except ValueError as error:
            recording.record_object_error(obj, f"Cannot import: {error}", "Import")
            return False
        station_id = content["station"]["station_id"] if "station" in content \
            else content["station_id"]
        package_id = station_package_id(obj.harvest_source_id, station_id)
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
                    "Import", snippet=json.dumps(content.get("station"), ensure_ascii=False))
                return False

    def _import_station(self, obj: HarvestObject, config: Air4ThaiConfig, publisher: Publisher,
                        content: dict[str, Any], package_id: str) -> bool | str:
        station = _station(content["station"])
        rows: list[dict[str, Any]] = content.get("rows") or []
        known = _stored_fields(package_id)
        spatial, places = self._geography(obj, station, known)
        desired = station_dataset(station, publisher, data_source=config.data_source,
                                  spatial=spatial, provinces=places,
                                  last_seen=_last_seen(rows, content, known))
        desired.update(_temporal(rows, known))
        # station_last_seen moves every hour; rewriting the dataset (and its index document)
        # hourly for it alone would dominate a run. It is refreshed whenever anything else
        # changes, daily at least (temporal_end is a date), and made exact when the station
        # is marked inactive.
        digest = fingerprint({k: v for k, v in desired.items() if k != "station_last_seen"})
        store_id = network.ensure_stores(publisher, config.data_source).of(_is_private(package_id))
        series = series_id(station.station_id)
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
                **desired, "name": _free_name(station_name(station.station_id), package_id,
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
        window = content.get("window") or {}
        hours = _hours_between(window.get("store_start"), window.get("end"))
        stored = _stored(store_id, station.station_id, hours + 48)
        new, changed = changed_rows(rows, stored)
        # The snapshot's value alone (the history failed or lacked its hour) fills an hour not
        # stored yet; it never replaces a stored hour, whose hourly value it does not carry.
        changed = without_hours(changed, content.get("fill_only") or [])
        if (new or changed) and dataset is None:
            dataset = site_user.call("package_show", {"id": package_id})
        readings_writer.write_rows(
            store_id, [*new, *changed], series_id=series, source=config.data_source,
            licence=publisher.license_id or DEFAULT_LICENSE,
            after=lambda written: readings_writer.notify_readings_stored(
                obj, dataset or {}, resource_id, written))
        if status_changed and dataset is not None:
            readings_writer.notify_station_status_changed(obj, dataset)
        objects.make_current(obj, package_id, digest)
        return True if (metadata_changed or new or changed) else "unchanged"

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
        newest = _stored(store_resource_id(obj.harvest_source_id, bool(existing.get("private"))),
                         str(existing.get("station_id")), 1)
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


def _is_private(package_id: str) -> bool:
    package = model.Package.get(package_id)
    return bool(package.private) if package is not None else False


def _stored(store_id: str, station_id: str, limit: int) -> list[dict[str, Any]]:
    """The station's newest stored rows, newest first; none before its store exists."""
    if not limit:
        return []
    try:
        return readings_writer.stored_rows(store_id, series_id(station_id), station_id, limit)
    except tk.ObjectNotFound:
        return []


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


def _last_hourly(recent: list[dict[str, Any]]) -> datetime | None:
    """The newest stored row that came from the hourly history: a row stored from the snapshot
    alone (history unavailable then) has no hourly value and no flag explaining why, and must
    not count, or the hours before it would never be fetched."""
    for row in recent:
        if row.get("pm25") is not None or (row.get("quality_flag") or "ok") != "ok":
            return parse_utc(row["datetime_utc"])
    return None


def _free_name(ideal: str, package_id: str, publisher: Publisher) -> str:
    """``air4thai-<station>``, or with the source's name added when another dataset (from
    another source of the same upstream) has it already."""
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

