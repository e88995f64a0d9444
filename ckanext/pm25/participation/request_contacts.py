"""The address of a requester without an account (issue 17), in its own table: left with a held
request, confirmed by the link mailed to it (the request then starts as any other), read only to
mail that requester, and deleted with the request. Takes a connection (the caller owns the
transaction) and already validated values."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.participation import request_store, rules
from ckanext.pm25.participation import request_rules
from ckanext.pm25.participation.request_tables import data_request, request_contact


def hold(conn: Connection, new: request_store.NewRequest, email: str, now: datetime) -> tuple[str, str]:
    """A held request with its requester's address; its id and the confirmation token (mailed,
    never stored)."""
    request_id = request_store.create(conn, new, None, now, held=True)
    token = rules.new_token()
    conn.execute(request_contact.insert().values(request_id=request_id, email=email,
                                                 confirm_token_hash=rules.token_hash(token), created=now))
    return request_id, token


def made_today(conn: Connection, email: str, now: datetime) -> int:
    """Requests left with this address since the Thai day began (confirmed or not): the
    per-address daily limit. One at a time per address, so the count cannot be raced past."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"pm25-requests:{email}"})
    day_start = datetime.combine(rules.thai_day(now), time(0), tzinfo=rules.THAI_TIME)
    return int(conn.execute(sa.select(sa.func.count()).where(
        request_contact.c.email == email, request_contact.c.created >= day_start)).scalar_one())


def confirm(conn: Connection, token: str, now: datetime, *, pending_for: timedelta) -> tuple[Any | None, bool]:
    """Start the held request of a confirmation token: it becomes public, submitted now. The
    request (its row; None for an unknown or expired token) and whether this call started it
    (False when it was confirmed before)."""
    found = conn.execute(sa.select(request_contact.c.request_id, request_contact.c.created).where(
        request_contact.c.confirm_token_hash == rules.token_hash(token or ""))).first()
    if found is None:
        return None, False
    row = request_store.get(conn, found.request_id)
    if row is None or row.status != request_rules.HELD:
        return row, False
    if found.created < now - pending_for:
        return None, False
    started = conn.execute(data_request.update().where(
        data_request.c.id == row.id, data_request.c.status == request_rules.HELD).values(
        status=request_store.starting_status(row.agency_id), created=now))
    if not started.rowcount:
        return request_store.get(conn, row.id), False
    conn.execute(request_contact.update().where(request_contact.c.request_id == row.id).values(confirmed=now))
    request_store.submitted(conn, row.id, "", row.agency_id, now)
    return request_store.get(conn, row.id), True


def email_of(conn: Connection, request_id: str) -> str | None:
    """The confirmed address of a request's requester by e-mail (None for any other)."""
    return conn.execute(sa.select(request_contact.c.email).where(
        request_contact.c.request_id == request_id, request_contact.c.confirmed.isnot(None))).scalar()


def expire(conn: Connection, now: datetime, *, pending_for: timedelta) -> int:
    """Delete the requests held past ``pending_for`` with their addresses (never confirmed)."""
    stale = sa.select(request_contact.c.request_id).where(
        request_contact.c.confirmed.is_(None), request_contact.c.created < now - pending_for)
    deleted = conn.execute(data_request.delete().where(
        data_request.c.status == request_rules.HELD, data_request.c.id.in_(stale)))
    return int(deleted.rowcount)
