"""Imitation of PCD's Air4Thai: the latest snapshot and both hourly-history forms.

The model is a list of stations and, per station, raw hourly values keyed by Thai local hour
(naive datetimes). Raw values are what upstream would send: floats, or sentinel strings such
as ``"-"``. The snapshot's "now" is ``now_local``, the latest hour served.

Data quirks are switched on with methods (``inject_sentinel``, ``set_coordinates``,
``duplicate_station``, ``date_in_future``, ``add_mobile_station``, ``remove_station``, …) or
all at once with :meth:`Air4ThaiServer.add_quirky_stations`. HTTP faults come from
:class:`ckanext.pm25.demo.upstream.server.ImitationServer`.
"""
from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ckanext.pm25.aqi import thai_aqi, thai_bands
from ckanext.pm25.demo.upstream.server import ImitationServer, RecordedRequest, Reply

DEFAULT_NOW_LOCAL = datetime(2024, 5, 7, 20, 0)

# Real provincial seats (lat, lon) used to place synthetic stations.
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "Bangkok": (13.7563, 100.5018),
    "Chiang Mai": (18.7883, 98.9853),
    "Lampang": (18.2888, 99.4909),
    "Chiang Rai": (19.9105, 99.8406),
    "Nan": (18.7756, 100.7730),
    "Mae Hong Son": (19.3020, 97.9654),
    "Phitsanulok": (16.8211, 100.2659),
    "Khon Kaen": (16.4419, 102.8360),
    "Nakhon Ratchasima": (14.9799, 102.0977),
    "Ubon Ratchathani": (15.2287, 104.8564),
    "Udon Thani": (17.4138, 102.7872),
    "Sing Buri": (14.8936, 100.3967),
    "Saraburi": (14.5289, 100.9101),
    "Chon Buri": (13.3611, 100.9847),
    "Rayong": (12.6814, 101.2816),
    "Kanchanaburi": (14.0228, 99.5328),
    "Surat Thani": (9.1382, 99.3217),
    "Songkhla": (7.1898, 100.5954),
    "Phuket": (7.8804, 98.3923),
    "Nakhon Si Thammarat": (8.4304, 99.9631),
}
NORTHERN = {"Chiang Mai", "Lampang", "Chiang Rai", "Nan", "Mae Hong Son", "Phitsanulok"}


@dataclass
class StationSpec:
    station_id: str
    name_th: str
    name_en: str
    area_th: str
    area_en: str
    station_type: str = "GROUND"
    lat: str = ""
    lon: str = ""
    # MOBILE units: coordinates served on successive latest-snapshot calls (cycled).
    track: list[tuple[str, str]] = field(default_factory=list)
    base_level: float = 30.0


DEFAULT_STATIONS: tuple[StationSpec, ...] = (
    StationSpec("35t", "ศาลากลางจังหวัดเชียงใหม่", "City Hall, Chiang Mai",
                "ต.ช้างเผือก อ.เมือง, เชียงใหม่", "Chang Phueak, Mueang, Chiang Mai",
                lat="18.840633", lon="98.969661", base_level=55.0),
    StationSpec("36t", "โรงเรียนยุพราชวิทยาลัย", "Yupparaj Wittayalai School",
                "ต.ศรีภูมิ อ.เมือง, เชียงใหม่", "Si Phum, Mueang, Chiang Mai",
                lat="18.79056", lon="98.99", base_level=58.0),
    StationSpec("37t", "ศูนย์ราชการจังหวัดลำปาง", "Lampang Government Centre",
                "ต.พระบาท อ.เมือง, ลำปาง", "Phra Bat, Mueang, Lampang",
                lat="18.27806", lon="99.50667", base_level=50.0),
    StationSpec("38t", "สถานีอนามัยบ้านสบป้าด", "Ban Sop Pad Health Centre",
                "ต.แม่เมาะ อ.แม่เมาะ, ลำปาง", "Mae Mo, Mae Mo, Lampang",
                lat="18.25", lon="99.76", base_level=45.0),
    StationSpec("39t", "สถานีอนามัยบ้านท่าสี", "Ban Tha Si Health Centre",
                "ต.บ้านดง อ.แม่เมาะ, ลำปาง", "Ban Dong, Mae Mo, Lampang",
                lat="18.43", lon="99.76", base_level=44.0),
    StationSpec("40t", "สถานีตำรวจภูธรแม่เมาะ", "Mae Mo Police Station",
                "ต.แม่เมาะ อ.แม่เมาะ, ลำปาง", "Mae Mo, Mae Mo, Lampang",
                lat="18.28", lon="99.66", base_level=46.0),
    StationSpec("o70", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดสิงห์บุรี",
                "Sing Buri Provincial Office of Natural Resources and Environment",
                "ต.บางพุทรา อ.เมือง, สิงห์บุรี", "Bang Phutsa, Mueang, Sing Buri",
                lat="14.8936", lon="100.3967", base_level=33.0),
    StationSpec("54t", "การเคหะชุมชนดินแดง", "National Housing Authority Dindaeng",
                "ถ.ดินแดง เขตดินแดง, กรุงเทพฯ", "Din Daeng Rd. Khet Din Daeng, Bangkok",
                lat="13.76251667", lon="100.5502", base_level=32.0),
    StationSpec("bkp97t", "สำนักงานเขตปทุมวัน", "Pathum Wan District Office",
                "เขตปทุมวัน, กรุงเทพฯ", "Khet Pathum Wan, Bangkok", station_type="BKK",
                lat="13.7466", lon="100.5347", base_level=30.0),
)


