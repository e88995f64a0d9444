"""The COPY lines of measurements, and what the store refuses (pure: no CKAN, no database)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from ckanext.pm25.measurements.rows import (
    COLUMNS,
    InvalidMeasurement,
    LinesFile,
    Measurement,
    copy_line,
    copy_lines,
)

HOUR = datetime(2024, 5, 7, 13, tzinfo=timezone.utc)


def measurement(**changes: Any) -> Measurement:
    values: dict[str, Any] = {"series_id": "air4thai:L1", "parameter": "pm25", "hour_utc": HOUR,
                              "value": 12.3, "mean_24h": 20.5, "aqi_th": 25, "aqi_us": 60,
                              "quality_flag": "ok", "source": "air4thai", "licence": "Open Data Common"}
    values.update(changes)
    return Measurement(**values)


def test_a_line_reads_back_as_the_measurement_with_nulls_apart_from_empty_text() -> None:
    line = copy_line(measurement(series_id='dustboy:"a",b\nc', value=None, aqi_us=None, licence=""))
    (row,) = csv.reader(io.StringIO(line))
    assert dict(zip(COLUMNS, row, strict=True)) == {
        "series_id": 'dustboy:"a",b\nc', "parameter": "pm25", "hour_utc": "2024-05-07 13:00:00+00",
        "value": "", "mean_24h": "20.5", "aqi_th": "25", "aqi_us": "", "quality_flag": "ok",
        "source": "air4thai", "licence": ""}
    assert line.endswith('"ok","air4thai",""\n')  # empty text is quoted: COPY keeps it as ''
    assert ',"pm25",2024-05-07 13:00:00+00,,20.5,25,,' in line  # missing numbers: unquoted, NULL


def test_hours_in_thai_time_are_written_in_utc() -> None:
    thai = HOUR.astimezone(timezone(timedelta(hours=7)))
    assert copy_line(measurement(hour_utc=thai)) == copy_line(measurement())


def test_numbers_are_written_exactly() -> None:
    assert ",70.2,0.1," in copy_line(measurement(value=70.2, mean_24h=Decimal("0.1")))


@pytest.mark.parametrize(("changes", "named"), [
    ({"value": float("nan")}, "value"),
    ({"mean_24h": float("inf")}, "mean_24h"),
    ({"value": -1.0}, "value"),
    ({"value": "12"}, "value"),
    ({"value": True}, "value"),
    ({"aqi_th": 12.5}, "aqi_th"),
    ({"aqi_us": 40000}, "aqi_us"),
    ({"hour_utc": datetime(2024, 5, 7, 13)}, "hour_utc"),
    ({"hour_utc": HOUR.replace(minute=30)}, "hour_utc"),
    ({"series_id": " "}, "series_id"),
    ({"series_id": "a\x00b"}, "series_id"),
    ({"parameter": "PM2.5"}, "parameter"),
    ({"source": ""}, "source"),
])
def test_what_the_store_cannot_hold_is_refused_naming_the_field(changes: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidMeasurement, match=named):
        copy_line(measurement(**changes))


def test_the_file_hands_out_every_line_in_reads_of_any_size() -> None:
    lines = [copy_line(measurement(series_id=f"s{i}")) for i in range(50)]
    source = LinesFile(iter(lines))
    chunks = []
    while chunk := source.read(37):
        assert len(chunk) <= 37
        chunks.append(chunk)
    assert "".join(chunks) == "".join(lines)
    assert source.lines == 50


def test_a_refused_measurement_is_raised_when_its_line_is_read_and_kept() -> None:
    source = LinesFile(copy_lines([measurement(), measurement(value=float("nan")), measurement()]))
    with pytest.raises(InvalidMeasurement):
        source.read(1 << 16)
    assert isinstance(source.error, InvalidMeasurement)


def test_lines_of_a_batch_are_the_lines_of_each_measurement() -> None:
    thai = timezone(timedelta(hours=7))
    batch = [measurement(series_id=f"s{i % 3}", hour_utc=(HOUR + timedelta(hours=i % 5)).astimezone(thai),
                         value=i / 10, licence=None if i % 2 else "CC-BY") for i in range(40)]
    assert list(copy_lines(batch)) == [copy_line(m) for m in batch]
    with pytest.raises(InvalidMeasurement, match="series_id"):
        list(copy_lines([*batch, measurement(series_id="")]))
    with pytest.raises(InvalidMeasurement, match="source"):
        list(copy_lines([*batch, measurement(source=["air4thai"])]))
