"""Reports on values: the action API. Each action: check_access → validate with its schema → act.
Reading is public (never who reported); reporting needs a signed-in user; flagging the reading
or answering is for the editors and admins of the organisation that owns the station dataset
(and sysadmins).

Flagging writes the agency's flag (measurements/flags.py) on the reading in the station's
measurement store (what the station's download and the DataStore API read) and in the
dashboard's summary (what ``pm25_measurements``, the pages and /pm25/measurements.csv read),
then closes the report; the flag the reading had (the upstream's) is kept on the report, and
put back in both places when the agency withdraws its flag. A reporter may remove their report
(PDPA): an open one goes, one the agency acted on stays without them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict
from flask import has_request_context, request

from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.measurements.flag_store import flag_in_store, unflag_in_store
from ckanext.pm25.measurements.flags import upstream_flag
from ckanext.pm25.measurements.links import parse_series_download_url
from ckanext.pm25.measurements.station_rows import PM25
from ckanext.pm25.participation import clients, report_notify, report_store
from ckanext.pm25.participation import report_rules as rules
from ckanext.pm25.participation import report_schemas as schemas
from ckanext.pm25.participation.letters import page_url
from ckanext.pm25.participation.request_actions import acts_for
from ckanext.pm25.participation.request_schemas import checked
from ckanext.pm25.participation.rules import THAI_TIME, thai_day
from ckanext.pm25.readings import hooks
from ckanext.pm25.readings import store as readings_store


def _user(context: Context) -> model.User | None:
    name = context.get("user")
    return model.User.get(name) if name else None


def _acting_user(context: Context) -> model.User:
    user = _user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Please sign in to report a value."))
    return user


def _found(conn: Any, report_id: str) -> Any:
    found = report_store.get(conn, report_id)
    if found is None:
        raise tk.ObjectNotFound(tk._("There is no such report."))
    return found


def _station(package_id: str) -> dict[str, str]:
    dataset = model.Package.get(package_id)
    if dataset is None:
        return {"id": package_id, "name": "", "title": ""}
    return {"id": str(dataset.id), "name": str(dataset.name), "title": str(dataset.title or dataset.name)}


def _may_act(user: model.User | None, package_id: str) -> bool:
    """An editor or admin of the station's organisation, or a sysadmin."""
    dataset = model.Package.get(package_id)
    if user is None or dataset is None:
        return False
    agency = dataset.owner_org
    return bool(user.sysadmin) or (agency is not None and acts_for(user.name, agency))


def _record(row: Any, user: model.User | None) -> dict[str, Any]:
    station = _station(row.package_id)
    return {
        "id": row.id, "station": station, "hour_utc": iso_utc(row.hour_utc), "reason": row.reason,
        "message": row.message, "status": row.status, "answer": row.answer,
        "created": row.created.isoformat(), "closed": row.closed.isoformat() if row.closed else None,
        "unflagged": row.unflagged.isoformat() if row.unflagged else None, "unflag_note": row.unflag_note,
        "author_removed": row.reporter_removed is not None,
        "url": page_url("th", f"/dataset/{station['name']}#pm25-value-reports"),
        "reported_by_you": user is not None and row.reporter_id is not None and row.reporter_id == user.id,
        "you_act_for_agency": _may_act(user, row.package_id),
    }


def _limited(user: model.User, now: datetime) -> None:
    day_start = datetime.combine(thai_day(now), time(0), tzinfo=THAI_TIME)
    with hooks.reading() as conn:
        done = report_store.reports_since(conn, user.id, day_start)
    over = done >= int(tk.config.get("ckanext.pm25.reports.max_per_user_per_day"))
    if not over and has_request_context():
        over = not clients.allow(request.remote_addr or "", now, counter="reports",
                                 limit_key="ckanext.pm25.reports.max_per_client_per_day")
    if over:
        raise tk.ValidationError({"limit": [tk._(
            "You have reported too many values today. Please try again tomorrow.")]})


