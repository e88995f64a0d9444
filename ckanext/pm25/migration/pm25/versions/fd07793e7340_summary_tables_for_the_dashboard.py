"""Summary tables for the dashboard: latest reading per station, hourly readings per station
(with the province the station was in), hourly sums per province.

Revision ID: fd07793e7340
Revises:
Create Date: 2026-11-25 19:40:48.394058

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd07793e7340'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pm25_station_latest",
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
    )
    op.create_index("pm25_station_latest_province_idx", "pm25_station_latest", ["province"])
    op.create_table(
        "pm25_station_hourly",
        sa.Column("station_key", sa.Integer,
                  sa.ForeignKey("pm25_station_latest.station_key", ondelete="CASCADE"), primary_key=True),
        sa.Column("hour_utc", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("province", sa.UnicodeText),
        sa.Column("pm25", sa.Float),
        sa.Column("pm25_24h", sa.Float),
        sa.Column("aqi_th", sa.SmallInteger),
        sa.Column("aqi_us", sa.SmallInteger),
        sa.Column("quality_flag", sa.UnicodeText),
    )
    op.create_index("pm25_station_hourly_province_hour_idx", "pm25_station_hourly", ["province", "hour_utc"])
    op.create_table(
        "pm25_province_hourly",
        sa.Column("province", sa.UnicodeText, primary_key=True),
        sa.Column("hour_utc", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("pm25_total", sa.Float, nullable=False),
        sa.Column("pm25_count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pm25_province_hourly")
    op.drop_table("pm25_station_hourly")
    op.drop_table("pm25_station_latest")
