"""The imitation servers behave as the tests built on them assume."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.upstream import DEFAULT_STATIONS, AgencyCkanServer, Air4ThaiServer


def get(url: str, **params: Any) -> Any:
    query = f"?{urlencode(params)}" if params else ""
    with urllib.request.urlopen(url + query, timeout=5) as response:
        return json.loads(response.read())


def get_error(url: str, **params: Any) -> tuple[int, Any]:
    with pytest.raises(urllib.error.HTTPError) as raised:
        get(url, **params)
    return raised.value.code, json.loads(raised.value.read())


# --- Air4Thai --------------------------------------------------------------------------------


def test_latest_snapshot_shape() -> None:
    with Air4ThaiServer() as server:
        stations = get(server.url + server.LATEST)["stations"]
    assert [s["stationID"] for s in stations] == [
        "35t", "36t", "37t", "38t", "39t", "40t", "o70", "54t", "bkp97t"]
    dindaeng = next(s for s in stations if s["stationID"] == "54t")
    assert (dindaeng["lat"], dindaeng["long"], dindaeng["stationType"]) == (
        "13.76251667", "100.5502", "GROUND")
    last = dindaeng["AQILast"]
    assert (last["date"], last["time"]) == ("2024-05-07", "20:00")
    assert all(isinstance(v, str) for v in last["PM25"].values())


def test_history_filters_by_station_and_time() -> None:
    with Air4ThaiServer() as server:
        old = get(server.url + server.HISTORY, stationID="35t,37t", param="PM25", type="hr",
                  sdate="2024-05-07", edate="2024-05-07", stime="10", etime="12")
        new = get(server.url + server.HISTORY_NEW, stationID="35t", sdate="2024-05-07",
                  edate="2024-05-07", stime="10", etime="12")
    assert [s["stationID"] for s in old["stations"]] == ["35t", "37t"]
    assert [r["DATETIMEDATA"] for r in old["stations"][0]["data"]] == [
        "2024-05-07 10:00:00", "2024-05-07 11:00:00", "2024-05-07 12:00:00"]
    assert isinstance(old["stations"][0]["data"][0]["PM25"], float)
    assert new["result"] == "OK"
    assert new["stations"][0]["data"][0]["DATETIMEDATA"] == "2024-05-07 11:00:00"  # hour-ending
    assert isinstance(new["stations"][0]["data"][0]["PM25"], str)
    assert "summary" in new["stations"][0]


def test_mobile_station_moves_and_a_station_disappears() -> None:
    with Air4ThaiServer() as server:
        server.add_mobile_station("mob1", [("14.90", "100.40"), ("14.95", "100.45")])
        first = get(server.url + server.LATEST, stationID="mob1")["stations"][0]
        second = get(server.url + server.LATEST, stationID="mob1")["stations"][0]
        server.remove_station("37t")
        ids = [s["stationID"] for s in get(server.url + server.LATEST)["stations"]]
    assert (first["lat"], second["lat"]) == ("14.90", "14.95")
    assert first["stationType"] == "MOBILE"
    assert "37t" not in ids


def test_a_moved_station_leaves_the_next_server_where_it_was() -> None:
    lampang = next(spec for spec in DEFAULT_STATIONS if spec.station_id == "37t")
    where = (lampang.lat, lampang.lon)
    with Air4ThaiServer() as server:
        server.set_coordinates("37t", "14.90", "100.40")
        moved = get(server.url + server.LATEST, stationID="37t")["stations"][0]
    with Air4ThaiServer() as server:
        again = get(server.url + server.LATEST, stationID="37t")["stations"][0]
    assert (moved["lat"], moved["long"]) == ("14.90", "100.40")
    assert (again["lat"], again["long"]) == where == (lampang.lat, lampang.lon)


def test_empty_station_list_scenario() -> None:
    with Air4ThaiServer() as server:
        server.empty_station_list = True
        assert get(server.url + server.LATEST) == {"stations": []}


def test_synthetic_snapshot_is_deterministic_and_inside_thailand() -> None:
    one = Air4ThaiServer.synthetic(60, 24, seed=5).latest_payload()
    two = Air4ThaiServer.synthetic(60, 24, seed=5).latest_payload()
    other = Air4ThaiServer.synthetic(60, 24, seed=6).latest_payload()
    assert one == two != other
    stations = one["stations"]
    assert len(stations) == 60
    assert len({s["stationID"] for s in stations}) == 60
    assert {s["stationType"] for s in stations} == {"GROUND", "BKK", "MOBILE"}
    for s in stations:
        assert 5.6 <= float(s["lat"]) <= 20.5 and 97.3 <= float(s["long"]) <= 105.7


def test_synthetic_at_given_points() -> None:
    server = Air4ThaiServer.synthetic(3, 2, points=[(14.89, 100.40)])
    assert {(s.lat, s.lon) for s in server.stations.values()} == {("14.890000", "100.400000")}
    assert all(len(series) == 2 for series in server.hourly.values())


# --- agency CKAN -----------------------------------------------------------------------------


def test_search_pages_and_hides_private_and_deleted() -> None:
    with AgencyCkanServer() as server:
        server.add_generated(25)
        url = server.url + server.SEARCH
        first = get(url, q="PM2.5", rows=10, start=0, sort="name asc")["result"]
        rest = get(url, q="PM2.5", rows=100, start=10, sort="name asc")["result"]
        names = [d["name"] for d in first["results"] + rest["results"]]
        assert first["count"] == rest["count"] == len(names) == 25 + 2  # "PM 2.5" is another word
        assert names == sorted(names)
        assert "pm25-draft-internal" not in names and "pm25-legacy-2019" not in names
        with_private = get(url, q="PM2.5", rows=100, include_private="true")["result"]
        assert with_private["count"] == 28


def test_search_q_in_thai_fq_and_modified_range() -> None:
    with AgencyCkanServer() as server:
        url = server.url + server.SEARCH
        dust = get(url, q="ฝุ่น")["result"]["results"]
        assert {d["name"] for d in dust} == {
            "pm25-chiangmai-hourly", "pm25-lampang-stations", "pm25-singburi-daily"}
        air = get(url, fq='tags:"คุณภาพอากาศ"')["result"]["results"]
        assert {d["name"] for d in air} == {"pm25-chiangmai-hourly", "air-quality-bangkok"}
        recent = get(url, fq="metadata_modified:[2024-05-06T00:00:00Z TO *]",
                     sort="metadata_modified desc")["result"]["results"]
        assert [d["name"] for d in recent] == ["pm25-chiangmai-hourly", "air-quality-bangkok"]


def test_package_show_and_toggles() -> None:
    with AgencyCkanServer() as server:
        url = server.url + server.SHOW
        shown = get(url, id="pm25-lampang-stations")["result"]
        assert shown["data_type"] == "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"
        assert shown["west_bound_longitude"] == "99.0"
        assert get_error(url, id="nope")[0] == 404
        server.set_private("pm25-lampang-stations")
        status, body = get_error(url, id="pm25-lampang-stations")
        assert status == 403 and body["error"]["__type"] == "Authorization Error"
        server.delete("pm25-singburi-daily")
        assert get_error(url, id="pm25-singburi-daily")[0] == 403


def test_faults_are_consumed_in_order() -> None:
    with Air4ThaiServer() as server:
        server.fail_next(server.LATEST, 1, status=502)
        server.html_error_next(server.LATEST)
        assert get_error(server.url + server.LATEST)[0] == 502
        with urllib.request.urlopen(server.url + server.LATEST, timeout=5) as response:
            assert response.read().startswith(b"<!DOCTYPE html>")
        assert "stations" in get(server.url + server.LATEST)
        assert len(server.requests_to(server.LATEST)) == 3
