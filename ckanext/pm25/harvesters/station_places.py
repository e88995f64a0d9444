"""Where a station is: its point and province from its coordinates, shared by the station
harvesters. A point just off the coast is placed in the nearest province and a point across a
land border in none; both are recorded on the harvest object."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.harvest.model import HarvestObject
from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.geo import geometry, provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.geo.lookup import Placement
from ckanext.pm25.harvesters import recording
from ckanext.pm25.harvesters.normalise import Station
from ckanext.pm25.provinces import gazetteer


def place(obj: HarvestObject, station: Station, existing: Mapping[str, Any] | None,
          ) -> tuple[str | None, list[provinces.Province]]:
    """Point and provinces from the station's coordinates; when upstream's are unusable, the
    stored ones stay; with none stored, provinces named in the station's area text. A point
    just off the coast is placed in the nearest province and a point across a land border in
    none; both are recorded on the object."""
    if station.lat is not None and station.lon is not None:
        try:
            location = geometry.point(station.lat, station.lon)
        except GeoError:
            location = None
        if location is not None:
            snap = float(tk.config.get("ckanext.pm25.harvest.station_snap_m"))
            placed = gazetteer.gazetteer().place(location.x, location.y, snap_m=snap)
            _record_placement(obj, station, placed)
            found = placed.province
            return geometry.to_geojson(location), [found] if found else []
    if existing and existing.get("spatial"):
        return existing["spatial"], provinces.provinces_by_codes(stored_list(existing.get("provinces")))
    text = " ".join(filter(None, (station.area_th, station.area_en)))
    return None, provinces.find_provinces_in_text(text)


def _record_placement(obj: HarvestObject, station: Station, placed: Placement) -> None:
    where = f"station {station.station_id} at {station.lat}, {station.lon}"
    if placed.province is not None and placed.snapped_m is not None:
        recording.record_object_note(
            obj, f"Placed in {placed.province.name_en} ({placed.province.code}): {where} lies "
                 f"{placed.snapped_m:.0f} m off its coast, outside every province boundary")
    elif placed.across_border is not None and placed.distance_m is not None:
        recording.record_object_note(
            obj, f"Not placed in any province: {where} lies outside Thailand, {placed.distance_m:.0f} m "
                 f"across the land border from {placed.across_border.name_en} "
                 f"({placed.across_border.code})")
