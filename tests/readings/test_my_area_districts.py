""""My area" from a location once the site has loaded district boundaries (issue 16): the
district the point lies in with its model estimate, band and advice; otherwise the province only,
and the page says why, in Thai and English. The known readings (tests/readings/conftest.py) have
no model: a district there has no estimate; the GISTDA imitation's harvest gives one."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ckan.tests import helpers

from ckanext.pm25.provinces.boundaries_cli import boundaries
from tests.geo.district_files import BANGKOK, LAMPANG_CITY_HALL, MUEANG_PHRAE, district_features, write_geojson
from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

NO_BOUNDARIES_EN = "This site has not loaded district boundaries, so the district of a location is not known"
NO_BOUNDARIES_TH = "เว็บไซต์นี้ยังไม่ได้โหลดขอบเขตอำเภอ"
OUTSIDE_EN = "This location lies in none of the districts whose boundaries this site has loaded"
OUTSIDE_TH = "ตำแหน่งนี้ไม่อยู่ในอำเภอใดที่เว็บไซต์นี้โหลดขอบเขตไว้"


@pytest.fixture
def districts_path(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "storage" / "pm25" / "districts" / "districts.geojson"
    monkeypatch.setitem(ckan_config, "ckanext.pm25.district_boundaries_path", str(path))
    return path


@pytest.fixture
def loaded(tmp_path: Path, districts_path: Path) -> Path:
    """The administrator has run `ckan pm25 boundaries districts` with a small admin-2 file."""
    source = write_geojson(tmp_path / "tha_admbnda_adm2_rtsd.geojson", district_features())
    result = CliRunner().invoke(boundaries, ["districts", str(source)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return districts_path


def at(where: tuple[float, float]) -> dict[str, str]:
    return {"lon": str(where[0]), "lat": str(where[1])}


def query(where: tuple[float, float]) -> str:
    return f"lat={where[1]}&lon={where[0]}"


def section(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</section>", 1)[0]


class TestWithoutDistrictBoundaries:
    def test_a_point_gives_its_province_and_says_no_boundaries_are_loaded(self, known: Known,
                                                                          districts_path: Path) -> None:
        result = helpers.call_action("pm25_my_area", **at(LAMPANG_CITY_HALL))
        assert result["province"]["code"] == "TH-52" and result["district"] is None
        assert result["no_district"] == "no_district_boundaries"

    def test_the_page_says_why_in_thai_and_english(self, known: Known, districts_path: Path, app: Any) -> None:
        english = app.get("/en/pm25/my-area?" + query(LAMPANG_CITY_HALL)).get_data(as_text=True)
        assert NO_BOUNDARIES_EN in english and "pm25-my-area-district" not in english
        thai = app.get("/pm25/my-area?" + query(LAMPANG_CITY_HALL)).get_data(as_text=True)
        assert NO_BOUNDARIES_TH in thai and NO_BOUNDARIES_EN not in thai

    def test_a_typed_place_says_nothing_about_boundaries(self, known: Known, districts_path: Path, app: Any) -> None:
        assert helpers.call_action("pm25_my_area", place="Lampang")["no_district"] is None
        assert NO_BOUNDARIES_EN not in app.get("/en/pm25/my-area?place=Lampang").get_data(as_text=True)


class TestWithDistrictBoundaries:
    def test_a_point_gives_its_district_and_its_province(self, known: Known, loaded: Path) -> None:
        result = helpers.call_action("pm25_my_area", **at(LAMPANG_CITY_HALL), limit=2)

        district = result["district"]
        assert (district["code"], district["name_th"], district["name_en"]) == ("5201", "เมืองลำปาง", "Mueang Lampang")
        assert district["latest"]["status"] == "no_data"  # no model reports it in these readings
        assert result["no_district"] is None
        assert result["province"]["code"] == "TH-52" and result["province"]["latest"]["pm25_24h"] == 38.5
        assert [s["name"] for s in result["stations"]] == ["air4thai-l1", "air4thai-l2"]

    def test_a_point_in_no_loaded_district_gives_its_province_and_says_so(self, known: Known, loaded: Path,
                                                                          app: Any) -> None:
        result = helpers.call_action("pm25_my_area", **at(BANGKOK))
        assert result["province"]["code"] == "TH-10" and result["district"] is None
        assert result["no_district"] == "outside_districts"
        english = app.get("/en/pm25/my-area?" + query(BANGKOK)).get_data(as_text=True)
        assert OUTSIDE_EN in english and NO_BOUNDARIES_EN not in english
        assert OUTSIDE_TH in app.get("/pm25/my-area?" + query(BANGKOK)).get_data(as_text=True)

    def test_the_page_names_the_district_in_thai_and_english(self, known: Known, loaded: Path, app: Any) -> None:
        english = app.get("/en/pm25/my-area?" + query(LAMPANG_CITY_HALL)).get_data(as_text=True)
        district = section(english, 'data-district="5201"')
        assert "<h2>Mueang Lampang</h2>" in district and "No model estimate for this district yet." in district
        assert NO_BOUNDARIES_EN not in english and OUTSIDE_EN not in english
        thai = app.get("/pm25/my-area?" + query(LAMPANG_CITY_HALL)).get_data(as_text=True)
        assert "<h2>เมืองลำปาง</h2>" in section(thai, 'data-district="5201"')

    def test_removing_the_boundaries_goes_back_to_the_province_only(self, known: Known, loaded: Path) -> None:
        assert CliRunner().invoke(boundaries, ["districts", "--remove"]).exit_code == 0
        result = helpers.call_action("pm25_my_area", **at(LAMPANG_CITY_HALL))
        assert result["district"] is None and result["no_district"] == "no_district_boundaries"


@pytest.mark.usefixtures("clean_datastore", "clean_queues")
def test_a_point_in_a_modelled_district_gives_its_estimate_band_and_advice(allow_upstream: Any, loaded: Path,
                                                                           app: Any) -> None:
    from tests.harvesters.harvesting import make_source, now_thai_hour, run_job
    from tests.upstream.gistda import GistdaServer

    with GistdaServer(now_local=now_thai_hour()) as gistda:
        gistda.only_provinces = {"54"}
        allow_upstream(gistda.url)
        run_job(make_source(gistda.url, "pm25_gistda", {"maintainer_email": "pm25@example.go.th"}, name="gistda"))

    result = helpers.call_action("pm25_my_area", **at(MUEANG_PHRAE))

    assert result["province"]["code"] == "TH-54" and result["no_district"] is None
    district = result["district"]
    assert district["code"] == "5401" and district["name_en"] == "Mueang Phrae"
    latest = district["latest"]
    assert latest["kind"] == "model_estimate" and latest["status"] == "current" and "GISTDA" in latest["source"]
    assert latest["pm25_24h"] is not None and latest["aqi_th"]["band"]
    assert latest["advice"]["general_public"] and latest["advice"]["sensitive_groups"]
    english = section(app.get("/en/pm25/my-area?" + query(MUEANG_PHRAE)).get_data(as_text=True),
                      'data-district="5401"')
    assert "<h2>Mueang Phrae</h2>" in english and "Model estimate (" in english and "GISTDA" in english
    thai = section(app.get("/pm25/my-area?" + query(MUEANG_PHRAE)).get_data(as_text=True), 'data-district="5401"')
    assert "<h2>เมืองแพร่</h2>" in thai and "Model estimate" not in thai
