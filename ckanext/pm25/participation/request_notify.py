"""Who hears of an agency's step and the sending: the requester and the supporters (not the one
who took the step), their addresses read from CKAN's user table at sending time, one SMTP
session for them all (participation/mailing.py). A mail that cannot be sent is logged without
any address; the step stays taken."""
from __future__ import annotations

import logging
from typing import Any

from ckan import model

from ckanext.pm25.participation import mailing, request_letters, request_records

log = logging.getLogger(__name__)


def recipients(requester_id: str, requester_language: str, supporters: list[tuple[str, str]],
               actor_id: str) -> list[tuple[str, str, bool]]:
    """(address, language, is a supporter) of each active user with an address."""
    found: list[tuple[str, str, bool]] = []
    for user_id, language, supporter in [(requester_id, requester_language, False),
                                         *[(user_id, language, True) for user_id, language in supporters]]:
        user = model.User.get(user_id)
        if user_id == actor_id or user is None or user.state != "active" or not user.email:
            continue
        found.append((str(user.email), language, supporter))
    return found


def step_taken(request: Any, step: Any, supporters: list[tuple[str, str]]) -> int:
    """Mail the step to everyone concerned; the number of mails the SMTP server accepted."""
    people = recipients(request.requester_id, request.language, supporters, step.actor_id)
    if not people:
        return 0
    agency = request_records.agency(step.agency_id or request.agency_id)
    linked = [(item["name"], item["title"]) for item in request_records.datasets(step.dataset_ids)]
    sent = 0
    try:
        with mailing.connection() as smtp:
            for address, language, supporter in people:
                letter = request_letters.step_letter(
                    address, language, kind=step.kind, title=request.title,
                    agency=agency["title"] if agency else "", request_id=request.id, message=step.message,
                    datasets=linked, reason=step.reason, oia_section=step.oia_section, supporter=supporter)
                sent += mailing.send(smtp, letter, address)
    except mailing.MailError as error:
        log.warning("Data requests: the mails of a step on %s could not all be sent: %s", request.id, error)
    return sent
