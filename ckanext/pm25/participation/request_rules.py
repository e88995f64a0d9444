"""The rules of data requests, pure (no CKAN): the statuses a request goes through, which step
may follow which status, the grounds of a refusal under the Official Information Act B.E. 2540
(OIA), and an agency's figures (median days to answer, share answered within the target).

A request waits for a sysadmin to route it when the requester named no agency (``routing``),
then for its agency (``open``) or for the requester's reply to the agency's question
(``question``); it ends ``answered`` (datasets linked) or ``declined``. Transfers keep it open
with another agency. A request made with an e-mail address and no account is ``held`` (seen by
no one) until its requester opens the confirmation link; it then starts as any other. Such a
requester follows it through a private link whose token is an HMAC of the request's id under
the site's secret (never stored, the same in every mail).

Days to answer leave out the time the agency waited for the requester's reply to its question."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ckanext.pm25.common.messages import N_

HELD = "held"  # made by e-mail, not yet confirmed: in no page, list or figure
ROUTING = "routing"
OPEN = "open"
QUESTION = "question"
ANSWERED = "answered"
DECLINED = "declined"
STATUSES = (ROUTING, OPEN, QUESTION, ANSWERED, DECLINED)
CLOSED = (ANSWERED, DECLINED)
STATUS_LABELS = {ROUTING: N_("waiting for routing"), OPEN: N_("waiting for the agency"),
                 QUESTION: N_("waiting for the requester's reply"), ANSWERED: N_("answered"),
                 DECLINED: N_("declined")}
STEP_LABELS = {"submitted": N_("Request submitted"), "routed": N_("Sent to the agency"),
               "transferred": N_("Transferred to another agency"), "question": N_("The agency asked a question"),
               "reply": N_("The requester replied"), "answered": N_("Answered with datasets"),
               "declined": N_("Declined")}

Step = Literal["submitted", "routed", "transferred", "question", "reply", "answered", "declined"]
# the steps an agency takes (and a sysadmin routing): each mails the requester and the supporters
AGENCY_STEPS: tuple[Step, ...] = ("routed", "transferred", "question", "answered", "declined")

# which status each step may be taken from, and the status it leaves
_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "routed": ((ROUTING,), OPEN),
    "transferred": ((OPEN, QUESTION), OPEN),
    "question": ((OPEN,), QUESTION),
    "reply": ((QUESTION,), OPEN),
    "answered": ((OPEN, QUESTION), ANSWERED),
    "declined": ((OPEN, QUESTION), DECLINED),
}

NOT_HELD = "not_held"
WITHHELD = "withheld"
DECLINE_REASONS = (NOT_HELD, WITHHELD)
# OIA section 14 (information that may harm the monarchy) or 15 (1) to (7) (the exemptions an
# agency may invoke), written as "14" or "15(3)"
_OIA_SECTION = re.compile(r"^\s*(14|15\s*\(\s*[1-7]\s*\))\s*$")


def private_token(secret: str, request_id: str) -> str:
    """The token of a requester's private link (a requester without an account)."""
    digest = hmac.new(secret.encode(), f"pm25-data-request-private:{request_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_private_token(secret: str, request_id: str, token: str) -> bool:
    return hmac.compare_digest(private_token(secret, request_id).encode(), (token or "").encode())


def may_take(step: str, status: str) -> bool:
    return step in _TRANSITIONS and status in _TRANSITIONS[step][0]


def status_after(step: str) -> str:
    return _TRANSITIONS[step][1]


def oia_section(text: str) -> str | None:
    """The section in one spelling ("14", "15(3)"), or None when it is not one an agency may invoke."""
    found = _OIA_SECTION.match(text or "")
    return re.sub(r"\s+", "", found.group(1)) if found else None


@dataclass(frozen=True)
class Timing:
    """One request of an agency: when it came, when it was closed (None while open), and how
    long it waited for the requester's replies (not counted against the agency)."""

    created: datetime
    closed: datetime | None
    waited: timedelta = timedelta(0)

    def days_counted(self, now: datetime) -> float:
        """The agency's days on it: to its answer or refusal (to ``now`` while open), the
        waits for the requester's replies left out."""
        return days_between(self.created, self.closed or now) - self.waited / timedelta(days=1)


# the steps that end a wait for the requester's reply: the reply, or the agency moving on
_WAIT_ENDS = ("reply", "transferred", "answered", "declined")


def waiting_time(steps: Iterable[tuple[str, datetime]], until: datetime) -> timedelta:
    """The time between each question of the agency and the step that ended its wait (the
    requester's reply, or the agency answering, declining or transferring meanwhile); a wait
    still running counts up to ``until``. ``steps``: (kind, when), in the order taken."""
    waited, asked = timedelta(0), None
    for kind, when in steps:
        if kind == "question" and asked is None:
            asked = when
        elif asked is not None and kind in _WAIT_ENDS:
            waited += max(when - asked, timedelta(0))
            asked = None
    if asked is not None:
        waited += max(until - asked, timedelta(0))
    return waited


def is_overdue(timing: Timing, now: datetime, target_days: int) -> bool:
    return timing.closed is None and timing.days_counted(now) > target_days


@dataclass(frozen=True)
class AgencyFigures:
    """``median_days``: of the closed requests (None without any); ``due``: the requests closed,
    or open past the target; ``within_target_count``: those of them closed within the target;
    ``within_target``: that share (0 to 1; None when none is due yet)."""

    closed: int
    open: int
    overdue: int
    median_days: float | None
    within_target: float | None
    due: int = 0
    within_target_count: int = 0


def days_between(start: datetime, end: datetime) -> float:
    return (end - start) / timedelta(days=1)


def agency_figures(timings: Iterable[Timing], now: datetime, target_days: int) -> AgencyFigures:
    """Days run from the request's submission to its answer or refusal, the time it waited for
    the requester's replies left out (the clock stops while the agency waits for the requester,
    as FOIA's "tolling")."""
    closed_days: list[float] = []
    open_count = overdue = 0
    for timing in timings:
        if timing.closed is None:
            open_count += 1
            if is_overdue(timing, now, target_days):
                overdue += 1
        else:
            closed_days.append(timing.days_counted(now))
    due = len(closed_days) + overdue
    within = sum(1 for days in closed_days if days <= target_days)
    return AgencyFigures(len(closed_days), open_count, overdue, _median(closed_days),
                         within / due if due else None, due=due, within_target_count=within)


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None