@tk.side_effect_free
def pm25_value_report_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One report on a value, public.

    :param id: the report's id
    :returns: ``id``, ``station`` ({``id``, ``name``, ``title``}), ``hour_utc``, ``reason``
        (implausibly_high, implausibly_low, stuck_value, other), ``message``, ``status`` (open,
        flagged, answered, unflagged), ``answer`` (the agency's), ``created``, ``closed`` (flagged
        or answered), ``unflagged`` (the flag withdrawn) with ``unflag_note``,
        ``author_removed`` (its author removed the report: no ``message``), ``url`` and, for
        the caller, ``reported_by_you`` and ``you_act_for_agency``. Never who reported it.
    """
    tk.check_access("pm25_value_report_show", context, data_dict)
    data = checked(data_dict, schemas.show_schema(), context)
    with hooks.reading() as conn:
        row = _found(conn, data["id"])
    return _record(row, _user(context))


@tk.side_effect_free
def pm25_value_report_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Reports on values, newest first.

    :param station: a station dataset (name or id); :param status: open, flagged, answered or unflagged
    :param limit: 1 to 100 (default 20); :param offset: default 0
    :returns: {``count``, ``results``: reports as in ``pm25_value_report_show``}
    """
    tk.check_access("pm25_value_report_list", context, data_dict)
    data = checked(data_dict, schemas.list_schema(), context)
    user = _user(context)
    with hooks.reading() as conn:
        total, rows = report_store.search(conn, data.get("station"), data.get("status"), data["limit"],
                                          data["offset"])
    return {"count": total, "results": [_record(row, user) for row in rows]}


