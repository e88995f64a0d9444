"""The alert subscriptions. Created by the `pm25` plugin's migration (ckanext/pm25/migration/pm25);
declared on CKAN's metadata (as readings/tables.py) so CKAN's test database reset empties it.

Only what the alerts need: the address, the area, the threshold, the language, whether it is
confirmed, the hashes of its two tokens (never the tokens), and what the subscriber was last told
(``last_state``, on ``last_notified_on``, a Thai date). An unsubscribe deletes the row."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.model.base import BaseModel

metadata = BaseModel.metadata

subscription = sa.Table(
    "pm25_alert_subscription",
    metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("email", sa.UnicodeText, nullable=False),
    sa.Column("area_code", sa.UnicodeText, nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("language", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),  # 'pending' until confirmed, then 'confirmed'
    sa.Column("confirm_token_hash", sa.UnicodeText, unique=True),
    sa.Column("unsubscribe_token_hash", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("confirmed", sa.DateTime(timezone=True)),
    # the confirmation mails sent to this row's address today (the per-address daily limit)
    sa.Column("confirm_mails_on", sa.Date),
    sa.Column("confirm_mails", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_state", sa.UnicodeText),  # 'above' or 'below': what the last alert said
    sa.Column("last_notified_on", sa.Date),
    sa.UniqueConstraint("email", "area_code", name="pm25_alert_subscription_email_area_key"),
    sa.Index("pm25_alert_subscription_area_idx", "area_code", "state"),
    extend_existing=True,
)
