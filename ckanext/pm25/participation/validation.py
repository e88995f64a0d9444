"""The alerts' schemas, for the action API and so for the form: each refusal a message in the
request's language. A subscription's area is checked in two steps: the schema checks each field
alone, then :func:`area` finds the province or modelled district they name (a database read)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import has_request_context
from sqlalchemy.engine import Connection

from ckanext.pm25.geo.provinces import Province, find_province
from ckanext.pm25.participation import areas, letters, rules
from ckanext.pm25.participation.email_addresses import email_address
from ckanext.pm25.participation.request_schemas import optional_text, schema_of

MAX_NAME_LENGTH = 200  # a district's name or code as typed
MAX_TOKEN_LENGTH = 200  # tokens are 43 characters; anything much longer is not one


def page_language() -> str:
    """The language the caller reads: the page's or the API call's (/en/… for English)."""
    return "en" if has_request_context() and tk.h.lang() == "en" else "th"


def _name(province: Province) -> str:
    return letters.province_name(province, page_language())


def province(value: Any) -> Province | None:
    """A province by code, DOPA number or name; None when not given."""
    if value is None:
        return None
    found = find_province(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if found is None:
        raise tk.Invalid(tk._("Please choose a province."))
    return found


def threshold(value: Any) -> float:
    if value is None:
        return rules.DEFAULT_THRESHOLD
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    if isinstance(value, bool) or not rules.MIN_THRESHOLD <= number <= rules.MAX_THRESHOLD:  # NaN, infinities
        raise tk.Invalid(tk._("The threshold must be a number of µg/m³ from {low} to {high}.").format(
            low=f"{rules.MIN_THRESHOLD:g}", high=f"{rules.MAX_THRESHOLD:g}"))
    return round(number, 1)


def language(value: Any) -> str:
    """Th or en; the page's (or the API call's) language when not given."""
    if value is None:
        return page_language()
    if value not in rules.LANGUAGES:
        raise tk.Invalid(tk._("Please choose Thai or English."))
    return str(value)


def token(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TOKEN_LENGTH:
        raise tk.Invalid(tk._("Please give the token from the link in your e-mail."))
    return value.strip()


def subscribe_schema() -> dict[str, list[Any]]:
    return schema_of(email=email_address, province=province, district=optional_text(MAX_NAME_LENGTH),
                     threshold=threshold, language=language)


def token_schema() -> dict[str, list[Any]]:
    return schema_of(token=token)


def area(conn: Connection, data: dict[str, Any]) -> areas.Area:
    """The province, or the modelled district (by code or name, within the province when one is
    given), that the checked ``data`` names; ValidationError when none or several."""
    within: Province | None = data.get("province")
    named = data.get("district") or ""
    if not named:
        if within is None:
            raise tk.ValidationError({"province": [tk._("Please choose a province.")]})
        return areas.Area(within)
    found = areas.find_districts(conn, named, within)
    if not found and within is not None:
        raise tk.ValidationError({"district": [tk._(
            "{province} has no district called {name} with a model estimate. Please choose one from the list.")
            .format(province=_name(within), name=named)]})
    if not found:
        raise tk.ValidationError({"district": [tk._(
            "No district called {name} has a model estimate. Please check the name or give its code.")
            .format(name=named)]})
    if len(found) > 1:
        raise tk.ValidationError({"district": [tk._(
            "Several districts are called {name} ({choices}): please give the province too.").format(
            name=named, choices=", ".join(f"{item.code} {_name(item.province)}" for item in found))]})
    return found[0]
