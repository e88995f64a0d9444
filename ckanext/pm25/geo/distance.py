"""Distances on the WGS 84 ellipsoid, for "the nearest stations to me"."""
from __future__ import annotations

from collections.abc import Sequence

from pyproj import Geod

_WGS84 = Geod(ellps="WGS84")


def kilometres_from(lon: float, lat: float, points: Sequence[tuple[float, float]]) -> list[float]:
    """The geodesic distance in km from (``lon``, ``lat``) to each (lon, lat) of ``points``."""
    if not points:
        return []
    lons = [point[0] for point in points]
    lats = [point[1] for point in points]
    _forward, _back, metres = _WGS84.inv([lon] * len(points), [lat] * len(points), lons, lats)
    return [float(value) / 1000.0 for value in metres]
