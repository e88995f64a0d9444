"""``pm25_dustboy``: the low-cost PM2.5 sensors of CCDC, Chiang Mai University (DustBoy).

- Gather: the station list (``/api/dustboy/stations``) with each sensor's latest value; one
  harvest object per sensor, GUID ``dustboy:<id>``; a sensor harvested before and missing from a
  usable list is marked inactive (never deleted). An unusable list, a refused key (HTTP 401 or
  403) or no key at all is a job error and changes nothing.
- Fetch: the sensor's 30-day data (``/api/dustboy/data30day/<id>``), kept from ``revisit_hours``
  before its last stored hour (all 30 days on the first run); the latest value fills an hour
  the series lacks. When the series fails, the error is recorded and the latest value is
  still stored.
- Import: as every station source (``station_import.py``): a dataset per sensor with
  ``measurement_type`` low_cost_sensor and ``station_type`` SENSOR, readings in the source's
  measurement store, attribution to CCDC CMU in the dataset's data source and notes.

Every request carries ``Authorization: Bearer <key>``, the key from CKAN's config or the
environment (``api_keys.py``), never from the source's config. Every message recorded from
here passes through ``api_keys.redact``; no upstream body is ever quoted (a snippet of a
station list would carry its caretakers' names and phone numbers): only the allow-listed
fields of ``dustboy_normalise`` are.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any

from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import floor_hour, utcnow
from ckanext.pm25.harvesters import api_keys, budget, objects, publishing, recording, settings
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, english
from ckanext.pm25.harvesters.datasets import (StationNetwork, station_package_id,
                                              store_resource_id)
from ckanext.pm25.harvesters.dustboy_normalise import Parsed, parse_series, parse_stations, seen_note
from ckanext.pm25.harvesters.http import FetchError, HttpPolicy, fetch_json
from ckanext.pm25.harvesters.normalise import Issue, PayloadError, Reading, reading_to_row
from ckanext.pm25.harvesters.series import history_window, reading_from_row
from ckanext.pm25.harvesters.source_config import (DUSTBOY_ATTRIBUTION, DustBoyConfig,
                                                   parse_dustboy_config)
from ckanext.pm25.harvesters.station_import import (StationHarvesterBase, future_tolerance, is_private,
                                                    last_hourly, station_from, stored_readings,
                                                    window_rows)

STATIONS_PATH = "/api/dustboy/stations"
SERIES_PATH = "/api/dustboy/data30day/"
SOURCE_TYPE = "dustboy"
REFUSED = (401, 403)

DUSTBOY = StationNetwork(
    prefix="dustboy",
    tags=("PM2.5", "ฝุ่นละออง", "คุณภาพอากาศ", "air quality", "DustBoy", "low-cost sensor",
          "เซนเซอร์ราคาประหยัด"),
    measurement_type="low_cost_sensor",
    station_types=("SENSOR",),
    attribution=DUSTBOY_ATTRIBUTION,
    default_station_type="SENSOR",
)


def base_url(url: str) -> str:
    """The service root of a source URL given as the root or as its station list."""
    root = url.strip().rstrip("/")
    return root[: -len(STATIONS_PATH)] if root.endswith(STATIONS_PATH) else root


class DustBoyHarvester(StationHarvesterBase):

    station_network = DUSTBOY

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_dustboy",
            # English msgids, shown translated by harvesters/helpers.py
            "title": N_("DustBoy (CCDC, Chiang Mai University) low-cost PM2.5 sensors"),
            "description": N_("Hourly PM2.5 of CCDC CMU's DustBoy low-cost sensors: one dataset per "
                              "sensor, readings in the DataStore, attributed to CCDC, Chiang Mai "
                              "University. Needs an API key in the CKAN config."),
        }

    def parse_config(self, text: str | None) -> DustBoyConfig:
        return parse_dustboy_config(text)

    def get_original_url(self, harvest_object_id: str) -> str | None:
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.guid.startswith(self.guid_prefix):
            return None
        return f"{base_url(obj.source.url)}{SERIES_PATH}{obj.guid[len(self.guid_prefix):]}"

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: DustBoyConfig) -> list[str]:
        try:
            publisher = publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
            return []
        key = api_keys.api_key(SOURCE_TYPE, publisher.source_name)
        if key is None:
            message, params = api_keys.missing_key_message(SOURCE_TYPE)
            recording.record_gather_error(job, message % params + "; stored data left as it was")
            return []
        url = base_url(job.source.url) + STATIONS_PATH
        now = utcnow()
        try:
            fetched = fetch_json(url, budget.within(settings.http_policy(config.http),
                                                    budget.spent_in_gather(job)),
                                 headers=_bearer(key))
        except FetchError as error:
            recording.record_gather_error(job, _fetch_message("the station list", error, key)
                                          + "; stored data left as it was", url=url)
            return []
        recording.report_fallback(job.id, fetched)
        try:
            parsed = parse_stations(fetched.data, now=now, future_tolerance=future_tolerance())
        except PayloadError as error:
            recording.record_gather_error(job, f"Unusable station list: {error.message}; stored "
                                               f"data left as it was", url=url)
            return []
        finally:
            del fetched  # the raw answer, personal fields and all, goes no further
        issues: dict[str, list[dict[str, Any]]] = {}
        for issue in parsed.issues:
            if issue.station_id is None:
                recording.record_gather_error(job, f"{issue.code}: {issue.message}",
                                              snippet=issue.snippet)
            else:
                issues.setdefault(issue.station_id, []).append(asdict(issue))
        readings = {reading.station_id: reading for reading in parsed.readings}
        seen_at = now.isoformat()
        seen = sorted(parsed.seen)

        def items() -> Iterator[dict[str, Any]]:
            for station in parsed.stations:
                reading = readings.get(station.station_id)
                yield {"guid": self.guid_prefix + station.station_id, "content": json.dumps({
                    "station": asdict(station),
                    "latest": reading_to_row(reading) if reading else None,
                    "issues": issues.get(station.station_id, []),
                    "seen": seen,
                    "seen_at": seen_at,
                }, ensure_ascii=False)}
            yield from self._gone(job.source_id, {self.guid_prefix + s.station_id
                                                  for s in parsed.stations})

        return objects.insert_objects(job, items())

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: DustBoyConfig) -> bool:
        content = json.loads(obj.content or "{}")
        if content.get("gone"):
            return True
        spent = budget.spent_before_fetch(obj, "before this sensor was fetched; its stored readings "
                                               "are unchanged and it is fetched again next run")
        if spent is None:
            return False
        station = station_from(content["station"])
        recording.record_issues(obj, [Issue(**issue) for issue in content.get("issues", [])], "Fetch")
        now = utcnow()
        latest = content.get("latest")
        snapshot = reading_from_row(latest) if latest else None
        package_id = station_package_id(obj.harvest_source_id, station.station_id, DUSTBOY)
        recent = stored_readings(store_resource_id(obj.harvest_source_id, is_private(package_id)),
                                 station.station_id, config.max_catchup_hours, DUSTBOY)
        window = history_window(snapshot.datetime_utc if snapshot else floor_hour(now),
                                last_hourly(recent), backfill_hours=config.backfill_hours,
                                revisit_hours=config.revisit_hours,
                                max_catchup_hours=config.max_catchup_hours)
        series = self._series(obj, budget.within(settings.http_policy(config.http), spent),
                              station.station_id, now)
        if series is None:
            return False  # no key now, or the job's time budget ran out: left as stored
        readings, seen, notes = series
        for note in notes:
            recording.record_object_note(obj, note)
        names = seen_note(set(content.get("seen") or []) | seen)
        if names:
            recording.record_object_note(obj, f"DustBoy field names seen: {names}")
        content.update(window_rows([r for r in readings if r.datetime_utc >= window.fetch_start],
                                   snapshot, window))
        obj.content = json.dumps(content, ensure_ascii=False)
        obj.save()
        return True

    def _series(self, obj: HarvestObject, policy: HttpPolicy, station_id: str, now: datetime,
                ) -> tuple[list[Reading], set[str], list[str]] | None:
        """The sensor's 30-day readings, the field names used and the notes; ([], …) when the
        series failed (the latest value is stored instead); None when there is no key any
        more or the job's time budget ran out."""
        key = api_keys.api_key(SOURCE_TYPE, _source_name(obj.harvest_source_id))
        if key is None:
            message, params = api_keys.missing_key_message(SOURCE_TYPE)
            recording.record_object_error(obj, message % params, "Fetch")
            return None
        url = base_url(obj.source.url) + SERIES_PATH + station_id
        try:
            fetched = fetch_json(url, policy, headers=_bearer(key))
        except FetchError as error:
            if error.kind == "out_of_time":
                recording.record_object_error(obj, budget.stopped(
                    budget.spent(obj.job, obj), "while fetching the 30-day data; its stored "
                                                "readings are unchanged and it is fetched again "
                                                "next run"), "Fetch", url=url)
                return None
            recording.record_object_error(obj, _fetch_message("the 30-day data", error, key)
                                          + "; the latest value is stored instead", "Fetch", url=url)
            return [], set(), []
        recording.report_fallback(obj.harvest_job_id, fetched)
        try:
            parsed: Parsed = parse_series(fetched.data, station_id, now=now,
                                          future_tolerance=future_tolerance())
        except PayloadError as error:
            recording.record_object_error(obj, f"Unusable 30-day data: {error.message}; the latest "
                                               f"value is stored instead", "Fetch", url=url)
            return [], set(), []
        finally:
            del fetched
        recording.record_issues(obj, parsed.issues, "Fetch")
        return parsed.readings, parsed.seen, parsed.notes


def _source_name(source_id: str) -> str:
    """A harvest source's name (that of its package), which a per-source key is set for."""
    package = model.Package.get(source_id)
    return package.name if package is not None else source_id


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _fetch_message(what: str, error: FetchError, key: str) -> str:
    """The failure without the upstream body (it may carry personal data) and without the
    key; a refused key says which config key to check."""
    if error.status in REFUSED:
        _, params = api_keys.missing_key_message(SOURCE_TYPE)
        return api_keys.redact(
            f"DustBoy refused the API key (HTTP {error.status}) for {what}: check "
            f"{params['key']} (or {params['env']}) in the CKAN config", [key])
    status = f" (HTTP {error.status})" if error.status and error.kind != "http_status" else ""
    return api_keys.redact(f"Could not fetch {what}: {error.kind}: {error.message}{status}", [key])
