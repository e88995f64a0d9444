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
import time
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any


from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.harvesters import budget, objects, publishing, recording, settings, station_batches
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, english
from ckanext.pm25.harvesters.datasets import (AIR4THAI, Publisher, series_id, station_package_id,
                                              store_resource_id)
from ckanext.pm25.harvesters.http import FetchError, HttpPolicy, fetch_json
from ckanext.pm25.harvesters.normalise import (HourLabel, Issue, PayloadError, Reading, Station,
                                               parse_air4thai_history,
                                               parse_air4thai_latest, reading_to_row)
from ckanext.pm25.harvesters.series import history_window, reading_from_row
from ckanext.pm25.harvesters.source_config import Air4ThaiConfig, parse_air4thai_config
from ckanext.pm25.harvesters.station_import import (StationHarvesterBase, future_tolerance, is_private,
                                                    last_hourly, station_from, stored_readings,
                                                    window_rows)
from ckanext.pm25.common.times import HOUR, THAI_TZ, floor_hour, utcnow
from ckanext.pm25.measurements import series_reads
from ckanext.pm25.measurements.station_rows import PM25, station_row

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


class Air4ThaiHarvester(StationHarvesterBase):

    station_network = AIR4THAI

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

    def get_original_url(self, harvest_object_id: str) -> str | None:
        """The station's record in the upstream snapshot (linked from the job report)."""
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.guid.startswith(GUID_PREFIX):
            return None
        return f"{base_url(obj.source.url)}{LATEST_PATH}?stationID={obj.guid[len(GUID_PREFIX):]}"

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: Air4ThaiConfig) -> list[str]:
        try:
            publisher = publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
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
        steady = station_batches.steady_stations(job.source_id, (
            self._candidate(station, readings.get(station.station_id), job, publisher)
            for station in latest.stations), self.station_network)
        guids: list[str] = []

        def items() -> Iterator[dict[str, Any]]:
            # A generator: harvest objects are written in chunks, never all held at once.
            for station in latest.stations:
                reading = readings.get(station.station_id)
                guids.append(GUID_PREFIX + station.station_id)
                yield {"guid": GUID_PREFIX + station.station_id, "content": json.dumps({
                    "station": asdict(station),
                    "latest": reading_to_row(reading) if reading else None,
                    "issues": issues.get(station.station_id, []),
                    "seen_at": seen_at,
                }, ensure_ascii=False)}
            for gone in self._gone(job.source_id, {GUID_PREFIX + s.station_id for s in latest.stations}):
                guids.append(gone["guid"])
                yield gone

        ids = objects.insert_objects(job, items())
        return station_batches.queue_batches(job, ids, guids, steady)

    @staticmethod
    def _candidate(station: Station, reading: Reading | None, job: HarvestJob,
                   publisher: Publisher) -> station_batches.Candidate:
        snapshot = reading_to_row(reading) if reading else None
        day = None if snapshot is None or "future" in snapshot["quality_flag"].split(",") \
            else str(snapshot["datetime_local"])[:10]
        return station_batches.Candidate(
            guid=GUID_PREFIX + station.station_id, station_id=station.station_id,
            key=station_batches.steady_key(json.loads(json.dumps(asdict(station))), job.source.config,
                                           publisher), day=day)

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: Air4ThaiConfig) -> bool:
        batch = station_batches.batch_of(obj)
        if batch is None:
            return self._fetch_station(obj, config)
        return self._fetch_batch(obj, batch, config)

    def _fetch_batch(self, leader: HarvestObject, members: list[HarvestObject],
                     config: Air4ThaiConfig) -> bool:
        """Every member's history fetched, their newest stored hours read in one query per
        store; a member's failure is its own. The leader's import runs whatever its own fetch
        did (its members wait for it)."""
        members = station_batches.claim_members(leader, members)
        stations = {m.id: station_from(json.loads(m.content or "{}")["station"]) for m in members}
        privacy: dict[str, bool] = {package_id: bool(private) for package_id, private in model.Session.query(
            model.Package.id, model.Package.private).filter(
            model.Package.id.in_([m.package_id for m in members]))}
        last: dict[str, dict[str, Any]] = {}
        for private in set(map(bool, privacy.values())):
            last.update(series_reads.last_measured(
                store_resource_id(leader.harvest_source_id, private),
                [series_id(station.station_id, self.station_network) for station in stations.values()], PM25))
        # the leader last, each member's fetch timed on its own: the job's time budget adds up
        # its objects' fetch times, and a batch's wait must not count once per member; what
        # the job has spent is read once and counted on from there
        spent_before, clock = budget.spent(leader.job), time.monotonic()
        for member in [*members[1:], leader]:
            station = stations[member.id]
            member.fetch_started = datetime.utcnow()
            stored = last.get(series_id(station.station_id, self.station_network))
            try:
                outcome = self._fetch_station(member, config, [station_row(stored, station.station_id)]
                                              if stored else [],
                                              spent_so_far=spent_before + time.monotonic() - clock,
                                              save=False)
            except Exception as error:  # recorded on this station; the batch goes on
                model.Session.rollback()
                recording.record_object_error(member, f"Unexpected error in fetch: {error!r}", "Fetch")
                outcome = False
            if member is not leader:
                station_batches.finished(member, outcome, "FETCH")
                member.save()
        return True

    def _fetch_station(self, obj: HarvestObject, config: Air4ThaiConfig,
                       recent: list[dict[str, Any]] | None = None, *, spent_so_far: float | None = None,
                       save: bool = True) -> bool:
        """One station's fetch; ``recent`` (its newest stored hourly row) and ``spent_so_far`` (what the
        job has spent) when the caller knows them; ``save=False`` leaves the commit to it."""
        content = json.loads(obj.content or "{}")
        if content.get("gone"):
            return True
        spent = budget.spent_before_fetch(obj, "before this station was fetched; its stored readings are unchanged and "
                                          "it is fetched again next run", spent_so_far)
        if spent is None:
            return False
        station = station_from(content["station"])
        recording.record_issues(obj, [Issue(**issue) for issue in content.get("issues", [])], "Fetch")
        now = utcnow()
        snapshot = self._snapshot_reading(content.get("latest"))
        latest_time = snapshot.datetime_utc if snapshot else floor_hour(now)
        package_id = station_package_id(obj.harvest_source_id, station.station_id)
        if recent is None:
            recent = stored_readings(store_resource_id(obj.harvest_source_id, is_private(package_id)),
                                     station.station_id, config.max_catchup_hours)
        last_stored = last_hourly(recent)
        window = history_window(latest_time, last_stored, backfill_hours=config.backfill_hours,
                                revisit_hours=config.revisit_hours,
                                max_catchup_hours=config.max_catchup_hours)
        history = self._history(obj, budget.within(settings.http_policy(config.http), spent),
                                station.station_id, window.fetch_start, window.end, now, config)
        if history is None:
            return False  # the job's time budget ran out: left as stored, for the next run
        content.update(window_rows(history, snapshot, window))
        obj.content = json.dumps(content, ensure_ascii=False)
        if save:
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

