"""Model estimates by area for the dashboard (issue 12): the latest value of each modelled area
(a province or a district, e.g. GISTDA's) and its forecast days.

Revision ID: 3a7c1e9b5d20
Revises: 3b1f6d2c9a41
Create Date: 2026-12-07 10:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a7c1e9b5d20'
down_revision = '3b1f6d2c9a41'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pm25_area_latest",
        sa.Column("series_id", sa.UnicodeText, primary_key=True),
        sa.Column("source_id", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
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
    )
    op.create_index("pm25_area_latest_province_idx", "pm25_area_latest", ["province", "kind"])
    op.create_table(
        "pm25_area_forecast",
        sa.Column("series_id", sa.UnicodeText, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("province", sa.UnicodeText, nullable=False),
        sa.Column("pm25", sa.Float),
    )
    op.create_index("pm25_area_forecast_province_idx", "pm25_area_forecast", ["province", "day"])


def downgrade() -> None:
    op.drop_table("pm25_area_forecast")
    op.drop_table("pm25_area_latest")
