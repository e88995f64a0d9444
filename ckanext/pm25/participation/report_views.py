"""Reports on values on a station's page (templates/pm25/snippets/value_reports.html): the
"this value looks wrong" form for signed-in readers, the reports with their public status, and
the flag and answer forms for the station's agency. Each form posts here, goes through the
actions (and their schemas) and comes back to the station's page with a message; a refused one
says why and stores nothing."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint, request

from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.participation import report_store
from ckanext.pm25.participation import report_rules as rules
from ckanext.pm25.readings import hooks

blueprint = Blueprint("pm25_value_reports", __name__)
HOURS_OFFERED = 48
_AGENCY_FORMS = ("flag", "answer", "unflag")


def _context() -> Context:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _back(station: str) -> Any:
    return tk.redirect_to(tk.h.url_for("dataset.read", id=station) + "#pm25-value-reports")


def _refused(error: tk.ValidationError) -> None:
    for field, messages in error.error_dict.items():
        if field != "__type":
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(str(message))


def create(station: str) -> Any:
    data = {key: request.form.get(key, "") for key in ("hour", "reason", "message")}
    try:
        tk.get_action("pm25_value_report_create")(_context(), {
            **data, "station": station, "language": "en" if tk.h.lang() == "en" else "th"})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        _refused(error)
        return _back(station)
    tk.h.flash_success(tk._("Thank you: your report is public below, and the agency will see it."))
    return _back(station)


def act(report_id: str, form: str) -> Any:
    if form not in _AGENCY_FORMS:
        return tk.abort(404)
    try:
        found = tk.get_action("pm25_value_report_show")(_context(), {"id": report_id})
        tk.get_action(f"pm25_value_report_{form}")(_context(), {
            "id": report_id, "message": request.form.get("message", "")})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such report."))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        _refused(error)
        return _back(found["station"]["name"])
    return _back(found["station"]["name"])


def remove(report_id: str) -> Any:
    try:
        found = tk.get_action("pm25_value_report_show")(_context(), {"id": report_id})
        tk.get_action("pm25_value_report_delete")(_context(), {"id": report_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such report."))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    tk.h.flash_success(tk._("Your report was removed: who made it and what you wrote are no longer kept."))
    return _back(found["station"]["name"])


blueprint.add_url_rule("/dataset/<station>/value-reports", view_func=create, endpoint="create", methods=["POST"])
blueprint.add_url_rule("/pm25/value-reports/<report_id>/remove", view_func=remove, endpoint="remove",
                       methods=["POST"])
blueprint.add_url_rule("/pm25/value-reports/<report_id>/<form>", view_func=act, endpoint="act", methods=["POST"])


def pm25_value_reports(package: dict[str, Any]) -> dict[str, Any]:
    """The station's reports and the readings a reader may report (its latest values first)."""
    found = tk.get_action("pm25_value_report_list")(_context(), {"station": package["id"], "limit": 50})
    with hooks.reading() as conn:
        latest = report_store.latest_readings(conn, package["id"], HOURS_OFFERED)
    offered = [{"hour_utc": iso_utc(row.hour_utc), "pm25": row.pm25} for row in latest]
    return {"reports": found["results"], "count": found["count"], "hours": offered,
            "signed_in": tk.current_user.is_authenticated}


def pm25_value_report_reason_label(reason: str) -> str:
    return tk._(rules.REASON_LABELS.get(reason, reason))


def pm25_value_report_status_label(status: str) -> str:
    return tk._(rules.STATUS_LABELS.get(status, status))


def pm25_value_report_reasons() -> tuple[str, ...]:
    return rules.REASONS


HELPERS = {"pm25_value_reports": pm25_value_reports,
           "pm25_value_report_reason_label": pm25_value_report_reason_label,
           "pm25_value_report_status_label": pm25_value_report_status_label,
           "pm25_value_report_reasons": pm25_value_report_reasons}
