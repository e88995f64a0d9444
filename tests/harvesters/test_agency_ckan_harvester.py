"""pm25_agency_ckan against the local agency-catalogue imitation, the real queues (Redis) and the
PM2.5 schema with its validators."""
from __future__ import annotations

import json
import re

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.pm25.geo.catalogue import province_tags

from tests.harvesters.harvesting import (dataset, datasets, gather_messages, make_source,
                                         object_messages, run_job, stats, sysadmin_context)
from tests.upstream import AgencyCkanServer, gd_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

FAST = {"retries": 1, "backoff_factor": 0, "read_timeout": 2, "connect_timeout": 2}
PM25_NAMES = {"pm25-chiangmai-hourly", "pm25-lampang-stations", "pm25-singburi-daily",
              "air-quality-bangkok"}


@pytest.fixture
def server(allow_upstream):
    with AgencyCkanServer() as running:
        allow_upstream(running.url)
        yield running


def upstream_name(ours: dict) -> str:
    return ours["name"].rsplit("-agency", 1)[0]


def test_a_first_run_copies_the_pm25_datasets_with_their_fields_and_provinces(server) -> None:
    source = make_source(server.url, "pm25_agency_ckan", name="agency")

    job = run_job(source)

    assert job["status"] == "Finished"
    assert gather_messages(job) == []
    # Lampang's geographic_data_set is not one of the GD-Catalog choices: kept out, said so.
    [(_guid, [message])] = object_messages(job).items()
    assert message.startswith("Saved without the optional fields this catalogue refuses: "
                              "geographic_data_set")
    assert "ชั้นข้อมูลตำแหน่งสถานี" in message
    assert stats(job) == {"added": 4, "errored": 1}
    found = {upstream_name(d): d for d in datasets()}
    assert "geographic_data_set" not in found["pm25-lampang-stations"]
    assert found["pm25-lampang-stations"]["equivalent_scale"] == "1:50,000"
    assert set(found) == PM25_NAMES  # not the water dataset, the private or the deleted one
    chiang_mai = found["pm25-chiangmai-hourly"]
    upstream = server.find("pm25-chiangmai-hourly")
    for field in ("title", "notes", "data_type", "maintainer", "maintainer_email", "objective",
                  "update_frequency_unit", "update_frequency_interval", "geo_coverage",
                  "data_source", "data_category", "license_id", "data_language", "allow_harvest",
                  "data_format"):
        ours, theirs = chiang_mai[field], upstream[field]
        if isinstance(theirs, list):  # multiple choices are stored in the schema's order
            ours, theirs = sorted(ours), sorted(theirs)
        assert ours == theirs, field
    ours, theirs = {t["name"] for t in chiang_mai["tags"]}, {t["name"] for t in upstream["tags"]}
    # the agency's tags, and the Thai and English names of the dataset's provinces (GD-Catalog's
    # only place for them, so that the national catalogue receives them)
    assert ours == theirs | set(province_tags(chiang_mai["provinces"]))
    assert chiang_mai["organization"]["name"] == "agency-org"
    assert chiang_mai["url"] == f"{server.url}/dataset/pm25-chiangmai-hourly"
    [resource] = chiang_mai["resources"]
    assert resource["url"] == upstream["resources"][0]["url"]
    assert resource["id"] != upstream["resources"][0]["id"]
    assert resource["resource_unit_of_measure"] == "ไมโครกรัมต่อลูกบาศก์เมตร"

    assert "TH-50" in chiang_mai["provinces"]  # from the spatial extra
    assert "TH-52" in found["pm25-lampang-stations"]["provinces"]  # from the bounding fields
    assert found["pm25-lampang-stations"]["spatial"]
    assert found["pm25-singburi-daily"]["provinces"] == ["TH-17"]  # from the title
    assert "TH-10" in found["air-quality-bangkok"]["provinces"]  # from top-level spatial


def test_later_runs_fetch_only_what_changed_upstream(server) -> None:
    source = make_source(server.url, "pm25_agency_ckan", name="agency")
    run_job(source)
    shown_first = len(server.requests_to(server.SHOW))

    unchanged = [run_job(source) for _ in range(3)]

    assert [stats(job) for job in unchanged] == [{}, {}, {}]
    assert len(server.requests_to(server.SHOW)) == shown_first == 4
    renamed = "ค่าเฉลี่ยฝุ่น PM2.5 รายวัน จังหวัดสิงห์บุรี (ปรับปรุง)"
    server.find("pm25-singburi-daily")["title"] = renamed
    server.touch("pm25-singburi-daily", "2024-06-01T00:00:00.000000")

    job = run_job(source)

    assert stats(job) == {"updated": 1}
    assert dataset("pm25-singburi-daily-agency")["title"].endswith("(ปรับปรุง)")
    assert len(datasets()) == 4


