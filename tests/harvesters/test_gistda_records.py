"""The pure GISTDA normaliser: how a payload's Z stamps are read, and a district's province."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ckanext.pm25.harvesters.gistda_records import (decide_time_reading, district_province,
                                                    parse_district, parse_provinces)
from ckanext.pm25.harvesters.normalise import PayloadError

NOW = datetime(2026, 12, 7, 10, 20, tzinfo=timezone.utc)  # 17:20 in Thailand
TOLERANCE = timedelta(hours=1)


@pytest.mark.parametrize(("newest", "said", "reading", "why"), [
    (datetime(2026, 12, 7, 17), 17, "thai", "states in Thai time"),
    (datetime(2026, 12, 7, 10), 17, "utc", "seven hours before"),
    (datetime(2026, 12, 7, 17), None, "thai", "after the harvest"),
    (datetime(2026, 12, 7, 10), None, "thai", "assumed"),
    (datetime(2026, 12, 7, 12), 17, "thai", "after the harvest"),  # a stated hour fitting neither
])
def test_the_reading_of_the_stamps(newest, said, reading, why) -> None:
    decision = decide_time_reading(newest, said, NOW, TOLERANCE)
    assert decision.reading == reading and why in decision.rule


@pytest.mark.parametrize(("code", "province"), [
    ("5201", "TH-52"), (1001, "TH-10"), ("9901", None), ("520", None), ("52a1", None), (True, None),
])
def test_a_district_code_names_its_province(code, province) -> None:
    assert district_province(code) == province


def test_both_stamp_forms_give_the_same_utc_hours() -> None:
    def record(stamps: list[str]) -> dict:
        return {"data": {"ap_idn": "5201", "pm25": 30, "datetimeEng": {"timeEng": "17:00"},
                         "graphHistory24hrs": [[30 + n, stamp] for n, stamp in enumerate(stamps)]}}

    thai = parse_district(record(["2026-12-07T16:00:00.000Z", "2026-12-07T17:00:00.000Z"]),
                          province="TH-52", now=NOW, tolerance=TOLERANCE)
    utc = parse_district(record(["2026-12-07T09:00:00.000Z", "2026-12-07T10:00:00.000Z"]),
                         province="TH-52", now=NOW, tolerance=TOLERANCE)
    assert [r.hour_utc for r in thai.series[0].readings] == [r.hour_utc for r in utc.series[0].readings] \
        == [datetime(2026, 12, 7, 9, tzinfo=timezone.utc), datetime(2026, 12, 7, 10, tzinfo=timezone.utc)]


@pytest.mark.parametrize("payload", ["<html>down</html>", '{"data": [', '{"data": {"a": 1}}', "[]"])
def test_an_unusable_province_list_is_refused_whole(payload) -> None:
    with pytest.raises(PayloadError):
        parse_provinces(payload, now=NOW, tolerance=TOLERANCE)


def test_sentinels_become_null_with_their_flag() -> None:
    parsed = parse_provinces({"data": [{"pv_idn": "52", "pm25Avg24hrs": "-", "graphHistory24hrs": [
        ["-", "2026-12-07T15:00:00Z"], [-999, "2026-12-07T16:00:00Z"], ["x", "2026-12-07T17:00:00Z"]]}]},
        now=NOW, tolerance=TOLERANCE)
    series = parsed.series[0]
    assert [(r.value, r.quality_flag) for r in series.readings] == [
        (None, "sentinel"), (None, "sentinel"), (None, "non_numeric")]
    assert series.mean_24h is None
