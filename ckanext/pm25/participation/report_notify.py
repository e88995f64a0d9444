"""The mail to the reporter when the agency flags the reading or answers the report, in the
language they chose, through CKAN's SMTP settings (participation/mailing.py); the address is
read from CKAN's user table at sending time. A mail that cannot be sent is logged without any
address; the agency's step stands."""
from __future__ import annotations

import logging
from email.message import Message
from typing import Any

from ckan import model

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import iso_local
from ckanext.pm25.participation import mailing
from ckanext.pm25.participation import report_rules as rules
from ckanext.pm25.participation.letters import page_url, plain_message, translate

log = logging.getLogger(__name__)

_SUBJECT = N_("The agency acted on your report about {station}")
_OPENINGS = {
    rules.FLAGGED: N_("The agency flagged the value of {station} at {hour} (Thai time) that you reported: "
                      "its quality flag is now “agency_flagged” on the station's page and in every download."),
    rules.ANSWERED: N_("The agency answered your report about the value of {station} at {hour} (Thai time):"),
}


def letter(recipient: str, language: str, status: str, station: dict[str, str], hour: Any, answer: str) -> Message:
    values = {"station": station["title"], "hour": iso_local(hour)}
    lines = [translate(language, _OPENINGS[status]).format(**values)]
    if answer:
        lines += ["", answer]
    lines += ["", translate(language, N_("The station and its reports: {link}")).format(
        link=page_url(language, f"/dataset/{station['name']}"))]
    return plain_message(recipient, translate(language, _SUBJECT).format(**values), "\n".join(lines), language)


def agency_acted(report: Any, station: dict[str, str]) -> bool:
    """Mail the reporter (unless they acted themselves); whether the SMTP server accepted it."""
    user = model.User.get(report.reporter_id) if report.reporter_id else None
    if user is None or user.state != "active" or not user.email or report.actor_id == report.reporter_id:
        return False
    try:
        with mailing.connection() as smtp:
            return mailing.send(smtp, letter(str(user.email), report.language, report.status, station,
                                             report.hour_utc, report.answer), str(user.email))
    except mailing.MailError as error:
        log.warning("Reports on values: the mail about report %s could not be sent: %s", report.id, error)
        return False
