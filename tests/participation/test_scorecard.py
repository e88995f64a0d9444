"""The agency scorecard against known data: the page's rows in rank order (Thai and English),
the CSV's rows and the API's answer, built from stations stored the way the harvester stores
them and datasets made through the action API.

``scored`` (built once, relative to the present hour; the 30-day window has 720 hours):

- pcd (กรมควบคุมมลพิษ): A1 with a value in each of the 720 hours, A2 in the last 360 → 1,080 of
  1,440 hours, 75.0 % (the minimum: no flag); newest reading this hour; a report dataset with a
  PDF: 3 datasets, all with GD-Catalog's required fields; 2 of 3 files open (the two DataStore
  tables) → 66.7 %.
- cmu-ccdc (CMU CCDC): B1 with 5 hours, the newest 5 hours ago (stale), 5 of 720 hours → 0.7 %
  (incomplete); B2 inactive, its one reading 40 days ago (not expected); 2 datasets, complete,
  both files open.
- gistda (GISTDA): no stations; a dataset with a CSV link and one with an XLSX file whose contact
  person (a required field) is empty, stored before the rule: 1 of 2 complete (50.0 %), 1 of 2 open (50.0 %);
  a private dataset with a PDF that no figure counts.

Ranked: pcd (no flag, 75.0 %), gistda (no flag, no completeness), cmu-ccdc (two flags).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import unescape
from typing import Any

import ckan.plugins
import pytest
from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

from ckanext.pm25.readings import hooks
from tests.database import reset_stores
from tests.factories import create_pm25_dataset
from tests.readings.stations import create_station, this_hour
from tests.readings.test_http_cache import assert_shared

HOUR = timedelta(hours=1)
pytestmark = pytest.mark.usefixtures("with_plugins")


@dataclass
class Scored:
    now: datetime
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def scored(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Scored]:
    """Built once per module (each station costs seconds of Solr commits); tests only read it."""
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
        yield build_scored()
    finally:
        ckan.plugins.unload_all()


@pytest.fixture(autouse=True)
def clock_in_the_hour_of_scored(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's clock stays in the hour ``scored`` was built for (its window moves with it)."""
    if "scored" not in request.fixturenames:
        return
    last_moment = request.getfixturevalue("scored").now + HOUR - timedelta(microseconds=1)
    real_now = hooks.now
    monkeypatch.setattr(hooks, "now", lambda: min(real_now(), last_moment))


def build_scored() -> Scored:
    now = this_hour()
    data = Scored(now)
    sysadmin = factories.Sysadmin()
    for name, title in (("pcd", "กรมควบคุมมลพิษ"), ("cmu-ccdc", "CMU CCDC"), ("gistda", "GISTDA")):
        data.organizations[name] = factories.Organization(user=sysadmin, name=name, title=title)

    def station(org: str, station_id: str, province: str, hours: dict[datetime, float | None],
                **kwargs: Any) -> None:
        create_station(province, station_id, hours, user=sysadmin, owner_org=data.organizations[org]["id"],
                       **kwargs)

    def document(org: str, name: str, resources: list[dict[str, Any]], **kwargs: Any) -> None:
        create_pm25_dataset(user=sysadmin, owner_org=data.organizations[org]["id"], name=name,
                            title=name.replace("-", " ").title(), resources=resources, **kwargs)

    station("pcd", "A1", "TH-52", {now - back * HOUR: 30.0 for back in range(720)})
    station("pcd", "A2", "TH-50", {now - back * HOUR: 40.0 for back in range(360)}, title="Chiang Mai city hall")
    document("pcd", "pcd-annual-report", [{"url": "http://example.org/report.pdf", "format": "PDF"}],
             geo_coverage="ประเทศ")
    station("cmu-ccdc", "B1", "TH-17", {now - back * HOUR: 20.0 for back in range(5, 10)})
    station("cmu-ccdc", "B2", "TH-90", {now - timedelta(days=40): 25.0}, status="inactive")
    document("gistda", "gistda-model-csv", [{"url": "http://example.org/model.csv", "format": "CSV"}],
             geo_coverage="ประเทศ")
    document("gistda", "gistda-model-xlsx", [{"url": "http://example.org/model.xlsx", "format": "XLSX"}],
             geo_coverage="ประเทศ")
    without_contact("gistda-model-xlsx")
    document("gistda", "gistda-draft-notes", [{"url": "http://example.org/notes.pdf", "format": "PDF"}],
             private=True)
    return data