class Air4ThaiServer(ImitationServer):
    LATEST = "/services/getNewAQI_JSON.php"
    HISTORY = "/webV2/history/api/data.php"
    HISTORY_NEW = "/forweb/getHistoryData.php"

    def __init__(
        self,
        stations: Iterable[StationSpec] = DEFAULT_STATIONS,
        *,
        now_local: datetime = DEFAULT_NOW_LOCAL,
        hours: int = 48,
        seed: int = 7,
        tls: bool = False,
    ) -> None:
        super().__init__(tls=tls)
        self.now_local = now_local
        self.stations: dict[str, StationSpec] = {}
        self.hourly: dict[str, dict[datetime, Any]] = {}
        self.empty_station_list = False
        self.history_new_hour_label = "ending"  # the newer form labels hours by their end
        self._latest_calls = 0
        self._extra_latest: list[dict[str, Any]] = []
        self._future: dict[str, int] = {}
        self._random = random.Random(seed)
        for spec in stations:
            self.add_station(spec, hours=hours)
        self.route(self.LATEST, self._latest)
        self.route(self.HISTORY, self._history)
        self.route(self.HISTORY_NEW, self._history_new)

    # --- model -------------------------------------------------------------------------------

    def add_station(self, spec: StationSpec, *, hours: int = 48) -> None:
        """Add a station with ``hours`` of generated hourly values ending at ``now_local``. The
        server keeps a copy of ``spec``: its quirks (``set_coordinates``) never change the
        caller's spec, such as one of ``DEFAULT_STATIONS`` that the next server starts from."""
        spec = replace(spec, track=list(spec.track))
        self.stations[spec.station_id] = spec
        series: dict[datetime, Any] = {}
        for back in range(hours):
            hour = self.now_local - timedelta(hours=back)
            series[hour] = _plausible_value(spec.base_level, hour, self._random)
        self.hourly[spec.station_id] = series

    def remove_station(self, station_id: str) -> None:
        """The station disappears from every endpoint."""
        self.stations.pop(station_id, None)
        self.hourly.pop(station_id, None)

    def set_value(self, station_id: str, raw: Any, hour: datetime | None = None) -> None:
        self.hourly[station_id][hour or self.now_local] = raw

    def inject_sentinel(self, station_id: str, raw: Any = "-",
                        hour: datetime | None = None) -> None:
        """Make the (latest) hour of a station a sentinel or junk value (``"-"``, ``"-999"``,
        ``"N/A"``, ``"abc"``, …)."""
        self.set_value(station_id, raw, hour)

    def set_coordinates(self, station_id: str, lat: str, lon: str) -> None:
        spec = self.stations[station_id]
        spec.lat, spec.lon = lat, lon

    def duplicate_station(self, station_id: str, hours_older: int = 1) -> None:
        """The latest snapshot lists the station twice; the extra copy comes first and is
        ``hours_older`` hours older, so a client keeping the latest keeps the second."""
        record = self._station_record(self.stations[station_id],
                                      self.now_local - timedelta(hours=hours_older))
        self._extra_latest.append(record)

    def date_in_future(self, station_id: str, hours: int = 3) -> None:
        """The station's latest reading (and a history row) is dated ``hours`` after now."""
        self._future[station_id] = hours
        future_hour = self.now_local + timedelta(hours=hours)
        self.hourly[station_id][future_hour] = self.hourly[station_id][self.now_local]

    def add_mobile_station(self, station_id: str, track: Sequence[tuple[str, str]]) -> None:
        """A MOBILE unit whose coordinates move along ``track`` on successive latest calls."""
        first = track[0]
        self.add_station(StationSpec(
            station_id, "หน่วยตรวจวัดคุณภาพอากาศเคลื่อนที่", "Mobile monitoring unit",
            "หน่วยเคลื่อนที่", "Mobile unit", station_type="MOBILE", lat=first[0], lon=first[1],
            track=list(track), base_level=40.0))

    def add_quirky_stations(self) -> dict[str, str]:
        """Add one station per record-level quirk; returns station id → expected issue code."""
        quirks = {
            "q01t": ("coords_zero", dict(lat="0", lon="0")),
            "q02t": ("coords_swapped", dict(lat="100.4", lon="14.9")),
            "q03t": ("coords_outside_thailand", dict(lat="35.68", lon="139.69")),
            "q04t": ("coords_non_numeric", dict(lat="N 14.5", lon="E 100.5")),
            "q05t": ("sentinel", {}),
            "q06t": ("non_numeric", {}),
            "q07t": ("negative", {}),
            "q08t": ("out_of_range", {}),
            "q09t": ("future", {}),
            "q10t": ("unknown_station_type", {}),
        }
        for station_id, (_code, coords) in quirks.items():
            self.add_station(StationSpec(
                station_id, f"สถานีทดสอบ {station_id}", f"Test station {station_id}",
                "สิงห์บุรี", "Sing Buri", lat=coords.get("lat", "14.89"),
                lon=coords.get("lon", "100.40"), base_level=35.0))
        self.inject_sentinel("q05t", "-999")
        self.inject_sentinel("q06t", "abc")
        self.inject_sentinel("q07t", "-12.5")
        self.inject_sentinel("q08t", "1500")
        self.date_in_future("q09t", 5)
        self.stations["q10t"].station_type = "SATELLITE"
        self.duplicate_station("35t")
        expected = {station_id: code for station_id, (code, _coords) in quirks.items()}
        expected["35t"] = "duplicate_station"
        return expected

    # --- payloads ----------------------------------------------------------------------------

    def latest_payload(self, station_id: str | None = None) -> dict[str, Any]:
        """The body ``getNewAQI_JSON.php`` would return now (advances MOBILE units)."""
        self._latest_calls += 1
        if self.empty_station_list:
            return {"stations": []}
        records = [dict(record) for record in self._extra_latest]
        for spec in self.stations.values():
            hour = self.now_local + timedelta(hours=self._future.get(spec.station_id, 0))
            records.append(self._station_record(spec, hour))
        if station_id:
            records = [r for r in records if r["stationID"] in station_id.split(",")]
        return {"stations": records}

    def history_payload(self, station_ids: Sequence[str], start: datetime, end: datetime,
                        *, newer_form: bool = False) -> dict[str, Any]:
        """History rows for ``start <= hour <= end`` (naive Thai local)."""
        label_shift = timedelta(hours=1) if newer_form and self.history_new_hour_label == "ending" \
            else timedelta(0)
        stations = []
        for station_id in station_ids:
            if station_id not in self.hourly:
                continue
            rows = []
            numbers = []
            for hour in sorted(self.hourly[station_id]):
                if not start <= hour <= end:
                    continue
                raw = self.hourly[station_id][hour]
                if isinstance(raw, float):
                    numbers.append(raw)
                value = (f"{raw:.1f}" if isinstance(raw, float) else raw) if newer_form else raw
                rows.append({"DATETIMEDATA": (hour + label_shift).strftime("%Y-%m-%d %H:%M:%S"),
                             "PM25": value})
            spec = self.stations[station_id]
            entry: dict[str, Any] = {"stationID": station_id, "data": rows}
            if newer_form:
                entry.update(nameTH=spec.name_th, nameEN=spec.name_en, summary={"PM25": {
                    "min": f"{min(numbers):.1f}" if numbers else "-",
                    "max": f"{max(numbers):.1f}" if numbers else "-",
                    "avg": f"{sum(numbers) / len(numbers):.1f}" if numbers else "-"}})
            stations.append(entry)
        if newer_form:
            return {"result": "OK", "stations": stations}
        return {"stations": stations}

    def _station_record(self, spec: StationSpec, hour: datetime) -> dict[str, Any]:
        lat, lon = spec.lat, spec.lon
        if spec.track:
            lat, lon = spec.track[(self._latest_calls - 1) % len(spec.track)]
        value = self._rolling_mean(spec.station_id, hour)
        pm25_block = _pm25_block(value)
        return {
            "stationID": spec.station_id, "nameTH": spec.name_th, "nameEN": spec.name_en,
            "areaTH": spec.area_th, "areaEN": spec.area_en, "stationType": spec.station_type,
            "lat": lat, "long": lon, "forecast": [],
            "AQILast": {
                "date": hour.strftime("%Y-%m-%d"), "time": hour.strftime("%H:%M"),
                "PM25": pm25_block,
                "PM10": {"color_id": "0", "aqi": "-1", "value": "-"},
                "O3": {"color_id": "0", "aqi": "-1", "value": "-"},
                "CO": {"color_id": "0", "aqi": "-1", "value": "-"},
                "NO2": {"color_id": "0", "aqi": "-1", "value": "-"},
                "SO2": {"color_id": "0", "aqi": "-1", "value": "-"},
                "AQI": {"color_id": pm25_block["color_id"], "aqi": pm25_block["aqi"],
                        "param": "PM25"},
            },
        }

    def _rolling_mean(self, station_id: str, hour: datetime) -> Any:
        """Upstream's latest value: the 24-hour mean; a non-float latest hour is passed through."""
        series = self.hourly.get(station_id, {})
        latest = series.get(hour, "-")
        if not isinstance(latest, float):
            return latest
        window = [series.get(hour - timedelta(hours=back)) for back in range(24)]
        numbers = [value for value in window if isinstance(value, float)]
        return round(sum(numbers) / len(numbers), 1)

    # --- routes ------------------------------------------------------------------------------

    def _latest(self, request: RecordedRequest) -> Reply:
        return Reply.json(self.latest_payload(request.param("stationID")))

    def _history(self, request: RecordedRequest) -> Reply:
        return self._history_reply(request, newer_form=False)

    def _history_new(self, request: RecordedRequest) -> Reply:
        return self._history_reply(request, newer_form=True)

    def _history_reply(self, request: RecordedRequest, *, newer_form: bool) -> Reply:
        ids = [part for part in (request.param("stationID") or "").split(",") if part]
        try:
            start = _local_hour(request.param("sdate"), request.param("stime", "00"))
            end = _local_hour(request.param("edate"), request.param("etime", "24"))
        except (TypeError, ValueError):
            if newer_form:
                return Reply.json({"result": "ERROR", "message": "invalid date"})
            return Reply.json({"stations": []})
        return Reply.json(self.history_payload(ids, start, end, newer_form=newer_form))

    # --- synthetic national snapshot ---------------------------------------------------------

    @classmethod
    def synthetic(
        cls,
        n_stations: int,
        hours: int,
        *,
        seed: int = 2024,
        points: Sequence[tuple[float, float]] | None = None,
        centres: dict[str, tuple[float, float]] | None = None,
        now_local: datetime = DEFAULT_NOW_LOCAL,
        tls: bool = False,
    ) -> Air4ThaiServer:
        """A deterministic national network of ``n_stations`` × ``hours`` hourly values.

        Stations sit at ``points`` (cycled) when given, else scattered within 0.1° of the
        ``centres`` (default: 20 real provincial seats), round-robin. Northern provinces run
        higher (burning season); Bangkok stations are BKK type; every 25th is MOBILE.
        """
        rng = random.Random(seed)
        places = list((centres or PROVINCE_CENTRES).items())
        specs = []
        for index in range(n_stations):
            if points:
                lat, lon = points[index % len(points)]
                province = "Thailand"
            else:
                province, (centre_lat, centre_lon) = places[index % len(places)]
                lat = centre_lat + rng.uniform(-0.1, 0.1)
                lon = centre_lon + rng.uniform(-0.1, 0.1)
            station_type = "MOBILE" if index % 25 == 24 else (
                "BKK" if province == "Bangkok" else "GROUND")
            prefix = "bkp" if station_type == "BKK" else ""
            specs.append(StationSpec(
                f"{prefix}{index + 100}t", f"สถานีจำลอง {index + 1}",
                f"Synthetic station {index + 1}",
                f"จังหวัด{province}", province, station_type=station_type,
                lat=f"{lat:.6f}", lon=f"{lon:.6f}",
                base_level=(60.0 if province in NORTHERN else 30.0) + rng.uniform(-8, 8)))
        return cls(specs, now_local=now_local, hours=hours, seed=seed, tls=tls)


def _plausible_value(base: float, hour: datetime, rng: random.Random) -> float:
    # Night-time inversions trap smoke: peak in the early morning, low in the afternoon.
    diurnal = 0.25 * base * math.cos((hour.hour - 6) / 24 * 2 * math.pi)
    return round(max(1.0, base + diurnal + rng.gauss(0, base * 0.1)), 1)


def _pm25_block(value: Any) -> dict[str, str]:
    if not isinstance(value, float):
        return {"color_id": "0", "aqi": "-1", "value": str(value)}
    result = thai_aqi(value)
    assert result is not None
    colour_id = [band.key for band in thai_bands()].index(result.band) + 1
    return {"color_id": str(colour_id), "aqi": str(result.value), "value": f"{value:.1f}"}


def _local_hour(date_text: str | None, hour_text: str | None) -> datetime:
    day = datetime.strptime(str(date_text), "%Y-%m-%d")
    return day + timedelta(hours=int(hour_text or 0))
