"""The DataStore fields, key and indexes of a measurement store table, and its shape for the bulk
merge. Pure: no CKAN."""
from __future__ import annotations

from typing import Any

from ckanext.pm25.measurements.rows import COLUMNS, KEY, copy_lines
from ckanext.pm25.measurements.shapes import TableShape

FIELDS: tuple[dict[str, Any], ...] = (
    {"id": "series_id", "type": "text",
     "info": {"label": "Series ID", "notes": "รหัสชุดข้อมูล (สถานี เซนเซอร์ กริด หรือพื้นที่) "
                                             "เช่น air4thai:L1 / series: a station, sensor, grid "
                                             "cell or area, e.g. air4thai:L1"}},
    {"id": "parameter", "type": "text",
     "info": {"label": "Parameter", "notes": "สารที่ตรวจวัด เช่น pm25, pm10 / what is measured, "
                                             "e.g. pm25, pm10"}},
    {"id": "hour_utc", "type": "timestamptz",
     "info": {"label": "Hour (UTC)", "notes": "ต้นชั่วโมงของการตรวจวัด เวลา UTC / start of the "
                                              "measured hour, UTC"}},
    {"id": "value", "type": "numeric",
     "info": {"label": "1-hour value (µg/m³)", "notes": "ค่าเฉลี่ย 1 ชั่วโมง / hourly mean"}},
    {"id": "mean_24h", "type": "numeric",
     "info": {"label": "24-hour mean (µg/m³)",
              "notes": "ค่าเฉลี่ยเคลื่อนที่ 24 ชั่วโมง / rolling 24-hour mean"}},
    {"id": "aqi_th", "type": "int",
     "info": {"label": "Thai AQI", "notes": "ดัชนีคุณภาพอากาศของกรมควบคุมมลพิษ / PCD AQI"}},
    {"id": "aqi_us", "type": "int",
     "info": {"label": "US EPA AQI", "notes": "US EPA AQI (2024)"}},
    {"id": "quality_flag", "type": "text",
     "info": {"label": "Quality flag", "notes": "ok หรือเหตุที่ไม่มีค่า / ok, or why a value is "
                                                "missing"}},
    {"id": "source", "type": "text",
     "info": {"label": "Source", "notes": "แหล่งข้อมูลต้นทาง / the upstream source"}},
    {"id": "licence", "type": "text",
     "info": {"label": "Licence", "notes": "สัญญาอนุญาตของข้อมูล / the data's licence"}},
)
PRIMARY_KEY: tuple[str, ...] = KEY
# One series over time (across parameters), and one hour across every series.
INDEXES: tuple[str, ...] = ("series_id,hour_utc", "hour_utc")

_TYPES = {"series_id": "text", "parameter": "text", "hour_utc": "timestamptz", "value": "numeric",
          "mean_24h": "numeric", "aqi_th": "int", "aqi_us": "int"}
MEASUREMENTS = TableShape(
    name="measurements",
    column_types=tuple((column, _TYPES.get(column, "text")) for column in COLUMNS),
    key=KEY,
    # every line fills these (rows.py refuses an empty one); licence may be NULL
    not_null=frozenset({*KEY, "quality_flag", "source"}),
    words=("series_id", "parameter", "quality_flag", "source", "licence"),
    numbers=("value", "mean_24h", "aqi_th", "aqi_us"),
    fields=FIELDS,
    indexes=INDEXES,
    copy_lines=copy_lines,
)
