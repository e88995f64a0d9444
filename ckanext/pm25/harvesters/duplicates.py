"""Which primary station an aggregator's location republishes. Pure: no CKAN.

OpenAQ republishes Air4Thai. A location is the same station as an Air4Thai station when

1. its provider is one of the primary source's names (``primary_providers``) and a word of its
   name is the id of a station we harvest from the primary source ("Chiang Mai City Hall
   (35t)"); else
2. it is a reference monitor (not a low-cost sensor: one can stand on a station's roof) within
   ``distance_m`` of a primary station's point.

The nearest station wins when several are within the distance.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ckanext.pm25.harvesters.openaq_format import Location

EARTH_RADIUS_M = 6_371_008.8
_WORDS = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Primary:
    package_id: str
    name: str
    station_id: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class Match:
    primary: Primary
    how: str  # "station id in name" or "N m away"


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _folded(names: Iterable[str]) -> set[str]:
    return {name.strip().casefold() for name in names if name.strip()}


def primary_of(location: Location, primaries: Sequence[Primary], *,
               primary_providers: Iterable[str], within_m: float) -> Match | None:
    """The primary station ``location`` republishes, or None."""
    if location.provider.casefold() in _folded(primary_providers):
        words = {word.casefold() for word in _WORDS.findall(location.name)}
        for primary in primaries:
            if primary.station_id.casefold() in words:
                return Match(primary, "station id in name")
    if location.is_monitor is False or location.lat is None or location.lon is None:
        return None
    nearest: tuple[float, Primary] | None = None
    for primary in primaries:
        if primary.lat is None or primary.lon is None:
            continue
        metres = distance_m(location.lon, location.lat, primary.lon, primary.lat)
        if metres <= within_m and (nearest is None or metres < nearest[0]):
            nearest = (metres, primary)
    return Match(nearest[1], f"{nearest[0]:.0f} m away") if nearest else None
