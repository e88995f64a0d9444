"""The rules of reports on values, pure (no CKAN): the reasons a reader may give, and the
statuses a report goes through. A report is ``open`` until the owning agency flags the reading
(``flagged``: its quality flag becomes measurements/flags.py's ``agency_flagged``) or answers it
(``answered``); either closes it. The agency may later withdraw its flag (``unflagged``: the
reading's flag is the upstream's again); the report stays closed, resolved."""
from __future__ import annotations

from ckanext.pm25.common.messages import N_

OPEN = "open"
FLAGGED = "flagged"
ANSWERED = "answered"
UNFLAGGED = "unflagged"
STATUSES = (OPEN, FLAGGED, ANSWERED, UNFLAGGED)
STATUS_LABELS = {OPEN: N_("waiting for the agency"), FLAGGED: N_("the agency flagged the value"),
                 ANSWERED: N_("the agency answered"), UNFLAGGED: N_("the agency withdrew its flag")}

OTHER = "other"
REASONS = ("implausibly_high", "implausibly_low", "stuck_value", OTHER)
REASON_LABELS = {"implausibly_high": N_("implausibly high"), "implausibly_low": N_("implausibly low"),
                 "stuck_value": N_("stuck value (the same for hours)"), OTHER: N_("other")}


def may_act(status: str) -> bool:
    """Whether the agency may still flag or answer a report."""
    return status == OPEN


def may_unflag(status: str) -> bool:
    """Whether the agency may withdraw its flag on the report's reading."""
    return status == FLAGGED
