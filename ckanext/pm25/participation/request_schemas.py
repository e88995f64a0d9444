"""The data requests' schemas: each field checked by one function that returns its clean value
or refuses it with a message in the request's language; the same schemas for the forms and the
action API."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.text import has_unwritable
from ckanext.pm25.geo.provinces import by_code
from ckanext.pm25.participation import request_rules as rules
from ckanext.pm25.participation.email_addresses import email_address

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_DISTRICTS = 500
MAX_DATASETS = 20
MAX_PAGE = 100
EARLIEST = date(1970, 1, 1)
LANGUAGES = ("th", "en")
ORDERS = ("newest", "oldest", "supported")

Check = Callable[[Any], Any]
N_STATUS = N_("Please choose a status from the list.")
N_ORDER = N_("Please choose newest, oldest or supported.")


def _absent(value: Any) -> bool:
    return value is None or value is tk.missing or (isinstance(value, str) and not value.strip())


def _field(check: Check) -> Callable[..., None]:
    """A navl validator from a check of one value (None when absent)."""
    def validator(key: Any, data: dict[Any, Any], errors: dict[Any, list[str]], context: Context) -> None:
        value = data.get(key)
        try:
            data[key] = check(None if _absent(value) else value)
        except tk.Invalid as error:
            errors[key].append(str(error.error))
            raise tk.StopOnError from None
    return validator


def _text(value: Any, limit: int, required: str | None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise tk.Invalid(tk._("Please write this as text."))
    if not text and required:
        raise tk.Invalid(required)
    if len(text) > limit:
        raise tk.Invalid(tk._("Please keep this under {count} characters.").format(count=limit))
    if has_unwritable(text):
        raise tk.Invalid(tk._("This text holds characters that cannot be stored."))
    return text


def title(value: Any) -> str:
    return _text(value, MAX_TITLE, tk._("Please say in a few words what data you ask for."))


def description(value: Any) -> str:
    return _text(value, MAX_TEXT, tk._("Please describe the data you ask for."))


def optional_text(limit: int) -> Check:
    return lambda value: _text(value, limit, None)


def required_text(message: str) -> Check:
    return lambda value: _text(value, MAX_TEXT, tk._(message))


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def province_codes(value: Any) -> list[str]:
    codes: list[str] = []
    for item in _listed(value):
        province = by_code(item)
        if province is None:
            raise tk.Invalid(tk._("Please choose provinces from the list."))
        if province.code not in codes:
            codes.append(province.code)
    if not codes:
        raise tk.Invalid(tk._("Please choose at least one province."))
    return codes


def a_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        day = date.fromisoformat(str(value).strip()) if value is not None else None
    except ValueError:
        day = None
    if day is None:
        raise tk.Invalid(tk._("Please give a date as YYYY-MM-DD (Gregorian calendar)."))
    if day < EARLIEST:
        raise tk.Invalid(tk._("Please give a date from 1970 on."))
    return day


def organization_id(value: Any) -> str | None:
    """An organization's id from its name or id; None when none is given."""
    if value is None:
        return None
    group = model.Group.get(str(value).strip())
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("There is no such agency."))
    return str(group.id)


def required_organization_id(value: Any) -> str:
    found = organization_id(value)
    if found is None:
        raise tk.Invalid(tk._("Please choose an agency."))
    return found


def language(value: Any) -> str:
    if value is None:
        return "en" if tk.h.lang() == "en" else "th"
    if value not in LANGUAGES:
        raise tk.Invalid(tk._("Please choose Thai or English."))
    return str(value)


def dataset_ids(value: Any) -> list[str]:
    """Public, active datasets, by name or id: what the public page links to."""
    ids: list[str] = []
    for item in _listed(value):
        dataset = model.Package.get(item.rstrip("/").rsplit("/", 1)[-1])  # a name, an id or the dataset's link
        if dataset is None or dataset.state != "active" or dataset.private:
            raise tk.Invalid(tk._("There is no public dataset {name}.").format(name=item[:100]))
        if dataset.id not in ids:
            ids.append(str(dataset.id))
    if not ids:
        raise tk.Invalid(tk._("Please link at least one dataset that holds the data."))
    if len(ids) > MAX_DATASETS:
        raise tk.Invalid(tk._("Please link at most {count} datasets.").format(count=MAX_DATASETS))
    return ids


