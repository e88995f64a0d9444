"""Subscriptions in the table: made pending, confirmed, removed, expired. Takes a connection (the
caller owns the transaction) and already validated values; no CKAN imports beyond the table."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.participation import rules
from ckanext.pm25.participation.tables import subscription

Letter = Literal["confirm", "already_subscribed"]


@dataclass(frozen=True)
class Request:
    """What a subscriber asked for (validated)."""

    email: str
    area_code: str
    threshold: float
    language: str


@dataclass(frozen=True)
class Outcome:
    """What to mail after a request: ``letter`` None when nothing may be sent (the address had
    its confirmation mails for today). ``token``: the confirmation token of a "confirm" letter."""

    letter: Letter | None
    subscription_id: str | None
    token: str | None = None


def _mails_today(conn: Connection, email: str, today: datetime) -> int:
    day = rules.thai_day(today)
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(subscription.c.confirm_mails), 0)).where(
        subscription.c.email == email, subscription.c.confirm_mails_on == day)).scalar_one())


def _count_mail(conn: Connection, subscription_id: str, now: datetime) -> None:
    day = rules.thai_day(now)
    table = subscription.c
    conn.execute(subscription.update().where(table.id == subscription_id).values(
        confirm_mails=sa.case((table.confirm_mails_on == day, table.confirm_mails + 1), else_=1),
        confirm_mails_on=day))


def subscribe(conn: Connection, request: Request, now: datetime, *, secret: str,
              max_mails_per_address: int) -> Outcome:
    """A pending subscription with a fresh confirmation token (a pending one for the same address
    and area takes the new threshold, language and token); for one already confirmed, nothing
    changes and the subscriber is told so by mail. Either way at most ``max_mails_per_address``
    mails a Thai day per address; the caller answers the same in every case."""
    table = subscription.c
    # one request at a time per address: the daily count cannot be raced past
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"pm25-alerts:{request.email}"})
    existing = conn.execute(sa.select(table.id, table.state).where(
        table.email == request.email, table.area_code == request.area_code)).first()
    if _mails_today(conn, request.email, now) >= max_mails_per_address:
        return Outcome(None, existing.id if existing else None)
    if existing is not None and existing.state == rules.CONFIRMED:
        _count_mail(conn, existing.id, now)
        return Outcome("already_subscribed", existing.id)
    token = rules.new_token()
    values = {"threshold": request.threshold, "language": request.language, "state": rules.PENDING,
              "confirm_token_hash": rules.token_hash(token), "created": now}
    if existing is None:
        subscription_id = str(uuid.uuid4())
        conn.execute(subscription.insert().values(
            id=subscription_id, email=request.email, area_code=request.area_code,
            unsubscribe_token_hash=rules.token_hash(rules.unsubscribe_token(secret, subscription_id)), **values))
    else:
        subscription_id = existing.id
        conn.execute(subscription.update().where(table.id == subscription_id).values(**values))
    _count_mail(conn, subscription_id, now)
    return Outcome("confirm", subscription_id, token)


Confirmed = Literal["confirmed", "already_confirmed", "unknown"]


@dataclass(frozen=True)
class Confirmation:
    result: Confirmed
    area_code: str | None = None
    language: str | None = None


def confirm(conn: Connection, token: str, now: datetime, *, pending_for: timedelta) -> Confirmation:
    """Confirm the subscription of a confirmation token. Twice is harmless (the second answer is
    "already confirmed"); an unknown or expired token confirms nothing."""
    table = subscription.c
    row = conn.execute(sa.select(table.id, table.state, table.created, table.area_code, table.language).where(
        table.confirm_token_hash == rules.token_hash(token))).first()
    if row is None:
        return Confirmation("unknown")
    if row.state == rules.CONFIRMED:
        return Confirmation("already_confirmed", row.area_code, row.language)
    if row.created < now - pending_for:
        return Confirmation("unknown")
    conn.execute(subscription.update().where(table.id == row.id, table.state == rules.PENDING).values(
        state=rules.CONFIRMED, confirmed=now))
    return Confirmation("confirmed", row.area_code, row.language)


@dataclass(frozen=True)
class Subscribed:
    """What the unsubscribe page may show: never the address."""

    area_code: str
    threshold: float
    language: str


def by_unsubscribe_token(conn: Connection, token: str) -> Subscribed | None:
    table = subscription.c
    row = conn.execute(sa.select(table.area_code, table.threshold, table.language).where(
        table.unsubscribe_token_hash == rules.token_hash(token))).first()
    return Subscribed(row.area_code, row.threshold, row.language) if row else None


def unsubscribe(conn: Connection, token: str) -> bool:
    """Delete the subscription of an unsubscribe token (all it held goes with it); False if none."""
    deleted = conn.execute(subscription.delete().where(
        subscription.c.unsubscribe_token_hash == rules.token_hash(token)))
    return bool(deleted.rowcount)


def expire(conn: Connection, now: datetime, *, pending_for: timedelta) -> int:
    """Delete the subscriptions left unconfirmed for longer than ``pending_for``."""
    deleted = conn.execute(subscription.delete().where(
        subscription.c.state == rules.PENDING, subscription.c.created < now - pending_for))
    return int(deleted.rowcount)
