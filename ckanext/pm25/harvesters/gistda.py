"""``pm25_gistda``: GISTDA's satellite-model PM2.5 for every province and district.

- Gather: the province values (``/rest/getPm25byProvince``); one harvest object per known
  province, GUID ``gistda:province:TH-52``. An unusable list (HTTP failure, HTML, truncated
  JSON, no list) is a gather error and changes nothing; an unknown province code or a record
  that is not one is a gather error and the others go on.
- Fetch: the province's 3-day district forecast (``/rest/getPm25byAmphoePred3?pv_idn=``), whose
  rows also list its districts, then each district's hourly values and 24-hour mean
  (``/rest/getPM25byAmphoe24hrs?ap_idn=``). When the forecast fails, the districts stored
  before are fetched. A district that fails is recorded and the others go on.
- Import: no dataset per area. Every area's hours go into the source's one measurement store
  (``network.py``, ``measurements/bulk.py``: one merge per province, unchanged rows untouched),
  parameter ``pm25``; the forecast days go into the same table with parameter
  ``pm25_forecast`` (hour = the start of the Thai day). The network dataset lists all 77
  provinces, so the province filter of the catalogue finds it. The dashboard's summary of
  modelled areas is told through :class:`~ckanext.pm25.interfaces.IPm25Readings`.

How the ``Z`` timestamps are read is decided per record (``gistda_records``) and written on the
province's object as a note.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import requests
from ckan import model

from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.pm25.aqi import thai_aqi, us_aqi
from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import thai_day_start, utcnow
from ckanext.pm25.geo import provinces
from ckanext.pm25.harvesters import (budget, network, objects, publishing, recording, settings,
                                     stages)
from ckanext.pm25.harvesters.recorded_messages import CANNOT_HARVEST, CANNOT_IMPORT, english
from ckanext.pm25.harvesters.datasets import (DEFAULT_LICENSE, Publisher, network_dataset,
                                              network_package_id)
from ckanext.pm25.harvesters.gistda_records import (AreaSeries, DistrictForecast, Parsed,
                                                    forecast_from_json, forecast_to_json,
                                                    issue_to_json, parse_district, parse_forecast,
                                                    parse_provinces,
                                                    series_from_json, series_to_json, time_notes)
from ckanext.pm25.harvesters.http import FetchError, HttpPolicy, fetch_json, make_session
from ckanext.pm25.harvesters.normalise import Issue, PayloadError
from ckanext.pm25.harvesters.source_config import GistdaConfig, parse_gistda_config
from ckanext.pm25.interfaces import IPm25Readings
from ckanext.pm25.measurements.bulk import merge
from ckanext.pm25.measurements.rows import Measurement
from ckanext.pm25.readings import area_store, hooks

PROVINCES_PATH = "/rest/getPm25byProvince"
DISTRICT_PATH = "/rest/getPM25byAmphoe24hrs"
FORECAST_PATH = "/rest/getPm25byAmphoePred3"
PM25 = "pm25"
FORECAST = "pm25_forecast"
GUID_PREFIX = "gistda:province:"
DISTRICT_FETCHERS = 6  # requests to upstream at once, one province's districts
MODEL_TAGS = ("PM2.5", "ฝุ่นละออง", "คุณภาพอากาศ", "air quality", "GISTDA", "แบบจำลอง", "model")


def base_url(url: str) -> str:
    root = url.strip().rstrip("/")
    for path in (PROVINCES_PATH, DISTRICT_PATH, FORECAST_PATH):
        if root.endswith(path):
            return root[: -len(path)]
    return root


def tolerance() -> timedelta:
    return timedelta(minutes=int(tk.config.get("ckanext.pm25.harvest.future_tolerance_minutes")))


def model_network_dataset(publisher: Publisher, *, data_source: str, private: bool = False
                          ) -> dict[str, Any]:
    """The network dataset of a model source: every province's and district's modelled hourly
    PM2.5 and 3-day forecast in one table, listed under all 77 provinces."""
    dataset = network_dataset(publisher, data_source=data_source, private=private)
    which_th, which_en = ("ไม่เผยแพร่", "unpublished") if private else ("ทุกจังหวัดและอำเภอ",
                                                                        "every province and district")
    return {
        **dataset,
        "title": f"ค่าประมาณ PM2.5 จากแบบจำลอง รายชั่วโมงและพยากรณ์ 3 วัน {which_th} "
                 f"({publisher.org_title}) | Modelled PM2.5, hourly and 3-day forecast, {which_en}",
        "notes": (
            f"ค่าประมาณ PM2.5 รายชั่วโมงจากแบบจำลองข้อมูลดาวเทียมของ {data_source} ทุกจังหวัดและอำเภอ "
            f"ในตารางเดียว series_id เช่น gistda:province:TH-52 หรือ gistda:district:5201 (รหัสอำเภอ"
            f"ของกรมการปกครอง) parameter pm25 คือค่ารายชั่วโมง และ pm25_forecast คือค่าพยากรณ์รายวัน "
            f"(hour_utc คือเวลาเริ่มวันตามเวลาประเทศไทย) เป็นค่าประมาณจากแบบจำลอง ไม่ใช่ค่าตรวจวัด\n\n"
            f"Modelled (satellite-based) hourly PM2.5 of every province and district from "
            f"{data_source} in one table: series_id such as gistda:province:TH-52 or "
            f"gistda:district:5201 (DOPA district code); parameter pm25 is the hourly estimate, "
            f"pm25_forecast the daily forecast (hour_utc: the start of the Thai day). Model "
            f"estimates, not measurements."),
        "measurement_type": "satellite_model",
        "tags": [{"name": tag} for tag in MODEL_TAGS],
        "provinces": [province.code for province in provinces.all_provinces()],
    }


class GistdaHarvester(stages.Pm25HarvesterBase):

    def info(self) -> dict[str, str]:
        return {
            "name": "pm25_gistda",
            "title": N_("GISTDA PM2.5 model estimates"),
            "description": N_("GISTDA's satellite-model PM2.5 of every province and district, "
                              "hourly with the 3-day district forecast, in one measurement store."),
        }

    def parse_config(self, text: str | None) -> GistdaConfig:
        return parse_gistda_config(text)

    def validate_config(self, config: str | None) -> str | None:
        validated = super().validate_config(config)
        publishing.require_contact(parse_gistda_config(config))
        return validated

    def get_original_url(self, harvest_object_id: str) -> str | None:
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.guid.startswith(GUID_PREFIX):
            return None
        province = provinces.by_code(obj.guid[len(GUID_PREFIX):])
        if province is None:
            return None
        return f"{base_url(obj.source.url)}{FORECAST_PATH}?pv_idn={province.dopa}"

    # --- gather ------------------------------------------------------------------------------

    def gather(self, job: HarvestJob, config: GistdaConfig) -> list[str]:
        try:
            publishing.publisher_for(job.source, config)
        except ValueError as error:
            recording.record_gather_error(job, english(CANNOT_HARVEST, error=error))
            return []
        url = base_url(job.source.url) + PROVINCES_PATH
        now = utcnow()
        try:
            fetched = fetch_json(url, budget.within(settings.http_policy(config.http),
                                                    budget.spent_in_gather(job)))
            recording.report_fallback(job.id, fetched)
            parsed = parse_provinces(fetched.data, now=now, tolerance=tolerance())
        except (FetchError, PayloadError) as error:
            message, where, snippet = recording.upstream_failure("the province values", error, url)
            recording.record_gather_error(job, message + "; stored data left as it was",
                                          url=where, snippet=snippet)
            return []
        for issue in parsed.issues:
            if issue.station_id is None:
                recording.record_gather_error(job, f"{issue.code}: {issue.message}",
                                              snippet=issue.snippet)
        return objects.insert_objects(job, ({
            "guid": GUID_PREFIX + series.area.province,
            "content": json.dumps({
                "province": series_to_json(series),
                "issues": [issue_to_json(i) for i in parsed.issues
                           if i.station_id == series.area.series_id],
            }, ensure_ascii=False)} for series in parsed.series))

    # --- fetch -------------------------------------------------------------------------------

    def fetch(self, obj: HarvestObject, config: GistdaConfig) -> bool:
        content = json.loads(obj.content or "{}")
        if not config.districts:
            return True
        spent = budget.spent_before_fetch(obj, "before this province's districts were fetched; "
                                               "its stored values are unchanged")
        if spent is None:
            return False
        province = provinces.by_code(content["province"]["area"]["province"])
        assert province is not None
        policy = budget.within(settings.http_policy(config.http), spent)
        root = base_url(obj.source.url)
        session = make_session(policy)
        try:
            forecast = self._forecast(obj, session, policy, root, province)
            codes = [f.area.code for f in forecast.forecasts] if forecast else None
            if codes is None:
                with hooks.reading() as conn:
                    codes = area_store.known_districts(conn, obj.harvest_source_id, province.code)
            districts, issues = self._districts(obj, policy, root, province.code, codes)
        finally:
            session.close()
        issues += forecast.issues if forecast else []
        recording.record_issues(obj, [i for i in issues if i.code != "future"], "Fetch")
        content["districts"] = [series_to_json(series) for series in districts]
        content["forecasts"] = [forecast_to_json(f) for f in forecast.forecasts] \
            if forecast and config.forecast else []
        content["future"] = [issue_to_json(i) for i in issues if i.code == "future"]
        # saved (committed) by ckanext-harvest as soon as the stage returns: no commit of our own
        obj.content = json.dumps(content, ensure_ascii=False)
        return True

    def _forecast(self, obj: HarvestObject, session: requests.Session, policy: HttpPolicy,
                  root: str, province: provinces.Province) -> Parsed | None:
        url = root + FORECAST_PATH
        try:
            fetched = fetch_json(url, policy, params={"pv_idn": province.dopa}, session=session)
            return parse_forecast(fetched.data, province=province.code, now=utcnow())
        except (FetchError, PayloadError) as error:
            message, where, snippet = recording.upstream_failure(
                "the district forecast", error, url)
            recording.record_object_error(obj, message + "; the districts stored before are "
                                                         "fetched, no forecast stored", "Fetch",
                                          url=where, snippet=snippet)
            return None

    def _districts(self, obj: HarvestObject, policy: HttpPolicy, root: str, province: str,
                   codes: list[str]) -> tuple[list[AreaSeries], list[Issue]]:
        """Each district fetched and parsed, a few at once (upstream answers one district per
        request); failures recorded here, in order, on this thread's database session."""
        url = root + DISTRICT_PATH
        now = utcnow()

        def one(code: str) -> Parsed | FetchError | PayloadError:
            try:
                fetched = fetch_json(url, policy, params={"ap_idn": code})
                return parse_district(fetched.data, province=province, now=now,
                                      tolerance=tolerance())
            except (FetchError, PayloadError) as error:
                return error

        found: list[AreaSeries] = []
        issues: list[Issue] = []
        with ThreadPoolExecutor(max_workers=DISTRICT_FETCHERS) as pool:
            for code, outcome in zip(codes, pool.map(one, codes), strict=True):
                if isinstance(outcome, Parsed):
                    found.extend(outcome.series)
                    issues.extend(outcome.issues)
                    continue
                message, where, snippet = recording.upstream_failure(
                    f"district {code}", outcome, f"{url}?ap_idn={code}")
                if isinstance(outcome, FetchError) and outcome.kind == "out_of_time":
                    recording.record_object_error(obj, budget.stopped(
                        budget.spent(obj.job, obj), f"at district {code}; its stored values are "
                                                    f"unchanged"), "Fetch", url=where)
                    continue
                recording.record_object_error(obj, message + "; its stored values are unchanged",
                                              "Fetch", url=where, snippet=snippet)
        return found, issues

    # --- import ------------------------------------------------------------------------------

    def do_import(self, obj: HarvestObject, config: GistdaConfig) -> bool | str:
        content = json.loads(obj.content or "{}")
        try:
            publisher = publishing.publisher_for(obj.source, config)
        except ValueError as error:
            recording.record_object_error(obj, english(CANNOT_IMPORT, error=error), "Import")
            return False
        series = [series_from_json(content["province"]),
                  *(series_from_json(item) for item in content.get("districts") or [])]
        forecasts = [forecast_from_json(item) for item in content.get("forecasts") or []]
        for issue in content.get("issues") or []:
            recording.record_object_error(obj, f"{issue['code']}: {issue['message']}", "Import",
                                          snippet=issue["snippet"])
        future = content.get("future") or []
        notes = time_notes([*series, *forecasts])
        if future:
            notes.append(f"future: {future[0]['message']} ({len(future)} values held back)")

        def record_notes(commit: bool) -> None:  # one note per province
            if notes:
                recording.record_object_note(obj, "\n".join(notes), commit=commit,
                                             snippet=future[0]["snippet"] if future else None)

        try:
            store_id = network.ensure_public_store(publisher, config.data_source,
                                                   describe=model_network_dataset)
        except tk.ValidationError as error:
            model.Session.rollback()
            record_notes(commit=True)
            recording.record_object_error(
                obj, f"The source's network dataset did not pass validation: "
                     f"{recording.validation_message(error)}; stored data left as it was", "Import")
            return False
        licence = publisher.license_id or DEFAULT_LICENSE
        counts = merge(store_id, _measurements(series, forecasts, config.data_source, licence))
        _tell_summary(obj, _areas(series, forecasts, obj.harvest_source_id, config.data_source,
                                  licence, store_id))
        # the note and the object committed by ckanext-harvest's save when the stage returns
        record_notes(commit=False)
        objects.make_current(obj, network_package_id(obj.harvest_source_id), commit=False)
        return True if counts.written else "unchanged"


