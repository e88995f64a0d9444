"""Which parts of Thailand's outline are coastline, so that snapping a point to the nearest
province (for coastal stations that generalised coastlines leave just offshore) never crosses a
land border.

We have the provinces, not the neighbouring countries, so a point outside every province cannot
be told "at sea" from "in Myanmar" by containment. The rule used instead: the point faces the sea
when the nearest point of Thailand's outline to it lies on the coastline. The coastline is

- every island's outline (any part of Thailand but the mainland), and
- two arcs of the mainland's outline, cut at the four places where a land border meets the sea:
  the Gulf of Thailand from the Cambodian border at Ban Hat Lek (Trat) to the Malaysian border
  at the mouth of the Kolok river (Tak Bai, Narathiwat), and the Andaman Sea from the Malaysian
  border at the coast of Satun to the mouth of the Kraburi river (Ranong, the Myanmar border).

Everything else of the mainland's outline is a land (or river) border: Myanmar, Laos along the
Mekong, Cambodia, Malaysia. A point across the Mae Sai river in Tachileik or across the Mekong
from Nong Khai is nearest to a land border and is never snapped; a point off the coast of Chon
Buri or Phuket is nearest to the coastline and is. Near one of the four junctions (a few
kilometres) the answer depends on the generalised outline; the junctions are cut at the outline
vertex nearest to each of them, so replaced boundaries keep working.
"""
from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

# (lon, lat) of each place where a land border meets the sea, in order along the coast pairs.
GULF = ((102.9136, 11.6459), (102.0731, 6.2575))  # Ban Hat Lek, Trat; Kolok river mouth, Narathiwat
ANDAMAN = ((100.1273, 6.4423), (98.5127, 9.8369))  # Satun at the Perlis border; Kraburi mouth, Ranong

# A nearest outline point this close (degrees, ~1 m) to the coastline counts as on it.
_ON_COAST = 1e-5


class Coastline:
    """Thailand's coastline, from the province geometries (WGS 84)."""

    def __init__(self, provinces: Sequence[BaseGeometry]) -> None:
        country = shapely.union_all(list(provinces))
        parts: list[Polygon] = sorted(shapely.get_parts(country).tolist(), key=lambda part: -part.area)
        self.outline: BaseGeometry = country.boundary
        mainland = LineString(parts[0].exterior.coords)
        lines = [LineString(part.exterior.coords) for part in parts[1:]]
        lines += [_arc(mainland, *GULF), _arc(mainland, *ANDAMAN)]
        self.coast = MultiLineString(lines)
        shapely.prepare(self.outline)
        shapely.prepare(self.coast)

    def faces_the_sea(self, lon: float, lat: float) -> bool:
        """Whether the nearest point of Thailand's outline to this point lies on the coastline."""
        location = Point(lon, lat)
        return self.coast.distance(location) <= self.outline.distance(location) + _ON_COAST


def _arc(ring: LineString, start: tuple[float, float], end: tuple[float, float]) -> LineString:
    """The shorter way along the closed ``ring`` between the points nearest to ``start`` and
    ``end``: a coast arc is much shorter than the rest of the mainland's outline."""
    first, second = ring.project(Point(*start)), ring.project(Point(*end))
    low, high = min(first, second), max(first, second)
    if high - low <= ring.length / 2:
        # substring gives a Point only for low == high, which two distinct coast ends never are
        return LineString(substring(ring, low, high).coords)
    head, tail = substring(ring, high, ring.length), substring(ring, 0, low)
    return LineString(list(head.coords) + list(tail.coords)[1:])
