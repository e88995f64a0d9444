"""Thailand's 928 districts (อำเภอ, Bangkok's เขต): DOPA codes and Thai and English names, from
``data/districts.csv`` (GeoThai, CC BY 4.0; see data/README.md). Names only: no boundaries."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .district_names import district_key


@dataclass(frozen=True)
class District:
    code: str  # DOPA, four digits; the first two are the province's DOPA number
    name_th: str
    name_en: str

    @property
    def province_code(self) -> str:
        """The province's ISO 3166-2:TH code (its number is the DOPA one)."""
        return f"TH-{self.code[:2]}"


@cache
def all_districts() -> tuple[District, ...]:
    """Every district, ordered by code."""
    text = resources.files(__package__).joinpath("data").joinpath("districts.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(sorted((District(row["code"], row["name_th"], row["name_en"]) for row in rows),
                        key=lambda district: district.code))


@cache
def _by_code() -> dict[str, District]:
    return {district.code: district for district in all_districts()}


@cache
def _by_key() -> dict[str, tuple[District, ...]]:
    found: dict[str, list[District]] = {}
    for district in all_districts():
        for key in {district_key(district.name_th), district_key(district.name_en)}:
            found.setdefault(key, []).append(district)
    return {key: tuple(districts) for key, districts in found.items()}


def district_by_code(code: str) -> District | None:
    return _by_code().get(code.strip())


def districts_of(province_code: str) -> tuple[District, ...]:
    """The districts of a province given by its ISO code (``TH-52``)."""
    return tuple(district for district in all_districts() if district.province_code == province_code)


def districts_named(name: str, province_code: str | None = None) -> tuple[District, ...]:
    """The districts called ``name`` (Thai or English, as people type it: with or without
    อำเภอ/เขต/Amphoe/Khet), in one province when ``province_code`` is given."""
    key = district_key(name)
    matches = _by_key().get(key, ()) if key else ()
    return tuple(district for district in matches
                 if province_code is None or district.province_code == province_code)
