"""Data requests in their tables: made, read, searched, moved on by a step, supported. Takes a
connection (the caller owns the transaction) and already validated values."""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.participation import request_rules as rules
from ckanext.pm25.participation.request_tables import data_request, request_step, request_support


@dataclass(frozen=True)
class NewRequest:
    title: str
    description: str
    province_codes: list[str]
    districts: str
    period_start: Any
    period_end: Any
    agency_id: str | None
    language: str


@dataclass(frozen=True)
class StepTaken:
    """A step as validated: ``agency_id`` the agency it goes to (routed, transferred)."""

    kind: str
    message: str = ""
    agency_id: str | None = None
    dataset_ids: list[str] = field(default_factory=list)
    reason: str | None = None
    oia_section: str | None = None


def public() -> Any:
    """The requests anyone may see: all but those held for their requester's confirmation."""
    return data_request.c.status != rules.HELD


def starting_status(agency_id: str | None) -> str:
    return rules.OPEN if agency_id else rules.ROUTING


def create(conn: Connection, new: NewRequest, requester_id: str | None, now: datetime, *, held: bool = False) -> str:
    """A request of a CKAN user, public at once; or, ``held``, of a requester by e-mail (no
    ``requester_id``), submitted when confirmed (request_contacts.confirm)."""
    request_id = str(uuid.uuid4())
    conn.execute(data_request.insert().values(
        id=request_id, title=new.title, description=new.description, province_codes=new.province_codes,
        districts=new.districts, period_start=new.period_start, period_end=new.period_end,
        agency_id=new.agency_id, requester_id=requester_id, language=new.language,
        status=rules.HELD if held else starting_status(new.agency_id), created=now))
    if not held:
        submitted(conn, request_id, requester_id or "", new.agency_id, now)
    return request_id


def submitted(conn: Connection, request_id: str, actor_id: str, agency_id: str | None, now: datetime) -> None:
    conn.execute(request_step.insert().values(request_id=request_id, kind="submitted", actor_id=actor_id,
                                              agency_id=agency_id, created=now))


def _support_counts() -> Any:
    return (sa.select(request_support.c.request_id, sa.func.count().label("supporters"))
            .group_by(request_support.c.request_id).subquery())


def get(conn: Connection, request_id: str) -> Any | None:
    counts = _support_counts()
    return conn.execute(
        sa.select(data_request, sa.func.coalesce(counts.c.supporters, 0).label("supporters"))
        .select_from(data_request.outerjoin(counts, counts.c.request_id == data_request.c.id))
        .where(data_request.c.id == request_id)).first()


def steps(conn: Connection, request_id: str) -> list[Any]:
    return list(conn.execute(sa.select(request_step).where(request_step.c.request_id == request_id)
                             .order_by(request_step.c.id)))


def take_step(conn: Connection, request_id: str, step: StepTaken, actor_id: str, now: datetime) -> bool:
    """Move the request on by ``step``; False (nothing written) when its status no longer allows
    it (another editor took a step first)."""
    allowed = [status for status in rules.STATUSES if rules.may_take(step.kind, status)]
    values: dict[str, Any] = {"status": rules.status_after(step.kind)}
    if step.kind in ("routed", "transferred"):
        values["agency_id"] = step.agency_id
    if values["status"] in rules.CLOSED:
        values["closed"] = now
    moved = conn.execute(data_request.update().where(
        data_request.c.id == request_id, data_request.c.status.in_(allowed)).values(**values))
    if not moved.rowcount:
        return False
    conn.execute(request_step.insert().values(
        request_id=request_id, kind=step.kind, actor_id=actor_id, agency_id=step.agency_id, message=step.message,
        dataset_ids=step.dataset_ids, reason=step.reason, oia_section=step.oia_section, created=now))
    return True


def support(conn: Connection, request_id: str, user_id: str, language: str, now: datetime) -> bool:
    """One vote per user: False when this user already supports the request."""
    inserted = conn.execute(sa.dialects.postgresql.insert(request_support).values(
        request_id=request_id, user_id=user_id, language=language, created=now).on_conflict_do_nothing())
    return bool(inserted.rowcount)


def withdraw_support(conn: Connection, request_id: str, user_id: str) -> None:
    conn.execute(request_support.delete().where(
        request_support.c.request_id == request_id, request_support.c.user_id == user_id))


def delete(conn: Connection, request_id: str) -> None:
    """The request with its steps and supports (the tables' foreign keys cascade)."""
    conn.execute(data_request.delete().where(data_request.c.id == request_id))


