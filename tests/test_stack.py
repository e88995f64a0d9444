"""The stack is real: Solr full-text and JTS geometry search, DataStore, Redis jobs, the portal in a
browser, and the plugins loaded as configured."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories import create_pm25_dataset

def as_sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


LAMPANG_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[99.4, 18.2], [99.6, 18.2], [99.6, 18.4], [99.4, 18.4], [99.4, 18.2]]],
}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSearch:
    def test_full_text_search_finds_a_new_dataset(self) -> None:
        create_pm25_dataset(name="pm25-lampang", title="Hourly PM2.5 in Lampang",
                            notes="Readings from the Mae Moh stations")

        found = helpers.call_action("package_search", q="stations")
        missed = helpers.call_action("package_search", q="ozone")

        assert [d["name"] for d in found["results"]] == ["pm25-lampang"]
        assert missed["count"] == 0

    def test_polygon_is_found_by_an_intersecting_bbox_and_missed_by_a_disjoint_one(self) -> None:
        create_pm25_dataset(name="lampang-area", spatial=json.dumps(LAMPANG_POLYGON))

        inside = helpers.call_action("package_search", extras={"ext_bbox": "99.5,18.3,99.7,18.5"})
        disjoint = helpers.call_action("package_search", extras={"ext_bbox": "100.3,14.8,100.5,15.0"})

        assert [d["name"] for d in inside["results"]] == ["lampang-area"]
        assert disjoint["count"] == 0

    def test_geometry_search_uses_the_shape_not_its_bounding_box(self) -> None:
        # What ckanext.spatial.search_backend = solr-spatial-field gives (the solr-bbox backend
        # would match the whole bounding box): a bbox inside the triangle's bounding box but
        # beyond its slanted side misses it.
        triangle = {"type": "Polygon", "coordinates": [[[99.0, 18.0], [100.0, 18.0], [99.0, 19.0], [99.0, 18.0]]]}
        create_pm25_dataset(name="lampang-triangle", spatial=json.dumps(triangle))

        inside = helpers.call_action("package_search", extras={"ext_bbox": "99.1,18.1,99.2,18.2"})
        beyond_the_slant = helpers.call_action("package_search", extras={"ext_bbox": "99.8,18.8,99.95,18.95"})

        assert [d["name"] for d in inside["results"]] == ["lampang-triangle"]
        assert beyond_the_slant["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_datastore")
class TestDataStore:
    def test_create_upsert_search_and_sql(self) -> None:
        dataset = create_pm25_dataset()
        resource = factories.Resource(package_id=dataset["id"])
        fields = [{"id": "station_id", "type": "text"}, {"id": "datetime_utc", "type": "timestamp"},
                  {"id": "pm25", "type": "numeric"}]
        helpers.call_action("datastore_create", context=as_sysadmin(), resource_id=resource["id"], fields=fields,
                            primary_key=["station_id", "datetime_utc"], force=True,
                            records=[{"station_id": "37t", "datetime_utc": "2024-05-07T13:00:00",
                                      "pm25": 31.0}])
        helpers.call_action("datastore_upsert", context=as_sysadmin(), resource_id=resource["id"], method="upsert",
                            force=True,
                            records=[{"station_id": "37t", "datetime_utc": "2024-05-07T13:00:00",
                                      "pm25": 33.5},
                                     {"station_id": "37t", "datetime_utc": "2024-05-07T14:00:00",
                                      "pm25": 40.0}])

        searched = helpers.call_action("datastore_search", resource_id=resource["id"],
                                       filters={"station_id": "37t"}, sort="datetime_utc")
        sql = helpers.call_action(
            "datastore_search_sql",
            sql=f'SELECT max(pm25) AS peak, count(*) AS n FROM "{resource["id"]}"')

        assert [float(r["pm25"]) for r in searched["records"]] == [33.5, 40.0]
        assert float(sql["records"][0]["peak"]) == 40.0
        assert int(sql["records"][0]["n"]) == 2


@pytest.mark.usefixtures("with_plugins", "clean_redis")
def test_a_background_job_goes_through_redis_and_runs(ckan_config) -> None:
    from ckan.lib import jobs

    job = tk.enqueue_job(jobs.test_job, ["pm25 says hello"], title="pm25 stack check")
    assert job.get_status() == "queued"

    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    worker = subprocess.run([ckan, "-c", ckan_config["__file__"], "jobs", "worker", "--burst"],
                            capture_output=True, text=True, timeout=120)

    job.refresh()
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert job.get_status() == "finished"


def test_the_portal_lists_its_plugins(portal: str) -> None:
    import requests

    status = requests.get(f"{portal}/api/3/action/status_show", timeout=30).json()["result"]

    for plugin in ("pm25", "scheming_datasets", "spatial_metadata", "spatial_query", "harvest",
                   "datastore", "dcat", "activity"):
        assert plugin in status["extensions"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_browser_sees_a_dataset_on_the_portal(portal: str, browser, artifacts) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    create_pm25_dataset(name="singburi-pm25", title="PM2.5 Sing Buri hourly")

    browser.get(f"{portal}/dataset/")
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")]
    browser.save_screenshot(str(artifacts / "stack-dataset-list.png"))

    assert "PM2.5 Sing Buri hourly" in titles
