"""Imitation of OpenAQ v3: Thai PM2.5 locations, their sensors' hourly values, licences, the
``X-API-Key`` check and the rate limits.

- Every request needs ``X-API-Key: <api_key>`` (else 401). Requests are counted in a fixed
  window (``limit`` per ``window`` seconds: OpenAQ's 60 a minute by default; tests use a small
  one), or with ``sliding`` in the ``window`` seconds before each request (the reference does not
  say which OpenAQ does, so both are served); every answer carries ``x-ratelimit-limit``,
  ``-used``, ``-remaining`` and ``-reset`` (seconds until the window resets, or until the oldest
  counted request leaves it) unless ``rate_headers`` is off, and a request past the limit gets
  429 with ``Retry-After`` (seconds, or an HTTP date with ``retry_after_as_date``): the window's
  end, or ``penalty`` seconds when set (fixed window only: the window then ends then).
  ``served`` keeps the time of every request answered, ``refused`` every 429.
- ``/v3/locations`` pages with ``page``/``limit``; ``meta.found`` is a number, or the text
  ``">N"`` with ``found_as_text``.
- ``/v3/sensors/{id}/hours`` and ``/measurements``: hourly values up to the current UTC hour,
  filtered by ``datetime_from``/``datetime_to``, paged; the hour is ``period.datetimeFrom``
  (``{"utc", "local"}``), or ``date`` with ``values_form = "date"`` (the older form).
- ``/v3/licenses``: the licences some locations name by id only.

The default locations include three that are Air4Thai stations of the Air4Thai imitation (two
named with the station id by provider "Air4Thai"/"Thailand", one only at the same spot), a
low-cost sensor 30 m from an Air4Thai station, and reference monitors where Air4Thai's
imitation has none.
"""
from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from typing import Any

from ckanext.pm25.demo.upstream.server import ImitationServer, RecordedRequest, Reply

THAI = timezone(timedelta(hours=7))
CC_BY = {"id": 33, "name": "CC BY 4.0", "attribution": {"name": "OpenAQ", "url": None}}
ODC = {"id": 40, "name": "Open Data Commons Open Database License (ODbL)"}


@dataclass
class LocationSpec:
    location_id: int
    sensor_id: int
    name: str
    locality: str
    lat: float
    lon: float
    provider: str
    owner: str
    licences: list[dict[str, Any]] = field(default_factory=lambda: [dict(CC_BY)])
    is_monitor: bool | None = True
    base_level: float = 30.0


DEFAULT_LOCATIONS: tuple[LocationSpec, ...] = (
    # Air4Thai stations republished (see air4thai.DEFAULT_STATIONS)
    LocationSpec(225, 2250, "City Hall, Chiang Mai (35t)", "Chiang Mai", 18.840633, 98.969661,
                 "Air4Thai", "Pollution Control Department", base_level=55.0),
    LocationSpec(226, 2260, "Lampang Government Centre 37t", "Lampang", 18.27806, 99.50667,
                 "Thailand", "Pollution Control Department", base_level=50.0),
    LocationSpec(227, 2270, "Sing Buri", "Sing Buri", 14.89362, 100.39668,
                 "Pollution Control Department", "Pollution Control Department",
                 licences=[{"id": 40}], base_level=33.0),
    # a low-cost sensor on a roof 30 m from Air4Thai's 36t: its own series, not a duplicate
    LocationSpec(9001, 90010, "Yupparaj rooftop sensor", "Chiang Mai", 18.79083, 98.99,
                 "AirGradient", "Yupparaj Wittayalai School", is_monitor=False, base_level=61.0),
    # reference monitors where the Air4Thai imitation has none
    LocationSpec(3101, 31010, "Khon Kaen University", "Khon Kaen", 16.4745, 102.8236,
                 "Khon Kaen University", "Khon Kaen University", base_level=28.0),
    LocationSpec(3102, 31020, "Phuket Town", "Phuket", 7.8804, 98.3923,
                 "AirNow", "US Department of State", licences=[], is_monitor=None,
                 base_level=18.0),
)


