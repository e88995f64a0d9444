"""The subscription form's schema: each refusal a message in the request's language."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo.provinces import by_code
from ckanext.pm25.participation import rules
from ckanext.pm25.participation.subscriptions import Request

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


def area_code(value: Any) -> str:
    province = by_code(value) if isinstance(value, str) and value.strip() else None
    if province is None:
        raise tk.Invalid(tk._("Please choose a province."))
    return province.code


def threshold(value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return rules.DEFAULT_THRESHOLD
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    if not rules.MIN_THRESHOLD <= number <= rules.MAX_THRESHOLD:  # NaN and infinities fail too
        raise tk.Invalid(tk._("The threshold must be a number of µg/m³ from {low} to {high}.").format(
            low=f"{rules.MIN_THRESHOLD:g}", high=f"{rules.MAX_THRESHOLD:g}"))
    return round(number, 1)


def language(value: Any, default: str) -> str:
    if value is None or value == "":
        return default
    if value not in rules.LANGUAGES:
        raise tk.Invalid(tk._("Please choose Thai or English."))
    return str(value)


def subscription_request(form: dict[str, Any], page_language: str) -> Request:
    """The form's fields as a Request; ValidationError naming each refused field."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    checks = {"email": email_address, "province": area_code, "threshold": threshold,
              "language": lambda value: language(value, page_language if page_language in rules.LANGUAGES else "th")}
    for field, check in checks.items():
        try:
            values[field] = check(form.get(field))
        except tk.Invalid as error:
            errors[field] = [str(error.error)]
    if errors:
        raise tk.ValidationError(errors)
    return Request(values["email"], values["province"], values["threshold"], values["language"])