def without_contact(name: str) -> None:
    """The dataset as one stored before the schema required a contact person (or edited in
    SQL): no validator would let it be saved so today; reindexed as CKAN would."""
    dataset = model.Package.get(name)
    assert dataset is not None
    dataset.maintainer = None
    model.Session.commit()
    search.rebuild(dataset.id)


def read_csv(response: Any) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def page_rows(html: str) -> list[dict[str, str]]:
    """Each row of the scorecard table: each cell's text as a reader sees it, by class, and the
    agency's name (``slug``)."""
    body = html.split('class="table table-sm pm25-scorecard-table"', 1)[1].split("</table>", 1)[0]
    rows = []
    for agency, row in re.findall(r'<tr [^>]*data-agency="([\w-]+)"[^>]*>(.*?)</tr>', body, re.S):
        cells = {match[0]: " ".join(unescape(re.sub(r"<[^>]+>", " ", match[1])).split())
                 for match in re.findall(r'<t[dh] [^>]*class="[^"]*pm25-(\w+)"[^>]*>(.*?)</t[dh]>', row, re.S)}
        rows.append({**cells, "slug": agency})
    return rows


class TestPage:
    def test_english_rows_in_rank_order_with_figures_and_flags_in_words(self, scored: Scored, app: Any) -> None:
        response = app.get("/en/pm25/agencies")
        assert response.status_code == 200
        rows = page_rows(response.get_data(as_text=True))
        assert [(row["rank"], row["slug"], row["agency"]) for row in rows] == [
            ("1", "pcd", "กรมควบคุมมลพิษ"), ("2", "gistda", "GISTDA"), ("3", "cmu-ccdc", "CMU CCDC")]
        pcd, gistda, cmu = rows
        assert (pcd["datasets"], pcd["stations"]) == ("3", "2 (2)")
        assert pcd["freshness"].startswith("This hour")
        assert pcd["completeness"] == "75.0 % (1080 of 1440 hours)"
        assert pcd["metadata"] == "100.0 % (3 of 3 datasets)"
        assert pcd["open"] == "66.7 % (2 of 3 files)"
        assert pcd["flags"] == "None"
        assert (gistda["datasets"], gistda["stations"], gistda["freshness"]) == ("2", "0", "No stations")
        assert (gistda["completeness"], gistda["metadata"], gistda["open"]) == (
            "—", "50.0 % (1 of 2 datasets)", "50.0 % (1 of 2 files)")
        assert (cmu["datasets"], cmu["stations"]) == ("2", "2 (1)")
        assert cmu["freshness"].startswith("5 hours ago")
        assert cmu["completeness"] == "0.7 % (5 of 720 hours)"
        assert cmu["flags"] == ("⚑ Stale: no reading for more than 3 hours "
                                "⚑ Incomplete: fewer than 75 % of the expected hours in the last 30 days")

    def test_thai_page(self, scored: Scored, app: Any) -> None:
        html = app.get("/pm25/agencies").get_data(as_text=True)
        rows = page_rows(html)
        assert [(row["rank"], row["slug"]) for row in rows] == [("1", "pcd"), ("2", "gistda"), ("3", "cmu-ccdc")]
        assert rows[2]["freshness"].startswith("5 ชั่วโมงที่แล้ว")
        assert rows[2]["flags"] == ("⚑ ไม่เป็นปัจจุบัน: ไม่มีค่าตรวจวัดเกิน 3 ชั่วโมง "
                                    "⚑ ไม่ครบถ้วน: มีค่าตรวจวัดน้อยกว่า 75 % ของชั่วโมงที่ควรมีในช่วง 30 วันที่ผ่านมา")
        assert rows[0]["flags"] == "ไม่มี"
        assert "ตัวชี้วัดหน่วยงาน" in html

    def test_counts_link_to_the_agencys_dataset_search(self, scored: Scored, app: Any) -> None:
        html = app.get("/en/pm25/agencies").get_data(as_text=True)
        assert 'href="/en/dataset/?organization=pcd">3</a>' in html
        active_link = re.search(r'href="(/en/dataset/\?[^"]*organization=cmu-ccdc[^"]*)">2 \(1\)</a>', html)
        assert active_link
        found = app.get(unescape(active_link.group(1))).get_data(as_text=True)
        assert "air4thai-b1" in found and "air4thai-b2" not in found

    def test_anonymous_answers_are_shared_by_caches_like_the_dashboard(self, scored: Scored, app: Any) -> None:
        assert_shared(app.get("/en/pm25/agencies"), max_age=60)
        assert_shared(app.get("/pm25/agencies.csv"), max_age=300)
        assert_shared(app.get("/api/3/action/pm25_agency_scorecard"), max_age=60)

    def test_the_dashboard_links_the_scorecard(self, scored: Scored, app: Any) -> None:
        assert 'href="/en/pm25/agencies"' in app.get("/en/pm25").get_data(as_text=True)

    def test_each_organisation_page_links_its_row(self, scored: Scored, app: Any) -> None:
        html = app.get("/en/organization/cmu-ccdc").get_data(as_text=True)
        assert 'href="/en/pm25/agencies#pm25-agency-cmu-ccdc">This agency on the PM2.5 agency scorecard</a>' in html
        assert 'id="pm25-agency-cmu-ccdc"' in app.get("/en/pm25/agencies").get_data(as_text=True)

    @pytest.mark.ckan_config("ckanext.pm25.scorecard.min_completeness_percent", "80")
    @pytest.mark.ckan_config("ckanext.pm25.scorecard.stale_after_hours", "5")
    def test_thresholds_come_from_configuration(self, scored: Scored, app: Any) -> None:
        rows = page_rows(app.get("/en/pm25/agencies").get_data(as_text=True))
        assert [(row["slug"], row["flags"]) for row in rows] == [
            ("gistda", "None"),
            ("pcd", "⚑ Incomplete: fewer than 80 % of the expected hours in the last 30 days"),
            ("cmu-ccdc", "⚑ Incomplete: fewer than 80 % of the expected hours in the last 30 days"),
        ]


