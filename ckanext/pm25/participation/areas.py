"""What an alert can be about: a province (its ISO 3166-2:TH code, TH-52) or a district the
GISTDA model estimates (its DOPA code, 5201), both kept in a subscription's ``area_code``. A
district is known while a published model store reports it (readings/area_store.py); its names,
source and licence come from there. Takes a connection; no CKAN imports."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from ckanext.pm25.geo.district_names import district_key
from ckanext.pm25.geo.provinces import Province, all_provinces, by_code
from ckanext.pm25.readings import area_store


@dataclass(frozen=True)
class District:
    """A modelled district: names as the model gives them, the model's source and licence."""

    code: str
    name_th: str
    name_en: str
    source: str
    licence: str | None


@dataclass(frozen=True)
class Area:
    """A province, or one of its modelled districts."""

    province: Province
    district: District | None = None

    @property
    def code(self) -> str:
        return self.district.code if self.district else self.province.code


def newest_by_code(rows: Iterable[Any]) -> dict[str, Any]:
    """Each district code's row once: the newest hour of any source wins."""
    newest: dict[str, Any] = {}
    for row in rows:
        known = newest.get(row.code)
        if known is None or (row.hour_utc is not None and (known.hour_utc is None or row.hour_utc > known.hour_utc)):
            newest[row.code] = row
    return newest


def _districts(rows: Iterable[Any]) -> dict[str, tuple[District, str]]:
    """Each district once, with its province code."""
    return {code: (District(code, row.name_th or code, row.name_en or code, row.data_source, row.licence),
                   row.province) for code, row in newest_by_code(rows).items()}


def modelled(conn: Connection) -> dict[str, Area]:
    """Every district a published model store reports, as an Area, by code."""
    found = {}
    for code, (district, province_code) in _districts(area_store.all_district_models(conn)).items():
        province = by_code(province_code)
        if province is not None:
            found[code] = Area(province, district)
    return found


def of_province(conn: Connection, province: Province) -> list[District]:
    """The province's modelled districts, by code."""
    return [district for district, _ in _districts(area_store.district_models(conn, province.code)).values()]


def every_area(conn: Connection) -> dict[str, Area]:
    """Every province and modelled district, by code (read once for a run of alerts)."""
    return {**{province.code: Area(province) for province in all_provinces()}, **modelled(conn)}


def area_of(conn: Connection, code: str) -> Area | None:
    """The area of a subscription's ``area_code``: a province, or a district (named by its code
    alone once the model no longer reports it; its province is its code's first two digits)."""
    if code.startswith("TH-"):
        province = by_code(code)
        return Area(province) if province else None
    found = modelled(conn).get(code)
    if found is not None:
        return found
    province = by_code(code[:2]) if len(code) == 4 and code.isdigit() else None
    return Area(province, District(code, code, code, "", None)) if province else None


def find_districts(conn: Connection, text: str, province: Province | None) -> list[Area]:
    """The modelled districts a code or a name (as people type it: district_names.py) names,
    within ``province`` when one is given."""
    wanted = text.strip()
    key = district_key(wanted)
    found = [area for area in modelled(conn).values()
             if area.district is not None and (province is None or area.province.code == province.code)
             and (area.district.code == wanted
                  or (key and key in (district_key(area.district.name_th), district_key(area.district.name_en))))]
    return sorted(found, key=lambda area: area.code)
