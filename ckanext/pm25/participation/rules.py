"""The rules of province alerts, pure (no CKAN): thresholds, languages, the two states an area can
be in for a subscription, the Thai day that bounds mails to one a day, and the tokens.

A token goes out in a link and is never stored: the table keeps its SHA-256 (a leaked table
unsubscribes or confirms no one). The confirmation token is random; the unsubscribe token is an
HMAC of the subscription's id under the site's secret, so every alert can carry it without the
token being stored, and the same subscription always has the same link."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from ckanext.pm25.aqi import THAI_24H_STANDARD

DEFAULT_THRESHOLD = THAI_24H_STANDARD  # µg/m³, the Thai 24-hour standard
MIN_THRESHOLD = 5.0
MAX_THRESHOLD = 500.0
LANGUAGES = ("th", "en")
PENDING = "pending"
CONFIRMED = "confirmed"
THAI_TIME = timezone(timedelta(hours=7))

# What an area is for a subscription: "above" only when its mean is strictly over the threshold,
# as a day is over the standard (evaluation.py applies it in SQL)
State = Literal["above", "below"]
ABOVE: State = "above"
BELOW: State = "below"


def thai_day(moment: datetime) -> date:
    """The Thai calendar day of an aware moment: the unit of "at most one mail a day"."""
    return moment.astimezone(THAI_TIME).date()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(secret: str, subscription_id: str) -> str:
    digest = hmac.new(secret.encode(), f"pm25-alerts-unsubscribe:{subscription_id}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def normalise_email(address: str) -> str:
    """One spelling per address, so one person has one subscription per area and one daily
    limit of confirmation mails: lower case throughout (RFC 5321 lets a local part be
    case-sensitive; no mail service we know of makes it so, and the limit must not be evaded by
    writing ``A@`` for ``a@``)."""
    return address.strip().lower()
