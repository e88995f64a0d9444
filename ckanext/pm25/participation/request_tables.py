"""The data requests' tables (issue 17). Created by the `pm25` plugin's migration
(ckanext/pm25/migration/pm25, revision 5c2e8a41d7b3); declared on CKAN's metadata (as
readings/tables.py) so CKAN's test database reset empties them.

No e-mail address is kept in the request, its steps or its supports: a requester or supporter
with an account is a CKAN user, whose address is read from CKAN's user table only when a mail is
sent. A requester without an account (``requester_id`` NULL) left an address, kept apart in
``pm25_data_request_contact`` (revision e41c7a9d2b68), which nothing public reads and which goes
with the request. ``language`` is the language each of them chose for the mails."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.model.base import BaseModel

metadata = BaseModel.metadata

data_request = sa.Table(
    "pm25_data_request",
    metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("title", sa.UnicodeText, nullable=False),
    sa.Column("description", sa.UnicodeText, nullable=False),
    sa.Column("province_codes", sa.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("districts", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("agency_id", sa.UnicodeText),  # a CKAN organization's id; NULL until a sysadmin routes it
    sa.Column("requester_id", sa.UnicodeText),  # a CKAN user's id; NULL for a requester by e-mail
    sa.Column("language", sa.UnicodeText, nullable=False),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed", sa.DateTime(timezone=True)),  # when it was answered or declined
    sa.Index("pm25_data_request_agency_idx", "agency_id", "status"),
    sa.Index("pm25_data_request_requester_idx", "requester_id", "created"),
    extend_existing=True,
)

# Every step of a request, public with its date: submitted, routed, transferred, question,
# reply, answered, declined. ``agency_id``: the agency it went to (routed, transferred) or that
# took the step; ``dataset_ids`` (answered), ``reason`` and ``oia_section`` (declined).
request_step = sa.Table(
    "pm25_data_request_step",
    metadata,
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
    sa.Index("pm25_data_request_step_request_idx", "request_id", "id"),
    extend_existing=True,
)

request_support = sa.Table(
    "pm25_data_request_support",
    metadata,
    sa.Column("request_id", sa.UnicodeText, sa.ForeignKey("pm25_data_request.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.UnicodeText, primary_key=True),
    sa.Column("language", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Index("pm25_data_request_support_user_idx", "user_id", "created"),
    extend_existing=True,
)

# The address of a requester without an account, for the request's mails only. The request is
# held (status "held") until the link mailed with ``confirm_token_hash`` (a hash: the token is
# never stored) is opened; ``confirmed`` is when.
request_contact = sa.Table(
    "pm25_data_request_contact",
    metadata,
    sa.Column("request_id", sa.UnicodeText, sa.ForeignKey("pm25_data_request.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("email", sa.UnicodeText, nullable=False),
    sa.Column("confirm_token_hash", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("confirmed", sa.DateTime(timezone=True)),
    sa.Index("pm25_data_request_contact_email_idx", "email", "created"),
    extend_existing=True,
)