def test_a_dataset_removed_or_made_private_upstream_is_withdrawn_and_can_return(server) -> None:
    source = make_source(server.url, "pm25_agency_ckan", name="agency")
    run_job(source)
    server.set_private("pm25-lampang-stations")
    server.delete("air-quality-bangkok")

    job = run_job(source)

    assert stats(job) == {"deleted": 2}
    assert {upstream_name(d) for d in datasets()} == {"pm25-chiangmai-hourly",
                                                      "pm25-singburi-daily"}
    assert model.Package.get("pm25-lampang-stations-agency").state == "deleted"
    assert stats(run_job(source)) == {}  # withdrawn once, not again

    server.set_private("pm25-lampang-stations", False)
    run_job(source)
    assert dataset("pm25-lampang-stations-agency")["state"] == "active"


def test_a_forbidden_package_show_withdraws_the_dataset(server) -> None:
    source = make_source(server.url, "pm25_agency_ckan", name="agency")
    run_job(source)
    server.touch("pm25-chiangmai-hourly", "2024-06-01T00:00:00.000000")
    server.fail_next(server.SHOW, status=403)

    job = run_job(source)

    assert stats(job) == {"deleted": 1}
    assert model.Package.get("pm25-chiangmai-hourly-agency").state == "deleted"


def test_two_sources_carrying_the_same_datasets_do_not_collide(server) -> None:
    first = make_source(server.url, "pm25_agency_ckan", {"page_size": 50}, name="agency")
    second = make_source(server.url, "pm25_agency_ckan", {"page_size": 10}, name="mirror")

    run_job(first)
    run_job(second)
    run_job(first)

    names = [d["name"] for d in datasets()]
    assert len(names) == 8
    assert {"pm25-chiangmai-hourly-agency", "pm25-chiangmai-hourly-mirror"} <= set(names)
    resource_ids = [r["id"] for d in datasets() for r in d["resources"]]
    assert len(set(resource_ids)) == len(resource_ids) == 8


def test_every_page_of_a_large_catalogue_is_read(server) -> None:
    server.add_generated(23)
    source = make_source(server.url, "pm25_agency_ckan", {"query": ["PM2.5"], "page_size": 5},
                         name="agency")
    expected = {d["name"] for d in server.datasets
                if d["state"] == "active" and not d["private"]
                and "pm2.5" in " ".join([d["title"], d["notes"], d["name"],
                                         *[t["name"] for t in d["tags"]]]).lower()}

    job = run_job(source)

    assert stats(job) == {"added": len(expected)}
    assert {upstream_name(d) for d in datasets()} == expected
    starts = sorted(int(r.param("start")) for r in server.requests_to(server.SEARCH))
    assert starts == list(range(0, len(expected), 5))


# The PM2.5 description's fields with a schema default (a form preselects it, the API fills it).
DESCRIPTION_DEFAULTS = ("pollutants", "measurement_type", "averaging_period", "unit",
                        "aqi_standard", "quality_level")


def test_what_upstream_does_not_say_stays_empty_instead_of_a_schema_default(allow_upstream,
                                                                            app) -> None:
    hotspots = gd_dataset("hotspots-daily-north", "จุดความร้อนรายวัน PM2.5 ภาคเหนือ", "pcd",
                          ["PM2.5", "จุดความร้อน"], update_frequency_unit="วัน")
    with AgencyCkanServer([hotspots]) as server:
        allow_upstream(server.url)
        run_job(make_source(server.url, "pm25_agency_ckan", name="agency"))

    shown = dataset("hotspots-daily-north-agency")
    assert {field: shown.get(field) or None for field in DESCRIPTION_DEFAULTS} == \
        dict.fromkeys(DESCRIPTION_DEFAULTS)
    page = app.get("/dataset/hotspots-daily-north-agency").get_data(as_text=True)
    assert 'data-field="update_frequency_unit"' in page  # the table of the dataset's fields
    for field in DESCRIPTION_DEFAULTS:
        assert f'data-field="{field}"' not in page, field