class TestCsv:
    def test_the_tables_rows(self, scored: Scored, app: Any) -> None:
        response = app.get("/en/pm25/agencies.csv")
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "pm25-agency-scorecard-" in response.headers["Content-Disposition"]
        rows = read_csv(response)
        assert [(row["rank"], row["name"], row["title"]) for row in rows] == [
            ("1", "pcd", "กรมควบคุมมลพิษ"), ("2", "gistda", "GISTDA"), ("3", "cmu-ccdc", "CMU CCDC")]
        pcd, gistda, cmu = rows
        assert {key: pcd[key] for key in ("datasets", "stations", "active_stations", "hours_since_latest",
                                          "expected_hours", "hours_present", "completeness_percent",
                                          "metadata_complete_percent", "open_formats_percent", "red_flags")} == {
            "datasets": "3", "stations": "2", "active_stations": "2", "hours_since_latest": "0",
            "expected_hours": "1440", "hours_present": "1080", "completeness_percent": "75.0",
            "metadata_complete_percent": "100.0", "open_formats_percent": "66.7", "red_flags": ""}
        assert pcd["latest_hour_utc"] == scored.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert (gistda["hours_since_latest"], gistda["completeness_percent"], gistda["latest_hour_utc"]) == ("", "", "")
        assert (cmu["hours_since_latest"], cmu["completeness_percent"]) == ("5", "0.7")
        assert cmu["red_flags"] == ("Stale: no reading for more than 3 hours; "
                                    "Incomplete: fewer than 75 % of the expected hours in the last 30 days")

    def test_thai_flags(self, scored: Scored, app: Any) -> None:
        rows = read_csv(app.get("/pm25/agencies.csv"))
        assert rows[2]["red_flags"].startswith("ไม่เป็นปัจจุบัน: ")


