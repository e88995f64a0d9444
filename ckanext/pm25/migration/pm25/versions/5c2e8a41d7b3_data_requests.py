"""Data requests (issue 17): the request, its public steps, its supporters. No e-mail address.

Revision ID: 5c2e8a41d7b3
Revises: 3b7a9c2e5d41
Create Date: 2026-12-07 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e8a41d7b3'
down_revision = '3b7a9c2e5d41'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pm25_data_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("province_codes", sa.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("districts", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("agency_id", sa.UnicodeText),
        sa.Column("requester_id", sa.UnicodeText, nullable=False),
        sa.Column("language", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed", sa.DateTime(timezone=True)),
    )
    op.create_index("pm25_data_request_agency_idx", "pm25_data_request", ["agency_id", "status"])
    op.create_index("pm25_data_request_requester_idx", "pm25_data_request", ["requester_id", "created"])
    op.create_table(
        "pm25_data_request_step",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.UnicodeText, sa.ForeignKey("pm25_data_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText, nullable=False),
        sa.Column("agency_id", sa.UnicodeText),
        sa.Column("message", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("dataset_ids", sa.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("oia_section", sa.UnicodeText),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("pm25_data_request_step_request_idx", "pm25_data_request_step", ["request_id", "id"])
    op.create_table(
        "pm25_data_request_support",
        sa.Column("request_id", sa.UnicodeText, sa.ForeignKey("pm25_data_request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.UnicodeText, primary_key=True),
        sa.Column("language", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("pm25_data_request_support_user_idx", "pm25_data_request_support", ["user_id", "created"])


def downgrade() -> None:
    op.drop_table("pm25_data_request_support")
    op.drop_table("pm25_data_request_step")
    op.drop_table("pm25_data_request")
