"""The schemas of reports on values, made of the data requests' field checks
(participation/request_schemas.py): the same messages for the form and the action API."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import PeriodError, parse_instant
from ckanext.pm25.participation import report_rules as rules
from ckanext.pm25.participation.request_schemas import (MAX_PAGE, count, language, one_of, optional_text,
                                                        required_text, schema_of)

MAX_MESSAGE = 2000


def station_id(value: Any) -> str:
    """A public, active station dataset's id, from its name or id."""
    dataset = model.Package.get(str(value).strip()) if isinstance(value, str) and value.strip() else None
    if dataset is None or dataset.state != "active" or dataset.private or not dataset.extras.get("station_id"):
        raise tk.Invalid(tk._("There is no such station."))
    return str(dataset.id)


def optional_station_id(value: Any) -> str | None:
    return None if value is None else station_id(value)


def hour(value: Any) -> datetime:
    try:
        moment = parse_instant(value) if value is not None else None
    except PeriodError:
        moment = None
    if moment is None:
        raise tk.Invalid(tk._("Please give the reading's hour as an ISO 8601 date and time."))
    return moment


def reason(value: Any) -> str:
    if value not in rules.REASONS:
        raise tk.Invalid(tk._("Please choose why the value looks wrong."))
    return str(value)


def report_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise tk.Invalid(tk._("Please give the report's id."))
    return value.strip()


def create_schema() -> dict[str, list[Any]]:
    return schema_of(station=station_id, hour=hour, reason=reason, message=optional_text(MAX_MESSAGE),
                     language=language)


def show_schema() -> dict[str, list[Any]]:
    return schema_of(id=report_id)


def list_schema() -> dict[str, list[Any]]:
    return schema_of(station=optional_station_id,
                     status=one_of(rules.STATUSES, N_("Please choose a status from the list.")),
                     limit=count(1, MAX_PAGE, 20), offset=count(0, 1_000_000, 0))


def flag_schema() -> dict[str, list[Any]]:
    return schema_of(id=report_id, message=optional_text(MAX_MESSAGE))


def answer_schema() -> dict[str, list[Any]]:
    return schema_of(id=report_id, message=required_text(N_("Please write your answer.")))


def unflag_schema() -> dict[str, list[Any]]:
    return schema_of(id=report_id, message=optional_text(MAX_MESSAGE))


def delete_schema() -> dict[str, list[Any]]:
    return schema_of(id=report_id)
