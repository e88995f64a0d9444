"""Normalising upstream records: every quirk becomes a flag, an issue, or a PayloadError."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ckanext.pm25.aqi import thai_aqi, us_aqi
from ckanext.pm25.common.times import parse_thai_datetime
from ckanext.pm25.harvesters.normalise import (
    DATASTORE_COLUMNS,
    ParsedNumber,
    PayloadError,
    build_reading,
    classify_concentration,
    classify_number,
    parse_air4thai_history,
    parse_air4thai_latest,
    parse_number,
    parse_package_search,
    parse_package_show,
    reading_to_row,
)
from tests.upstream import AgencyCkanServer, Air4ThaiServer

NOW = datetime(2024, 5, 7, 13, 30, tzinfo=timezone.utc)  # 20:30 in Thailand


def station(station_id: str = "54t", *, lat: Any = "13.76251667", lon: Any = "100.5502",
            date: str = "2024-05-07", time: str = "20:00", value: Any = "34.1",
            station_type: str | None = "GROUND", **extra: Any) -> dict[str, Any]:
    record = {
        "stationID": station_id, "nameTH": "การเคหะชุมชนดินแดง",
        "nameEN": "National Housing Authority Dindaeng", "areaTH": "ถ.ดินแดง เขตดินแดง, กทม.",
        "areaEN": "Din Daeng Rd. Khet Din Daeng, Bangkok", "stationType": station_type,
        "lat": lat, "long": lon, "forecast": [],
        "AQILast": {"date": date, "time": time,
                    "PM25": {"color_id": "3", "aqi": "87", "value": value},
                    "AQI": {"color_id": "3", "aqi": "87", "param": "PM25"}},
    }
    record.update(extra)
    return record


def latest(*records: dict[str, Any], now: datetime = NOW):  # type: ignore[no-untyped-def]
    return parse_air4thai_latest({"stations": list(records)}, now=now)


def codes(result: Any) -> list[str]:
    return [issue.code for issue in result.issues]


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["-", "-1", "-999", "-9999", "-999.0", -1, -999.0, "N/A", "n/a"])
def test_sentinels_are_none_and_flagged(raw: object) -> None:
    assert parse_number(raw) is None
    assert classify_number(raw).flag == "sentinel"


@pytest.mark.parametrize(("raw", "flag"), [
    (None, "missing"), ("", "missing"), ("  ", "missing"), ("abc", "non_numeric"),
    ("12,5", "non_numeric"), (float("nan"), "non_numeric"), ("inf", "non_numeric"),
    (True, "non_numeric"), ([1], "non_numeric"),
])
def test_junk_is_none_and_flagged(raw: object, flag: str) -> None:
    assert classify_number(raw) == ParsedNumber(None, flag)  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "value"), [("34.1", 34.1), (" 7 ", 7.0), (31.0, 31.0), (0, 0.0)])
def test_numbers_as_strings_or_numbers(raw: object, value: float) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(("raw", "flag"), [("-12.5", "negative"), ("1000.1", "out_of_range"),
                                           ("1000", "ok"), ("-1", "sentinel")])
def test_concentration_refuses_negative_and_implausible(raw: str, flag: str) -> None:
    parsed = classify_concentration(raw)
    assert parsed.flag == flag
    assert (parsed.value is None) == (flag != "ok")


# --- time ------------------------------------------------------------------------------------


def test_thai_local_time_to_utc() -> None:
    local = parse_thai_datetime("2024-05-07 20:00")
    assert local.astimezone(timezone.utc) == datetime(2024, 5, 7, 13, 0, tzinfo=timezone.utc)
    assert local.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(("date", "time", "expected_utc"), [
    ("2024-05-07", "20:00", "2024-05-07T13:00:00+00:00"),
    ("2024-05-07", "24:00", "2024-05-07T17:00:00+00:00"),  # midnight ending the 7th
    ("2024-05-07", "20.00 น.", "2024-05-07T13:00:00+00:00"),
    ("2567-05-07", "20:00", "2024-05-07T13:00:00+00:00"),  # Buddhist Era
    ("2024-01-01", "03:00:00", "2023-12-31T20:00:00+00:00"),
])
def test_thai_datetime_forms(date: str, time: str, expected_utc: str) -> None:
    assert parse_thai_datetime(date, time).astimezone(timezone.utc).isoformat() == expected_utc


@pytest.mark.parametrize("text", ["", "07/05/2024 20:00", "2024-05-07 25:00", "2024-13-01 00:00",
                                  "2024-05-07 20:00Z"])
def test_unreadable_datetimes_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_thai_datetime(text)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        latest(station(), now=datetime(2024, 5, 7, 13, 30))


# --- Air4Thai latest -------------------------------------------------------------------------


def test_latest_station_and_reading() -> None:
    result = latest(station())
    assert result.issues == []
    (found,) = result.stations
    assert (found.station_id, found.station_type, found.lat, found.lon, found.flags) == (
        "54t", "GROUND", 13.76251667, 100.5502, ())
    assert found.name_en == "National Housing Authority Dindaeng"
    (reading,) = result.readings
    assert reading.datetime_utc == datetime(2024, 5, 7, 13, 0, tzinfo=timezone.utc)
    assert reading.datetime_local.isoformat() == "2024-05-07T20:00:00+07:00"
    assert (reading.pm25, reading.pm25_24h) == (None, 34.1)  # AQILast value is the 24-h mean
    assert (reading.aqi_th, reading.aqi_us) == (87, 98)
    assert reading.quality_flag == "ok"


def test_latest_value_can_be_read_as_hourly() -> None:
    result = parse_air4thai_latest({"stations": [station()]}, now=NOW, latest_value_is_24h=False)
    assert (result.readings[0].pm25, result.readings[0].pm25_24h) == (34.1, None)


@pytest.mark.parametrize(("raw", "flag"), [("-", "sentinel"), ("-999", "sentinel"),
                                           ("N/A", "sentinel"), ("abc", "non_numeric"),
                                           ("-3", "negative"), ("1500", "out_of_range"),
                                           ("", "missing")])
def test_latest_bad_values_flag_the_reading(raw: str, flag: str) -> None:
    result = latest(station(value=raw))
    (reading,) = result.readings
    assert (reading.pm25_24h, reading.aqi_th, reading.aqi_us) == (None, None, None)
    assert reading.quality_flag == flag
    assert codes(result) == [flag]
    assert raw in result.issues[0].snippet


def test_station_types() -> None:
    result = latest(station("a", station_type="BKK"), station("b", station_type="mobile"),
                    station("c", station_type="SENSOR"), station("d", station_type=None))
    assert [s.station_type for s in result.stations] == ["BKK", "MOBILE", "other", "other"]
    assert codes(result) == ["unknown_station_type", "unknown_station_type"]


@pytest.mark.parametrize(("lat", "lon", "flag"), [
    ("0", "0", "coords_zero"),
    (0.0, 0.0, "coords_zero"),
    ("35.68", "139.69", "coords_outside_thailand"),
    ("13.7", "-100.5", "coords_outside_thailand"),
    ("N 13.7", "E 100.5", "coords_non_numeric"),
    ("-", "-", "coords_missing"),
    (None, "100.5", "coords_missing"),
])
def test_unusable_coordinates_become_none_with_a_flag(lat: Any, lon: Any, flag: str) -> None:
    result = latest(station(lat=lat, lon=lon))
    (found,) = result.stations
    assert (found.lat, found.lon, found.flags) == (None, None, (flag,))
    assert codes(result) == [flag]
    assert len(result.readings) == 1  # the measurement itself is kept


def test_swapped_coordinates_are_corrected_and_flagged() -> None:
    result = latest(station(lat="100.3967", lon="14.8936"))
    (found,) = result.stations
    assert (found.lat, found.lon, found.flags) == (14.8936, 100.3967, ("coords_swapped",))
    assert codes(result) == ["coords_swapped"]


def test_margin_around_thailand_is_accepted() -> None:
    result = latest(station(lat="5.2", lon="106.1"))
    assert (result.stations[0].lat, result.stations[0].lon) == (5.2, 106.1)


@pytest.mark.parametrize("order", [("old", "new"), ("new", "old")])
def test_duplicate_station_keeps_the_latest_reading(order: tuple[str, str]) -> None:
    versions = {"old": station("36t", time="19:00", value="40.0", lat="18.79", lon="98.99"),
                "new": station("36t", time="20:00", value="42.0", lat="18.79", lon="98.99")}
    result = latest(station("35t", lat="18.84", lon="98.97"), *(versions[k] for k in order))
    assert [s.station_id for s in result.stations] == ["35t", "36t"]
    assert result.stations[1].flags == ("duplicate_id",)
    assert result.readings[1].pm25_24h == 42.0
    (issue,) = result.issues
    assert (issue.code, issue.station_id) == ("duplicate_station", "36t")
    assert '"19:00"' in issue.snippet  # the dropped record is the one reported


def test_duplicate_station_tie_keeps_the_first() -> None:
    result = latest(station(value="1.0"), station(value="2.0"))
    assert result.readings[0].pm25_24h == 1.0
    assert codes(result) == ["duplicate_station"]


def test_future_reading_is_kept_and_flagged() -> None:
    result = latest(station(date="2024-05-08", time="02:00"))
    assert result.readings[0].quality_flag == "future"
    assert result.readings[0].pm25_24h == 34.1
    assert codes(result) == ["future"]


def test_reading_within_tolerance_is_not_future() -> None:
    result = parse_air4thai_latest({"stations": [station(time="21:00")]}, now=NOW,
                                   future_tolerance=timedelta(minutes=60))
    assert result.readings[0].quality_flag == "ok"


def test_flags_combine() -> None:
    result = latest(station(date="2024-05-09", value="-"))
    assert result.readings[0].quality_flag == "future,sentinel"


def test_records_without_id_or_reading_are_reported_not_raised() -> None:
    no_last = station("55t")
    del no_last["AQILast"]
    result = latest(station(), station(station_id=""), no_last,
                    station("56t", date="yesterday"), "not a station")  # type: ignore[arg-type]
    assert [s.station_id for s in result.stations] == ["54t", "55t", "56t"]
    assert [r.station_id for r in result.readings] == ["54t"]
    assert sorted(codes(result)) == ["bad_datetime", "bad_record", "missing_station_id",
                                     "no_latest_reading"]


def test_buddhist_era_date_is_converted_and_reported() -> None:
    result = latest(station(date="2567-05-07"))
    assert result.readings[0].datetime_utc.year == 2024
    assert codes(result) == ["buddhist_era_year"]


def test_snippets_are_bounded() -> None:
    result = latest(station(lat="0", lon="0", nameTH="ก" * 2000))
    assert len(result.issues[0].snippet) == 500


@pytest.mark.parametrize(("body", "fragment"), [
    ("<html><body>Service Unavailable</body></html>", "HTML"),
    ('{"stations": [{"stationID": "35t", "nameTH"', "truncated"),
    ("not json at all", "invalid"),
    ("", "empty"),
    ("[]", "object"),
    ('{"result": "OK"}', "stations"),
    ('{"stations": {"35t": {}}}', "stations"),
    ('{"stations": []}', "empty station list"),
])
def test_unusable_payloads_raise(body: str, fragment: str) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_air4thai_latest(body, now=NOW)
    assert fragment in raised.value.message
    assert len(raised.value.snippet) <= 500


def test_payload_as_bytes_with_bom() -> None:
    body = b"\xef\xbb\xbf" + json.dumps({"stations": [station()]}).encode()
    assert len(parse_air4thai_latest(body, now=NOW).readings) == 1


def test_every_quirk_of_the_imitation_server_is_reported() -> None:
    server = Air4ThaiServer()
    expected = server.add_quirky_stations()
    result = parse_air4thai_latest(server.latest_payload(), now=NOW)
    reported = {(issue.station_id, issue.code) for issue in result.issues}
    assert reported == set(expected.items())
    assert len(result.stations) == len(server.stations)


# --- Air4Thai history ------------------------------------------------------------------------


def history_old(rows: list[dict[str, Any]], station_id: str = "35t") -> dict[str, Any]:
    return {"stations": [{"stationID": station_id, "data": rows}]}


def test_history_old_form_with_floats() -> None:
    result = parse_air4thai_history(history_old([
        {"DATETIMEDATA": "2024-05-07 19:00:00", "PM25": 31.0},
        {"DATETIMEDATA": "2024-05-07 20:00:00", "PM25": 33.5, "PM10": 50.0},
    ]), now=NOW)
    assert result.issues == []
    assert [r.datetime_utc.hour for r in result.readings] == [12, 13]
    assert [(r.pm25, r.pm25_24h) for r in result.readings] == [(31.0, None), (33.5, None)]
    assert result.readings[1].aqi_th == thai_aqi(33.5).value  # type: ignore[union-attr]
    assert result.readings[1].aqi_us == us_aqi(33.5).value  # type: ignore[union-attr]


def test_history_new_form_with_strings_and_summary() -> None:
    payload = {"result": "OK", "stations": [{
        "stationID": "36t", "nameTH": "…", "data": [
            {"DATETIMEDATA": "2024-05-07 20:00:00", "PM25": "44.8"},
            {"DATETIMEDATA": "2024-05-07 21:00:00", "PM25": "-"},
        ], "summary": {"PM25": {"min": "44.8", "max": "44.8", "avg": "44.8"}}}]}
    result = parse_air4thai_history(json.dumps(payload), now=NOW, hour_label="ending")
    # hour-ending labels move back one hour: the 20:00 label covers 19:00-20:00
    assert [r.datetime_local.hour for r in result.readings] == [19, 20]
    assert [r.quality_flag for r in result.readings] == ["ok", "sentinel"]
    assert codes(result) == ["sentinel"]


def test_history_result_not_ok_raises() -> None:
    with pytest.raises(PayloadError):
        parse_air4thai_history({"result": "ERROR", "stations": []}, now=NOW)


def test_history_row_problems() -> None:
    result = parse_air4thai_history({"stations": [
        {"stationID": "35t", "data": [
            {"DATETIMEDATA": "2024-05-07 19:00:00"},
            {"DATETIMEDATA": "broken", "PM25": 1.0},
            {"DATETIMEDATA": "2024-05-07 19:00:00", "PM25": 5.0},
            {"DATETIMEDATA": "2024-05-08 06:00:00", "PM25": 5.0},
            "junk",
        ]},
        {"stationID": "36t", "data": []},
        {"stationID": "37t"},
        {"data": []},
    ]}, now=NOW)
    assert [(r.datetime_local.hour, r.quality_flag) for r in result.readings] == [
        (19, "missing"), (6, "future")]
    assert codes(result) == ["missing", "bad_datetime", "duplicate_reading", "future",
                             "bad_record", "no_data", "no_data", "missing_station_id"]


def test_history_from_the_imitation_server_payloads() -> None:
    server = Air4ThaiServer()
    start, end = datetime(2024, 5, 7, 0), datetime(2024, 5, 7, 20)
    old = parse_air4thai_history(server.history_payload(["35t"], start, end), now=NOW)
    new = parse_air4thai_history(server.history_payload(["35t"], start, end, newer_form=True),
                                 now=NOW, hour_label="ending")
    assert [r.datetime_utc for r in old.readings] == [r.datetime_utc for r in new.readings]
    assert [r.pm25 for r in old.readings] == [r.pm25 for r in new.readings]
    assert len(old.readings) == 21


# --- rows ------------------------------------------------------------------------------------


def test_reading_to_row() -> None:
    reading = build_reading("54t", parse_thai_datetime("2024-05-07 20:00"),
                            ParsedNumber(30.0, "ok"), ParsedNumber(40.0, "ok"))
    row = reading_to_row(reading)
    assert tuple(row) == DATASTORE_COLUMNS
    assert row == {
        "station_id": "54t", "datetime_utc": "2024-05-07T13:00:00Z",
        "datetime_local": "2024-05-07T20:00:00+07:00", "pm25": 30.0, "pm25_24h": 40.0,
        "aqi_th": thai_aqi(40.0).value, "aqi_us": us_aqi(40.0).value,  # type: ignore[union-attr]
        "quality_flag": "ok",
    }


def test_aqi_falls_back_to_the_hourly_value() -> None:
    reading = build_reading("54t", parse_thai_datetime("2024-05-07 20:00"),
                            ParsedNumber(30.0, "ok"), ParsedNumber(None, "sentinel"))
    assert reading.aqi_th == thai_aqi(30.0).value  # type: ignore[union-attr]
    assert reading.quality_flag == "sentinel"


# --- agency CKAN -----------------------------------------------------------------------------


def search_response(results: Any, count: Any = None) -> dict[str, Any]:
    return {"success": True, "result": {
        "count": len(results) if count is None else count, "results": results}}


def test_package_search_page() -> None:
    datasets = [d for d in AgencyCkanServer().datasets if d["state"] == "active"][:3]
    page = parse_package_search(json.dumps(search_response(datasets, count=40)))
    assert page.count == 40
    assert [d["name"] for d in page.datasets] == [d["name"] for d in datasets]
    assert page.issues == []


def test_package_search_reports_entries_that_are_not_datasets() -> None:
    page = parse_package_search(search_response([{"name": "ok"}, {"title": "no id"}, 7]))
    assert [d["name"] for d in page.datasets] == ["ok"]
    assert codes(page) == ["bad_dataset", "bad_dataset"]


@pytest.mark.parametrize("payload", [
    {"success": False, "error": {"__type": "Validation Error", "message": "bad fq"}},
    {"success": True},
    {"success": True, "result": []},
    {"success": True, "result": {"count": "3", "results": []}},
    {"success": True, "result": {"count": 3, "results": {}}},
    {"success": True, "result": {"count": 3}},
    "<html>Not Found</html>",
    [],
])
def test_package_search_wrong_shapes_raise(payload: Any) -> None:
    with pytest.raises(PayloadError):
        parse_package_search(payload)


def test_package_show() -> None:
    dataset = AgencyCkanServer().datasets[0]
    assert parse_package_show({"success": True, "result": dataset}) == dataset
    with pytest.raises(PayloadError):
        parse_package_show({"success": False, "error": {"message": "Not found"}})
    with pytest.raises(PayloadError):
        parse_package_show({"success": True, "result": {"title": "no id"}})
