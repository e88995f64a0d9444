"""Data requests without an account (issue 17): the requester's address, kept apart from the
request in a table of its own, and a request with no CKAN user behind it.

Revision ID: e41c7a9d2b68
Revises: 4e9b7c2d1a63
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e41c7a9d2b68'
down_revision = '4e9b7c2d1a63'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("pm25_data_request", "requester_id", nullable=True)
    op.create_table(
        "pm25_data_request_contact",
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("pm25_data_request.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("confirm_token_hash", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed", sa.DateTime(timezone=True)),
    )
    op.create_index("pm25_data_request_contact_email_idx", "pm25_data_request_contact", ["email", "created"])


def downgrade() -> None:
    op.drop_table("pm25_data_request_contact")
    op.execute("DELETE FROM pm25_data_request WHERE requester_id IS NULL")
    op.alter_column("pm25_data_request", "requester_id", nullable=False)
