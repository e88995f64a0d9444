"""A dataset's geometry read once per write: parsed, reprojected and located by the gazetteer in
validation, then found again by the index hook instead of being parsed a second time.

Validation hands its record to the later validator through the validation context; the index
hook, which CKAN calls without that context, finds it in a small per-process memory keyed by the
exact GeoJSON text validation stored. A text it does not hold (another process, `ckan
search-index rebuild`, boundaries replaced since) is parsed again as before.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from ckanext.pm25.geo import geometry
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.reproject import WGS84
from ckanext.pm25.provinces import gazetteer

# Between a write's validation and its indexing only a few other writes of the same process can
# come (threads of one server): a handful of recent geometries is all the index hook needs. Each
# geometry takes up to three keys (the text as sent, as stored, as sent back with its CRS).
REMEMBERED = 12


class LocatedGeometry:
    """One validated geometry: its WGS 84 shape, the GeoJSON text stored for it, and (computed
    once, on first use) the provinces it lies in by the share rule and those it intersects."""

    def __init__(self, shape: BaseGeometry, places: Gazetteer, min_share: float,
                 limits: Mapping[str, int]) -> None:
        self.shape = shape
        self.text = geometry.to_geojson(shape)
        self.places = places
        self.min_share = min_share
        self.limits = dict(limits)

    @cached_property
    def located(self) -> list[str]:
        """Codes of the provinces it lies in (``Gazetteer.provinces_for``), largest share first."""
        return [province.code for province in self.places.provinces_for(self.shape, self.min_share)]

    @cached_property
    def intersected(self) -> list[str]:
        """Codes of every province it intersects (``Gazetteer.intersecting``), by code."""
        return [province.code for province in self.places.intersecting(self.shape)]

    def rereadable(self) -> bool:
        """Whether its stored text passes the size caps again (what re-reading it would check).

        The text may be longer than the input (reprojected coordinates carry more digits) and a
        union of overlapping features may hold more vertices; such a text is left to be parsed
        again, and refused then, exactly as before this record existed."""
        return bool(len(self.text.encode("utf-8")) <= self.limits["max_bytes"]
                    and shapely.get_num_coordinates(self.shape) <= self.limits["max_vertices"])

    def current(self) -> bool:
        """Whether it was located with the boundaries and caps in use now."""
        return self.places is gazetteer.gazetteer() and self.limits == gazetteer.geometry_limits()


class _Remembered:
    """The most recent records by the text they were read from, least recently used dropped."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._records: OrderedDict[tuple[str, str | None], LocatedGeometry] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: tuple[str, str | None], record: LocatedGeometry) -> None:
        with self._lock:
            self._records[key] = record
            self._records.move_to_end(key)
            while len(self._records) > self._size:
                self._records.popitem(last=False)

    def get(self, key: tuple[str, str | None]) -> LocatedGeometry | None:
        with self._lock:
            record = self._records.get(key)
            if record is not None:
                self._records.move_to_end(key)
        if record is None or record.current():
            return record
        with self._lock:
            self._records.pop(key, None)
        return None

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


_remembered = _Remembered(REMEMBERED)


def locate(value: Any, crs: str | None = None) -> LocatedGeometry:
    """The validated geometry of a GeoJSON value (``parse_geometry`` with the catalogue's caps).

    A text read before in this process with the same CRS, boundaries and caps is not parsed
    again: the answer would be the same. Raises ``GeoError`` as ``parse_geometry`` does."""
    key = (value, crs) if isinstance(value, str) else None
    if key is not None and (known := _remembered.get(key)) is not None:
        return known
    limits = gazetteer.geometry_limits()
    record = LocatedGeometry(geometry.parse_geometry(value, crs, **limits), gazetteer.gazetteer(),
                             gazetteer.min_share(), limits)
    if key is not None:
        _remembered.add(key, record)
    if record.rereadable():
        # The stored text, as the index hook (no CRS: it is WGS 84) and a client sending the
        # dataset back (with the spatial_crs validation stored) will present it.
        _remembered.add((record.text, None), record)
        _remembered.add((record.text, str(WGS84)), record)
    return record


def forget() -> None:
    """Drop every record (tests, and anyone replacing boundaries or caps by hand)."""
    _remembered.clear()