def pm25_value_report_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Report that a station's reading looks wrong (signed-in users).

    :param station: the station dataset (name or id)
    :param hour: the reading's hour, ISO 8601 (UTC unless an offset is given)
    :param reason: implausibly_high, implausibly_low, stuck_value or other
    :param message: what looks wrong (required with ``other``)
    :param language: th or en, for the mail when the agency acts (default: the page's)
    :returns: the report, as ``pm25_value_report_show``
    """
    tk.check_access("pm25_value_report_create", context, data_dict)
    data = checked(data_dict, schemas.create_schema(), context)
    if data["reason"] == rules.OTHER and not data["message"]:
        raise tk.ValidationError({"message": [tk._("Please say what looks wrong.")]})
    user = _acting_user(context)
    with hooks.reading() as conn:
        found = report_store.reading(conn, data["station"], data["hour"])
    if found is None or found.pm25 is None:
        raise tk.ValidationError({"hour": [tk._("This station has no value for that hour.")]})
    now = hooks.now()
    _limited(user, now)
    with hooks.writing() as conn:
        report_id = report_store.create(conn, data["station"], data["hour"], data["reason"], data["message"],
                                        user.id, data["language"], now)
    return pm25_value_report_show(context, {"id": report_id})


def _store_of(package_id: str) -> tuple[str, str] | None:
    """(store resource id, series id) of the station's measurement store link."""
    dataset = model.Package.get(package_id)
    for resource in dataset.resources if dataset is not None else []:
        found = parse_series_download_url(resource.url)
        if found is not None:
            return found
    return None


def _close(context: Context, data: dict[str, Any], status: str) -> dict[str, Any]:
    user = _acting_user(context)
    now = hooks.now()
    with hooks.reading() as conn:
        row = _found(conn, data["id"])
    if not rules.may_act(row.status):
        raise tk.ValidationError({"status": [tk._("This report is already closed.")]})
    before: list[str | None] = []
    if status == rules.FLAGGED:
        store = _store_of(row.package_id)
        if store is not None:  # the store first: a retry after a failure sets it again
            before = flag_in_store(store[0], store[1], PM25, row.hour_utc)
    with hooks.writing() as conn:
        kept = None
        if status == rules.FLAGGED:
            summary = report_store.reading(conn, row.package_id, row.hour_utc)
            # the upstream's flag: the store's, else the summary's (a retry finds the store
            # flagged already), else the one kept by a report flagged on this reading before
            kept = upstream_flag([*before, *([summary.quality_flag] if summary is not None else []),
                                  *report_store.kept_upstream_flags(conn, row.package_id, row.hour_utc)])
            readings_store.flag_reading(conn, row.package_id, row.hour_utc)
        if not report_store.close(conn, row.id, status, data.get("message") or "", user.id, now, kept):
            raise tk.ValidationError({"status": [tk._("Someone closed this report first. Please reload it.")]})
        closed = report_store.get(conn, row.id)
    report_notify.agency_acted(closed, _station(row.package_id))
    return pm25_value_report_show(context, {"id": row.id})


def pm25_value_report_flag(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Flag the reported reading as wrong (the station's agency's editors and admins): its
    quality flag becomes ``agency_flagged`` in the store, the API and every download; the
    report closes as ``flagged``.

    :param id: the report's id; :param message: (optional) a public note
    :returns: the report, as ``pm25_value_report_show``
    """
    tk.check_access("pm25_value_report_flag", context, data_dict)
    data = checked(data_dict, schemas.flag_schema(), context)
    return _close(context, data, rules.FLAGGED)


def pm25_value_report_answer(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Answer a report in public, leaving the reading as it is (the station's agency's editors
    and admins); the report closes as ``answered``.

    :param id: the report's id; :param message: the answer
    :returns: the report, as ``pm25_value_report_show``
    """
    tk.check_access("pm25_value_report_answer", context, data_dict)
    data = checked(data_dict, schemas.answer_schema(), context)
    return _close(context, data, rules.ANSWERED)


def pm25_value_report_unflag(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw the agency's flag on the reported reading (the station's agency's editors and
    admins): its quality flag is the upstream's again in the store, the API and every download,
    and the next harvest writes the upstream's values as for any other hour. Every report
    flagged on that reading becomes ``unflagged``, with the date in its public history.

    :param id: the report's id (a ``flagged`` one); :param message: (optional) a public note
    :returns: the report, as ``pm25_value_report_show``
    """
    tk.check_access("pm25_value_report_unflag", context, data_dict)
    data = checked(data_dict, schemas.unflag_schema(), context)
    user = _acting_user(context)
    with hooks.reading() as conn:
        row = _found(conn, data["id"])
    if not rules.may_unflag(row.status):
        raise tk.ValidationError({"status": [tk._("The agency has not flagged the value of this report.")]})
    store = _store_of(row.package_id)
    if store is not None:  # the store first, as when flagging: a retry puts it back again
        unflag_in_store(store[0], store[1], PM25, row.hour_utc, row.upstream_flag)
    with hooks.writing() as conn:
        readings_store.unflag_reading(conn, row.package_id, row.hour_utc, row.upstream_flag)
        if not report_store.unflag(conn, row.package_id, row.hour_utc, data.get("message") or "", user.id,
                                   hooks.now()):
            raise tk.ValidationError({"status": [tk._("Someone withdrew this flag first. Please reload it.")]})
    return pm25_value_report_show(context, {"id": row.id})


def pm25_value_report_delete(context: Context, data_dict: DataDict) -> None:
    """Remove your report (its reporter; Thailand's PDPA): an open report is deleted; one the
    agency flagged or answered stays public with what the agency did, without who reported it
    and without their text.

    :param id: the report's id
    """
    tk.check_access("pm25_value_report_delete", context, data_dict)
    data = checked(data_dict, schemas.delete_schema(), context)
    with hooks.writing() as conn:
        if not report_store.remove(conn, data["id"], hooks.now()):
            raise tk.ObjectNotFound(tk._("There is no such report."))


# auth functions


@tk.auth_allow_anonymous_access
def _public(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def _signed_in(context: Context, data_dict: DataDict) -> AuthResult:
    if _user(context) is None:
        return {"success": False, "msg": tk._("Please sign in to report a value.")}
    return {"success": True}


def _station_agency(context: Context, data_dict: DataDict) -> AuthResult:
    report_id = data_dict.get("id")
    row = None
    if isinstance(report_id, str):
        with hooks.reading() as conn:
            row = report_store.get(conn, report_id)
    if row is None or not _may_act(_user(context), row.package_id):
        return {"success": False, "msg": tk._("Only the editors of the agency that owns this station can do this.")}
    return {"success": True}


def _reporter(context: Context, data_dict: DataDict) -> AuthResult:
    """The reader who made the report (sysadmins pass CKAN's checks anyway)."""
    user, report_id = _user(context), data_dict.get("id")
    row = None
    if user is not None and isinstance(report_id, str):
        with hooks.reading() as conn:
            row = report_store.get(conn, report_id)
    if user is None or row is None or row.reporter_id != user.id:
        return {"success": False, "msg": tk._("Only the reader who made this report can remove it.")}
    return {"success": True}


ACTIONS: dict[str, Callable[..., Any]] = {
    "pm25_value_report_create": pm25_value_report_create,
    "pm25_value_report_show": pm25_value_report_show,
    "pm25_value_report_list": pm25_value_report_list,
    "pm25_value_report_flag": pm25_value_report_flag,
    "pm25_value_report_answer": pm25_value_report_answer,
    "pm25_value_report_unflag": pm25_value_report_unflag,
    "pm25_value_report_delete": pm25_value_report_delete,
}
AUTH: dict[str, Callable[..., Any]] = {
    "pm25_value_report_create": _signed_in,
    "pm25_value_report_show": _public,
    "pm25_value_report_list": _public,
    "pm25_value_report_flag": _station_agency,
    "pm25_value_report_answer": _station_agency,
    "pm25_value_report_unflag": _station_agency,
    "pm25_value_report_delete": _reporter,
}
