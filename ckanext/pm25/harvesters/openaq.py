"""``pm25_openaq``: Thai PM2.5 locations republished by OpenAQ v3 (an aggregator).

- Gather: ``/v3/locations?parameters_id=2&iso=TH``, page by page (``page``/``limit``;
  ``meta.found`` a number or a lower bound such as ">1000"); one harvest object per location
  with a PM2.5 sensor, GUID ``openaq:<location id>``. Licences a location names by id only are
  named from ``/v3/licenses``. An unusable page is a gather error; nothing stored changes.
- Fetch: the location's PM2.5 sensor's hourly values (``/v3/sensors/{id}/hours``, or
  ``/measurements``), paged, since its last stored hour as Air4Thai does (``revisit_hours``
  before it, ``backfill_hours`` on the first run, never more than ``max_catchup_hours``).
- A location harvested before and missing from a usable, non-empty list is marked inactive,
  never deleted, as every station source's (``station_import.py``).
- Import: a location that republishes a station we harvest from its primary source (Air4Thai,
  ``duplicates.py``) gets no station dataset: its readings go to this source's store under its
  own series (with their provider and licence, for the record) and the primary station's dataset
  names it (``also_published_by_openaq``), so the dashboard and the province means count the
  station once. Other locations get a station dataset (reference station or low-cost sensor as
  ``isMonitor`` says) written the way every station is (``station_import.py``, with the
  ``OPENAQ`` network: ``openaq-<id>`` datasets, ``openaq:<id>`` series).

Every request carries the ``X-API-Key`` of :mod:`.api_keys` (never the source's config; the
HTTP layer drops it on a redirect that leaves the source's origin) and waits its turn under the
rate limits (:mod:`.pacing`, shared by every process); a 429 is retried after its
``Retry-After`` within the job's time budget (``http.py``). Whatever runs out of budget is left
as stored and fetched from its last stored hour by the next run.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import datetime, timezone
from typing import Any, cast

import requests
from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import HOUR, floor_hour, parse_utc, utcnow
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.harvesters import (api_keys, budget, objects, openaq_links, publishing,
                                     rate_limits, recording, settings)
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, english
from ckanext.pm25.harvesters.datasets import Publisher, store_resource_id
from ckanext.pm25.harvesters.http import FetchError, FetchResult, HttpPolicy, fetch_json, make_session
from ckanext.pm25.harvesters.normalise import PayloadError, Station, reading_to_row
from ckanext.pm25.harvesters.openaq_datasets import (GUID_PREFIX, OPENAQ, location_dataset,
                                                     location_package_id, reading_licence,
                                                     reading_source)
from ckanext.pm25.harvesters.openaq_format import (Location, licence_names, page_of,
                                                   parse_locations, parse_values)
from ckanext.pm25.harvesters.pacing import Pacer
from ckanext.pm25.harvesters.series import history_window, with_rolling_means
from ckanext.pm25.harvesters.source_config import OpenAQConfig, StationSourceConfig, parse_openaq_config
from ckanext.pm25.harvesters.station_import import (StationHarvesterBase, future_tolerance, is_private,
                                                    stored_readings, window_stored_rows)

LOCATIONS_PATH = "/v3/locations"
LICENCES_PATH = "/v3/licenses"
VALUES_PAGE = 1000
MAX_PAGES = 200  # a source that pages forever stops here


def base_url(url: str) -> str:
    """The API root of a source URL given as the root, ``…/v3`` or the locations endpoint."""
    root = url.strip().rstrip("/")
    for tail in (LOCATIONS_PATH, "/v3"):
        if root.endswith(tail):
            return root[: -len(tail)]
    return root


def _location(data: dict[str, Any]) -> Location:
    return Location(**{**data, **{key: tuple(data.get(key) or ()) for key in
                                  ("licences", "licence_ids", "sensor_ids")}})


class _Client:
    """GETs of one source: its key, its session, its pacing, its time budget."""

    def __init__(self, source_id: str, key: str, policy: HttpPolicy, config: OpenAQConfig) -> None:
        self.key = key
        self.policy = replace(policy, before_retry=self._pace_retry)
        self.session: requests.Session = make_session(self.policy)
        self.pacer = Pacer(source_id, rate_limits.limits(config.requests_per_minute,
                                                         config.requests_per_hour), policy.sleep)
        self._url = ""
        self._mark: str | None = None

    def _pace_retry(self) -> None:
        """urllib3 retries a failed or timed-out attempt inside one fetch; upstream counts every
        attempt, so a retry waits its turn as a request of its own."""
        if self._mark is not None:
            self.pacer.answered(self._mark)
        self._mark = self.pacer.before_request(self._url, self.policy.budget_ends)

    def get(self, url: str, params: dict[str, Any]) -> FetchResult:
        self._url = url
        self._mark = self.pacer.before_request(url, self.policy.budget_ends)
        try:
            fetched = fetch_json(url, self.policy, params=params,
                                 headers={"X-API-Key": self.key}, session=self.session)
        except FetchError as error:
            error.message = api_keys.redact(error.message, [self.key])
            error.snippet = api_keys.redact(error.snippet, [self.key])
            error.url = api_keys.redact(error.url, [self.key])
            raise
        finally:
            self.pacer.answered(self._mark)
        self.pacer.after_response(fetched.headers)
        return fetched

    def pages(self, url: str, params: dict[str, Any], limit: int) -> Iterator[FetchResult]:
        for page in range(1, MAX_PAGES + 1):
            fetched = self.get(url, {**params, "limit": limit, "page": page})
            yield fetched
            if not page_of(fetched.data, page=page, limit=limit).more:
                return

    def close(self) -> None:
        self.session.close()


def _missing_key(source_name: str) -> str:
    message, params = api_keys.missing_key_message("openaq")
    return (f"Cannot harvest: {message % params} (or "
            f"ckanext.pm25.openaq.api_key.{source_name} for this source alone)")


class OpenAQHarvester(StationHarvesterBase):

    station_network = OPENAQ
    content_key = "location"

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_openaq",
            "title": N_("OpenAQ PM2.5 locations in Thailand"),
            "description": N_("Hourly PM2.5 of the Thai locations OpenAQ republishes, with each "
                              "location's provider and licence; stations also harvested from "
                              "their primary source are linked, not counted twice."),
        }

    def parse_config(self, text: str | None) -> OpenAQConfig:
        return parse_openaq_config(text)

    def get_original_url(self, harvest_object_id: str) -> str | None:
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.guid.startswith(GUID_PREFIX):
            return None
        return f"{base_url(obj.source.url)}{LOCATIONS_PATH}/{obj.guid[len(GUID_PREFIX):]}"

    def _client(self, source_id: str, source_name: str, policy: HttpPolicy,
                config: OpenAQConfig) -> _Client | None:
        key = api_keys.api_key("openaq", source_name)
        return _Client(source_id, key, policy, config) if key else None

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: OpenAQConfig) -> list[str]:
        try:
            publisher = publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
            return []
        policy = budget.within(settings.http_policy(config.http), budget.spent_in_gather(job))
        client = self._client(job.source_id, publisher.source_name, policy, config)
        if client is None:
            recording.record_gather_error(job, _missing_key(publisher.source_name))
            return []
        try:
            locations = self._locations(job, client, config)
            if locations is None:
                return []
            locations = self._named_licences(job, client, locations)
        finally:
            client.close()
        seen_at = utcnow().isoformat()
        listed = {GUID_PREFIX + location.location_id for location in locations}

        def items() -> Iterator[dict[str, Any]]:
            for location in locations:
                yield {"guid": GUID_PREFIX + location.location_id,
                       "content": json.dumps({"location": asdict(location), "seen_at": seen_at},
                                             ensure_ascii=False)}
            yield from self._gone(job.source_id, listed)

        return objects.insert_objects(job, items())

    def _locations(self, job: HarvestJob, client: _Client,
                   config: OpenAQConfig) -> list[Location] | None:
        url = base_url(job.source.url) + LOCATIONS_PATH
        found: dict[str, Location] = {}
        try:
            for number, fetched in enumerate(client.pages(
                    url, {"parameters_id": 2, "iso": "TH"}, config.page_size), start=1):
                recording.report_fallback(job.id, fetched)
                page = page_of(fetched.data, page=number, limit=config.page_size)
                parsed = parse_locations(page.results)
                for issue in parsed.issues:
                    recording.record_gather_error(job, f"{issue.code}: {issue.message}",
                                                  snippet=issue.snippet)
                for location in parsed.locations:
                    found.setdefault(location.location_id, location)
        except FetchError as error:
            message, where, snippet = recording.fetch_failure("the location list", error)
            if error.kind == "out_of_time":
                message = budget.stopped(budget.spent_in_gather(job),
                                         "while listing the locations; stored data left as it was")
            recording.record_gather_error(job, message, url=where, snippet=snippet)
            return None
        except PayloadError as error:
            message, _, snippet = recording.payload_failure("location list", error)
            recording.record_gather_error(job, message + "; stored data left as it was",
                                          url=url, snippet=snippet)
            return None
        if not found:
            recording.record_gather_error(job, "OpenAQ listed no Thai location with a PM2.5 "
                                               "sensor; stored data left as it was", url=url)
            return None
        return list(found.values())

    def _named_licences(self, job: HarvestJob, client: _Client,
                        locations: list[Location]) -> list[Location]:
        if not any(location.licence_ids for location in locations):
            return locations
        url = base_url(job.source.url) + LICENCES_PATH
        try:
            names = licence_names(client.get(url, {"limit": 1000}).data)
        except (FetchError, PayloadError) as error:
            message, where, snippet = recording.upstream_failure("the licence list", error, url)
            recording.record_gather_error(job, message + "; licences named by id only are "
                                          "kept as their ids", url=where, snippet=snippet)
            names = {}
        return [replace(location, licences=tuple(dict.fromkeys((
            *location.licences, *(names.get(i, f"OpenAQ licence {i}") for i in location.licence_ids)))))
            if location.licence_ids else location for location in locations]

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: OpenAQConfig) -> bool:
        spent = budget.spent_before_fetch(obj, "before this location was fetched; its stored "
                                               "readings are unchanged and it is fetched again "
                                               "next run")
        if spent is None:
            return False
        content = json.loads(obj.content or "{}")
        if content.get("gone"):
            return True
        location = _location(content["location"])
        source = model.Package.get(obj.harvest_source_id)
        source_name = source.name if source is not None else obj.harvest_source_id
        client = self._client(obj.harvest_source_id, source_name,
                              budget.within(settings.http_policy(config.http), spent), config)
        if client is None:
            recording.record_object_error(obj, _missing_key(source_name), "Fetch")
            return False
        now = utcnow()
        recent = _stored(obj.harvest_source_id, location.location_id, config.max_catchup_hours)
        last = parse_utc(recent[0]["datetime_utc"]) if recent else None
        window = history_window(floor_hour(now), last, backfill_hours=config.backfill_hours,
                                revisit_hours=config.revisit_hours,
                                max_catchup_hours=config.max_catchup_hours)
        if len(location.sensor_ids) > 1:
            recording.record_object_note(obj, f"Location {location.location_id} has "
                                              f"{len(location.sensor_ids)} PM2.5 sensors; the "
                                              f"first ({location.sensor_ids[0]}) is harvested")
        sensor = location.sensor_ids[0]
        url = f"{base_url(obj.source.url)}/v3/sensors/{sensor}/{config.values_endpoint}"
        params = {"datetime_from": _z(window.fetch_start),
                  "datetime_to": _z(window.end + HOUR)}
        results: list[Any] = []
        try:
            for fetched in client.pages(url, params, VALUES_PAGE):
                results.extend(page_of(fetched.data, page=1, limit=VALUES_PAGE).results)
        except FetchError as error:
            if error.kind == "out_of_time":
                recording.record_object_error(obj, budget.stopped(
                    budget.spent(obj.job, obj), "while fetching the hourly values; its stored "
                    "readings are unchanged and it is fetched again next run"), "Fetch",
                    url=error.url)
                return False
            message, where, snippet = recording.fetch_failure("the hourly values", error)
            recording.record_object_error(obj, message + "; stored readings unchanged", "Fetch",
                                          url=where, snippet=snippet)
            return False
        except PayloadError as error:
            message, _, snippet = recording.payload_failure("hourly values", error)
            recording.record_object_error(obj, message + "; stored readings unchanged", "Fetch",
                                          url=url, snippet=snippet)
            return False
        finally:
            client.close()
        parsed = parse_values(results, location.location_id, now=now,
                              future_tolerance=future_tolerance())
        recording.record_issues(obj, parsed.issues, "Fetch")
        readings = [r for r in parsed.readings if "future" not in r.quality_flag.split(",")
                    and window.fetch_start <= r.datetime_utc <= window.end]
        rows = [reading_to_row(r) for r in with_rolling_means(readings, window.store_start)]
        content.update(rows=rows, window={"store_start": window.store_start.isoformat(),
                                          "end": window.end.isoformat()})
        obj.content = json.dumps(content, ensure_ascii=False)
        obj.save()
        return True

    # --- import: station_import.py's, with a location's own dataset and provenance ----------

    def _station(self, content: dict[str, Any]) -> Station:
        return _as_station(_location(content["location"]))

    def _dataset(self, content: dict[str, Any], config: StationSourceConfig, publisher: Publisher,
                 *, spatial: str | None, places: list[Province], last_seen: str) -> dict[str, Any]:
        return location_dataset(_location(content["location"]), publisher,
                                data_source=config.data_source, spatial=spatial,
                                provinces=places, last_seen=last_seen)

    def _provenance(self, content: dict[str, Any], config: StationSourceConfig,
                    publisher: Publisher) -> tuple[str, str | None]:
        location = _location(content["location"])
        return reading_source(location, config.data_source), reading_licence(location)

    def _republished(self, obj: HarvestObject, content: dict[str, Any], config: StationSourceConfig,
                     package_id: str, *, store_id: str, series: str, rows: list[dict[str, Any]],
                     provenance: tuple[str, str | None]) -> bool | str | None:
        """A location republishing a station harvested from its primary source: its readings
        kept under its own series, no dataset of its own, the primary's dataset naming it."""
        location = _location(content["location"])
        # the config is this harvester's own parse_config's
        match = openaq_links.primary_of(location, cast(OpenAQConfig, config))
        if match is None:
            return None
        stored = window_stored_rows(store_id, location.location_id, content, OPENAQ)
        source, licence = provenance
        written = openaq_links.keep_as_republished(obj, location, match, package_id,
                                                   store_id=store_id, series=series, rows=rows,
                                                   stored=stored, source=source, licence=licence)
        return True if written else "unchanged"


def _as_station(location: Location) -> Station:
    return Station(station_id=location.location_id, name_th=None, name_en=location.name,
                   area_th=None, area_en=location.locality, station_type="",
                   lat=location.lat, lon=location.lon)


def _stored(source_id: str, location_id: str, limit: int) -> list[dict[str, Any]]:
    """The location's newest stored rows, newest first (from the public or the private
    store, wherever its series is); none before its store exists."""
    package_id = location_package_id(source_id, location_id)
    return stored_readings(store_resource_id(source_id, is_private(package_id)), location_id,
                           limit, OPENAQ)


def _z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
