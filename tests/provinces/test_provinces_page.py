"""Province pages (/province/<code>) and the outlines their maps draw (/pm25/provinces.geojson)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.provinces.conftest import Catalogue

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_a_province_page_lists_its_datasets_with_its_outline_in_thai_by_default(app: Any, catalogue: Catalogue
                                                                                ) -> None:
    response = app.get("/province/TH-52")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ลำปาง" in page and "ภาคเหนือ" in page
    # Tagged, untagged but crossing the border, and tagged without a location
    for name in ("seat-th-52", "cross-border-chiang-mai-lampang", "tagged-lampang-no-location"):
        assert f"/dataset/{name}" in page
    assert "/dataset/seat-th-50" not in page
    assert 'data-module="pm25-province-map"' in page and 'data-module-focus="TH-52"' in page
    assert "/dataset/?ext_province=TH-52" in page


def test_the_english_page_is_under_en(app: Any, catalogue: Catalogue) -> None:
    page = app.get("/en/province/TH-52").get_data(as_text=True)
    assert "Lampang province" in page and "North" in page and "Datasets about this province: 3" in page
    assert "/en/dataset/seat-th-52" in page
    assert "Bangkok" in app.get("/en/province/TH-10").get_data(as_text=True)


def test_other_spellings_of_a_province_redirect_to_its_code(app: Any, catalogue: Catalogue) -> None:
    for spelling in ("52", "TH52", "Lampang", "ลำปาง"):
        response = app.get(f"/province/{spelling}", follow_redirects=False)
        assert response.status_code == 302, spelling
        assert response.headers["Location"].endswith("/province/TH-52")


def test_an_unknown_province_is_a_404_with_a_message(app: Any, catalogue: Catalogue) -> None:
    response = app.get("/en/province/TH-99")
    assert response.status_code == 404
    assert "There is no province with the code TH-99" in response.get_data(as_text=True)


def test_the_outlines_are_geojson_of_77_provinces_revalidated_with_an_etag(app: Any) -> None:
    response = app.get("/pm25/provinces.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    outlines = json.loads(response.get_data())
    assert len(outlines["features"]) == 77
    lampang = next(f for f in outlines["features"] if f["properties"]["code"] == "TH-52")
    assert lampang["properties"] == {"code": "TH-52", "name_th": "ลำปาง", "name_en": "Lampang", "region": "north"}
    assert len(response.get_data()) < 200_000
    etag = response.headers["ETag"]

    again = app.get("/pm25/provinces.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
