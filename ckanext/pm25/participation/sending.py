"""``ckan pm25 alerts send``: one run of the alerts, from the scheduler after its harvests.

1. unconfirmed subscriptions past ``ckanext.pm25.alerts.confirm_hours`` are deleted, and so
   are the data requests made by e-mail and never confirmed within it, with their addresses;
2. the areas' 24-hour means (provinces' and modelled districts') are read once and every due
   alert found by one query (evaluation.py);
3. the alerts go out in batches of ``ckanext.pm25.alerts.batch_size``, one SMTP connection per
   batch; what each batch sent is committed when the batch ends, so a repeated run sends nothing
   again, and a mail the server refused, or that a lost connection kept back, is due again at
   the next run.

Runs never overlap (a PostgreSQL advisory lock): a second one, from cron or by hand while the
scheduler's runs, returns at once and sends nothing."""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.pm25.participation import (areas, evaluation, letters, mailing, request_contacts, rules,
                                        subscriptions)
from ckanext.pm25.readings import hooks
from ckanext.pm25.readings.records import Freshness

log = logging.getLogger(__name__)

_LOCK = sa.text("SELECT pg_try_advisory_lock(hashtext('pm25-alerts-send'))")
_UNLOCK = sa.text("SELECT pg_advisory_unlock(hashtext('pm25-alerts-send'))")


@dataclass
class Report:
    """What a run did (counts only: no address is ever reported or logged)."""

    expired: int = 0
    expired_requests: int = 0
    areas: int = 0
    due: int = 0
    sent: int = 0
    refused: int = 0
    error: str | None = None
    already_running: bool = False


def pending_for() -> timedelta:
    return timedelta(hours=int(tk.config.get("ckanext.pm25.alerts.confirm_hours")))


def site_secret() -> str:
    secret = tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret")
    if not secret:
        raise RuntimeError("SECRET_KEY is not configured: alert links cannot be signed")
    return str(secret)


def _batches(items: Sequence[evaluation.Due], size: int) -> Iterator[Sequence[evaluation.Due]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def send_alerts(now: datetime | None = None) -> Report:
    """One run. ``now`` (aware) is the moment the run stands at: the day of "one mail a day"
    and the freshness of the means; the present by default."""
    now = now or hooks.now()
    report = Report()
    assert model.meta.engine is not None, "CKAN's database engine is not configured"
    # The lock is the session's, not a transaction's: taken and released in autocommit, which
    # SQLAlchemy 1.4 (CKAN 2.11) and 2.0 (CKAN 2.12) read alike, so no transaction stays open.
    with model.meta.engine.connect() as connection:
        lock = connection.execution_options(isolation_level="AUTOCOMMIT")
        if not lock.execute(_LOCK).scalar():
            report.already_running = True
            return report
        try:
            _run(now, report)
        finally:
            lock.execute(_UNLOCK)
    return report


def _run(now: datetime, report: Report) -> None:
    today = rules.thai_day(now)
    with hooks.writing() as conn:
        report.expired = subscriptions.expire(conn, now, pending_for=pending_for())
        report.expired_requests = request_contacts.expire(conn, now, pending_for=pending_for())
    stale_after = timedelta(hours=int(tk.config.get("ckanext.pm25.dashboard.stale_after_hours")))
    with hooks.reading() as conn:
        means = evaluation.area_means(conn, Freshness(now, stale_after))
        due = evaluation.due(conn, means, today)
        named = areas.every_area(conn)
    report.areas, report.due = len(means), len(due)
    secret = site_secret()
    for batch in _batches(due, int(tk.config.get("ckanext.pm25.alerts.batch_size"))):
        sent: list[evaluation.Due] = []
        try:
            with mailing.connection() as smtp:
                for item in batch:
                    area = named.get(item.area_code)
                    if area is None:  # a district of no known province: nothing to name it by
                        continue
                    message = letters.alert(item.email, area, item.threshold, item.language, item.mean,
                                            item.state, rules.unsubscribe_token(secret, item.subscription_id))
                    if mailing.send(smtp, message, item.email):
                        sent.append(item)
                    else:
                        report.refused += 1
        except mailing.MailError as error:
            report.error = str(error)
        finally:
            with hooks.writing() as conn:
                evaluation.record_sent(conn, sent, today)
            report.sent += len(sent)
        if report.error:
            log.warning("Province alerts: %s; %s sent, the rest wait for the next run", report.error, report.sent)
            return
    if report.due:
        log.info("Province alerts: %s due, %s sent, %s refused by the SMTP server", report.due, report.sent,
                 report.refused)
