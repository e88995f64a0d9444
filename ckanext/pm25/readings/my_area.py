""""My area": for a point (the browser's location) or a typed province or district name, the
province's value with its band and advice, the district's model value, and the nearest stations.
Takes a connection and the gazetteer; no CKAN imports."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy.engine import Connection, Row

from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo import districts, provinces
from ckanext.pm25.geo.distance import kilometres_from
from ckanext.pm25.geo.district_index import DistrictIndex
from ckanext.pm25.geo.districts import District
from ckanext.pm25.geo.district_names import district_key
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.readings import area_store, queries
from ckanext.pm25.readings.records import Freshness, latest_record, model_record, station_record
from ckanext.pm25.readings.service import province_records

OFFSHORE_M = 20_000.0
"""A point this close off the coast (a boat, an islet the boundaries leave out) is placed in the
nearest province; farther out, or across a land border, it is in none."""

SHORTLIST_FACTOR = 4
"""Stations shortlisted by the database's flat-earth distance per station shown, then ranked on
the ellipsoid: the flat ranking can only differ between stations at nearly equal distances."""


class AreaError(ValueError):
    """A point or place that names no area of the catalogue; ``message`` is an English msgid."""

    def __init__(self, message: str, field: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.field = field
        self.values = values


@dataclass(frozen=True)
class Area:
    """Where "my area" is: a province, perhaps one of its districts (``district`` when the model
    reports it, else ``unmodelled`` from the gazetteer), perhaps a point; for a point in no
    district, ``no_district`` says why (:data:`NO_DISTRICT_BOUNDARIES` or :data:`OUTSIDE_DISTRICTS`)."""

    province: Province
    district: Row | None = None
    unmodelled: District | None = None
    point: tuple[float, float] | None = None  # lon, lat
    no_district: str | None = None


NO_DISTRICT_BOUNDARIES = "no_district_boundaries"
OUTSIDE_DISTRICTS = "outside_districts"


def area_at(conn: Connection, gazetteer: Gazetteer, district_index: DistrictIndex | None, lon: float,
            lat: float) -> Area:
    """The point's district (from the loaded district boundaries, its model row when a model
    reports it) and the district's province; without a district, the province the gazetteer
    places the point in. The district's province wins: official district boundaries are finer
    than the province boundaries near a border."""
    located = district_index.district_at(lon, lat) if district_index is not None else None
    if located is not None:
        province = provinces.by_code(located.province_code)
        assert province is not None, f"a district of an unknown province: {located.code}"
        model = area_store.district_model(conn, located.code)
        return Area(province, district=model, unmodelled=None if model else located, point=(lon, lat))
    placement = gazetteer.place(lon, lat, snap_m=OFFSHORE_M)
    if placement.province is None:
        raise AreaError(N_("That location is not in Thailand: no province lies there"), "lat")
    reason = NO_DISTRICT_BOUNDARIES if district_index is None else OUTSIDE_DISTRICTS
    return Area(placement.province, point=(lon, lat), no_district=reason)


def area_named(conn: Connection, text: str) -> Area:
    """A province by code or name, or a district by name (one the model reports first, else any
    of the gazetteer's); ``district, province`` picks among districts of the same name."""
    province = provinces.find_province(text)
    if province is not None:
        return Area(province)
    name, _, within_text = text.partition(",")
    within = provinces.find_province(within_text.strip()) if within_text.strip() else None
    if within_text.strip() and within is None:
        raise AreaError(N_("No province is called %(name)s"), "place", name=within_text.strip())
    key = district_key(name)
    matches = [row for row in area_store.all_district_models(conn)
               if key and key in (district_key(row.name_th or ""), district_key(row.name_en or ""))
               and (within is None or row.province == within.code)]
    if not matches:
        return _unmodelled_district(text, name, within)
    if len({row.province for row in matches}) > 1:
        _refuse_ambiguous(name, [(row.name_en, row.province) for row in matches])
    district = matches[0]
    province = provinces.by_code(district.province)
    assert province is not None, f"a district of an unknown province: {district.province}"
    return Area(province, district=district)


def _unmodelled_district(text: str, name: str, within: Province | None) -> Area:
    """A district of the gazetteer that no model reports: its province's value."""
    known = districts.districts_named(name, within.code if within else None)
    if not known:
        raise AreaError(N_("No province or district is called %(name)s"), "place", name=text.strip())
    if len({district.province_code for district in known}) > 1:
        _refuse_ambiguous(name, [(district.name_en, district.province_code) for district in known])
    province = provinces.by_code(known[0].province_code)
    assert province is not None, f"a district of an unknown province: {known[0].code}"
    return Area(province, unmodelled=known[0])


def _refuse_ambiguous(name: str, matches: list[tuple[str, str]]) -> NoReturn:
    choices = ", ".join(f"{name_en} ({province})" for name_en, province in matches)
    raise AreaError(N_("Several districts are called %(name)s: add the province after a comma, "
                       "as in %(example)s (%(choices)s)"), "place", name=name.strip(),
                    example=f"{name.strip()}, {matches[0][1]}", choices=choices)


def nearest_stations(conn: Connection, lon: float, lat: float, limit: int) -> list[tuple[Row, float]]:
    """The ``limit`` active stations nearest the point, each with its distance in km."""
    shortlist = queries.stations_near(conn, lon, lat, queries.StationFilter(active=True), limit * SHORTLIST_FACTOR)
    distances = kilometres_from(lon, lat, [(row.lon, row.lat) for row in shortlist])
    ranked = sorted(zip(shortlist, distances, strict=True), key=lambda pair: (pair[1], pair[0].name))
    return ranked[:limit]


def my_area_record(conn: Connection, area: Area, limit: int, freshness: Freshness,
                   language: str) -> dict[str, Any]:
    """The province record (as ``pm25_province_list``), the district's model estimate when a
    district was named, and the stations: the nearest to the point with their distance, or the
    province's active ones when a place was named."""
    if area.point is not None:
        found = [{**station_record(row, freshness, language), "distance_km": round(distance, 1)}
                 for row, distance in nearest_stations(conn, *area.point, limit)]
    else:
        rows = queries.stations(conn, queries.StationFilter(province=area.province.code, active=True), limit)
        found = [{**station_record(row, freshness, language), "distance_km": None} for row in rows]
    return {
        "province": province_records(conn, freshness, language, only=[area.province])[0],
        "district": _district_record(area, freshness, language),
        "no_district": area.no_district,
        "location": None if area.point is None else {"lon": area.point[0], "lat": area.point[1]},
        "stations": found,
    }


def _district_record(area: Area, freshness: Freshness, language: str) -> dict[str, Any] | None:
    """The named district with the model's estimate, or with none when no model reports it."""
    if area.district is not None:
        row = area.district
        return {"code": row.code, "name_th": row.name_th, "name_en": row.name_en,
                "latest": model_record(row, freshness, language)}
    if area.unmodelled is not None:
        known = area.unmodelled
        return {"code": known.code, "name_th": known.name_th, "name_en": known.name_en,
                "latest": latest_record(None, None, None, freshness, language, kind="model_estimate")}
    return None