def _aqi(value: float | None) -> tuple[int | None, int | None]:
    thai, us = thai_aqi(value), us_aqi(value)
    return (thai.value if thai else None, us.value if us else None)


def _measurements(series: list[AreaSeries], forecasts: list[DistrictForecast], source: str,
                  licence: str) -> list[Measurement]:
    rows = []
    for item in series:
        latest = item.latest
        for reading in item.readings:
            mean = item.mean_24h if reading is latest else None
            aqi_th, aqi_us = _aqi(mean)
            rows.append(Measurement(item.area.series_id, PM25, reading.hour_utc, reading.value,
                                    mean, aqi_th, aqi_us, reading.quality_flag, source, licence))
    for forecast in forecasts:
        for day in forecast.days:
            aqi_th, aqi_us = _aqi(day.value)
            rows.append(Measurement(forecast.area.series_id, FORECAST, thai_day_start(day.day),
                                    day.value, day.value, aqi_th, aqi_us, day.quality_flag,
                                    source, licence))
    return rows


def _areas(series: list[AreaSeries], forecasts: list[DistrictForecast], source_id: str,
           data_source: str, licence: str, store_id: str) -> list[dict[str, Any]]:
    by_series = {f.area.series_id: f for f in forecasts}
    areas = []
    for item in series:
        with_value = [r for r in item.readings if r.value is not None]
        newest = with_value[-1] if with_value else None
        forecast = by_series.get(item.area.series_id)
        areas.append({
            "series_id": item.area.series_id, "source_id": source_id, "kind": item.area.kind,
            "code": item.area.code, "province": item.area.province,
            "name_th": item.area.name_th, "name_en": item.area.name_en,
            "hour_utc": newest.hour_utc if newest else None,
            "pm25": newest.value if newest else None,
            "pm25_24h": item.mean_24h if newest is not None and newest is item.latest else None,
            "data_source": data_source, "licence": licence, "resource_id": store_id,
            "forecast": [(d.day, d.value) for d in forecast.days] if forecast else [],
        })
    return areas


def _tell_summary(obj: HarvestObject, areas: list[dict[str, Any]]) -> None:
    for plugin in plugins.PluginImplementations(IPm25Readings):
        try:
            plugin.areas_stored(areas)
        except Exception as error:  # recorded; the stored values stay stored
            model.Session.rollback()
            recording.record_object_error(obj, f"The values were stored, but the areas_stored "
                                               f"hook of {plugin.name} failed: {error!r}", "Import")

