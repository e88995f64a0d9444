"""The summary tables. Created by the `pm25` plugin's migration
(ckanext/pm25/migration/pm25); declared on CKAN's metadata (as ckanext-activity does) so that
CKAN's test database reset empties them with its own tables."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.model.base import BaseModel

metadata = BaseModel.metadata

station_latest = sa.Table(
    "pm25_station_latest",
    metadata,
    sa.Column("station_key", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("station_id", sa.UnicodeText),
    sa.Column("station_type", sa.UnicodeText),
    sa.Column("province", sa.UnicodeText),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("resource_id", sa.UnicodeText),
    sa.Column("latest_hour", sa.DateTime(timezone=True)),
    sa.Column("latest_pm25", sa.Float),
    sa.Column("latest_pm25_24h", sa.Float),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    # migration 3b1f6d2c9a41: the station's kind, its data source, and whether its readings
    # count in its province's mean (store.station_info)
    sa.Column("measurement_type", sa.UnicodeText),
    sa.Column("data_source", sa.UnicodeText),
    sa.Column("in_province_mean", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Index("pm25_station_latest_province_idx", "province"),
    sa.Index("pm25_station_latest_measurement_type_idx", "measurement_type"),
    extend_existing=True,
)

station_hourly = sa.Table(
    "pm25_station_hourly",
    metadata,
    sa.Column("station_key", sa.Integer,
              sa.ForeignKey("pm25_station_latest.station_key", ondelete="CASCADE"), primary_key=True),
    sa.Column("hour_utc", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("province", sa.UnicodeText),
    sa.Column("pm25", sa.Float),
    sa.Column("pm25_24h", sa.Float),
    sa.Column("aqi_th", sa.SmallInteger),
    sa.Column("aqi_us", sa.SmallInteger),
    sa.Column("quality_flag", sa.UnicodeText),
    sa.Index("pm25_station_hourly_province_hour_idx", "province", "hour_utc"),
    extend_existing=True,
)

province_hourly = sa.Table(
    "pm25_province_hourly",
    metadata,
    sa.Column("province", sa.UnicodeText, primary_key=True),
    sa.Column("hour_utc", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("pm25_total", sa.Float, nullable=False),
    sa.Column("pm25_count", sa.Integer, nullable=False),
    extend_existing=True,
)
