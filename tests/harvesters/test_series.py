"""Hourly series: the history window, 24-hour means and the comparison with stored rows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ckanext.pm25.aqi import thai_aqi

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.harvesters.normalise import ParsedNumber, build_reading, reading_to_row
from ckanext.pm25.harvesters.series import (MIN_HOURS_FOR_MEAN, changed_rows, history_window,
                                            reading_from_row, with_rolling_means)

UTC = timezone.utc
LATEST = datetime(2024, 5, 7, 13, 0, tzinfo=UTC)
H = timedelta(hours=1)


def reading(hour: datetime, value: float | None, flag: str = "ok"):
    return build_reading("37t", hour, ParsedNumber(value, flag), ParsedNumber(None, "ok"))


def test_the_first_run_backfills_a_bounded_number_of_hours() -> None:
    window = history_window(LATEST, None, backfill_hours=48, revisit_hours=3,
                            max_catchup_hours=168)

    assert window.store_start == LATEST - 47 * H
    assert window.fetch_start == window.store_start - 23 * H  # for the 24-hour means
    assert window.end == LATEST


def test_later_runs_start_a_few_hours_before_the_last_stored_reading() -> None:
    window = history_window(LATEST, LATEST - 2 * H, backfill_hours=48, revisit_hours=3,
                            max_catchup_hours=168)

    assert window.store_start == LATEST - 5 * H


def test_a_long_outage_is_caught_up_only_so_far() -> None:
    window = history_window(LATEST, LATEST - 30 * 24 * H, backfill_hours=48, revisit_hours=3,
                            max_catchup_hours=168)

    assert window.store_start == LATEST - 167 * H


def test_24_hour_means_need_18_valid_hours_and_drive_the_aqi() -> None:
    hours = [LATEST - back * H for back in range(30)]
    readings = [reading(hour, 40.0) for hour in hours]
    readings[0] = reading(LATEST, None, "sentinel")

    stored = with_rolling_means(readings, LATEST - 7 * H)

    assert [r.datetime_utc for r in stored] == [LATEST - back * H for back in range(7, -1, -1)]
    newest = stored[-1]
    assert (newest.pm25, newest.pm25_24h, newest.quality_flag) == (None, 40.0, "sentinel")
    assert newest.aqi_th == thai_aqi(40.0).value  # from the 24-hour mean, not missing with the hour

    sparse = with_rolling_means([reading(LATEST - back * H, 40.0)
                                 for back in range(MIN_HOURS_FOR_MEAN - 1)], LATEST)
    assert sparse[0].pm25_24h is None


def test_a_reading_that_has_its_24_hour_value_keeps_it() -> None:
    snapshot = build_reading("37t", LATEST, ParsedNumber(None, "ok"), ParsedNumber(55.5, "ok"))

    assert with_rolling_means([snapshot], LATEST) == [snapshot]


def test_rows_are_compared_with_the_datastore_forms_of_the_same_values() -> None:
    rows = [reading_to_row(reading(LATEST - back * H, 30.0 + back)) for back in range(3)]
    stored = [{**rows[0], "datetime_utc": "2024-05-07T13:00:00", "pm25": "30.0"},
              {**rows[1], "datetime_utc": "2024-05-07T12:00:00", "pm25": 99.0}]

    new, changed = changed_rows(rows, stored)

    assert [r["datetime_utc"] for r in new] == ["2024-05-07T11:00:00Z"]
    assert [r["datetime_utc"] for r in changed] == ["2024-05-07T12:00:00Z"]


def test_an_hour_the_agency_flagged_differs_only_by_its_values() -> None:
    rows = [reading_to_row(reading(LATEST - back * H, 30.0 + back)) for back in range(3)]
    stored = [{**rows[0], "quality_flag": "agency_flagged"},
              {**rows[1], "quality_flag": "agency_flagged", "pm25": 99.0},
              {**rows[2], "quality_flag": "suspect"}]

    new, changed = changed_rows(rows, stored)

    assert new == []
    assert [r["datetime_utc"] for r in changed] == ["2024-05-07T12:00:00Z", "2024-05-07T11:00:00Z"]


@pytest.mark.parametrize("value", [None, 12.3])
def test_a_row_turns_back_into_the_same_reading(value) -> None:
    original = reading(LATEST.astimezone(THAI_TZ), value)

    assert reading_from_row(reading_to_row(original)) == original
