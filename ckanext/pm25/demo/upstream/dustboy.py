"""Imitation of CCDC CMU's DustBoy service: the station list and each sensor's 30-day data,
behind ``Authorization: Bearer <key>`` (HTTP 401 without it or with another key).

The real format is *unverified* (reference/sources.md section 3), so the imitation serves both
likely shapes and never the harvester's assumption alone:

- ``shape="dustboy"``: ``dustboy_id``, ``dustboy_name``, ``dustboy_lat``/``dustboy_lon``,
  ``pm25`` and ``log_datetime`` (Thai local, ``YYYY-MM-DD HH:MM:SS``);
- ``shape="plain"``: ``id``, ``name``, ``lat``/``lng``, ``pm2_5``, and the time as an ISO 8601
  stamp with its offset in the list, as ``date`` + ``time`` (Thai local) in the 30-day data,
  whose values come every 30 minutes (two per hour).

Every station record also carries its caretaker's personal data (``dustboy_name_contact``,
``contact_name``, ``tel``, ``phone``, ``mobile``, ``line_id``, ``email`` and a nested
``caretaker`` object), set by ``personal`` so a test can look for its distinctive values
everywhere afterwards. Faults come from :class:`ImitationServer`; value quirks from
``set_value`` (``"-"``, ``-999``, text).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ckanext.pm25.demo.upstream.server import ImitationServer, RecordedRequest, Reply

DEFAULT_KEY = "dustboy-demo-key"


@dataclass(frozen=True)
class Sensor:
    sensor_id: str
    name: str
    lat: float
    lon: float
    base_level: float = 40.0


# Around Chiang Mai (and one each in Lamphun and Chiang Rai), like the real network's core.
DEFAULT_SENSORS: tuple[Sensor, ...] = (
    Sensor("4001", "โรงเรียนวัดสวนดอก เชียงใหม่", 18.7885, 98.9687, 62.0),
    Sensor("4002", "มหาวิทยาลัยเชียงใหม่ (CMU)", 18.8025, 98.9530, 58.0),
    Sensor("4003", "ตลาดวโรรส", 18.7902, 99.0003, 66.0),
    Sensor("4004", "สันทราย", 18.8525, 99.0419, 55.0),
    Sensor("4005", "หางดง", 18.6870, 98.9210, 60.0),
    Sensor("4006", "แม่ริม", 18.9140, 98.9430, 52.0),
    Sensor("4101", "ลำพูน ศาลากลาง", 18.5745, 99.0087, 57.0),
    Sensor("4201", "เชียงราย หอนาฬิกา", 19.9072, 99.8310, 61.0),
)

DEFAULT_PERSONAL: dict[str, str] = {
    "dustboy_name_contact": "นายสมมุติ ใจดี",
    "contact_name": "Somsmut Jaidee",
    "tel": "081-000-0000",
    "phone": "053-000-000",
    "mobile": "+66810000000",
    "line_id": "caretaker.line",
    "email": "caretaker@example.invalid",
}


class DustBoyServer(ImitationServer):
    STATIONS = "/api/dustboy/stations"
    SERIES = "/api/dustboy/data30day/"

    def __init__(self, *, now_local: datetime, hours: int = 72, shape: str = "dustboy",
                 key: str = DEFAULT_KEY, sensors: tuple[Sensor, ...] = DEFAULT_SENSORS,
                 personal: dict[str, str] | None = None, tls: bool = False) -> None:
        super().__init__(tls=tls)
        self.now_local = now_local
        self.shape = shape
        self.key = key
        self.personal = dict(personal or DEFAULT_PERSONAL)
        self.sensors: dict[str, Sensor] = {}
        self.values: dict[str, dict[datetime, Any]] = {}
        self.route(self.STATIONS, self._stations)
        for sensor in sensors:
            self.add_sensor(sensor, hours=hours)

    # --- the model ---------------------------------------------------------------------------

    def add_sensor(self, sensor: Sensor, *, hours: int = 72) -> None:
        self.sensors[sensor.sensor_id] = sensor
        self.values[sensor.sensor_id] = {
            self.now_local - timedelta(hours=back): round(
                sensor.base_level + 8 * ((back * 7 + int(sensor.sensor_id)) % 5 - 2) / 2, 1)
            for back in range(hours)}
        self.route(self.SERIES + sensor.sensor_id, self._series)

    def remove_sensor(self, sensor_id: str) -> None:
        self.sensors.pop(sensor_id, None)

    def set_value(self, sensor_id: str, raw: Any, hour: datetime | None = None) -> None:
        self.values[sensor_id][hour or self.now_local] = raw

    # --- answers -----------------------------------------------------------------------------

    def _authorised(self, request: RecordedRequest) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.key}"

    def _refused(self) -> Reply:
        return Reply.json({"status": 401, "message": "Unauthorized: a valid bearer token is required"},
                          status=401)

    def _stations(self, request: RecordedRequest) -> Reply:
        if not self._authorised(request):
            return self._refused()
        return Reply.json([self._station(sensor) for sensor in self.sensors.values()])

    def _station(self, sensor: Sensor) -> dict[str, Any]:
        latest = self.values[sensor.sensor_id].get(self.now_local)
        caretaker = {"caretaker": {"name": self.personal.get("contact_name"),
                                   "phone": self.personal.get("tel")}}
        if self.shape == "plain":
            return {"id": sensor.sensor_id, "name": sensor.name, "lat": sensor.lat,
                    "lng": sensor.lon, "pm2_5": latest,
                    "time": self.now_local.isoformat(timespec="seconds") + "+07:00",
                    **self.personal, **caretaker}
        return {"dustboy_id": sensor.sensor_id, "dustboy_name": sensor.name,
                "dustboy_lat": str(sensor.lat), "dustboy_lon": str(sensor.lon), "pm25": latest,
                "log_datetime": self.now_local.strftime("%Y-%m-%d %H:%M:%S"),
                **self.personal, **caretaker}

    def _series(self, request: RecordedRequest) -> Reply:
        if not self._authorised(request):
            return self._refused()
        sensor_id = request.path[len(self.SERIES):]
        hours = sorted(hour for hour in self.values.get(sensor_id, {})
                       if self.now_local - timedelta(days=30) < hour <= self.now_local)
        values = self.values[sensor_id]
        if self.shape == "plain":
            rows = [{"date": (hour + timedelta(minutes=minute)).strftime("%Y-%m-%d"),
                     "time": (hour + timedelta(minutes=minute)).strftime("%H:%M"),
                     "pm2_5": values[hour], "tel": self.personal.get("tel")}
                    for hour in hours for minute in (0, 30)]
            return Reply.json({"status": "ok", "data": rows})
        return Reply.json([{"dustboy_id": sensor_id, "pm25": values[hour],
                            "log_datetime": hour.strftime("%Y-%m-%d %H:%M:%S"),
                            "dustboy_name_contact": self.personal.get("dustboy_name_contact")}
                           for hour in hours])
