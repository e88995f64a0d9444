"""The data requests' pages (Thai at /, English at /en/): the public list with its filters and
CSV (/pm25/requests, /pm25/requests.csv), a request with its timeline and the forms of the steps
the reader may take (/pm25/requests/<id>), the new-request form (/pm25/requests/new: signed in,
or with an e-mail address), the confirmation of a request made by e-mail
(/pm25/requests/confirm: a page whose button posts, so a mail scanner's GET confirms nothing),
its requester's private page (/pm25/requests/<id>/private?token=…: never cached, no referrer)
and an agency's queue (/pm25/requests/queue/<agency>). Every form goes through the actions (and
their schemas); a refused one is shown again with its messages and nothing stored."""
from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context
from flask import Blueprint, Response, make_response, request

from ckanext.pm25.common.messages import N_
from ckanext.pm25.geo.provinces import all_provinces
from ckanext.pm25.participation import request_actions, request_store
from ckanext.pm25.participation.sending import pending_for
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
                "created", "closed", "supporters", "days_counted", "overdue", "url")


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
                         row["period_end"], row["created"], row["closed"] or "", row["supporters"],
                         "" if row["days_counted"] is None else row["days_counted"], "yes" if row["overdue"] else "",
                         row["url"]])
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
        "data": data, "errors": errors, "provinces": all_provinces(), "agencies": _agencies(),
        "by_email": not tk.current_user.is_authenticated}), status


def _message(title: str, text: str, status: int = 200, **extra: Any) -> Any:
    return tk.render("pm25/requests/message.html", {"title": title, "text": text, **extra}), status


def new() -> Any:
    if request.method == "GET":
        return _new_form({"language": "en" if tk.h.lang() == "en" else "th"}, {})
    fields = ("title", "description", "districts", "period_start", "period_end", "agency", "language", "email")
    data: dict[str, Any] = {key: request.form.get(key, "") for key in fields}
    data["provinces"] = request.form.getlist("provinces")
    try:
        made = tk.get_action("pm25_data_request_create")(_context(), {
            key: value for key, value in data.items() if value not in ("", [])})
    except tk.ValidationError as error:
        return _new_form(data, error.error_dict, 400)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    if made.get("held"):
        return _message(tk._("Check your inbox"), tk._(
            "We sent a link to the address you gave. Your request is sent to the agency and made public once you "
            "open it; it is valid for {hours} hours. Until then no one sees it.").format(hours=made["confirm_hours"]))
    return tk.redirect_to(tk.h.url_for("pm25_requests.read", request_id=made["id"]))


def confirm_page() -> Any:
    return _message(tk._("Confirm your data request"), tk._("Press the button to send your data request."),
                    action=tk.h.url_for("pm25_requests.confirm"), token=request.args.get("token", ""),
                    button=tk._("Send my request"))


def confirm() -> Any:
    token = request.form.get("token") or ""
    try:
        made = tk.get_action("pm25_data_request_confirm")(_context(), {"token": token})
    except (tk.ObjectNotFound, tk.ValidationError):
        return _message(tk._("This link does not work"), tk._(
            "The link is wrong or has expired (a confirmation link is valid for {hours} hours). You can ask "
            "again.").format(hours=int(pending_for().total_seconds() // 3600)), 404,
            links=[(tk._("New data request"), tk.h.url_for("pm25_requests.new"))])
    return _message(tk._("Your data request is public"), tk._(
        "The agency is told. We sent you a private link to follow your request, reply to the agency and delete "
        "it: keep that e-mail."), links=[(tk._("Your request's public page"),
                                           tk.h.url_for("pm25_requests.read", request_id=made["id"]))])


def private(request_id: str) -> Any:
    """The requester's own page through their private link: its forms carry the token."""
    return _kept_private(_page(request_id, private_token=request.args.get("token", "")))


def _kept_private(page: tuple[str, int]) -> Response:
    """A page with the private link's token in it: kept by no cache, its links sent without a
    referrer (the token must not leave in a Referer header)."""
    response = make_response(*page)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(request_id: str, errors: dict[str, Any] | None = None, form: str | None = None,
          data: dict[str, Any] | None = None, status: int = 200, private_token: str = "") -> Any:
    try:
        found = tk.get_action("pm25_data_request_show")(_context(), {"id": request_id, "token": private_token or None})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such data request."))
    if private_token and not found["requested_by_you"]:
        return tk.abort(404, tk._("This link is wrong or has expired."))
    return tk.render("pm25/requests/read.html", {
        "req": found, "errors": errors or {}, "form": form, "data": data or {}, "agencies": _agencies(),
        "private_token": private_token, "target_days": request_actions.target_days(),
        "may_route": tk.current_user.is_authenticated and bool(getattr(tk.current_user, "sysadmin", False)),
        "signed_in": tk.current_user.is_authenticated}), status


def read(request_id: str) -> Any:
    return _page(request_id)


def step(request_id: str, form: str) -> Any:
    if form not in _STEP_FORMS and form not in _OWN_FORMS:
        return tk.abort(404)
    data = {key: request.form.get(key, "") for key in ("message", "agency", "datasets", "reason", "oia_section")}
    token = request.form.get("token", "")
    sent = {key: value for key, value in data.items() if value}
    if form in _OWN_FORMS:
        sent = {"language": "en" if tk.h.lang() == "en" else "th"} if form == "support" else {}
    else:
        sent["message"] = data["message"]
    if token and form in ("reply", "delete"):
        sent["token"] = token
    try:
        tk.get_action(f"pm25_data_request_{form}")(_context(), {**sent, "id": request_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("There is no such data request."))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        if token:
            return private_again(request_id, error.error_dict, form, data, token)
        return _page(request_id, error.error_dict, form, data, 400)
    if form == "delete":
        return tk.redirect_to(tk.h.url_for("pm25_requests.index"))
    if token:
        return tk.redirect_to(tk.h.url_for("pm25_requests.private", request_id=request_id, token=token))
    return tk.redirect_to(tk.h.url_for("pm25_requests.read", request_id=request_id))


def private_again(request_id: str, errors: dict[str, Any], form: str, data: dict[str, Any], token: str) -> Any:
    """The private page with a refused form's messages."""
    return _kept_private(_page(request_id, errors, form, data, 400, private_token=token))


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
        results = request_actions.timed_records(conn, rows)
    return tk.render("pm25/requests/queue.html", {"agency": group, "order": order, "count": total, "results": results})


blueprint.add_url_rule("/pm25/requests", view_func=index, endpoint="index")
blueprint.add_url_rule("/pm25/requests.csv", view_func=as_csv, endpoint="csv")
blueprint.add_url_rule("/pm25/requests/new", view_func=new, endpoint="new", methods=["GET", "POST"])
blueprint.add_url_rule("/pm25/requests/queue/<agency>", view_func=queue, endpoint="queue")
blueprint.add_url_rule("/pm25/requests/confirm", view_func=confirm_page, endpoint="confirm_page", methods=["GET"])
blueprint.add_url_rule("/pm25/requests/confirm", view_func=confirm, endpoint="confirm", methods=["POST"])
blueprint.add_url_rule("/pm25/requests/<request_id>/private", view_func=private, endpoint="private",
                       methods=["GET"])
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