class OpenAQServer(ImitationServer):
    LOCATIONS = "/v3/locations"
    LICENCES = "/v3/licenses"

    def __init__(self, locations: Iterable[LocationSpec] = DEFAULT_LOCATIONS, *,
                 api_key: str = "test-openaq-key", now_utc: datetime | None = None,
                 hours: int = 48, limit: int = 60, window: float = 60.0, seed: int = 11,
                 tls: bool = False) -> None:
        super().__init__(tls=tls)
        self.api_key = api_key
        self.now_utc = (now_utc or datetime.now(timezone.utc)).replace(minute=0, second=0,
                                                                     microsecond=0)
        self.limit = limit
        self.window = window
        self.rate_headers = True
        self.retry_after_as_date = False
        # seconds a refused client must wait: the window then ends that much later (None: the
        # window's own end)
        self.penalty: float | None = None
        self.sliding = False
        self.found_as_text = False
        self.values_form = "period"  # or "date"
        self.locations: dict[int, LocationSpec] = {}
        self.values: dict[int, dict[datetime, Any]] = {}
        self.served: list[float] = []
        self.refused: list[float] = []
        self._window_start: float | None = None
        self._in_window = 0
        self._rate_lock = threading.Lock()
        self.route(self.LOCATIONS, self._locations)
        self.route(self.LICENCES, self._licences)
        rng = random.Random(seed)
        for spec in locations:
            self.add_location(spec, hours, rng)

    # --- the model ---------------------------------------------------------------------------

    def add_location(self, spec: LocationSpec, hours: int = 48,
                     rng: random.Random | None = None) -> None:
        rng = rng or random.Random(spec.location_id)
        self.locations[spec.location_id] = spec
        series = {}
        for back in range(hours):
            hour = self.now_utc - timedelta(hours=back)
            wave = 8 * math.sin((hour.hour + 7) / 24 * 2 * math.pi)
            series[hour] = round(max(1.0, spec.base_level + wave + rng.uniform(-4, 4)), 1)
        self.values[spec.sensor_id] = series
        for kind in ("hours", "measurements"):
            self.route(self.values_path(spec.sensor_id, kind), self._values)

    @staticmethod
    def values_path(sensor_id: int, kind: str = "hours") -> str:
        return f"/v3/sensors/{sensor_id}/{kind}"

    def set_value(self, sensor_id: int, hour_utc: datetime, value: Any) -> None:
        self.values[sensor_id][hour_utc] = value

    def advance(self, hours: int = 1, value: float = 42.0) -> None:
        """Upstream ``hours`` later: every sensor reports the new hours."""
        for _ in range(hours):
            self.now_utc += timedelta(hours=1)
            for series in self.values.values():
                series[self.now_utc] = value

    # --- rate limits and the key -------------------------------------------------------------

    def _dispatch(self, request: RecordedRequest) -> Reply:
        now = time.monotonic()
        with self._rate_lock:
            used, reset, over = self._sliding_count(now) if self.sliding else self._fixed_count(now)
            (self.refused if over else self.served).append(now)
        headers = {"x-ratelimit-limit": str(self.limit),
                   "x-ratelimit-used": str(min(used, self.limit)),
                   "x-ratelimit-remaining": str(max(0, self.limit - used)),
                   "x-ratelimit-reset": str(math.ceil(reset))} if self.rate_headers else {}
        if over:
            with self._lock:
                self._log.append(request)
            wait = max(1, math.ceil(reset))
            retry_after = formatdate(time.time() + wait + 1, usegmt=True) \
                if self.retry_after_as_date else str(wait)
            return Reply(429, b'{"detail": "Too many requests"}',
                         headers={**headers, "Retry-After": retry_after})
        if request.headers.get("X-API-Key") != self.api_key:
            with self._lock:
                self._log.append(request)
            return Reply(401, b'{"detail": "Invalid credentials"}', headers=headers)
        reply = super()._dispatch(request)
        reply.headers = {**headers, **reply.headers}
        return reply

    def _fixed_count(self, now: float) -> tuple[int, float, bool]:
        """(used, seconds to reset, over the limit) with this request, in a fixed window."""
        if self._window_start is None or now >= self._window_start + self.window:
            self._window_start, self._in_window = now, 0
        self._in_window += 1
        used, reset = self._in_window, self._window_start + self.window - now
        over = used > self.limit
        if over and self.penalty is not None:
            self._window_start = now + self.penalty - self.window
            reset = self.penalty
        return used, reset, over

    def _sliding_count(self, now: float) -> tuple[int, float, bool]:
        """(used, seconds to reset, over the limit) with this request, counting the requests
        served in the ``window`` seconds before it (a refused one is not counted)."""
        recent = [served for served in self.served if served > now - self.window]
        used = len(recent) + 1
        reset = (recent[0] if recent else now) + self.window - now
        return used, reset, used > self.limit

    def exceeded(self) -> bool:
        """Whether more than ``limit`` requests were ever answered within one ``window``."""
        times = sorted(self.served)
        return any(times[i + self.limit] - times[i] < self.window
                   for i in range(len(times) - self.limit))

    # --- routes ------------------------------------------------------------------------------

    def _page(self, request: RecordedRequest, results: list[Any]) -> Reply:
        limit = int(request.param("limit", "100") or 100)
        page = int(request.param("page", "1") or 1)
        chunk = results[(page - 1) * limit: page * limit]
        found: Any = len(results)
        if self.found_as_text and len(results) > limit:
            found = f">{limit}"
        return Reply.json({"meta": {"name": "openaq-api", "website": "/", "page": page,
                                    "limit": limit, "found": found}, "results": chunk})

    def _location_record(self, spec: LocationSpec) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": spec.location_id, "name": spec.name, "locality": spec.locality,
            "timezone": "Asia/Bangkok", "country": {"id": 111, "code": "TH", "name": "Thailand"},
            "owner": {"id": spec.location_id * 10, "name": spec.owner},
            "provider": {"id": spec.location_id * 100, "name": spec.provider},
            "isMobile": False,
            "instruments": [{"id": 2, "name": "Government Monitor"}],
            "sensors": [{"id": spec.sensor_id, "name": "pm25 µg/m³",
                         "parameter": {"id": 2, "name": "pm25", "units": "µg/m³",
                                       "displayName": "PM2.5"}}],
            "coordinates": {"latitude": spec.lat, "longitude": spec.lon},
            "licenses": spec.licences,
        }
        if spec.is_monitor is not None:
            record["isMonitor"] = spec.is_monitor
        return record

    def _locations(self, request: RecordedRequest) -> Reply:
        if request.param("parameters_id") != "2" or request.param("iso") != "TH":
            return Reply.json({"meta": {"found": 0}, "results": []})
        return self._page(request, [self._location_record(spec)
                                    for spec in self.locations.values()])

    def _licences(self, request: RecordedRequest) -> Reply:
        return self._page(request, [CC_BY, ODC])

    def _values(self, request: RecordedRequest) -> Reply:
        sensor_id = int(request.path.split("/")[3])
        kind = request.path.split("/")[4]
        start = _instant(request.param("datetime_from")) or datetime.min.replace(tzinfo=timezone.utc)
        end = _instant(request.param("datetime_to")) or datetime.max.replace(tzinfo=timezone.utc)
        series = self.values.get(sensor_id, {})
        results = [self._value_record(hour, value, kind) for hour, value in sorted(series.items())
                   if start <= hour <= end]
        return self._page(request, results)

    def _value_record(self, hour: datetime, value: Any, kind: str) -> dict[str, Any]:
        stamp = {"utc": hour.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "local": hour.astimezone(THAI).isoformat()}
        after = hour + timedelta(hours=1)
        record: dict[str, Any] = {
            "value": value, "flagInfo": {"hasFlags": False},
            "parameter": {"id": 2, "name": "pm25", "units": "µg/m³", "displayName": None},
            "coordinates": None, "summary": None,
        }
        if self.values_form == "date":
            record["date"] = stamp
        else:
            record["period"] = {"label": "1hour" if kind == "hours" else "raw",
                                "interval": "01:00:00", "datetimeFrom": stamp,
                                "datetimeTo": {"utc": after.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                               "local": after.astimezone(THAI).isoformat()}}
        return record


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
