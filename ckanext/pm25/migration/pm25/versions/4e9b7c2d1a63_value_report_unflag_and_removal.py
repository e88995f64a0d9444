"""Reports on values (issue 17): the flag an upstream gave, kept when the agency flags a reading
so that withdrawing the flag restores it; when and by whom the flag was withdrawn, with a public
note; and a reporter's removal of their report (PDPA): ``reporter_id`` may then be empty.

Revision ID: 4e9b7c2d1a63
Revises: 8d4b2f6a1c57
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e9b7c2d1a63'
down_revision = '8d4b2f6a1c57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pm25_value_report", sa.Column("upstream_flag", sa.UnicodeText))
    op.add_column("pm25_value_report", sa.Column("unflagged", sa.DateTime(timezone=True)))
    op.add_column("pm25_value_report", sa.Column("unflag_actor_id", sa.UnicodeText))
    op.add_column("pm25_value_report", sa.Column("unflag_note", sa.UnicodeText, nullable=False,
                                                 server_default=""))
    op.add_column("pm25_value_report", sa.Column("reporter_removed", sa.DateTime(timezone=True)))
    op.alter_column("pm25_value_report", "reporter_id", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM pm25_value_report WHERE reporter_id IS NULL")
    op.alter_column("pm25_value_report", "reporter_id", nullable=False)
    for column in ("reporter_removed", "unflag_note", "unflag_actor_id", "unflagged", "upstream_flag"):
        op.drop_column("pm25_value_report", column)
