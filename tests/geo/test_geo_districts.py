"""The gazetteer's districts (geo/districts.py, data/districts.csv from GeoThai): the real DOPA
list, each district in a province of provinces.csv, and names found as people type them."""
from __future__ import annotations

from collections import Counter

import pytest

from ckanext.pm25.geo import provinces
from ckanext.pm25.geo.districts import all_districts, district_by_code, districts_named, districts_of


def test_the_928_districts_each_in_a_province_of_the_gazetteer() -> None:
    listed = all_districts()
    assert len(listed) == 928 and len({d.code for d in listed}) == 928
    per_province = Counter(d.province_code for d in listed)
    assert set(per_province) == {p.code for p in provinces.all_provinces()}
    assert per_province["TH-10"] == 50  # Bangkok's khet
    assert (per_province["TH-50"], per_province["TH-52"], per_province["TH-54"]) == (25, 13, 8)


@pytest.mark.parametrize(("code", "name_th", "name_en"), [
    ("5201", "เมืองลำปาง", "Mueang Lampang"),  # the Lampang city hall's district
    ("5202", "แม่เมาะ", "Mae Mo"),
    ("1004", "เขตบางรัก", "Bang Rak"),
    ("3801", "เมืองบึงกาฬ", "Mueang Bueng Kan"),  # the newest province's (2011) seat
    ("8405", "เกาะพะงัน", "Ko Pha-ngan"),
])
def test_known_districts_by_their_dopa_code(code: str, name_th: str, name_en: str) -> None:
    district = district_by_code(code)
    assert district is not None and (district.name_th, district.name_en) == (name_th, name_en)
    assert district in districts_of(f"TH-{code[:2]}")


@pytest.mark.parametrize("typed", ["อำเภอเมืองลำปาง", "อ.เมืองลำปาง", "mueang lampang", "Amphoe Mueang Lampang",
                                   "Mueang Lampang District", " เมือง ลำปาง "])
def test_a_district_as_people_type_it(typed: str) -> None:
    assert [d.code for d in districts_named(typed)] == ["5201"]


def test_names_several_provinces_share_and_the_province_that_picks_one() -> None:
    assert {d.province_code for d in districts_named("Chaloem Phra Kiat")} == {
        "TH-19", "TH-30", "TH-31", "TH-55", "TH-80"}
    assert [d.code for d in districts_named("เฉลิมพระเกียรติ", "TH-55")] == ["5515"]
    assert districts_named("Atlantis") == () and districts_named("อำเภอ") == ()
