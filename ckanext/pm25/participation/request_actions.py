"""The data requests' action API. Each action: check_access → validate with its schema → act.
Reading is public; making a request needs a signed-in user or an e-mail address (the request is
then held until the address is confirmed); supporting one needs a signed-in user; an agency's
steps need an editor or admin of the agency that holds the request; routing one no agency holds
yet is for sysadmins; replying to an agency's question and deleting are for the requester (a
signed-in user, or the token of the private link mailed to a requester without an account)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthResult, Context, DataDict
from flask import has_request_context, request

from ckanext.pm25.common.messages import N_
from ckanext.pm25.participation import clients, request_contacts, request_notify, request_records, request_store
from ckanext.pm25.participation import request_rules as rules
from ckanext.pm25.participation import request_schemas as schemas
from ckanext.pm25.participation.rules import THAI_TIME, thai_day
from ckanext.pm25.participation.sending import pending_for, site_secret
from ckanext.pm25.readings import hooks

N_TOO_MANY = N_("You have made or supported too many requests today. Please try again tomorrow.")


def target_days() -> int:
    return int(tk.config.get("ckanext.pm25.requests.target_days"))


def _user(context: Context) -> model.User | None:
    name = context.get("user")
    return model.User.get(name) if name else None


def _acting_user(context: Context) -> model.User:
    """The user a step or a vote is recorded for: even a call that skips the auth functions
    (``ignore_auth``) must name one."""
    user = _user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Please sign in to ask for data."))
    return user


def _limited(user: model.User, now: datetime) -> None:
    """The per-user and per-client daily limits on requests and supports."""
    day_start = datetime.combine(thai_day(now), time(0), tzinfo=THAI_TIME)
    with hooks.reading() as conn:
        done = request_store.actions_since(conn, user.id, day_start)
    if done >= int(tk.config.get("ckanext.pm25.requests.max_per_user_per_day")) or not _client_allowed(now):
        raise tk.ValidationError({"limit": [tk._(N_TOO_MANY)]})


def _client_allowed(now: datetime) -> bool:
    """Count one request of this client (its IP address) against its daily limit."""
    if not has_request_context():
        return True
    return clients.allow(request.remote_addr or "", now, counter="requests",
                         limit_key="ckanext.pm25.requests.max_per_client_per_day")


def _found(conn: Any, request_id: str) -> Any:
    """A public request (one held for its requester's confirmation is not there yet)."""
    found = request_store.get(conn, request_id)
    if found is None or found.status == rules.HELD:
        raise tk.ObjectNotFound(tk._("There is no such data request."))
    return found


def _holds_private_token(row: Any, token: Any) -> bool:
    """The token of the private link of a requester without an account (confirmed)."""
    if row is None or row.requester_id is not None or not isinstance(token, str) or not token:
        return False
    if not rules.is_private_token(site_secret(), row.id, token):
        return False
    with hooks.reading() as conn:
        return request_contacts.email_of(conn, row.id) is not None


def _viewer_fields(row: Any, user: model.User | None, conn: Any, token: Any = None) -> dict[str, Any]:
    """What the reader may do on it (no one else's identity): a signed-in user, or the
    requester by e-mail holding the private link's token."""
    if user is None:
        return {"requested_by_you": _holds_private_token(row, token), "you_support": False,
                "you_act_for_agency": False}
    return {"requested_by_you": row.requester_id == user.id,
            "you_support": request_store.supports(conn, row.id, user.id),
            "you_act_for_agency": bool(row.agency_id) and acts_for(user.name, row.agency_id)}


@tk.side_effect_free
def pm25_data_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One data request with its steps.

    :param id: the request's id
    :returns: ``id``, ``title``, ``description``, ``provinces`` [{``code``, ``name``}],
        ``districts``, ``period_start``, ``period_end``, ``agency`` ({``id``, ``name``,
        ``title``} or null while it waits for routing), ``status`` (routing, open, question,
        answered, declined), ``created``, ``closed``, ``supporters`` (count), ``url``, ``steps``
        [{``kind`` (submitted, routed, transferred, question, reply, answered, declined),
        ``created``, ``agency``, ``message``, ``datasets``, ``reason`` (not_held, withheld),
        ``oia_section``}], ``agency_figures`` (as in ``pm25_data_request_agency_figures``) and,
        for the signed-in caller, ``requested_by_you``, ``you_support``, ``you_act_for_agency``;
        ``days_counted``: the agency's days on it so far (to its answer or refusal), the time it
        waited for the requester's replies left out; ``overdue``: open past the target
    :param token: (optional) the token of the private link of a requester without an account
    """
    tk.check_access("pm25_data_request_show", context, data_dict)
    data = schemas.checked(data_dict, schemas.show_schema(), context)
    with hooks.reading() as conn:
        row = _found(conn, data["id"])
        record = request_records.summary(row)
        record["steps"] = [request_records.step(item) for item in request_store.steps(conn, row.id)]
        record.update(_viewer_fields(row, _user(context), conn, data.get("token")))
        record["agency_figures"] = _figures(conn, [row.agency_id])[0] if row.agency_id else None
        record.update(timing_fields(conn, [row])[row.id])
    return record


@tk.side_effect_free
def pm25_data_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Data requests, newest first unless asked otherwise.

    :param status: routing, open, question, answered or declined
    :param agency: an organization's name or id
    :param province: a province (ISO 3166-2:TH code, DOPA number or name)
    :param q: words that must each be in the title, description or districts
    :param order: newest (default), oldest, supported (most supported first, then oldest)
    :param limit: 1 to 100 (default 20); :param offset: default 0
    :returns: {``count``, ``results``: requests as in ``pm25_data_request_show`` without steps,
        agency figures and the caller's fields}
    """
    tk.check_access("pm25_data_request_list", context, data_dict)
    data = schemas.checked(data_dict, schemas.list_schema(), context)
    filters = request_store.Filters(
        status=data.get("status"), agency_id=data.get("agency"), province=data.get("province"),
        words=(data.get("q") or "").split(), order=data.get("order") or "newest", limit=data["limit"],
        offset=data["offset"])
    with hooks.reading() as conn:
        total, rows = request_store.search(conn, filters)
        return {"count": total, "results": timed_records(conn, rows)}


def timed_records(conn: Any, rows: list[Any]) -> list[dict[str, Any]]:
    """The public records of ``rows`` with their ``days_counted`` and ``overdue``."""
    timings = timing_fields(conn, rows)
    return [{**request_records.summary(row), **timings[row.id]} for row in rows]


def timing_fields(conn: Any, rows: list[Any]) -> dict[str, dict[str, Any]]:
    """Each request's ``days_counted`` (the agency's days, the waits for the requester's
    replies left out; None before it has an agency) and ``overdue``, by id: one query for the
    waits of them all."""
    now, target = hooks.now(), target_days()
    waits = request_store.waiting_times(conn, [row.id for row in rows], now)
    found = {}
    for row in rows:
        timing = rules.Timing(row.created, row.closed, waits.get(row.id, timedelta(0)))
        found[row.id] = {"days_counted": round(timing.days_counted(now), 1) if row.agency_id else None,
                         "overdue": bool(row.agency_id) and rules.is_overdue(timing, now, target)}
    return found


def _figures(conn: Any, agency_ids: list[str] | None) -> list[dict[str, Any]]:
    now, target = hooks.now(), target_days()
    found = [{"agency": request_records.agency(agency_id), "target_days": target, "closed": figures.closed,
              "open": figures.open, "overdue": figures.overdue, "median_days": figures.median_days,
              "within_target": figures.within_target, "due": figures.due,
              "within_target_count": figures.within_target_count}
             for agency_id, figures in request_store.agency_figures(conn, now, target, agency_ids).items()]
    if agency_ids and not found:
        found = [{"agency": request_records.agency(agency_ids[0]), "target_days": target, "closed": 0, "open": 0,
                  "overdue": 0, "median_days": None, "within_target": None, "due": 0, "within_target_count": 0}]
    return found


@tk.side_effect_free
def pm25_data_request_agency_figures(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Each agency's figures: requests ``closed`` (answered or declined), ``open``, ``overdue``
    (open past the target), ``median_days`` from submission to answer or refusal, ``due`` (the
    closed and overdue requests), ``within_target_count`` (those of them closed within
    ``target_days``, from ``ckanext.pm25.requests.target_days``) and ``within_target`` (that
    share, 0 to 1; null while none is due).

    :param agency: one organization (name or id); every agency with a request by default
    """
    tk.check_access("pm25_data_request_agency_figures", context, data_dict)
    data = schemas.checked(data_dict, schemas.figures_schema(), context)
    with hooks.reading() as conn:
        return _figures(conn, [data["agency"]] if data.get("agency") else None)


def pm25_data_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask an agency for PM2.5 data that is not published: signed in, or with an e-mail address
    and no account (the request is then held, seen by no one, until the link mailed to the
    address is opened within ``ckanext.pm25.alerts.confirm_hours``).

    :param title: what data, in a few words; :param description: the data asked for
    :param provinces: province codes (a list, or separated by commas or spaces)
    :param districts: districts, as text (optional)
    :param period_start: :param period_end: the period, ISO dates
    :param agency: the organization (name or id) that holds the data, if known; otherwise a
        catalogue administrator routes the request
    :param language: th or en, for the mails about the request (default: the page's)
    :param email: without an account only: the address the request's mails go to (never shown)
    :returns: the request, as ``pm25_data_request_show``; by e-mail {``held``: true,
        ``confirm_hours``} (the request's link comes with the confirmation)
    """
    tk.check_access("pm25_data_request_create", context, data_dict)
    user = _user(context)
    data = schemas.checked(data_dict, schemas.create_schema(by_email=user is None), context)
    now = hooks.now()
    schemas.period_in_order(data, thai_day(now))
    new = request_store.NewRequest(data["title"], data["description"], data["provinces"], data["districts"],
                                   data["period_start"], data["period_end"], data.get("agency"), data["language"])
    if user is None:
        return _held(new, data["email"], now)
    if data.get("email"):
        raise tk.ValidationError({"email": [tk._("You are signed in: the mails go to your account's address.")]})
    _limited(user, now)
    with hooks.writing() as conn:
        request_id = request_store.create(conn, new, user.id, now)
        made = request_store.get(conn, request_id)
    if new.agency_id:
        request_notify.agency_told(made, "arrived")
    return pm25_data_request_show(context, {"id": request_id})


def _held(new: request_store.NewRequest, email: str, now: datetime) -> dict[str, Any]:
    """A request by e-mail, held until confirmed; its confirmation mailed."""
    limit = int(tk.config.get("ckanext.pm25.requests.max_per_address_per_day"))
    with hooks.writing() as conn:
        if request_contacts.made_today(conn, email, now) >= limit:
            raise tk.ValidationError({"limit": [tk._(
                "This e-mail address has asked for too many data requests today. Please try again tomorrow.")]})
        if not _client_allowed(now):
            raise tk.ValidationError({"limit": [tk._(N_TOO_MANY)]})
        request_id, token = request_contacts.hold(conn, new, email, now)
    hours = int(pending_for().total_seconds() // 3600)
    request_notify.confirmation(email, new, request_id, token, hours)
    return {"held": True, "confirm_hours": hours}


def pm25_data_request_confirm(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Confirm the address of a request made without an account: the request becomes public
    (submitted now) and its requester gets the private link to follow it, reply and delete it.

    :param token: the token of the confirmation link
    :returns: the request, as ``pm25_data_request_show`` (also when confirmed before)
    """
    tk.check_access("pm25_data_request_confirm", context, data_dict)
    data = schemas.checked(data_dict, schemas.confirm_schema(), context)
    with hooks.writing() as conn:
        row, started = request_contacts.confirm(conn, data["token"], hooks.now(), pending_for=pending_for())
        if row is None:
            raise tk.ObjectNotFound(tk._("This link is wrong or has expired."))
        email = request_contacts.email_of(conn, row.id)
    if started and email:
        request_notify.confirmed(email, row)
        if row.agency_id:
            request_notify.agency_told(row, "arrived")
    return pm25_data_request_show(context, {"id": row.id})


def pm25_data_request_support(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Support a request (one vote per user; the requester's own does not count).

    :param id: the request's id; :param language: th or en, for the mails about it
    :returns: the request, as ``pm25_data_request_show``
    """
    tk.check_access("pm25_data_request_support", context, data_dict)
    data = schemas.checked(data_dict, schemas.support_schema(), context)
    user = _acting_user(context)
    with hooks.reading() as conn:
        _found(conn, data["id"])
        already = request_store.supports(conn, data["id"], user.id)
    if not already:
        now = hooks.now()
        _limited(user, now)
        with hooks.writing() as conn:
            request_store.support(conn, data["id"], user.id, data["language"], now)
    return pm25_data_request_show(context, {"id": data["id"]})


def pm25_data_request_unsupport(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw one's support (and with it the mails about the request).

    :param id: the request's id
    :returns: the request, as ``pm25_data_request_show``
    """
    tk.check_access("pm25_data_request_unsupport", context, data_dict)
    data = schemas.checked(data_dict, schemas.show_schema(), context)
    user = _acting_user(context)
    with hooks.writing() as conn:
        _found(conn, data["id"])
        request_store.withdraw_support(conn, data["id"], user.id)
    return pm25_data_request_show(context, {"id": data["id"]})


def pm25_data_request_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Delete a request with its steps, supports and (made without an account) its requester's
    address: what the requester gave goes (PDPA).

    :param id: the request's id
    :param token: a requester without an account: the token of their private link
    :returns: {``id``, ``deleted``: true}
    """
    tk.check_access("pm25_data_request_delete", context, data_dict)
    data = schemas.checked(data_dict, schemas.show_schema(), context)
    with hooks.writing() as conn:
        _found(conn, data["id"])
        request_store.delete(conn, data["id"])
    return {"id": data["id"], "deleted": True}


def _actor_id(context: Context, kind: str, data: dict[str, Any]) -> str:
    """Who takes the step: a CKAN user's id, or "" for the requester by e-mail replying through
    the private link (its token checked by the auth function and again here)."""
    user = _user(context)
    if user is not None:
        return str(user.id)
    if kind == "reply" and _holds_private_token(_request_of(data), data.get("token")):
        return ""
    raise tk.NotAuthorized(tk._("Please sign in to ask for data."))


def _step(kind: str) -> Callable[[Context, DataDict], dict[str, Any]]:
    def action(context: Context, data_dict: DataDict) -> dict[str, Any]:
        tk.check_access(f"pm25_data_request_{_NAMES[kind]}", context, data_dict)
        data = schemas.checked(data_dict, schemas.step_schema(kind), context)
        actor_id = _actor_id(context, kind, data)
        now = hooks.now()
        with hooks.writing() as conn:
            row = _found(conn, data["id"])
            if not rules.may_take(kind, row.status):
                raise tk.ValidationError({"status": [tk._("This step cannot be taken on a request that is {status}.")
                                                     .format(status=tk._(rules.STATUS_LABELS[row.status]))]})
            if kind == "transferred" and data["agency"] == row.agency_id:
                raise tk.ValidationError({"agency": [tk._("Please choose another agency.")]})
            step = request_store.StepTaken(
                kind, data.get("message") or "",
                agency_id=data.get("agency") or (row.agency_id if kind != "reply" else None),
                dataset_ids=data.get("datasets") or [], reason=data.get("reason"),
                oia_section=schemas.oia_section_of(data) if kind == "declined" else None)
            if not request_store.take_step(conn, row.id, step, actor_id, now):
                raise tk.ValidationError({"status": [tk._("Someone took another step on this request first. "
                                                          "Please reload it.")]})
            supporters = request_store.supporters(conn, row.id)
            taken = request_store.steps(conn, row.id)[-1]
            moved = request_store.get(conn, row.id)
            requester_email = request_contacts.email_of(conn, row.id)
        if kind in rules.AGENCY_STEPS:
            request_notify.step_taken(row, taken, supporters, requester_email)
        if kind in ("routed", "transferred"):
            request_notify.agency_told(moved, "arrived", taken.message)
        elif kind == "reply":
            request_notify.agency_told(moved, "reply", taken.message)
        return pm25_data_request_show(context, {"id": row.id, "token": data.get("token")})
    action.__name__ = f"pm25_data_request_{_NAMES[kind]}"
    action.__doc__ = _DOCS[kind]
    return action


_NAMES = {"routed": "route", "transferred": "transfer", "question": "ask", "reply": "reply",
          "answered": "answer", "declined": "decline"}
_DOCS = {
    "routed": "Send a request no agency holds yet to an agency (sysadmins).\n\n:param id:\n:param agency:\n"
              ":param message: (optional)",
    "transferred": "Transfer a request to another agency (the agency's editors).\n\n:param id:\n:param agency:\n"
                   ":param message: (optional) why",
    "question": "Ask the requester a question (the agency's editors).\n\n:param id:\n:param message:",
    "reply": "Reply to the agency's question (the requester).\n\n:param id:\n:param message:\n"
             ":param token: a requester without an account: the token of their private link",
    "answered": "Answer by linking the public datasets that fulfil the request (the agency's editors).\n\n"
                ":param id:\n:param datasets: names or ids\n:param message: (optional)",
    "declined": "Decline (the agency's editors).\n\n:param id:\n:param reason: not_held or withheld\n"
                ":param oia_section: for withheld: 14 or 15(1) to 15(7)\n:param message: the explanation",
}


# auth functions


def acts_for(user_name: str, agency_id: str) -> bool:
    """An editor or admin of the agency (a member only reads)."""
    return authz.has_user_permission_for_group_or_org(agency_id, user_name, "create_dataset")


def _request_of(data_dict: DataDict) -> Any:
    request_id = data_dict.get("id")
    if not isinstance(request_id, str):
        return None
    with hooks.reading() as conn:
        return request_store.get(conn, request_id)


@tk.auth_allow_anonymous_access
def _public(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def _signed_in(context: Context, data_dict: DataDict) -> AuthResult:
    if _user(context) is None:
        return {"success": False, "msg": tk._("Please sign in to ask for data.")}
    return {"success": True}


def _supporter(context: Context, data_dict: DataDict) -> AuthResult:
    user, found = _user(context), _request_of(data_dict)
    if user is None:
        return {"success": False, "msg": tk._("Please sign in to support a request.")}
    if found is not None and found.requester_id == user.id:
        return {"success": False, "msg": tk._("You made this request: others can support it.")}
    return {"success": True}


def _sysadmin_only(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._("Only the catalogue's administrators route requests.")}


def _agency_editor(context: Context, data_dict: DataDict) -> AuthResult:
    user, found = _user(context), _request_of(data_dict)
    if user is None or found is None or not found.agency_id or not acts_for(user.name, found.agency_id):
        return {"success": False, "msg": tk._("Only the editors of the agency that holds this request can do this.")}
    return {"success": True}


def _requester(message: str) -> Callable[[Context, DataDict], AuthResult]:
    @tk.auth_allow_anonymous_access
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        user, found = _user(context), _request_of(data_dict)
        if user is None and _holds_private_token(found, data_dict.get("token")):
            return {"success": True}
        if user is None or found is None or found.requester_id != user.id:
            return {"success": False, "msg": tk._(message)}
        return {"success": True}
    return auth


ACTIONS: dict[str, Callable[..., Any]] = {
    "pm25_data_request_create": pm25_data_request_create,
    "pm25_data_request_confirm": pm25_data_request_confirm,
    "pm25_data_request_show": pm25_data_request_show,
    "pm25_data_request_list": pm25_data_request_list,
    "pm25_data_request_agency_figures": pm25_data_request_agency_figures,
    "pm25_data_request_support": pm25_data_request_support,
    "pm25_data_request_unsupport": pm25_data_request_unsupport,
    "pm25_data_request_delete": pm25_data_request_delete,
    **{f"pm25_data_request_{name}": _step(kind) for kind, name in _NAMES.items()},
}
AUTH: dict[str, Callable[..., Any]] = {
    "pm25_data_request_create": _public,  # without an account, the action asks for an address
    "pm25_data_request_confirm": _public,
    "pm25_data_request_show": _public,
    "pm25_data_request_list": _public,
    "pm25_data_request_agency_figures": _public,
    "pm25_data_request_support": _supporter,
    "pm25_data_request_route": _sysadmin_only,
    "pm25_data_request_transfer": _agency_editor,
    "pm25_data_request_ask": _agency_editor,
    "pm25_data_request_answer": _agency_editor,
    "pm25_data_request_decline": _agency_editor,
    "pm25_data_request_reply": _requester(N_("Only the requester can reply.")),
    "pm25_data_request_unsupport": _signed_in,
    "pm25_data_request_delete": _requester(N_("Only the requester can delete a request.")),
}
