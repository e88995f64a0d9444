"""Reports on values (issue 17): "this value looks wrong" on a station's reading, and what the
agency did. No e-mail address.

Revision ID: 8d4b2f6a1c57
Revises: 5c2e8a41d7b3
Create Date: 2026-12-07 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d4b2f6a1c57'
down_revision = '5c2e8a41d7b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pm25_value_report",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("hour_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("message", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("reporter_id", sa.UnicodeText, nullable=False),
        sa.Column("language", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("answer", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed", sa.DateTime(timezone=True)),
    )
    op.create_index("pm25_value_report_package_idx", "pm25_value_report", ["package_id", "created"])
    op.create_index("pm25_value_report_reporter_idx", "pm25_value_report", ["reporter_id", "created"])


def downgrade() -> None:
    op.drop_table("pm25_value_report")
