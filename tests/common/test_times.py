"""Machine timestamps read back the same however the DataStore or upstream writes them, and
hours floored the same in UTC and Thai time."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ckanext.pm25.common.times import THAI_TZ, floor_hour, iso_local, iso_utc, parse_utc

THIRTEEN_UTC = datetime(2024, 5, 7, 13, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "2024-05-07T13:00:00Z",        # our rows
    "2024-05-07T13:00:00",         # DataStore output: UTC without a zone
    "2024-05-07 13:00:00",         # the same with a space
    "2024-05-07T20:00:00+07:00",   # Thai time with its offset
    " 2024-05-07T13:00:00z ",
])
def test_machine_timestamps_are_one_instant(text: str) -> None:
    parsed = parse_utc(text)
    assert parsed == THIRTEEN_UTC and parsed.utcoffset() == timezone.utc.utcoffset(None)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-05-07 25:00"])
def test_an_unreadable_timestamp_raises(text: str) -> None:
    with pytest.raises(ValueError):
        parse_utc(text)


def test_an_hour_is_floored_to_the_same_instant_in_either_zone() -> None:
    thai = datetime(2024, 5, 7, 20, 59, 59, 999, tzinfo=THAI_TZ)
    assert floor_hour(thai) == floor_hour(thai.astimezone(timezone.utc)) == THIRTEEN_UTC
    assert (iso_utc(floor_hour(thai)), iso_local(floor_hour(thai))) == ("2024-05-07T13:00:00Z",
                                                                          "2024-05-07T20:00:00+07:00")