def _listed_on_source_page(app, source: dict, page: int) -> list[str]:
    html = app.get(f"/harvest/{source['name']}?page={page}").get_data(as_text=True)
    return re.findall(r'href="/dataset/([^"/?]+)"', html)


def test_the_source_page_lists_every_harvested_dataset(server, app) -> None:
    server.add_generated(24)  # 28 PM2.5 datasets: two pages of the source's list
    source = make_source(server.url, "pm25_agency_ckan", name="agency")

    run_job(source)

    harvested = {d["name"] for d in datasets()}
    assert len(harvested) == 28
    found = helpers.call_action("package_search", fq=f'+harvest_source_id:"{source["id"]}"',
                                rows=100)
    assert found["count"] == 28
    assert {d["name"] for d in found["results"]} == harvested
    listed = _listed_on_source_page(app, source, 1) + _listed_on_source_page(app, source, 2)
    assert sorted(set(listed)) == sorted(harvested)


@pytest.mark.parametrize("fault, expected", [
    (lambda s: s.fail_next(s.SEARCH, 2), "HTTP 500"),
    (lambda s: s.html_error_next(s.SEARCH), "Upstream: <!DOCTYPE html>"),
    (lambda s: s.truncate_next(s.SEARCH), "not_json"),
    (lambda s: s.slow_next(s.SEARCH, 4, count=2), "timeout"),
], ids=["http-500", "html-200", "truncated-json", "timeout"])
def test_a_failed_search_page_is_recorded_and_nothing_is_withdrawn(server, fault, expected) -> None:
    source = make_source(server.url, "pm25_agency_ckan", {**FAST, "query": ["PM2.5", "ฝุ่น"]},
                         name="agency")
    run_job(source)
    before = {d["name"]: d["metadata_modified"] for d in datasets()}
    fault(server)

    job = run_job(source)

    assert job["status"] == "Finished"
    [message] = gather_messages(job)
    assert expected in message and "nothing is withdrawn" in message
    assert {d["name"]: d["metadata_modified"] for d in datasets()} == before


def test_an_empty_answer_does_not_empty_the_catalogue(server) -> None:
    source = make_source(server.url, "pm25_agency_ckan", name="agency")
    run_job(source)
    server.datasets.clear()

    job = run_job(source)

    assert "lists no matching dataset at all while 4 harvested" in gather_messages(job)[0]
    assert len(datasets()) == 4


def test_an_upstream_dataset_our_schema_refuses_is_recorded_and_the_rest_harvested(
        allow_upstream) -> None:
    broken = gd_dataset("pm25-no-contact", "ข้อมูลฝุ่น PM2.5 ไม่มีผู้ติดต่อ", "pcd", ["PM2.5"],
                        maintainer_email="")
    abroad = gd_dataset("pm25-tokyo-box", "ข้อมูลฝุ่น PM2.5 จังหวัดลำปาง (พิกัดผิด)", "pcd",
                        ["PM2.5"], spatial=json.dumps({"type": "Point",
                                                       "coordinates": [139.69, 35.68]}))
    with AgencyCkanServer([broken, abroad]) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_agency_ckan", name="agency")
        job = run_job(source)

    errors = object_messages(job)
    [refused] = [m for guid, ms in errors.items() for m in ms if "validation" in m]
    assert "maintainer_email" in refused and "pm25-no-contact" in refused
    [_moved] = [m for guid, ms in errors.items() for m in ms if "Upstream spatial unusable" in m]
    assert dataset("pm25-tokyo-box-agency")["provinces"] == ["TH-52"]  # from the title
    assert [d["name"] for d in datasets()] == ["pm25-tokyo-box-agency"]


@pytest.mark.parametrize("config, message", [
    ({"query": []}, "query: must be a search text or a list of search texts"),
    ({"page_size": 5000}, "page_size: must be between 1 and 1000, not 5000"),
    ({"backfill_hours": 24}, "backfill_hours: is not an option of this harvester"),
    ("not json", "config: is not valid JSON"),
])
def test_an_invalid_agency_config_is_refused_with_the_option_named(config, message,
                                                                  allow_upstream) -> None:
    from ckan.tests import factories, helpers
    allow_upstream("http://127.0.0.1:9")
    org = factories.Organization()
    with pytest.raises(Exception) as raised:
        helpers.call_action("harvest_source_create", context=sysadmin_context(), name="agency",
                            url="http://127.0.0.1:9",
                            source_type="pm25_agency_ckan", owner_org=org["id"],
                            config=config if isinstance(config, str) else json.dumps(config))

    assert message in str(raised.value)
