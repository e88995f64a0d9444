"""The DustBoy normaliser (pure): both field shapes, times with and without a zone, several values
in one hour, and an allow-list that lets no personal field through, even into a snippet."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ckanext.pm25.harvesters.dustboy_normalise import allowed_only, parse_series, parse_stations, READING_FIELDS
from ckanext.pm25.harvesters.normalise import PayloadError

NOW = datetime(2026, 3, 10, 5, 30, tzinfo=timezone.utc)  # 12:30 Thai time
TOLERANCE = timedelta(minutes=60)
PERSONAL = {"dustboy_name_contact": "นายลับ ซ่อนไว้", "tel": "0811112222", "line_id": "hidden-line",
            "email": "hidden@example.invalid", "caretaker": {"name": "Nested Person", "phone": "0899"}}


def test_the_dustboy_shape() -> None:
    parsed = parse_stations([{"dustboy_id": "12", "dustboy_name": "วัดสวนดอก", "dustboy_lat": "18.79",
                              "dustboy_lon": "98.97", "pm25": "41.5", "log_datetime": "2026-03-10 12:00:00",
                              **PERSONAL}], now=NOW, future_tolerance=TOLERANCE)
    station, = parsed.stations
    assert (station.station_id, station.name_th, station.lat, station.lon, station.station_type) == (
        "12", "วัดสวนดอก", 18.79, 98.97, "SENSOR")
    reading, = parsed.readings
    assert reading.datetime_utc == datetime(2026, 3, 10, 5, tzinfo=timezone.utc)
    assert reading.pm25 == 41.5
    assert {"station_id=dustboy_id", "pm25=pm25", "stamp=log_datetime"} <= parsed.seen


def test_the_plain_shape_with_an_iso_time_and_its_zone() -> None:
    parsed = parse_stations({"data": [{"id": 7, "name": "CMU", "lat": 18.80, "lng": 98.95, "pm2_5": 30,
                                       "time": "2026-03-10T04:00:00Z"}]}, now=NOW, future_tolerance=TOLERANCE)
    assert parsed.readings[0].datetime_utc == datetime(2026, 3, 10, 4, tzinfo=timezone.utc)
    assert {"station_id=id", "lon=lng", "pm25=pm2_5", "stamp=time"} <= parsed.seen


def test_several_values_in_one_hour_are_averaged_and_noted() -> None:
    parsed = parse_series({"data": [{"date": "2026-03-10", "time": "11:00", "pm25_th": 20},
                                    {"date": "2026-03-10", "time": "11:30", "pm25_th": 31},
                                    {"date": "2026-03-10", "time": "12:00", "pm25_th": "-"}]},
                          "7", now=NOW, future_tolerance=TOLERANCE)
    assert [(r.datetime_local.hour, r.pm25, r.quality_flag) for r in parsed.readings] == [
        (11, 25.5, "ok"), (12, None, "sentinel")]
    assert parsed.notes == ["1 hours had several values: their mean stored"]


def test_future_and_timeless_values_are_issues_not_readings() -> None:
    parsed = parse_series([{"pm25": 10, "log_datetime": "2026-03-10 18:00:00"}, {"pm25": 10}],
                          "7", now=NOW, future_tolerance=TOLERANCE)
    assert parsed.readings == []
    assert sorted(issue.code for issue in parsed.issues) == ["future", "missing_time"]


def test_no_personal_field_reaches_a_station_a_reading_or_a_snippet() -> None:
    record = {"dustboy_id": "", "pm25": {"nested": "0811112222"}, **PERSONAL}
    parsed = parse_stations([record, {"dustboy_id": "9", "dustboy_lat": "x", **PERSONAL}],
                            now=NOW, future_tolerance=TOLERANCE)
    text = json.dumps([parsed.stations, [i.__dict__ for i in parsed.issues], sorted(parsed.seen)],
                      ensure_ascii=False, default=repr)
    for value in ("นายลับ", "0811112222", "hidden-line", "hidden@example.invalid", "Nested Person", "0899"):
        assert value not in text
    assert allowed_only({"pm25": 1, "tel": "1", "time": ["x"]}, READING_FIELDS) == {"pm25": 1}


@pytest.mark.parametrize("payload", ["<html>down</html>", '[{"dustboy_id": "1"', "[]", '{"error": "x"}', "42"])
def test_unusable_payloads_are_refused(payload: str) -> None:
    with pytest.raises(PayloadError):
        parse_stations(payload, now=NOW, future_tolerance=TOLERANCE)
