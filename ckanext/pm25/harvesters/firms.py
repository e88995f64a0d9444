"""``pm25_firms``: NASA FIRMS active fires (VIIRS and MODIS hotspots) over Thailand.

- Gather: one harvest object per sensor of the source config (``sensors``: FIRMS SOURCE names),
  GUID ``firms:<SOURCE>``, each for the ``day_range`` days ending today (UTC). The MAP_KEY comes
  from the site's config or environment (``api_keys.py``), never from the source config; with
  none the job stops with an error naming the config key to set.
- Fetch: the sensor's CSV, ``/api/country/csv/{MAP_KEY}/{SOURCE}/THA/{DAY_RANGE}/{DATE}`` or,
  with ``area``, ``/api/area/csv/{MAP_KEY}/{SOURCE}/{W,S,E,N}/{DAY_RANGE}/{DATE}``. The key is
  in the URL path, so every URL and message that can reach a log, an error, a job report or the
  object's content goes through ``api_keys.redact`` (``http.fetch_text`` does it for its own).
- Import: the CSV parsed (``firms_csv.py``: each bad line an error, the others used), each
  hotspot placed in its province by the gazetteer (outside Thailand: dropped, with a note),
  and the batch merged into the source's hotspot store in one COPY and one merge on (satellite,
  instrument, acquisition time, latitude, longitude), so a re-run stores nothing twice.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import utcnow
from ckanext.pm25.harvesters import (api_keys, budget, network, objects, publishing, recording,
                                     settings, stages)
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, CANNOT_IMPORT, english
from ckanext.pm25.harvesters.datasets import DEFAULT_LICENSE
from ckanext.pm25.harvesters.firms_csv import parse_firms_csv
from ckanext.pm25.harvesters.http import FetchError, fetch_text
from ckanext.pm25.harvesters.normalise import PayloadError
from ckanext.pm25.harvesters.source_config import FirmsConfig, parse_firms_config
from ckanext.pm25.measurements.bulk import merge_records
from ckanext.pm25.measurements.hotspots import HOTSPOTS, Hotspot, InvalidHotspot
from ckanext.pm25.provinces import gazetteer

SOURCE_TYPE = "firms"
GUID_PREFIX = "firms:"
COUNTRY = "THA"


def base_url(url: str) -> str:
    """The service root of a source URL given as the root or as its ``/api`` path."""
    root = url.strip().rstrip("/")
    return root[: -len("/api")] if root.endswith("/api") else root


def request_path(key: str, sensor: str, config: FirmsConfig, first_day: str) -> str:
    """The FIRMS API path of one sensor's CSV (the key is part of it)."""
    if config.area is not None:
        area = ",".join(f"{edge:g}" for edge in config.area)
        return f"/api/area/csv/{key}/{sensor}/{area}/{config.day_range}/{first_day}"
    return f"/api/country/csv/{key}/{sensor}/{COUNTRY}/{config.day_range}/{first_day}"


def _source_name(source_id: str) -> str | None:
    package = model.Package.get(source_id)
    return package.name if package is not None else None


def _key_and_scrub(source_id: str) -> tuple[str | None, Callable[[str], str]]:
    key = api_keys.api_key(SOURCE_TYPE, _source_name(source_id))
    return key, functools.partial(api_keys.redact, secrets=[key])


