"""The reports on values' table (issue 17). Created by the `pm25` plugin's migration
(ckanext/pm25/migration/pm25, revisions 8d4b2f6a1c57 and 4e9b7c2d1a63); declared on CKAN's metadata (as
readings/tables.py) so CKAN's test database reset empties it.

The reporter is a CKAN user (``reporter_id``), never shown; no e-mail address is kept here. A
reporter who removes a closed report leaves it without them: ``reporter_id`` empty, ``message``
blank, ``reporter_removed`` when (an open one is deleted whole).
``actor_id``: who flagged or answered for the agency; ``upstream_flag``: the reading's flag
before the agency's (restored when the agency withdraws its flag: ``unflagged``,
``unflag_actor_id``, ``unflag_note``)."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.model.base import BaseModel

metadata = BaseModel.metadata

value_report = sa.Table(
    "pm25_value_report",
    metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),  # the station dataset
    sa.Column("hour_utc", sa.DateTime(timezone=True), nullable=False),  # the reading's hour
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("message", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("reporter_id", sa.UnicodeText),
    sa.Column("language", sa.UnicodeText, nullable=False),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("answer", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("actor_id", sa.UnicodeText),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed", sa.DateTime(timezone=True)),
    sa.Column("upstream_flag", sa.UnicodeText),
    sa.Column("unflagged", sa.DateTime(timezone=True)),
    sa.Column("unflag_actor_id", sa.UnicodeText),
    sa.Column("unflag_note", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("reporter_removed", sa.DateTime(timezone=True)),
    sa.Index("pm25_value_report_package_idx", "package_id", "created"),
    sa.Index("pm25_value_report_reporter_idx", "reporter_id", "created"),
    extend_existing=True,
)