def supports(conn: Connection, request_id: str, user_id: str) -> bool:
    return conn.execute(sa.select(request_support.c.user_id).where(
        request_support.c.request_id == request_id, request_support.c.user_id == user_id)).first() is not None


def supporters(conn: Connection, request_id: str) -> list[tuple[str, str]]:
    """Each supporter's user id and chosen language."""
    return [(row.user_id, row.language) for row in conn.execute(
        sa.select(request_support.c.user_id, request_support.c.language)
        .where(request_support.c.request_id == request_id))]


def actions_since(conn: Connection, user_id: str, since: datetime) -> int:
    """Requests made and supports given by a user since ``since`` (the per-user daily limit)."""
    made = sa.select(sa.func.count()).where(data_request.c.requester_id == user_id, data_request.c.created >= since)
    voted = sa.select(sa.func.count()).where(request_support.c.user_id == user_id, request_support.c.created >= since)
    return int(conn.execute(sa.select(made.scalar_subquery() + voted.scalar_subquery())).scalar_one())


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    agency_id: str | None = None
    province: str | None = None
    words: Sequence[str] = ()
    waiting_only: bool = False  # only those waiting for their agency (the agency's queue)
    order: str = "newest"  # newest, oldest, supported (most supported, then oldest)
    limit: int = 20
    offset: int = 0


def search(conn: Connection, filters: Filters) -> tuple[int, list[Any]]:
    counts = _support_counts()
    supporters_count = sa.func.coalesce(counts.c.supporters, 0)
    table = data_request.c
    conditions: list[Any] = []
    if filters.status:
        conditions.append(table.status == filters.status)
    if filters.waiting_only:
        conditions.append(table.status.in_([rules.OPEN, rules.QUESTION]))
    if filters.agency_id:
        conditions.append(table.agency_id == filters.agency_id)
    if filters.province:
        conditions.append(table.province_codes.any(filters.province))
    for word in filters.words:
        # Thai is written without spaces between words: a substring match, not a word index
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(sa.or_(table.title.ilike(pattern), table.description.ilike(pattern),
                                 table.districts.ilike(pattern)))
    where = sa.and_(public(), *conditions)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(data_request).where(where)).scalar_one())
    order = {"newest": [table.created.desc()], "oldest": [table.created.asc()],
             "supported": [supporters_count.desc(), table.created.asc()]}[filters.order]
    rows = conn.execute(
        sa.select(data_request, supporters_count.label("supporters"))
        .select_from(data_request.outerjoin(counts, counts.c.request_id == data_request.c.id))
        .where(where).order_by(*order, table.id).limit(filters.limit).offset(filters.offset))
    return total, list(rows)


def agency_figures(conn: Connection, now: datetime, target_days: int,
                   agency_ids: Sequence[str] | None = None) -> dict[str, rules.AgencyFigures]:
    """The figures of each agency (by id) with a request: of every agency, or of ``agency_ids``."""
    return {agency_id: rules.agency_figures(found, now, target_days)
            for agency_id, found in sorted(timings(conn, now, agency_ids).items())}


def timings(conn: Connection, now: datetime,
            agency_ids: Sequence[str] | None = None) -> dict[str, list[rules.Timing]]:
    """Each agency's requests (those it holds now, or closed) as timings, with their waits for
    the requester's replies read from their steps (one query for all)."""
    query = sa.select(data_request.c.id, data_request.c.agency_id, data_request.c.created,
                      data_request.c.closed).where(data_request.c.agency_id.isnot(None), public())
    if agency_ids is not None:
        query = query.where(data_request.c.agency_id.in_(list(agency_ids)))
    rows = list(conn.execute(query))
    waits = waiting_times(conn, [row.id for row in rows], now)
    found: dict[str, list[rules.Timing]] = defaultdict(list)
    for row in rows:
        found[row.agency_id].append(rules.Timing(row.created, row.closed, waits.get(row.id, timedelta(0))))
    return dict(found)


def waiting_times(conn: Connection, request_ids: Sequence[str], now: datetime) -> dict[str, timedelta]:
    """How long each request waited for its requester's replies (those that ever did)."""
    if not request_ids:
        return {}
    steps_of: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    asked = sa.select(request_step.c.request_id).where(request_step.c.kind == "question").distinct()
    for row in conn.execute(
            sa.select(request_step.c.request_id, request_step.c.kind, request_step.c.created)
            .where(request_step.c.request_id.in_(list(request_ids)), request_step.c.request_id.in_(asked))
            .order_by(request_step.c.request_id, request_step.c.id)):
        steps_of[row.request_id].append((row.kind, row.created))
    return {request_id: rules.waiting_time(found, now) for request_id, found in steps_of.items()}
