"""An e-mail address as a subscriber or a requester types it: checked, with a clear refusal in the
caller's language, and normalised (rules.normalise_email). A module of its own because both the
alerts' and the data requests' schemas use it and the alerts' schemas build on the requests'."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.participation import rules

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
# one @, no spaces or angle brackets, a dot in the domain: what a mail relay would take, no more
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+$")


def email_address(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise tk.Invalid(tk._("Please enter your e-mail address."))
    if len(text) > MAX_EMAIL_LENGTH or not _EMAIL.match(text) or text.endswith("."):
        raise tk.Invalid(tk._("This is not an e-mail address. Please check it (for example name@example.com)."))
    return rules.normalise_email(text)
