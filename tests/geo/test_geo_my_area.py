"""The pure parts of "my area": district names as people type them, distances on the ellipsoid."""
from __future__ import annotations

import pytest

from ckanext.pm25.geo.distance import kilometres_from
from ckanext.pm25.geo.district_names import district_key


@pytest.mark.parametrize("typed", ["Mae Mo", "mae mo", "Amphoe Mae Mo", "Mae Mo District", "Mae-Mo", " MAE  MO "])
def test_an_english_district_name_however_it_is_typed(typed: str) -> None:
    assert district_key(typed) == "maemo"


@pytest.mark.parametrize("typed", ["แม่เมาะ", "อำเภอแม่เมาะ", "อ.แม่เมาะ", " แม่ เมาะ "])
def test_a_thai_district_name_with_or_without_its_prefix(typed: str) -> None:
    assert district_key(typed) == "แม่เมาะ"


def test_a_bangkok_khet_and_a_name_that_is_only_a_prefix() -> None:
    assert district_key("เขตบางรัก") == district_key("บางรัก") == "บางรัก"
    assert district_key("เขต") == "เขต"  # nothing after the prefix: the word itself
    assert district_key("Khet Bang Rak") == district_key("Bang Rak District") == "bangrak"


def test_distances_on_the_ellipsoid() -> None:
    lampang, chiang_mai = (99.4908, 18.2888), (98.9853, 18.7883)
    assert kilometres_from(*lampang, []) == []
    same, apart = kilometres_from(*lampang, [lampang, chiang_mai])
    assert same == 0.0
    assert 75.0 < apart < 78.0  # 76.8 km on the ellipsoid
    (equator_degree,) = kilometres_from(100.0, 0.0, [(101.0, 0.0)])
    assert equator_degree == pytest.approx(111.32, abs=0.01)  # one degree of longitude on WGS 84's equator
