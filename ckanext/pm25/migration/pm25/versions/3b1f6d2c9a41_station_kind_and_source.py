"""The kind of each station in the summary (its dataset's measurement_type), its data source,
and whether its readings count in its province's mean (low-cost sensors do not, unless
ckanext.pm25.dashboard.low_cost_in_province_mean says so).

Revision ID: 3b1f6d2c9a41
Revises: fd07793e7340
Create Date: 2026-12-07 10:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b1f6d2c9a41'
down_revision = 'fd07793e7340'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pm25_station_latest", sa.Column("measurement_type", sa.UnicodeText))
    op.add_column("pm25_station_latest", sa.Column("data_source", sa.UnicodeText))
    op.add_column("pm25_station_latest", sa.Column("in_province_mean", sa.Boolean, nullable=False,
                                                   server_default=sa.true()))
    op.create_index("pm25_station_latest_measurement_type_idx", "pm25_station_latest",
                    ["measurement_type"])


def downgrade() -> None:
    op.drop_index("pm25_station_latest_measurement_type_idx", "pm25_station_latest")
    op.drop_column("pm25_station_latest", "in_province_mean")
    op.drop_column("pm25_station_latest", "data_source")
    op.drop_column("pm25_station_latest", "measurement_type")