class FirmsHarvester(stages.Pm25HarvesterBase):

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_firms",
            # English msgids, shown translated by harvesters/helpers.py
            "title": N_("NASA FIRMS fire hotspots (VIIRS, MODIS)"),
            "description": N_("Satellite fire detections over Thailand from NASA FIRMS: one "
                              "DataStore table of hotspots, counted per province and day."),
        }

    def parse_config(self, text: str | None) -> FirmsConfig:
        return parse_firms_config(text)

    def validate_config(self, config: str | None) -> str | None:
        validated = super().validate_config(config)
        publishing.require_contact(parse_firms_config(config))
        return validated

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: FirmsConfig) -> list[str]:
        try:
            publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
            return []
        key, _ = _key_and_scrub(job.source_id)
        if key is None:
            message, params = api_keys.missing_key_message(SOURCE_TYPE)
            recording.record_gather_error(job, message % params)
            return []
        first_day = (utcnow() - timedelta(days=config.day_range - 1)).date().isoformat()
        return objects.insert_objects(job, (
            {"guid": GUID_PREFIX + sensor, "content": json.dumps(
                {"sensor": sensor, "day_range": config.day_range, "first_day": first_day})}
            for sensor in config.sensors))

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: FirmsConfig) -> bool:
        content = json.loads(obj.content or "{}")
        spent = budget.spent_before_fetch(obj, "before this sensor was fetched; its stored "
                                               "hotspots are unchanged and it is fetched again "
                                               "next run")
        if spent is None:
            return False
        key, scrub = _key_and_scrub(obj.harvest_source_id)
        if key is None:
            message, params = api_keys.missing_key_message(SOURCE_TYPE)
            recording.record_object_error(obj, message % params, "Fetch")
            return False
        url = base_url(obj.source.url) + request_path(key, content["sensor"], config,
                                                      content["first_day"])
        try:
            fetched = fetch_text(url, budget.within(settings.http_policy(config.http), spent),
                                 redact=scrub)
        except FetchError as error:
            message, where, snippet = recording.fetch_failure(
                f"the {content['sensor']} hotspots", error)
            if error.kind == "out_of_time":
                message = budget.stopped(budget.spent(obj.job, obj), "while fetching the "
                                         "hotspots; stored hotspots are unchanged")
            recording.record_object_error(obj, scrub(message), "Fetch", url=where,
                                          snippet=scrub(snippet) if snippet else None)
            return False
        recording.report_fallback(obj.harvest_job_id, fetched)
        content.update(csv=scrub(fetched.data), url=fetched.final_url)
        obj.content = json.dumps(content, ensure_ascii=False)
        obj.save()
        return True

    # --- import ------------------------------------------------------------------------------

    def do_import(self, obj: HarvestObject, config: FirmsConfig) -> bool | str:
        content = json.loads(obj.content or "{}")
        sensor, url = content["sensor"], content.get("url")
        try:
            publisher = publishing.publisher_for(obj.source, config)
        except ValueError as error:
            recording.record_object_error(obj, english(CANNOT_IMPORT, error=error), "Import")
            return False
        try:
            parsed = parse_firms_csv(content.get("csv") or "", sensor)
        except PayloadError as error:
            message, _, snippet = recording.payload_failure(f"{sensor} CSV", error)
            recording.record_object_error(obj, message + "; stored hotspots left as they were",
                                          "Import", url=url, snippet=snippet)
            return False
        recording.record_issues(obj, parsed.issues, "Import")
        if parsed.header_only:
            recording.record_object_note(obj, f"no_hotspots: FIRMS answered a header without "
                                              f"detections for {sensor} ({content['day_range']} "
                                              f"days from {content['first_day']})")
        hotspots = self._placed(obj, parsed.hotspots, source=config.data_source,
                                licence=publisher.license_id or DEFAULT_LICENSE)
        store_id = network.ensure_store(publisher, config.data_source, network.HOTSPOT_STORE)
        try:
            counts = merge_records(store_id, hotspots, HOTSPOTS)
        except InvalidHotspot as error:
            recording.record_object_error(obj, f"A hotspot the store refuses: {error}; nothing "
                                               f"of this batch was stored", "Import", url=url)
            return False
        objects.make_current(obj, network.HOTSPOT_STORE.package_id(obj.harvest_source_id))
        return True if counts.written else "unchanged"

    @staticmethod
    def _placed(obj: HarvestObject, hotspots: list[Hotspot], *, source: str,
                licence: str) -> list[Hotspot]:
        """The hotspots inside Thailand with their province; those outside are dropped, and
        a second detection with the same key is left out, each with a note."""
        places = gazetteer.gazetteer()
        kept: dict[tuple[Any, ...], Hotspot] = {}
        outside: list[Hotspot] = []
        duplicates: list[Hotspot] = []
        for hotspot in hotspots:
            province = places.province_at(float(hotspot.longitude), float(hotspot.latitude))
            if province is None:
                outside.append(hotspot)
            elif hotspot.key in kept:
                duplicates.append(hotspot)
            else:
                kept[hotspot.key] = replace(hotspot, province=province.code, source=source,
                                            licence=licence)
        if outside:
            recording.record_object_note(obj, f"outside_thailand: {len(outside)} hotspots outside "
                                              f"Thailand dropped (the first at "
                                              f"{outside[0].latitude}, {outside[0].longitude})")
        if duplicates:
            recording.record_object_note(obj, f"duplicate_hotspot: {len(duplicates)} detections "
                                              f"listed twice; the first kept")
        return list(kept.values())
