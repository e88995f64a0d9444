"""A local imitation of NASA FIRMS' area and country CSV API (VIIRS and MODIS active fires).

Paths as FIRMS serves them (the MAP_KEY is part of the path)::

    /api/country/csv/{MAP_KEY}/{SOURCE}/{COUNTRY}/{DAY_RANGE}[/{DATE}]
    /api/area/csv/{MAP_KEY}/{SOURCE}/{W,S,E,N}/{DAY_RANGE}[/{DATE}]

Quirks served: ``acq_time`` written as a number, so its leading zeros are dropped (``7`` for
00:07, ``130`` for 01:30); MODIS with ``brightness``/``bright_t31`` and a 0–100 confidence where
VIIRS has ``bright_ti4``/``bright_ti5`` and l/n/h; the country form with a leading
``country_id`` column the area form lacks; detections just outside Thailand (the borders of a
country query are approximate). A wrong MAP_KEY is answered as FIRMS does, in one of the two
forms seen (``bad_key``): ``plain`` a text line with status 200, ``html`` an HTML page with
status 400. Faults (:class:`ImitationServer`) are queued per SOURCE name (``"VIIRS_SNPP_NRT"``)
or ``"*"``; :meth:`FirmsServer.serve_body` makes one SOURCE answer a given body.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ckanext.pm25.demo.upstream.server import ImitationServer, RecordedRequest, Reply

DEMO_MAP_KEY = "demo0firms0map0key0000000000000"
VIIRS_COLUMNS = ("latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,"
                 "instrument,confidence,version,bright_ti5,frp,daynight")
MODIS_COLUMNS = ("latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,"
                 "instrument,confidence,version,bright_t31,frp,daynight")
SOURCES = ("VIIRS_SNPP_NRT", "VIIRS_NOAA20_NRT", "VIIRS_NOAA21_NRT", "MODIS_NRT")
_VIIRS_SATELLITE = {"VIIRS_SNPP_NRT": "N", "VIIRS_NOAA20_NRT": "N20", "VIIRS_NOAA21_NRT": "N21"}
BAD_KEY_TEXT = "Invalid MAP_KEY."
BAD_KEY_HTML = ("<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body>"
                "<h1>Bad Request</h1><p>Invalid MAP_KEY.</p></body></html>")
# Where the north burns in the dry season (province centres), and places just across the border.
BURNING: dict[str, tuple[float, float]] = {
    "Chiang Mai": (18.95, 98.75), "Mae Hong Son": (19.30, 97.97), "Chiang Rai": (19.91, 99.84),
    "Lampang": (18.29, 99.49), "Nan": (18.78, 100.77), "Tak": (16.90, 98.80),
}
ACROSS_THE_BORDER: dict[str, tuple[float, float]] = {
    "Shan State, Myanmar": (20.80, 97.90), "Sainyabuli, Laos": (19.30, 101.70),
}


@dataclass(frozen=True)
class Detection:
    """One hotspot as FIRMS lists it. ``confidence``: ``l``/``n``/``h`` for VIIRS, 0–100 for
    MODIS (as text, as the CSV has it)."""

    source: str
    latitude: float
    longitude: float
    acquired: datetime  # UTC
    confidence: str
    frp: float
    brightness: float = 330.5
    brightness_2: float = 292.1
    satellite: str = ""  # MODIS: Terra or Aqua; VIIRS: from the source

    @property
    def is_modis(self) -> bool:
        return self.source == "MODIS_NRT"

    def line(self) -> str:
        satellite = self.satellite or ("Aqua" if self.is_modis else _VIIRS_SATELLITE[self.source])
        hhmm = int(self.acquired.strftime("%H%M"))  # a number: leading zeros dropped
        return ",".join((
            f"{self.latitude:.5f}", f"{self.longitude:.5f}", f"{self.brightness:.2f}", "0.39",
            "0.36", self.acquired.strftime("%Y-%m-%d"), str(hhmm), satellite,
            "MODIS" if self.is_modis else "VIIRS", self.confidence,
            "6.1NRT" if self.is_modis else "2.0NRT", f"{self.brightness_2:.2f}", f"{self.frp:.2f}",
            "D" if 3 <= self.acquired.hour < 12 else "N"))


def demo_detections(today: date, days: int = 30, per_day: int = 40, seed: int = 12,
                    now: datetime | None = None) -> list[Detection]:
    """A believable month of the northern burning season: detections by every sensor in the
    northern provinces (more towards today), and a few just across the border; none after
    ``now`` (when given)."""
    rng = random.Random(seed)
    detections: list[Detection] = []
    for back in range(days):
        day = today - timedelta(days=back)
        count = max(2, int(per_day * (1.0 - back / (days * 1.5)) * rng.uniform(0.6, 1.2)))
        for index in range(count):
            source = SOURCES[index % len(SOURCES)]
            place = list(BURNING.values())[rng.randrange(len(BURNING))]
            # passes: 01:30 and 06:xx UTC (VIIRS early afternoon Thai time), 03:xx MODIS Aqua
            minute = rng.randrange(60)
            hour = (3 if source == "MODIS_NRT" else rng.choice((0, 6, 18)))
            acquired = datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)
            confidence = str(rng.randrange(20, 100)) if source == "MODIS_NRT" else rng.choice("lnnhh")
            detections.append(Detection(
                source, round(place[0] + rng.uniform(-0.25, 0.25), 5),
                round(place[1] + rng.uniform(-0.25, 0.25), 5), acquired, confidence,
                round(rng.uniform(0.8, 45.0), 2), round(rng.uniform(300, 367), 2),
                round(rng.uniform(280, 300), 2)))
        for lat, lon in ACROSS_THE_BORDER.values():
            detections.append(Detection("VIIRS_SNPP_NRT", lat, lon,
                                        datetime(day.year, day.month, day.day, 6, 24,
                                                 tzinfo=timezone.utc), "n", 12.5))
    return [d for d in detections if now is None or d.acquired <= now]


class FirmsServer(ImitationServer):
    """FIRMS' CSV API over ``detections`` (by default :func:`demo_detections` up to ``today``,
    UTC), answering the one ``map_key``."""

    def __init__(self, *, map_key: str = DEMO_MAP_KEY, today: date | None = None,
                 detections: list[Detection] | None = None, bad_key: str = "plain",
                 tls: bool = False) -> None:
        super().__init__(tls=tls)
        self.map_key = map_key
        self.today = today or datetime.now(timezone.utc).date()
        self.detections = list(detections if detections is not None else demo_detections(
            self.today, now=None if today else datetime.now(timezone.utc)))
        self.bad_key = bad_key
        self.bodies: dict[str, str] = {}

    def serve_body(self, source: str, body: str) -> None:
        """``source`` answers ``body`` (status 200, text/csv) until :meth:`serve_data` again."""
        self.bodies[source] = body

    def serve_data(self, source: str) -> None:
        self.bodies.pop(source, None)

    def csv_for(self, source: str, first: date, days: int, country: bool = True,
                area: tuple[float, float, float, float] | None = None) -> str:
        last = first + timedelta(days=days - 1)
        header = MODIS_COLUMNS if source == "MODIS_NRT" else VIIRS_COLUMNS
        lines = [("country_id," if country else "") + header]
        for detection in self.detections:
            if detection.source != source or not first <= detection.acquired.date() <= last:
                continue
            if area is not None and not (area[0] <= detection.longitude <= area[2]
                                         and area[1] <= detection.latitude <= area[3]):
                continue
            lines.append(("THA," if country else "") + detection.line())
        return "\n".join(lines) + "\n"

    # --- dispatch: every /api/ path is FIRMS'; faults are queued per SOURCE ---------------

    @staticmethod
    def _source_of(path: str) -> str:
        parts = path.strip("/").split("/")
        return parts[4] if len(parts) > 4 else path

    def _take_fault(self, path: str) -> Any:
        return super()._take_fault(self._source_of(path))

    def _dispatch(self, request: RecordedRequest) -> Reply:
        if request.path.startswith("/api/"):
            self._routes.setdefault(request.path, self._answer)
        return super()._dispatch(request)

    def _refused(self, message: str) -> Reply:
        if self.bad_key == "html":
            return Reply(400, BAD_KEY_HTML.replace("Invalid MAP_KEY.", message).encode(),
                         "text/html; charset=utf-8")
        return Reply(200, message.encode(), "text/plain; charset=utf-8")

    def _answer(self, request: RecordedRequest) -> Reply:
        parts = request.path.strip("/").split("/")
        if len(parts) not in (7, 8) or parts[:3] not in (["api", "country", "csv"],
                                                         ["api", "area", "csv"]):
            return self._refused("Invalid API call.")
        _, form, _, key, source, where, day_range = parts[:7]
        if key != self.map_key:
            return self._refused(BAD_KEY_TEXT)
        if source not in SOURCES:
            return self._refused("Invalid source.")
        if not day_range.isdigit() or not 1 <= int(day_range) <= 10:
            return self._refused("Invalid day range. Expects [1..10].")
        days = int(day_range)
        try:
            first = (date.fromisoformat(parts[7]) if len(parts) == 8
                     else self.today - timedelta(days=days - 1))
        except ValueError:
            return self._refused("Invalid date.")
        if source in self.bodies:
            return Reply(200, self.bodies[source].encode("utf-8"), "text/csv; charset=utf-8")
        area = None
        if form == "area":
            try:
                west, south, east, north = (float(edge) for edge in where.split(","))
            except ValueError:
                return self._refused("Invalid area coordinates.")
            area = (west, south, east, north)
        elif where != "THA":
            return Reply(200, (("country_id," + VIIRS_COLUMNS) + "\n").encode(), "text/csv")
        body = self.csv_for(source, first, days, country=form == "country", area=area)
        return Reply(200, body.encode("utf-8"), "text/csv; charset=utf-8")
