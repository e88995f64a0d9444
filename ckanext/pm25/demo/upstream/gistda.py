"""An imitation of GISTDA's PM2.5 model service (reference/sources.md section 2) on 127.0.0.1.

Every province (77, from ``geo/data/provinces.csv``) and the 928 real districts (DOPA codes
and Thai and English names from ``geo/data/districts.csv``), each with made-up values.

Endpoints (the field names of the reference; the shapes around them are this imitation's):

- ``/rest/getPm25byProvince``: ``{"status": 200, "data": [record, ...]}``, one per province;
- ``/rest/getPM25byAmphoe24hrs?ap_idn=5201``: ``{"status": 200, "data": record}``;
- ``/rest/getPm25byAmphoePred3?pv_idn=52``: ``{"status": 200, "data": [{"ap_idn", "loc",
  "pm25Pred3": [[value, timestamp], ...three days]}]}``.

A record: ``pv_idn`` (a number for provinces, text for districts, as upstream mixes them),
``loc`` (``pv_tn``, ``pv_en``, ``ap_tn``, ``ap_en``), ``pm25`` (the latest hour),
``pm25Avg24hrs``, ``datetimeThai`` (``dateThai``, ``timeThai``), ``datetimeEng`` (``dateEng``,
``timeEng``) and ``graphHistory24hrs`` (``[value, timestamp]``, oldest first).

Quirks: timestamps carry ``Z``; with ``timestamps="thai"`` (the default, what the reference
reports) they are Thai local time, with ``"utc"`` true UTC. Every seventh district has no
``datetimeThai``/``datetimeEng``; every eleventh has no ``pm25Avg24hrs``; some history values are
null, ``"-"`` or ``-999``. Tests change any record with ``province_overrides`` /
``district_overrides`` / ``forecast_overrides`` (a value of ``None`` removes the field) and add records with
``extra_provinces`` / ``extra_districts``; HTTP faults come from :class:`ImitationServer`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from ckanext.pm25.demo.upstream.server import ImitationServer, RecordedRequest, Reply
from ckanext.pm25.geo import districts, provinces

PROVINCES = "/rest/getPm25byProvince"
DISTRICT = "/rest/getPM25byAmphoe24hrs"
FORECAST = "/rest/getPm25byAmphoePred3"
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


@dataclass(frozen=True)
class DistrictSpec:
    code: str  # DOPA, four digits
    province_dopa: str
    name_th: str
    name_en: str
    base: float  # the district's typical PM2.5, µg/m³


@cache
def model_districts() -> tuple[DistrictSpec, ...]:
    """The 928 districts of the gazetteer, each with a typical value of its own."""
    specs = []
    for index, province in enumerate(provinces.all_provinces()):
        for district in districts.districts_of(province.code):
            base = 18 + (int(district.code) * 7919 % 40) + (25 if province.region == "north" else 0)
            specs.append(DistrictSpec(district.code, str(province.dopa), district.name_th,
                                      district.name_en, float(base) + index % 3))
    return tuple(specs)


def _value(base: float, hour: datetime) -> float:
    return round(base + 6 * math.sin((hour.hour + hour.day) / 24 * 2 * math.pi), 1)


def _thai_clock(local: datetime) -> tuple[dict[str, str], dict[str, str]]:
    thai = {"dateThai": f"{local.day} {THAI_MONTHS[local.month - 1]} {local.year + 543}",
            "timeThai": f"{local:%H:%M} น."}
    english = {"dateEng": f"{local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}",
               "timeEng": f"{local:%H:%M}"}
    return thai, english


def _apply(record: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    for key, value in (overrides or {}).items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


class GistdaServer(ImitationServer):
    PROVINCES = PROVINCES
    DISTRICT = DISTRICT
    FORECAST = FORECAST

    def __init__(self, *, now_local: datetime | None = None, timestamps: str = "thai",
                 tls: bool = False) -> None:
        super().__init__(tls=tls)
        if timestamps not in ("thai", "utc"):
            raise ValueError("timestamps is 'thai' or 'utc'")
        self.now_local = (now_local or datetime(2026, 12, 7, 17)).replace(
            minute=0, second=0, microsecond=0, tzinfo=None)
        self.timestamps = timestamps
        self.districts = model_districts()
        self.province_overrides: dict[str, dict[str, Any]] = {}  # by DOPA province code
        self.district_overrides: dict[str, dict[str, Any]] = {}  # by DOPA district code
        self.forecast_overrides: dict[str, dict[str, Any]] = {}  # by DOPA district code
        self.extra_provinces: list[Any] = []
        self.extra_districts: dict[str, list[Any]] = {}  # forecast rows by province DOPA code
        self.without_history_quirks = False
        self.only_provinces: set[str] | None = None  # DOPA codes listed (tests keep runs short)
        self.route(PROVINCES, self._provinces)
        self.route(DISTRICT, self._district)
        self.route(FORECAST, self._forecast)

    # --- values ------------------------------------------------------------------------------

    def stamp(self, local: datetime) -> str:
        """A timestamp as served: Thai local or true UTC, with ``Z`` either way."""
        shown = local if self.timestamps == "thai" else local - timedelta(hours=7)
        return f"{shown:%Y-%m-%dT%H:%M:%S}.000Z"

    def hours(self) -> list[datetime]:
        return [self.now_local - timedelta(hours=back) for back in range(23, -1, -1)]

    def district_values(self, district: DistrictSpec) -> list[float]:
        return [_value(district.base, hour) for hour in self.hours()]

    def province_values(self, dopa: str) -> list[float]:
        members = [self.district_values(d) for d in self.districts if d.province_dopa == dopa]
        return [round(sum(column) / len(column), 1) for column in zip(*members, strict=True)]

    def _history(self, values: list[float], quirky: bool) -> list[list[Any]]:
        history: list[list[Any]] = [[value, self.stamp(hour)]
                                    for value, hour in zip(values, self.hours(), strict=True)]
        if quirky and not self.without_history_quirks:
            history[2][0], history[5][0], history[9][0] = None, "-", -999
        return history

    def _record(self, values: list[float], loc: dict[str, str], with_clock: bool,
                with_mean: bool, quirky: bool) -> dict[str, Any]:
        record: dict[str, Any] = {"loc": loc, "pm25": values[-1],
                                  "graphHistory24hrs": self._history(values, quirky)}
        if with_mean:
            record["pm25Avg24hrs"] = round(sum(values) / len(values), 1)
        if with_clock:
            record["datetimeThai"], record["datetimeEng"] = _thai_clock(self.now_local)
        return record

    # --- routes ------------------------------------------------------------------------------

    def _provinces(self, request: RecordedRequest) -> Reply:
        data: list[Any] = []
        for province in provinces.all_provinces():
            dopa = str(province.dopa)
            if self.only_provinces is not None and dopa not in self.only_provinces:
                continue
            record = self._record(self.province_values(dopa),
                                  {"pv_tn": province.name_th, "pv_en": province.name_en},
                                  with_clock=True, with_mean=True, quirky=False)
            data.append(_apply({"pv_idn": int(dopa), **record}, self.province_overrides.get(dopa)))
        return Reply.json({"status": 200, "data": [*data, *self.extra_provinces]})

    def _district_record(self, district: DistrictSpec) -> dict[str, Any]:
        province = provinces.by_code(district.province_dopa)
        assert province is not None
        number = int(district.code[2:])
        loc = {"pv_tn": province.name_th, "pv_en": province.name_en,
               "ap_tn": district.name_th, "ap_en": district.name_en}
        record = self._record(self.district_values(district), loc,
                              with_clock=number % 7 != 0, with_mean=number % 11 != 0,
                              quirky=number == 3)
        return _apply({"ap_idn": district.code, "pv_idn": district.province_dopa, **record},
                      self.district_overrides.get(district.code))

    def _district(self, request: RecordedRequest) -> Reply:
        code = request.param("ap_idn") or ""
        for district in self.districts:
            if district.code == code:
                return Reply.json({"status": 200, "data": self._district_record(district)})
        return Reply.json({"status": 404, "data": None, "message": "ไม่พบข้อมูล"}, status=404)

    def _forecast(self, request: RecordedRequest) -> Reply:
        dopa = (request.param("pv_idn") or "").strip()
        members = [d for d in self.districts if d.province_dopa == dopa]
        if not members:
            return Reply.json({"status": 404, "data": None, "message": "ไม่พบข้อมูล"}, status=404)
        today = self.now_local.replace(hour=0)
        data: list[Any] = []
        for district in members:
            days = [today + timedelta(days=ahead) for ahead in (1, 2, 3)]
            row = {"ap_idn": district.code, "pv_idn": dopa,
                   "loc": {"ap_tn": district.name_th, "ap_en": district.name_en},
                   "pm25Pred3": [[round(district.base + 2 * ahead, 1), self.stamp(day)]
                                 for ahead, day in enumerate(days, start=1)]}
            data.append(_apply(row, self.forecast_overrides.get(district.code)))
        return Reply.json({"status": 200, "data": [*data, *self.extra_districts.get(dopa, [])]})
