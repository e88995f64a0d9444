"""Trends through pm25_trends, the province and station pages and the CSV, with readings stored
the way the harvester stores them in the two seasons before this year's."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import ckan.plugins
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.database import reset_stores
from tests.readings.stations import create_station

pytestmark = pytest.mark.usefixtures("with_plugins")

THAI = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Seasons:
    last: int  # the year before this one
    before: int  # two years before


def thai_hour(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=THAI).astimezone(timezone.utc)


@pytest.fixture(scope="module")
def seasons(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Seasons]:
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
        sysadmin = factories.Sysadmin()
        pcd = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
        last = datetime.now(THAI).year - 1
        before = last - 1
        create_station("TH-52", "T1", {
            thai_hour(before, 1, 15, 9): 80.0,  # over
            thai_hour(last, 2, 10, 9): 50.0, thai_hour(last, 2, 10, 10): 60.0,  # daily mean 55.0: over
            thai_hour(last, 3, 5, 9): 20.0,
            thai_hour(last, 11, 20, 9): 40.0,  # over, out of season
        }, user=sysadmin, owner_org=pcd["id"], title="Lampang trends")
    finally:
        ckan.plugins.unload_all()
    yield Seasons(last, before)


def by_year(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {item["year"]: item for item in items}


@pytest.mark.parametrize("subject", [{"province": "TH-52"}, {"province": "ลำปาง"}, {"station": "air4thai-t1"},
                                     {"station": "T1"}])
def test_the_api_counts_days_over_the_standard(seasons: Seasons, subject: dict[str, str]) -> None:
    found = helpers.call_action("pm25_trends", **subject)

    assert found.get("province", found.get("station")) in ("TH-52", "air4thai-t1")
    assert found["standard_pm25_24h"] == 37.5 and found["first_year"] == seasons.last - 3
    season = by_year(found["seasons"])
    assert (season[seasons.last]["days_with_data"], season[seasons.last]["days_over_standard"]) == (2, 1)
    assert season[seasons.last]["max_daily_pm25"] == 55.0 and season[seasons.last]["mean_pm25"] == 43.3
    assert season[seasons.before]["days_over_standard"] == 1
    assert by_year(found["years"])[seasons.last]["days_over_standard"] == 2
    november = [m for m in found["months"] if (m["year"], m["month"]) == (seasons.last, 11)]
    assert november[0]["days_over_standard"] == 1 and november[0]["max_daily_pm25"] == 40.0


def test_years_reach_back_as_asked(seasons: Seasons) -> None:
    found = helpers.call_action("pm25_trends", province="TH-52", years="2")
    assert [year["year"] for year in found["years"]] == [seasons.last, seasons.last + 1]
    assert seasons.before not in by_year(found["seasons"])


@pytest.mark.parametrize(("params", "field", "message"), [
    ({}, "province", "Give either a province or a station"),
    ({"province": "TH-52", "station": "T1"}, "province", "Give either a province or a station"),
    ({"province": "TH-52", "years": "0"}, "years", "Must be a whole number from 1 to 10"),
    ({"province": "TH-52", "years": "11"}, "years", "Must be a whole number from 1 to 10"),
    ({"station": "nowhere"}, "station", "No station with this id or name: nowhere"),
])
def test_bad_parameters_are_refused_with_the_reason(seasons: Seasons, params: dict[str, str], field: str,
                                                    message: str) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("pm25_trends", **params)
    assert refused.value.error_dict[field] == [message]


def test_the_province_page_in_english_and_thai(seasons: Seasons, app: Any) -> None:
    english = app.get("/en/province/TH-52").get_data(as_text=True).split('id="pm25-trends"', 1)[1]
    assert "Burning season (January to April)" in english
    last = english.split(f'<tr data-season="{seasons.last}">', 1)[1].split("</tr>", 1)[0]
    assert '<span class="pm25-num">1</span>' in last and "55.0" in last and "43.3" in last
    year = english.split(f'<tr data-year="{seasons.last}">', 1)[1].split("</tr>", 1)[0]
    assert 'title="1 of 1 days over the standard">1</td>' in year and "<strong>2</strong>" in year
    thai = app.get("/province/TH-52").get_data(as_text=True).split('id="pm25-trends"', 1)[1]
    assert "ฤดูเผา (มกราคมถึงเมษายน)" in thai and "ม.ค." in thai and "Burning season" not in thai


def test_the_station_page_and_a_province_without_data(seasons: Seasons, app: Any) -> None:
    station = app.get("/en/dataset/air4thai-t1").get_data(as_text=True)
    assert 'id="pm25-trends"' in station and f'data-season="{seasons.last}"' in station
    assert 'id="pm25-trends"' not in app.get("/en/province/TH-17").get_data(as_text=True)


def test_the_csv_has_a_row_per_month(seasons: Seasons, app: Any) -> None:
    response = app.get("/pm25/trends.csv?province=TH-52&years=2")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == {"area": "TH-52", "year": str(seasons.last), "month": "1", "days_with_data": "0",
                       "days_over_standard": "0", "mean_pm25": "", "max_daily_pm25": ""}
    february = rows[1]
    assert [february[key] for key in ("days_with_data", "days_over_standard", "max_daily_pm25")] == ["1", "1", "55.0"]
    assert len(rows) == 12 + datetime.now(THAI).month
    refused = app.get("/en/pm25/trends.csv?province=TH-52&years=99")
    assert refused.status_code == 400 and "Must be a whole number from 1 to 10" in refused.get_data(as_text=True)