def decline_reason(value: Any) -> str:
    if value not in rules.DECLINE_REASONS:
        raise tk.Invalid(tk._("Please choose why the data cannot be given."))
    return str(value)


def one_of(choices: tuple[str, ...], message: str) -> Check:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if value not in choices:
            raise tk.Invalid(tk._(message))
        return str(value)
    return check


def count(low: int, high: int, default: int) -> Check:
    def check(value: Any) -> int:
        if value is None:
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise tk.Invalid(tk._("Please give a whole number from {low} to {high}.").format(low=low, high=high))
        return number
    return check


def request_id(value: Any) -> str:
    if value is None or not isinstance(value, str):
        raise tk.Invalid(tk._("Please give the request's id."))
    return value.strip()


def optional_email(value: Any) -> str | None:
    """A requester's address without an account: checked and spelled as the alerts' are."""
    return None if value is None else email_address(value)


def token(value: Any) -> str | None:
    """A link's token: text of a sane length, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise tk.Invalid(tk._("This link is wrong or has expired."))
    return value.strip()


def required_token(value: Any) -> str:
    found = token(value)
    if not found:
        raise tk.Invalid(tk._("This link is wrong or has expired."))
    return found


def schema_of(**checks: Check) -> dict[str, list[Any]]:
    return {name: [_field(check)] for name, check in checks.items()}


def create_schema(by_email: bool = False) -> dict[str, list[Any]]:
    """``by_email``: the caller is not signed in, so an address is required."""
    return schema_of(title=title, description=description, provinces=province_codes,
                   districts=optional_text(MAX_DISTRICTS), period_start=a_date, period_end=a_date,
                   agency=organization_id, language=language, email=email_address if by_email else optional_email)


def show_schema() -> dict[str, list[Any]]:
    return schema_of(id=request_id, token=token)


def confirm_schema() -> dict[str, list[Any]]:
    return schema_of(token=required_token)


def support_schema() -> dict[str, list[Any]]:
    return schema_of(id=request_id, language=language)


def figures_schema() -> dict[str, list[Any]]:
    return schema_of(agency=organization_id)


def list_schema() -> dict[str, list[Any]]:
    return schema_of(status=one_of(rules.STATUSES, N_STATUS), agency=organization_id,
                   province=lambda value: None if value is None else province_codes(value)[0],
                   q=optional_text(MAX_TITLE), order=one_of(ORDERS, N_ORDER),
                   limit=count(1, MAX_PAGE, 20), offset=count(0, 1_000_000, 0))


def step_schema(kind: str) -> dict[str, list[Any]]:
    """The fields of one step: every step has the request's id and a message."""
    checks: dict[str, Check] = {"id": request_id}
    if kind == "reply":
        checks["token"] = token
    if kind in ("question", "reply"):
        checks["message"] = required_text(N_("Please write your message."))
    elif kind == "declined":
        checks["message"] = required_text(N_("Please explain the refusal."))
        checks["reason"] = decline_reason
        checks["oia_section"] = optional_text(20)
    else:
        checks["message"] = optional_text(MAX_TEXT)
    if kind in ("routed", "transferred"):
        checks["agency"] = required_organization_id
    if kind == "answered":
        checks["datasets"] = dataset_ids
    return schema_of(**checks)


def checked(data_dict: dict[str, Any], schema: dict[str, list[Any]], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), schema, context)
    errors = {key: value for key, value in errors.items() if value}
    if errors:
        raise tk.ValidationError(errors)
    return data


def period_in_order(data: dict[str, Any], today: date) -> None:
    if data["period_start"] > data["period_end"]:
        raise tk.ValidationError({"period_end": [tk._("The period must end on or after its first day.")]})
    if data["period_start"] > today:
        raise tk.ValidationError({"period_start": [tk._("The period must begin by today.")]})


def oia_section_of(data: dict[str, Any]) -> str | None:
    """The OIA section a withholding names (required then), None for "not held"."""
    if data["reason"] != rules.WITHHELD:
        return None
    section = rules.oia_section(data.get("oia_section") or "")
    if section is None:
        raise tk.ValidationError({"oia_section": [tk._(
            "Please give the section of the Official Information Act the data is withheld under: 14, or 15 "
            "with its paragraph from (1) to (7), for example 15(1).")]})
    return section
