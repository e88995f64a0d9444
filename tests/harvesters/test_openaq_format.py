"""The pure parts of pm25_openaq: OpenAQ v3 records normalised (with their variants), the
rate-limit arithmetic, and which Air4Thai station a location republishes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ckanext.pm25.harvesters.duplicates import Primary, primary_of
from ckanext.pm25.harvesters.normalise import PayloadError
from ckanext.pm25.harvesters.openaq_format import (Location, page_of, parse_locations,
                                                   parse_values)
from ckanext.pm25.harvesters.rate_limits import blocked_until, limits, wait_for_windows

NOW = datetime(2024, 5, 7, 13, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("found,more", [(2, False), ("2", False), (">2", True), (None, True),
                                        ("many", True), (12, True)])
def test_found_is_a_number_a_text_or_a_lower_bound(found: object, more: bool) -> None:
    assert page_of({"meta": {"found": found}, "results": [1, 2]}, page=1, limit=2).more is more


def test_a_short_page_is_the_last_and_a_page_without_results_is_unusable() -> None:
    assert not page_of({"meta": {"found": ">1000"}, "results": [1]}, page=3, limit=2).more
    with pytest.raises(PayloadError):
        page_of({"detail": "oops"}, page=1, limit=2)
    with pytest.raises(PayloadError):
        page_of("<html>", page=1, limit=2)


def _location(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": 7, "name": "Station (35t)", "locality": "Chiang Mai",
        "provider": {"id": 1, "name": "Air4Thai"}, "owner": {"id": 2, "name": "PCD"},
        "coordinates": {"latitude": 18.84, "longitude": 98.97}, "isMonitor": True,
        "licenses": [{"id": 33, "name": "CC BY 4.0"}, {"id": 40}],
        "sensors": [{"id": 70, "parameter": {"id": 2, "name": "pm25"}},
                    {"id": 71, "parameter": {"id": 1, "name": "pm10"}}],
    }
    record.update(changes)
    return record


def test_locations_keep_provider_owner_licences_and_what_ismonitor_said() -> None:
    parsed = parse_locations([
        _location(), _location(id=8, isMonitor=False, provider="Someone"),
        _location(id=9, isMonitor="yes"), {"name": "no id"},
        _location(id=10, sensors=[{"id": 1, "parameter": {"id": 1, "name": "pm10"}}])])
    first, sensor, unknown = parsed.locations
    assert (first.location_id, first.provider, first.owner, first.licences, first.licence_ids,
            first.sensor_ids, first.measurement_type) == (
        "7", "Air4Thai", "PCD", ("CC BY 4.0",), ("40",), ("70",), "reference_station")
    assert (sensor.provider, sensor.measurement_type) == ("Someone", "low_cost_sensor")
    assert (unknown.is_monitor, unknown.measurement_type) == (None, "reference_station")
    assert [issue.code for issue in parsed.issues] == ["no_location_id", "no_pm25_sensor"]


def _value(value: object, stamp: str, form: str = "period") -> dict[str, object]:
    when = {"utc": stamp, "local": None}
    return {"value": value, "period": {"datetimeFrom": when}} if form == "period" \
        else {"value": value, form: when}


@pytest.mark.parametrize("form", ["period", "date", "datetime"])
def test_values_are_hours_from_any_date_form_with_sentinels_flagged(form: str) -> None:
    parsed = parse_values([_value(12.5, "2024-05-07T10:00:00Z", form),
                           _value(-999, "2024-05-07T11:00:00Z", form),
                           _value("-", "2024-05-07T12:00:00Z", form),
                           _value(3, "2024-05-07T18:00:00Z", form),
                           {"value": 1}], "7", now=NOW, future_tolerance=timedelta(hours=1))
    assert [(r.datetime_utc.hour, r.pm25, r.quality_flag) for r in parsed.readings] == [
        (10, 12.5, "ok"), (11, None, "sentinel"), (12, None, "sentinel"), (18, 3.0, "future")]
    assert [i.code for i in parsed.issues] == ["value_sentinel", "value_sentinel", "no_datetime"]


def test_the_windows_allow_60_a_minute_and_2000_an_hour() -> None:
    rules = limits(60, 2000)
    assert wait_for_windows([100.0 + i * 0.1 for i in range(59)], 106.0, rules) == 0
    assert wait_for_windows([100.0 + i * 0.1 for i in range(60)], 106.0, rules) == \
        pytest.approx(54.0)
    hour = [float(i) for i in range(2000)]  # one a second for 2000 s
    assert wait_for_windows(hour, 2000.0, rules) == pytest.approx(1600.0)  # until the first leaves


def test_upstream_headers_say_when_the_next_request_may_go() -> None:
    assert blocked_until({"x-ratelimit-remaining": "3", "x-ratelimit-reset": "20"}, 100) is None
    assert blocked_until({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "20"}, 100) == 120
    assert blocked_until({"x-ratelimit-used": "60", "x-ratelimit-limit": "60",
                          "x-ratelimit-reset": "1715000000"}, 100) == 1715000000
    assert blocked_until({"x-ratelimit-remaining": "0"}, 100) == 160
    assert blocked_until({}, 100) is None


PRIMARIES = [Primary("p35", "air4thai-35t", "35t", 98.969661, 18.840633),
             Primary("p36", "air4thai-36t", "36t", 98.99, 18.79056)]


def _at(name: str, provider: str, lat: float, lon: float, monitor: bool | None) -> Location:
    return Location("1", name, None, provider, "", (), (), lat, lon, monitor, ("2",))


def test_a_location_is_its_air4thai_station_by_id_and_provider_or_by_distance() -> None:
    far = (13.0, 100.0)
    by_id = primary_of(_at("City Hall (35T)", "Thailand", *far, True), PRIMARIES,
                       primary_providers=["Thailand"], within_m=50)
    assert by_id is not None and by_id.primary.station_id == "35t"
    assert primary_of(_at("City Hall (35t)", "Someone else", *far, True), PRIMARIES,
                      primary_providers=["Thailand"], within_m=50) is None
    near = primary_of(_at("School", "Someone", 18.79070, 98.99, None), PRIMARIES,
                      primary_providers=[], within_m=50)
    assert near is not None and near.primary.station_id == "36t" and near.how == "16 m away"
    assert primary_of(_at("Roof sensor", "Someone", 18.79070, 98.99, False), PRIMARIES,
                      primary_providers=[], within_m=50) is None
    assert primary_of(_at("School", "Someone", 18.79083, 98.99, True), PRIMARIES,
                      primary_providers=[], within_m=20) is None
