"""The summary follows what the harvester stores and what happens to station datasets: a
re-harvested hour replaces its value, sentinels are no value, a moved station's past stays where
it was taken, inactive, deleted and private stations leave the figures."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from ckan.tests import factories, helpers

import ckan.plugins.toolkit as tk

from tests.readings.stations import add_readings, create_station, notify_status, notify_stored, this_hour
from tests.factories import point

HOUR = timedelta(hours=1)
ANONYMOUS = {"user": "", "ignore_auth": False}


def call(action: str, **data: Any) -> Any:
    return helpers.call_action(action, context=dict(ANONYMOUS), **data)


def province(code: str) -> dict[str, Any]:
    return next(record for record in call("pm25_province_list") if record["code"] == code)


def hourly(code: str, start: datetime, end: datetime) -> list[tuple[datetime, float, int]]:
    result = call("pm25_province_show", id=code, start=start.isoformat(), end=end.isoformat())
    return [(datetime.fromisoformat(h["hour_utc"].replace("Z", "+00:00")), h["pm25"], h["stations_reporting"])
            for h in result["hourly"]]


@pytest.fixture
def org(agencies: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return agencies[0]


def test_a_reharvested_hour_replaces_its_value(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    now = this_hour()
    station = create_station("TH-52", "R1", {now - HOUR: 50.0, now: 50.0}, user=sysadmin, owner_org=org["id"])
    create_station("TH-52", "R2", {now: 10.0}, user=sysadmin, owner_org=org["id"])
    add_readings(station, {now: 30.0}, sysadmin)
    add_readings(station, {now: 30.0}, sysadmin)  # the same rows again: nothing changes
    assert hourly("TH-52", now - HOUR, now + HOUR) == [(now - HOUR, 50.0, 1), (now, 20.0, 2)]
    assert province("TH-52")["latest"]["pm25"] == 20.0
    assert call("pm25_measurements", stations="R1", start=(now - HOUR).isoformat())["count"] == 2


def test_sentinels_are_no_value(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    now = this_hour()
    create_station("TH-17", "N1", {now - HOUR: 40.0, now: None}, user=sysadmin, owner_org=org["id"])
    latest = province("TH-17")["latest"]
    assert (latest["pm25"], latest["hour_utc"]) == (40.0, (now - HOUR).strftime("%Y-%m-%dT%H:%M:%SZ"))
    station = call("pm25_station_list", province="TH-17")["results"][0]
    assert station["latest"]["pm25"] == 40.0
    readings = call("pm25_measurements", stations="N1", start=(now - HOUR).isoformat())["results"]
    assert [(r["pm25"], r["quality_flag"]) for r in readings] == [(40.0, "ok"), (None, "sentinel")]


def test_rows_without_a_time_are_left_out(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    now = this_hour()
    station = create_station("TH-17", "T1", {now: 12.0}, user=sysadmin, owner_org=org["id"])
    notify_stored(station, station["resources"][0]["id"],
                  [{"station_id": "T1", "datetime_utc": "not a time", "pm25": 99.0},
                   {"station_id": "T1", "datetime_utc": None, "pm25": 99.0}])
    assert province("TH-17")["latest"]["pm25"] == 12.0


def test_a_moved_station_keeps_its_past_where_it_was(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    now = this_hour()
    station = create_station("TH-52", "M1", {now - 2 * HOUR: 60.0}, user=sysadmin, owner_org=org["id"])
    moved = helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=station["id"],
                                spatial=point(100.3967, 14.8936), provinces=[])  # to Sing Buri
    assert moved["provinces"] == ["TH-17"]
    notify_status(moved)
    add_readings(moved, {now: 25.0}, sysadmin)
    assert hourly("TH-52", now - 3 * HOUR, now + HOUR) == [(now - 2 * HOUR, 60.0, 1)]
    assert hourly("TH-17", now - 3 * HOUR, now + HOUR) == [(now, 25.0, 1)]
    assert province("TH-52")["station_count"] == 0
    assert province("TH-17")["station_count"] == 1


def test_inactive_stations_leave_the_count(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    now = this_hour()
    station = create_station("TH-52", "I1", {now: 30.0}, user=sysadmin, owner_org=org["id"])
    assert province("TH-52")["station_count"] == 1
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=station["id"],
                        station_status="inactive")
    assert province("TH-52")["station_count"] == 0
    assert [s["active"] for s in call("pm25_station_list", province="TH-52")["results"]] == [False]


@pytest.mark.parametrize("change", ["delete", "delete by name", "purge", "private"])
def test_deleted_or_private_stations_leave_the_figures(sysadmin: dict[str, Any], org: dict[str, Any],
                                                       change: str) -> None:
    now = this_hour()
    day = range(18)  # enough hours for a 24-hour mean
    station = create_station("TH-52", "X1", {now - back * HOUR: 80.0 for back in day}, user=sysadmin,
                             owner_org=org["id"])
    create_station("TH-52", "X2", {now - back * HOUR: 20.0 for back in day}, user=sysadmin, owner_org=org["id"])
    assert (province("TH-52")["latest"]["pm25"], province("TH-52")["latest"]["pm25_24h"]) == (50.0, 50.0)
    context = {"user": sysadmin["name"]}
    if change == "delete":
        helpers.call_action("package_delete", context=context, id=station["id"])
    elif change == "delete by name":
        helpers.call_action("package_delete", context=context, id=station["name"])
    elif change == "purge":
        helpers.call_action("dataset_purge", context=context, id=station["name"])
    else:
        helpers.call_action("package_patch", context=context, id=station["id"], private=True)
    latest = province("TH-52")["latest"]
    assert (latest["pm25"], latest["pm25_24h"], latest["aqi_th"]["band"]) == (20.0, 20.0, "good")
    assert [s["station_id"] for s in call("pm25_station_list", province="TH-52")["results"]] == ["X2"]
    with pytest.raises(tk.ValidationError):
        call("pm25_measurements", stations="X1")


@pytest.mark.parametrize("change", ["delete", "private"])
def test_deleted_or_private_stations_leave_the_pages(sysadmin: dict[str, Any], org: dict[str, Any], change: str,
                                                     app: Any) -> None:
    now = this_hour()
    station = create_station("TH-52", "X1", {now: 80.0}, user=sysadmin, owner_org=org["id"])
    create_station("TH-52", "X2", {now: 20.0}, user=sysadmin, owner_org=org["id"])
    token = factories.APIToken(user=sysadmin["name"])["token"]
    assert 'data-station="air4thai-x1"' in app.get("/province/TH-52").get_data(as_text=True)
    assert 'id="pm25-readings"' in app.get("/dataset/air4thai-x1").get_data(as_text=True)
    context = {"user": sysadmin["name"]}
    if change == "delete":
        helpers.call_action("package_delete", context=context, id=station["id"])
    else:
        helpers.call_action("package_patch", context=context, id=station["id"], private=True)
    province_page = app.get("/province/TH-52").get_data(as_text=True)
    assert 'data-station="air4thai-x1"' not in province_page
    assert 'data-station="air4thai-x2"' in province_page
    # its editors still see the dataset itself, without readings
    station_page = app.get("/dataset/air4thai-x1", headers={"Authorization": token})
    assert station_page.status_code == 200
    assert 'id="pm25-readings"' not in station_page.get_data(as_text=True)


def test_daily_means_are_thai_days(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    thai_midnight = datetime(2024, 4, 30, 17, tzinfo=timezone.utc)  # 1 May 2024 00:00 in Thailand
    values: dict[datetime, float | None] = {}
    for hour in range(24):
        values[thai_midnight + hour * HOUR] = 40.0  # 1 May: 40, over the standard
        values[thai_midnight + (24 + hour) * HOUR] = 30.0  # 2 May: 30
        values[thai_midnight + (48 + hour) * HOUR] = 50.0 if hour < 12 else 20.0  # 3 May: 35
    create_station("TH-52", "D1", values, user=sysadmin, owner_org=org["id"])
    result = call("pm25_province_show", id="TH-52", start="2024-05-01", end="2024-05-04", aggregate="day")
    assert [(d["date"], d["pm25"], d["hours"], d["over_standard"]) for d in result["daily"]] == [
        ("2024-05-01", 40.0, 24, True), ("2024-05-02", 30.0, 24, False), ("2024-05-03", 35.0, 24, False)]
    assert result["days_over_standard"] == 1
    assert result["period"] == {"start": "2024-04-30T17:00:00Z", "end": "2024-05-03T17:00:00Z"}
    by_station = call("pm25_measurements", stations="D1", start="2024-05-01", end="2024-05-04", aggregate="day")
    assert [(r["date"], r["pm25"], r["values"]) for r in by_station["results"]] == [
        ("2024-05-01", 40.0, 24), ("2024-05-02", 30.0, 24), ("2024-05-03", 35.0, 24)]


def test_an_upstream_id_shared_by_two_stations_must_be_named(sysadmin: dict[str, Any], org: dict[str, Any],
                                                             agencies: Any) -> None:
    now = this_hour()
    create_station("TH-52", "L1", {now: 50.0}, user=sysadmin, owner_org=org["id"])
    create_station("TH-17", "L1", {now: 5.0}, user=sysadmin, owner_org=agencies[1]["id"], name="dustboy-l1")
    with pytest.raises(tk.ValidationError) as raised:
        call("pm25_measurements", stations="L1")
    message = raised.value.error_dict["stations"][0]
    assert "More than one station" in message and "L1" in message
    assert call("pm25_measurements", stations="dustboy-l1")["results"][0]["pm25"] == 5.0
    assert call("pm25_measurements", stations="air4thai-l1")["results"][0]["pm25"] == 50.0


def test_rebuild_reads_the_datastore_again(sysadmin: dict[str, Any], org: dict[str, Any]) -> None:
    from ckanext.pm25.readings.rebuild import rebuild

    now = this_hour()
    station = create_station("TH-52", "B1", {now - HOUR: 40.0, now: 50.0}, user=sysadmin, owner_org=org["id"])
    # a reading corrected in the DataStore by hand, behind the summary's back
    helpers.call_action("datastore_upsert", context={"user": sysadmin["name"]},
                        resource_id=station["resources"][0]["id"], method="upsert", force=True,
                        records=[{"station_id": "B1", "datetime_utc": now.strftime("%Y-%m-%dT%H:%M:%S"), "pm25": 20}])
    assert province("TH-52")["latest"]["pm25"] == 50.0
    assert rebuild(echo=lambda _text: None) == (1, 2)
    assert province("TH-52")["latest"]["pm25"] == 20.0
    assert hourly("TH-52", now - HOUR, now + HOUR) == [(now - HOUR, 40.0, 1), (now, 20.0, 1)]
