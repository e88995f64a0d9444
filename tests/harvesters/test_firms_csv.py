"""The FIRMS CSV parser (pure): VIIRS and MODIS columns, the acq_time without leading zeros,
confidence classes, and every kind of bad body or line, each told apart."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from ckanext.pm25.harvesters.firms_csv import acquired_at, parse_firms_csv
from ckanext.pm25.harvesters.normalise import PayloadError

VIIRS = ("latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
         "confidence,version,bright_ti5,frp,daynight\n")
MODIS = ("latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,instrument,"
         "confidence,version,bright_t31,frp,daynight\n")


@pytest.mark.parametrize(("hhmm", "expected"), [
    ("7", (0, 7)), ("59", (0, 59)), ("130", (1, 30)), ("0130", (1, 30)), ("2359", (23, 59)),
    (" 645 ", (6, 45)),
])
def test_acq_time_is_hhmm_utc_with_or_without_its_leading_zeros(hhmm, expected) -> None:
    assert acquired_at("2026-03-01", hhmm) == datetime(2026, 3, 1, *expected, tzinfo=timezone.utc)


@pytest.mark.parametrize("hhmm", ["", "2400", "1260", "12:30", "12345", "-5", "ab"])
def test_an_acq_time_that_is_not_a_time_is_refused(hhmm) -> None:
    with pytest.raises(ValueError):
        acquired_at("2026-03-01", hhmm)


def test_viirs_lines_keep_their_columns_and_confidence_class() -> None:
    parsed = parse_firms_csv(VIIRS + "18.79,98.98,345.2,0.39,0.36,2026-03-01,545,N20,VIIRS,h,"
                                     "2.0NRT,295.1,12.34,D\n", "VIIRS_NOAA20_NRT")
    (hotspot,) = parsed.hotspots
    assert (hotspot.satellite, hotspot.instrument, hotspot.confidence, hotspot.confidence_pct) == (
        "N20", "VIIRS", "high", None)
    assert (hotspot.latitude, hotspot.longitude) == (Decimal("18.79"), Decimal("98.98"))
    assert (hotspot.brightness, hotspot.brightness_2, hotspot.frp) == (
        Decimal("345.2"), Decimal("295.1"), Decimal("12.34"))
    assert hotspot.acquired_utc == datetime(2026, 3, 1, 5, 45, tzinfo=timezone.utc)
    assert hotspot.daynight == "day" and parsed.issues == []


@pytest.mark.parametrize(("confidence", "expected"), [
    ("0", ("low", 0)), ("29", ("low", 29)), ("30", ("nominal", 30)), ("79", ("nominal", 79)),
    ("80", ("high", 80)), ("100", ("high", 100)),
])
def test_modis_confidence_is_kept_and_classed(confidence, expected) -> None:
    parsed = parse_firms_csv(MODIS + f"19.3,97.97,330.5,1.0,1.0,2026-03-01,355,Terra,MODIS,"
                                     f"{confidence},6.1NRT,292.1,8,N\n", "MODIS_NRT")
    (hotspot,) = parsed.hotspots
    assert (hotspot.confidence, hotspot.confidence_pct) == expected
    assert (hotspot.satellite, hotspot.brightness, hotspot.brightness_2) == (
        "Terra", Decimal("330.5"), Decimal("292.1"))


def test_the_country_forms_country_id_column_and_missing_satellite_are_handled() -> None:
    parsed = parse_firms_csv("country_id," + VIIRS.replace("satellite,", "sat_x,")
                             + "THA,18.0,99.0,330,0.4,0.4,2026-03-01,1,?,VIIRS,n,2.0NRT,290,1,N\n",
                             "VIIRS_SNPP_NRT")
    assert [h.satellite for h in parsed.hotspots] == ["N"]  # from the SOURCE asked for


@pytest.mark.parametrize(("body", "message"), [
    ("", "empty body"),
    ("\n  \n", "empty body"),
    ("<!DOCTYPE html><html><body>Invalid MAP_KEY.</body></html>", "HTML/XML page"),
    ("Invalid MAP_KEY.", "not a FIRMS CSV"),
    ("Invalid API call.\n", "not a FIRMS CSV"),
    (VIIRS[:60], "truncated"),
])
def test_a_body_that_is_no_firms_csv_is_refused_whole(body, message) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_firms_csv(body, "VIIRS_SNPP_NRT")


def test_a_header_alone_is_a_day_without_detections() -> None:
    parsed = parse_firms_csv(VIIRS, "VIIRS_SNPP_NRT")
    assert parsed.header_only and parsed.hotspots == [] and parsed.issues == []


def test_each_bad_line_is_an_issue_and_the_others_are_used() -> None:
    good = "18.79,98.98,345.2,0.39,0.36,2026-03-01,545,N,VIIRS,n,2.0NRT,295.1,12.34,D"
    body = VIIRS + "\n".join([
        good,
        "18.1,98.1,330",                                                      # wrong columns
        good.replace("12.34", "abc"),                                         # not a number
        good.replace(",545,", ",2460,"),                                      # not a time
        good.replace("18.79", "95.0"),                                        # out of range
        good.replace(",n,", ",x,"),                                           # confidence
        good.replace("18.79", "18.80"),
        "18.5,98.5,33",                                                       # cut short
    ])
    parsed = parse_firms_csv(body, "VIIRS_SNPP_NRT")

    assert [h.latitude for h in parsed.hotspots] == [Decimal("18.79"), Decimal("18.80")]
    assert [issue.code for issue in parsed.issues] == [
        "wrong_columns", "bad_hotspot", "bad_hotspot", "bad_hotspot", "bad_hotspot", "truncated"]
    assert "not a number" in parsed.issues[1].message and "line 4" in parsed.issues[1].message
    assert parsed.lines == 8
