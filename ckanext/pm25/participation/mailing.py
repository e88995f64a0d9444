"""Sending mail over CKAN's SMTP settings (``smtp.server``, ``smtp.starttls``, ``smtp.user``,
``smtp.password``, ``smtp.mail_from``, ``smtp.reply_to``), one connection for many messages.

Why not ``ckan.lib.mailer.mail_recipient``: it opens, greets, authenticates and quits an SMTP
connection per message (10,000 alerts would be 10,000 handshakes, and many relays throttle
that), and it logs every recipient's address at INFO, while subscribers' addresses must stay out
of logs (issue 17). The connection is set up as it does (EHLO, STARTTLS when configured and
offered, LOGIN), and the headers it adds (From from ``smtp.mail_from`` with the site's title,
Reply-To, Date) are the same."""
from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email import utils
from email.message import Message

import ckan.plugins.toolkit as tk

SMTP_TIMEOUT = 30.0  # seconds for a connection or a command: a stuck relay must not hold the scheduler


class MailError(Exception):
    """The SMTP server could not be reached or refused the session (the whole batch waits)."""


def mail_from() -> str:
    return str(tk.config.get("smtp.mail_from") or "")


def envelope(message: Message, recipient: str) -> Message:
    """The headers every mail of ours carries, as CKAN's mailer sets them."""
    message["From"] = utils.formataddr((str(tk.config.get("ckan.site_title") or ""), mail_from()), charset="utf-8")
    message["To"] = recipient
    message["Date"] = utils.formatdate(localtime=False)
    domain = mail_from().rpartition("@")[2] or None
    message["Message-ID"] = utils.make_msgid(domain=domain)
    reply_to = tk.config.get("smtp.reply_to")
    if reply_to:
        message["Reply-To"] = reply_to
    return message


@contextmanager
def connection() -> Iterator[smtplib.SMTP]:
    """One SMTP session on CKAN's settings; raises MailError when it cannot be opened."""
    server = str(tk.config.get("smtp.server") or "")
    if not server:
        raise MailError("smtp.server is not configured")
    try:
        smtp = smtplib.SMTP(server, timeout=SMTP_TIMEOUT)  # "host:port" as CKAN's mailer accepts it
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"the SMTP server {server} could not be reached: {error!r}") from error
    try:
        smtp.ehlo()
        if tk.asbool(tk.config.get("smtp.starttls")):
            if not smtp.has_extn("STARTTLS"):
                raise MailError("the SMTP server does not offer STARTTLS (smtp.starttls is on)")
            smtp.starttls()
            smtp.ehlo()
        user = tk.config.get("smtp.user")
        if user:
            smtp.login(user, tk.config.get("smtp.password") or "")
    except (OSError, smtplib.SMTPException) as error:
        _close(smtp)
        raise MailError(f"the SMTP session could not be set up: {error!r}") from error
    try:
        yield smtp
    finally:
        _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def send(smtp: smtplib.SMTP, message: Message, recipient: str) -> bool:
    """Send one message on an open session: True if accepted, False if the server refused this
    recipient or message (the session stays usable); MailError if the session is lost."""
    try:
        smtp.send_message(message, from_addr=mail_from(), to_addrs=[recipient])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
        try:
            smtp.rset()
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"the SMTP session was lost: {error!r}") from error
        return False
    except (OSError, smtplib.SMTPException) as error:  # a timeout is an OSError
        raise MailError(f"the SMTP session was lost: {error!r}") from error
    return True
