"""The summary of modelled areas (issue 12): each area's latest model value and its forecast
days, kept at import as the station summary is (``tables.py``). Created by the pm25 migration
``3a7c1e9b5d20``; declared on CKAN's metadata so CKAN's test database reset empties them."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.model.base import BaseModel

metadata = BaseModel.metadata

area_latest = sa.Table(
    "pm25_area_latest",
    metadata,
    sa.Column("series_id", sa.UnicodeText, primary_key=True),
    sa.Column("source_id", sa.UnicodeText, nullable=False),
    sa.Column("kind", sa.UnicodeText, nullable=False),  # province or district
    sa.Column("code", sa.UnicodeText, nullable=False),
    sa.Column("province", sa.UnicodeText, nullable=False),
    sa.Column("name_th", sa.UnicodeText),
    sa.Column("name_en", sa.UnicodeText),
    sa.Column("hour_utc", sa.DateTime(timezone=True)),
    sa.Column("pm25", sa.Float),
    sa.Column("pm25_24h", sa.Float),
    sa.Column("data_source", sa.UnicodeText, nullable=False),
    sa.Column("licence", sa.UnicodeText),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("pm25_area_latest_province_idx", "province", "kind"),
    extend_existing=True,
)

area_forecast = sa.Table(
    "pm25_area_forecast",
    metadata,
    sa.Column("series_id", sa.UnicodeText, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("province", sa.UnicodeText, nullable=False),
    sa.Column("pm25", sa.Float),
    sa.Index("pm25_area_forecast_province_idx", "province", "day"),
    extend_existing=True,
)