class TestApi:
    def test_the_answer(self, scored: Scored, app: Any) -> None:
        response = app.get("/api/3/action/pm25_agency_scorecard")
        assert response.status_code == 200
        result = response.json["result"]
        assert (result["window_days"], result["stale_after_hours"], result["min_completeness_percent"]) == (30, 3, 75)
        assert result["window_end_utc"] == scored.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert "CSV" in result["open_formats"] and "geo_coverage" in result["required_fields"]
        assert result["count"] == 3
        by_name = {row["name"]: row for row in result["agencies"]}
        assert [row["name"] for row in result["agencies"]] == ["pcd", "gistda", "cmu-ccdc"]
        assert by_name["cmu-ccdc"] == {
            "rank": 3, "id": scored.organizations["cmu-ccdc"]["id"], "name": "cmu-ccdc", "title": "CMU CCDC",
            "datasets": 2, "stations": 2, "active_stations": 1,
            "latest_hour_utc": (scored.now - 5 * HOUR).strftime("%Y-%m-%dT%H:%M:%SZ"), "hours_since_latest": 5,
            "expected_hours": 720, "hours_present": 5, "completeness_percent": 0.7,
            "datasets_with_required_metadata": 2, "metadata_complete_percent": 100.0, "resources": 2,
            "open_format_resources": 2, "open_formats_percent": 100.0, "requests": "ไม่มีคำขอ", "requests_due": 0,
            "requests_within_target": 0, "requests_within_target_percent": None, "requests_median_days": None,
            "requests_open": 0, "requests_overdue": 0, "reports": "ไม่มีรายการแจ้งค่าผิดปกติ",
            "reports_received": 0, "reports_resolved": 0, "reports_resolved_percent": None,
            "reports_median_days": None, "reports_open": 0, "reports_overdue": 0,
            "red_flags": [{"key": "stale", "text": "ไม่เป็นปัจจุบัน: ไม่มีค่าตรวจวัดเกิน 3 ชั่วโมง"},
                          {"key": "incomplete",
                           "text": "ไม่ครบถ้วน: มีค่าตรวจวัดน้อยกว่า 75 % ของชั่วโมงที่ควรมีในช่วง 30 วันที่ผ่านมา"}]}
        assert by_name["gistda"]["completeness_percent"] is None and by_name["gistda"]["red_flags"] == []

    def test_one_agency_keeps_its_rank(self, scored: Scored, app: Any) -> None:
        result = app.get("/api/3/action/pm25_agency_scorecard", query_string={"organization": "gistda"}).json["result"]
        assert [(row["rank"], row["name"]) for row in result["agencies"]] == [(2, "gistda")]

    def test_english_texts_under_en(self, scored: Scored, app: Any) -> None:
        result = app.get("/en/api/3/action/pm25_agency_scorecard", query_string={"organization": "cmu-ccdc"}).json
        assert result["result"]["agencies"][0]["red_flags"][0]["text"] == "Stale: no reading for more than 3 hours"

    def test_unknown_parameter_refused(self, scored: Scored, app: Any) -> None:
        response = app.get("/en/api/3/action/pm25_agency_scorecard", query_string={"sort": "worst"}, status=409)
        assert response.json["error"] == {"__type": "Validation Error",
                                          "sort": ["Unknown parameter (this action takes only: organization)"]}

    def test_wrong_type_refused(self, scored: Scored) -> None:
        with pytest.raises(ckan.logic.ValidationError) as refused:
            helpers.call_action("pm25_agency_scorecard", organization=["pcd"])
        assert refused.value.error_dict == {"organization": ["Must be the name or id of an organisation, as text"]}

    def test_unknown_agency_refused(self, scored: Scored, app: Any) -> None:
        response = app.get("/en/api/3/action/pm25_agency_scorecard", query_string={"organization": "nobody"},
                           status=409)
        assert response.json["error"]["organization"] == [
            "No organisation with public PM2.5 datasets has this name or id: nobody"]

    def test_anyone_may_read_it(self, scored: Scored) -> None:
        assert helpers.call_auth("pm25_agency_scorecard", {"user": "", "auth_user_obj": None})
