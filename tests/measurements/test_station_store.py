"""Harvested stations' readings live once, in their source's measurement store: an hourly run
writes the store and leaves the catalogue alone, a station's link downloads its own series,
the dashboard summary rebuilds from the store, and a site's per-station tables of before the
store move into it without losing a reading."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.pm25.readings.rebuild import rebuild
from tests.harvesters.harvesting import (datasets, hourly_resource, make_source, now_thai_hour, rows,
                                         run_job, stations, stats, store_of)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

# The per-station table of before the measurement store, as the harvester made it.
STATION_TABLE_FIELDS = [
    {"id": "station_id", "type": "text"}, {"id": "datetime_utc", "type": "timestamp"},
    {"id": "datetime_local", "type": "text"}, {"id": "pm25", "type": "numeric"},
    {"id": "pm25_24h", "type": "numeric"}, {"id": "aqi_th", "type": "int"},
    {"id": "aqi_us", "type": "int"}, {"id": "quality_flag", "type": "text"}]


@pytest.fixture
def server(allow_upstream):
    # Yesterday 10:00 Thai time: the next hour falls on the same Thai day, so a station's
    # temporal coverage does not move with it.
    ten = now_thai_hour().replace(hour=10) - timedelta(days=1)
    with Air4ThaiServer(now_local=ten, hours=48) as running:
        allow_upstream(running.url)
        yield running


def store_count(store_id: str) -> int:
    with get_write_engine().connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {identifier(store_id)}")).scalar())


def activities(dataset_id: str) -> int:
    return len(helpers.call_action("package_activity_list", id=dataset_id, limit=100))


def summary() -> tuple[Any, ...]:
    """What the dashboard's API shows: every station's latest reading, every province's."""
    return (helpers.call_action("pm25_station_list", limit=100)["results"],
            helpers.call_action("pm25_province_list"))


def test_an_hourly_run_writes_the_store_and_rewrites_no_dataset(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    before = {d["name"]: (d["metadata_modified"], activities(d["id"])) for d in datasets()}
    store_id, _ = store_of(stations()[0])
    assert store_count(store_id) == 9 * 48

    server.now_local += timedelta(hours=1)
    for station_id in server.hourly:
        server.set_value(station_id, 42.0, server.now_local)
    job = run_job(source)

    assert stats(job) == {"updated": 9}
    assert {d["name"]: (d["metadata_modified"], activities(d["id"])) for d in datasets()} == before
    assert store_count(store_id) == 9 * 49
    assert {rows(station)[-1]["pm25"] for station in stations()} == {42.0}
    searched = helpers.call_action("datastore_search", resource_id=store_id, limit=0)
    assert searched["total"] == 9 * 49


def test_a_station_link_downloads_its_own_series_from_the_store(server, app) -> None:
    make = make_source(server.url, "pm25_air4thai")
    run_job(make)
    lampang = next(s for s in stations() if s["station_id"] == "37t")
    url = urlsplit(hourly_resource(lampang)["url"])

    response = app.get(f"{url.path}?{url.query}")

    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(table) == 48
    assert {row["series_id"] for row in table} == {"air4thai:37t"}
    assert [row["hour_utc"] for row in table] == sorted(row["hour_utc"] for row in table)


def test_the_summary_rebuilt_from_the_store_equals_the_one_kept_at_import(server) -> None:
    run_job(make_source(server.url, "pm25_air4thai"))
    kept = summary()

    assert rebuild(echo=lambda _text: None) == (9, 9 * 48)
    assert summary() == kept


def test_a_station_table_of_before_the_store_moves_into_it_without_loss(server, cli) -> None:
    run_job(make_source(server.url, "pm25_air4thai"))
    lampang = next(s for s in stations() if s["station_id"] == "37t")
    harvested = rows(lampang)
    store_id, series = store_of(lampang)
    # As a site harvested before the store holds it: the readings in the station's own table.
    helpers.call_action("datastore_delete", resource_id=store_id, force=True,
                        filters={"series_id": series})
    helpers.call_action("datastore_create", context={"user": factories.Sysadmin()["name"]},
                        resource_id=hourly_resource(lampang)["id"], force=True,
                        fields=STATION_TABLE_FIELDS, primary_key=["station_id", "datetime_utc"],
                        records=[{**row, "datetime_utc": row["datetime_utc"].rstrip("Z")}
                                 for row in harvested])
    assert rows(lampang) == []

    moved = cli.invoke(ckan, ["pm25", "harvest", "move-station-tables"])
    again = cli.invoke(ckan, ["pm25", "harvest", "move-station-tables"])

    assert moved.exit_code == 0, moved.output
    assert "air4thai-37t: 48 readings moved, table deleted" in moved.output
    assert "1 station tables found, 1 moved" in moved.output
    assert "0 station tables found" in again.output
    lampang = next(s for s in stations() if s["station_id"] == "37t")
    assert rows(lampang) == harvested
    assert not hourly_resource(lampang).get("datastore_active")
    assert store_count(store_id) == 9 * 48


def anonymous_search(app: Any, store_id: str, series: str) -> tuple[int, Any]:
    response = app.get("/api/3/action/datastore_search", query_string={
        "resource_id": store_id, "filters": json.dumps({"series_id": series})})
    return response.status_code, response.json


def test_a_station_made_private_takes_its_readings_out_of_the_public_store(server, app) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    lampang = next(s for s in stations() if s["station_id"] == "37t")
    public_store, series = store_of(lampang)
    editor = factories.Sysadmin()

    helpers.call_action("package_patch", context={"user": editor["name"]}, id=lampang["id"],
                        private=True)

    hidden = helpers.call_action("package_show", id=lampang["id"])
    private_store, same_series = store_of(hidden)
    assert (private_store != public_store, same_series) == (True, series)
    assert anonymous_search(app, public_store, series)[1]["result"]["records"] == []
    assert anonymous_search(app, private_store, series)[0] == 403
    sql = app.get("/api/3/action/datastore_search_sql", query_string={
        "sql": f'SELECT count(*) FROM "{private_store}"'})
    assert sql.status_code == 403
    assert len(rows(hidden)) == 48  # the organisation still has them, whole

    server.now_local += timedelta(hours=1)
    server.set_value("37t", 42.0, server.now_local)
    run_job(source)  # a private station's new hours go to the private store
    assert anonymous_search(app, public_store, series)[1]["result"]["records"] == []
    assert rows(helpers.call_action("package_show", id=lampang["id"]))[-1]["pm25"] == 42.0

    helpers.call_action("package_patch", context={"user": editor["name"]}, id=lampang["id"],
                        private=False)
    shown = helpers.call_action("package_show", id=lampang["id"])
    assert store_of(shown) == (public_store, series)
    assert len(anonymous_search(app, public_store, series)[1]["result"]["records"]) == 49


def test_clearing_the_source_takes_its_stores_with_its_stations(server) -> None:
    source = make_source(server.url, "pm25_air4thai")
    run_job(source)
    store_id, _ = store_of(stations()[0])
    network_id = helpers.call_action("resource_show", id=store_id)["package_id"]

    helpers.call_action("harvest_source_clear", id=source["id"])

    assert datasets() == []
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id=network_id)
    with get_write_engine().connect() as connection:
        assert connection.execute(sa.text("SELECT to_regclass(:table)"),
                                  {"table": identifier(store_id)}).scalar() is None
    run_job(source)  # harvested again: the stores are made anew
    assert len(rows(stations()[0])) == 48
