"""The data requests' pages (Thai at /, English at /en/): the public list with its filters and
CSV (/pm25/requests, /pm25/requests.csv), a request with its timeline and the forms of the steps
the reader may take (/pm25/requests/<id>), the new-request form (/pm25/requests/new) and an
agency's queue (/pm25/requests/queue/<agency>). Every form goes through the actions (and their
schemas); a refused one is shown again with its messages and nothing stored."""
from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context
from flask import Blueprint, Response, request

from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo.provinces import all_provinces
from ckanext.pm25.participation import request_actions, request_records, request_store
from ckanext.pm25.participation import request_rules as rules
from ckanext.pm25.readings import hooks

blueprint = Blueprint("pm25_requests", __name__)
PAGE_SIZE = 20
CSV_PAGE = 100
_LIST_FILTERS = ("status", "agency", "province", "q")
_OWN_FORMS = ("support", "unsupport", "delete")  # a reader's own: no fields
_STEP_FORMS = {"route": "routed", "transfer": "transferred", "ask": "question", "reply": "reply",
               "answer": "answered", "decline": "declined"}


def _context() -> Context:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _filters() -> dict[str, str]:
    return {key: request.args[key] for key in _LIST_FILTERS if request.args.get(key)}


def _agencies() -> list[model.Group]:
    return list(model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").order_by(model.Group.title))


def index() -> Any:
    filters = _filters()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    errors: dict[str, Any] = {}
    try:
        found = tk.get_action("pm25_data_request_list")(_context(), {
            **filters, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    except tk.ValidationError as error:
        errors, found = error.error_dict, {"count": 0, "results": []}
    figures = tk.get_action("pm25_data_request_agency_figures")(_context(), {})
    return tk.render("pm25/requests/index.html", {
        "found": found, "filters": filters, "errors": errors, "page": page, "page_size": PAGE_SIZE,
        "statuses": rules.STATUSES, "provinces": all_provinces(), "agencies": _agencies(),
        "figures": figures}), 400 if errors else 200


_CSV_COLUMNS = ("id", "title", "status", "agency", "provinces", "districts", "period_start", "period_end",
                "created", "closed", "supporters", "url")


def as_csv() -> Any:
    filters = _filters()
    try:
        rows = _all_rows(filters)
    except tk.ValidationError as error:
        messages = [str(message) for field, found in error.error_dict.items() if field != "__type"
                    for message in (found if isinstance(found, list) else [found])]
        return tk.abort(400, "; ".join(messages))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        writer.writerow([row["id"], row["title"], row["status"], (row["agency"] or {}).get("name", ""),
                         " ".join(item["code"] for item in row["provinces"]), row["districts"], row["period_start"],
                         row["period_end"], row["created"], row["closed"] or "", row["supporters"], row["url"]])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=pm25-data-requests.csv"})


def _all_rows(filters: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        found = tk.get_action("pm25_data_request_list")(_context(), {
            **filters, "order": "oldest", "limit": CSV_PAGE, "offset": len(rows)})
        rows += found["results"]
        if not found["results"] or len(rows) >= found["count"]:
            return rows


def _new_form(data: dict[str, Any], errors: dict[str, Any], status: int = 200) -> Any:
    return tk.render("pm25/requests/new.html", {
        "data": data, "errors": errors, "provinces": all_provinces(), "agencies": _agencies()}), status


def new() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.h.url_for("user.login", came_from=tk.h.url_for("pm25_requests.new")))
    if request.method == "GET":
        return _new_form({"language": "en" if tk.h.lang() == "en" else "th"}, {})
    data: dict[str, Any] = {key: request.form.get(key, "") for key in
                            ("title", "description", "districts", "period_start", "period_end", "agency", "language")}
    data["provinces"] = request.form.getlist("provinces")
    try:
        made = tk.get_action("pm25_data_request_create")(_context(), {
            key: value for key, value in data.items() if value not in ("", [])})
    except tk.ValidationError as error:
        return _new_form(data, error.error_dict, 400)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    return tk.redirect_to(tk.h.url_for("pm25_requests.read", request_id=made["id"]))


def _page(request_id: str, errors: dict[str, Any] | None = None, form: str | None = None,
          data: dict[str, Any] | None = None, status: int = 200) -> Any:
    try:
        found = tk.get_action("pm25_data_request_show")(_context(), {"id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such data request."))
    return tk.render("pm25/requests/read.html", {
        "req": found, "errors": errors or {}, "form": form, "data": data or {}, "agencies": _agencies(),
        "may_route": tk.current_user.is_authenticated and bool(getattr(tk.current_user, "sysadmin", False)),
        "signed_in": tk.current_user.is_authenticated}), status


def read(request_id: str) -> Any:
    return _page(request_id)


def step(request_id: str, form: str) -> Any:
    if form not in _STEP_FORMS and form not in _OWN_FORMS:
        return tk.abort(404)
    data = {key: request.form.get(key, "") for key in ("message", "agency", "datasets", "reason", "oia_section")}
    sent = {key: value for key, value in data.items() if value}
    if form in _OWN_FORMS:
        sent = {"language": "en" if tk.h.lang() == "en" else "th"} if form == "support" else {}
    else:
        sent["message"] = data["message"]
    try:
        tk.get_action(f"pm25_data_request_{form}")(_context(), {**sent, "id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such data request."))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        return _page(request_id, error.error_dict, form, data, 400)
    if form == "delete":
        return tk.redirect_to(tk.h.url_for("pm25_requests.index"))
    return tk.redirect_to(tk.h.url_for("pm25_requests.read", request_id=request_id))


def queue(agency: str) -> Any:
    group = model.Group.get(agency)
    if group is None or not group.is_organization:
        return tk.abort(404, tk._("There is no such agency."))
    user = _context()["user"]
    if not user or not request_actions.acts_for(user, str(group.id)):
        return tk.abort(403, tk._("Only the editors of this agency see its queue."))
    order = "supported" if request.args.get("order") == "supported" else "oldest"
    with hooks.reading() as conn:
        total, rows = request_store.search(conn, request_store.Filters(
            agency_id=str(group.id), waiting_only=True, order=order, limit=200))
    return tk.render("pm25/requests/queue.html", {
        "agency": group, "order": order, "count": total, "results": [request_records.summary(row) for row in rows]})


blueprint.add_url_rule("/pm25/requests", view_func=index, endpoint="index")
blueprint.add_url_rule("/pm25/requests.csv", view_func=as_csv, endpoint="csv")
blueprint.add_url_rule("/pm25/requests/new", view_func=new, endpoint="new", methods=["GET", "POST"])
blueprint.add_url_rule("/pm25/requests/queue/<agency>", view_func=queue, endpoint="queue")
blueprint.add_url_rule("/pm25/requests/<request_id>", view_func=read, endpoint="read")
blueprint.add_url_rule("/pm25/requests/<request_id>/<form>", view_func=step, endpoint="step", methods=["POST"])


def pm25_request_status_label(status: str) -> str:
    return tk._(rules.STATUS_LABELS.get(status, status))


def pm25_request_step_label(kind: str) -> str:
    return tk._(rules.STEP_LABELS.get(kind, kind))


def pm25_request_decline_label(reason: str) -> str:
    return tk._(DECLINE_LABELS.get(reason, reason))


DECLINE_LABELS = {rules.NOT_HELD: N_("The agency does not hold this data"),
                  rules.WITHHELD: N_("Withheld under the Official Information Act")}

HELPERS = {"pm25_request_status_label": pm25_request_status_label,
           "pm25_request_step_label": pm25_request_step_label,
           "pm25_request_decline_label": pm25_request_decline_label}
