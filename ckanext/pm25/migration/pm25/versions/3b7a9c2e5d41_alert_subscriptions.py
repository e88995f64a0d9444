"""Province alert subscriptions (issue 17): e-mail, area code, threshold, language, state,
token hashes, what the subscriber was last told.

Revision ID: 3b7a9c2e5d41
Revises: 3a7c1e9b5d20
Create Date: 2026-12-07 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7a9c2e5d41'
down_revision = '3a7c1e9b5d20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pm25_alert_subscription",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("area_code", sa.UnicodeText, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("language", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("confirm_token_hash", sa.UnicodeText, unique=True),
        sa.Column("unsubscribe_token_hash", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("confirmed", sa.DateTime(timezone=True)),
        sa.Column("confirm_mails_on", sa.Date),
        sa.Column("confirm_mails", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_state", sa.UnicodeText),
        sa.Column("last_notified_on", sa.Date),
        sa.UniqueConstraint("email", "area_code", name="pm25_alert_subscription_email_area_key"),
    )
    op.create_index("pm25_alert_subscription_area_idx", "pm25_alert_subscription", ["area_code", "state"])


def downgrade() -> None:
    op.drop_table("pm25_alert_subscription")
