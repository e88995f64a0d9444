"""Who hears of a data request and the sending. At an agency's step: the requester and the
supporters (not the one who took the step), their addresses read from CKAN's user table at
sending time (a requester without an account: the confirmed address of the request, with the
private link). When a request arrives for an agency (made naming it, routed or transferred to
it) and when the requester replies to its question: the agency's editors and admins. One SMTP
session for each step's mails (participation/mailing.py). A mail that cannot be sent is logged
without any address; the step stays taken."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from email.message import Message
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.participation import mailing, request_letters, request_records
from ckanext.pm25.participation import request_rules as rules
from ckanext.pm25.participation.sending import site_secret

log = logging.getLogger(__name__)


def recipients(requester_id: str | None, requester_language: str, supporters: list[tuple[str, str]],
               actor_id: str) -> list[tuple[str, str, bool]]:
    """(address, language, is a supporter) of each active user with an address."""
    found: list[tuple[str, str, bool]] = []
    people = [(requester_id, requester_language, False),
              *[(user_id, language, True) for user_id, language in supporters]]
    for user_id, language, supporter in people:
        user = model.User.get(user_id) if user_id else None
        if user_id == actor_id or user is None or user.state != "active" or not user.email:
            continue
        found.append((str(user.email), language, supporter))
    return found


def _send(letters: Sequence[tuple[str, Message]], what: str) -> int:
    """Send (address, message) pairs on one session; the number the SMTP server accepted."""
    sent = 0
    if not letters:
        return 0
    try:
        with mailing.connection() as smtp:
            for address, letter in letters:
                sent += mailing.send(smtp, letter, address)
    except mailing.MailError as error:
        log.warning("Data requests: the mails of %s could not all be sent: %s", what, error)
    return sent


def step_taken(request: Any, step: Any, supporters: list[tuple[str, str]], requester_email: str | None = None) -> int:
    """Mail the step to everyone concerned; the number of mails the SMTP server accepted."""
    people: list[tuple[str, str, bool, str | None]] = [
        (address, language, supporter, None) for address, language, supporter
              in recipients(request.requester_id, request.language, supporters, step.actor_id)]
    if requester_email and step.actor_id != "":
        people.insert(0, (requester_email, request.language, False, private_link(request)))
    agency = request_records.agency(step.agency_id or request.agency_id)
    linked = [(item["name"], item["title"]) for item in request_records.datasets(step.dataset_ids)]
    return _send([(address, request_letters.step_letter(
        address, language, kind=step.kind, title=request.title, agency=agency["title"] if agency else "",
        request_id=request.id, message=step.message, datasets=linked, reason=step.reason,
        oia_section=step.oia_section, supporter=supporter, private_link=link))
        for address, language, supporter, link in people], f"a step on {request.id}")


def private_link(request: Any) -> str:
    return request_letters.private_url(request.language, request.id, rules.private_token(site_secret(), request.id))


def confirmation(email: str, request: Any, request_id: str, token: str, hours: int) -> int:
    """The confirmation mail of a request made without an account."""
    return _send([(email, request_letters.confirmation_letter(
        email, request.language, title=request.title, token=token, hours=hours))],
        f"the confirmation of {request_id}")


def confirmed(email: str, request: Any) -> int:
    """The requester's private link, once their request is public."""
    return _send([(email, request_letters.confirmed_letter(
        email, request.language, title=request.title, request_id=request.id,
        private_link=private_link(request)))],
        f"the private link of {request.id}")


def site_language() -> str:
    return "en" if str(tk.config.get("ckan.locale_default") or "th").startswith("en") else "th"


def agency_people(agency_id: str) -> list[str]:
    """The addresses of the agency's editors and admins (active CKAN users with one)."""
    found: list[str] = []
    for capacity in ("editor", "admin"):  # asked by capacity: member_list's answer translates it
        members = tk.get_action("member_list")({"ignore_auth": True}, {
            "id": agency_id, "object_type": "user", "capacity": capacity})
        for user_id, _kind, _capacity in members:
            user = model.User.get(user_id)
            if user is not None and user.state == "active" and user.email:
                found.append(str(user.email))
    return sorted(set(found))


def agency_told(request: Any, kind: str, message: str = "") -> int:
    """Mail the agency that holds ``request`` that it arrived (``arrived``) or that its
    requester replied (``reply``), in the site's default language (CKAN keeps no language per
    user)."""
    if request is None or not request.agency_id:
        return 0
    agency = request_records.agency(request.agency_id)
    language = site_language()
    return _send([(address, request_letters.agency_letter(
        address, language, kind=kind, title=request.title, agency=agency["title"] if agency else "",
        agency_name=agency["name"] if agency else "", request_id=request.id, message=message))
        for address in agency_people(request.agency_id)], f"the agency's mail of {request.id}")
