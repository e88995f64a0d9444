"""The dataset dicts the harvesters hand to package_create/package_update (pure)."""
from __future__ import annotations

import dataclasses
import json

from ckanext.pm25.geo.provinces import by_code
from ckanext.pm25.harvesters.datasets import (NAME_MAX, Publisher, agency_dataset, bbox_polygon,
                                              bounded_name, hourly_resource, network_dataset,
                                              series_id, station_dataset, store_resource,
                                              store_resource_id, upstream_spatial)
from ckanext.pm25.measurements.links import parse_series_download_url, series_download_url
from ckanext.pm25.harvesters.normalise import Station
from tests.upstream import default_datasets

PUBLISHER = Publisher("src-1", "pcd-air4thai", "org-1", "กรมควบคุมมลพิษ",
                      maintainer_email="air@example.go.th")


def test_a_station_dataset_carries_the_gd_catalog_and_pm25_fields() -> None:
    station = Station("37t", "ศูนย์ราชการจังหวัดลำปาง", "Lampang Government Centre", "ลำปาง",
                      "Lampang", "GROUND", 18.29, 99.49, ("coords_swapped",))

    data = station_dataset(station, PUBLISHER, data_source="PCD", spatial='{"type":"Point"}',
                           provinces=[by_code("TH-52")], last_seen="2024-05-07T13:00:00Z")

    assert data["title"].startswith("ฝุ่น PM2.5 รายชั่วโมง สถานี ศูนย์ราชการจังหวัดลำปาง (37t)")
    assert data["title"].endswith("| Hourly PM2.5, Lampang Government Centre")
    assert (data["maintainer"], data["license_id"], data["provinces"]) == (
        "กรมควบคุมมลพิษ", "Open Data Common", '["TH-52"]')
    assert {"PM2.5", "ลำปาง"} <= {tag["name"] for tag in data["tags"]}
    assert "swapped" in data["quality_notes"]
    assert data["id"] == station_dataset(station, PUBLISHER, data_source="x", spatial=None,
                                         provinces=[], last_seen="")["id"]


def test_the_hourly_resource_links_to_the_station_series_in_the_store_with_a_stable_id() -> None:
    url = series_download_url("http://portal.example/", "store-1", series_id("37t"))
    first, second = hourly_resource("pkg-1", url), hourly_resource("pkg-1", url)

    assert first == second
    assert (first["name"], first["url"], first.get("url_type")) == ("Hourly measurements", url, None)
    assert url.startswith("http://portal.example/datastore/dump/store-1?")
    assert parse_series_download_url(url) == ("store-1", "air4thai:37t")
    assert hourly_resource("pkg-2", url)["id"] != first["id"]


def test_each_source_has_its_own_network_dataset_and_store() -> None:
    network = network_dataset(PUBLISHER, data_source="Air4Thai")
    other = network_dataset(dataclasses.replace(PUBLISHER, source_id="src-2"), data_source="x")

    assert network["id"] != other["id"] and network["owner_org"] == PUBLISHER.owner_org
    assert "station_id" not in network and network["geo_coverage"] == "ประเทศ"
    assert store_resource(PUBLISHER.source_id)["url_type"] == "datastore"
    assert store_resource_id(PUBLISHER.source_id) != store_resource_id("src-2")


def test_names_stay_within_100_characters_and_distinct() -> None:
    long_one = bounded_name("a" * 120, "agency")
    other = bounded_name("a" * 119 + "b", "agency")

    assert len(long_one) <= NAME_MAX and long_one.endswith("-agency")
    assert long_one != other
    assert bounded_name("PM2.5 Lampang!", "src") == "pm2-5-lampang-src"


def test_an_agency_dataset_keeps_its_fields_and_links_its_resources() -> None:
    upstream = default_datasets()[0]

    data = agency_dataset(upstream, PUBLISHER, dataset_fields={"title", "data_type", "objective",
                                                               "provinces", "notes"},
                          resource_fields={"url", "name", "format", "resource_unit_of_measure"},
                          upstream_page="https://agency.example/dataset/x")

    assert data["name"] == "pm25-chiangmai-hourly-pcd-air4thai"
    assert (data["title"], data["objective"]) == (upstream["title"], upstream["objective"])
    assert data["owner_org"] == "org-1" and "provinces" not in data
    [resource] = data["resources"]
    assert resource["url"] == upstream["resources"][0]["url"]
    assert resource["id"] != upstream["resources"][0]["id"]
    assert data["url"] == "https://agency.example/dataset/x"


def test_geography_from_spatial_extras_or_bounding_fields() -> None:
    chiang_mai, lampang, sing_buri = default_datasets()[:3]

    assert json.loads(upstream_spatial(chiang_mai))["type"] == "Polygon"
    assert upstream_spatial(lampang) is None
    box = json.loads(bbox_polygon(lampang))
    assert box["coordinates"][0][0] == [99.0, 17.2] and box["coordinates"][0][2] == [100.2, 19.5]
    assert bbox_polygon(sing_buri) is None
    assert bbox_polygon({**lampang, "west_bound_longitude": "101"}) is None  # west of east
