"""The alert pages: subscribe (/pm25/alerts, and the box on each province page: a province, then
one of its modelled districts if wanted), confirm (/pm25/alerts/confirm), unsubscribe
(/pm25/alerts/unsubscribe: a page with a button, and the one-click POST of RFC 8058). Each calls
its action (alert_actions.py), as an API client would.

No page ever shows an address or says whether one is subscribed: a request is answered "check
your inbox" whether the address is new, pending, already confirmed or over its daily limit.
The subscribe form is not CSRF-checked for anonymous visitors (as CKAN does not check them): it
sits on publicly cached pages, and it only asks for a confirmation mail. The one-click
unsubscribe is exempt, as RFC 8058 requires (a mail client posts it with no session), and its
token is the proof."""
from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.config.middleware.flask_app import csrf
from ckan.types import Context
from flask import Blueprint, request

from ckanext.pm25.geo.provinces import all_provinces, by_code
from ckanext.pm25.participation import areas, rules, validation
from ckanext.pm25.readings import hooks

blueprint = Blueprint("pm25_alerts", __name__)


def _context() -> Context:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _texts(error: tk.ValidationError, field: str) -> str:
    found = error.error_dict.get(field)
    return " ".join(str(text) for text in found) if isinstance(found, list) else str(found or "")


def _form(data: dict[str, Any], errors: Mapping[str, Any], status: int = 200) -> Any:
    with hooks.reading() as conn:
        districts = areas.modelled(conn)
    by_province: dict[str, list[areas.District]] = {}
    for area in districts.values():
        if area.district is not None:
            by_province.setdefault(area.province.code, []).append(area.district)
    return tk.render("pm25/alerts/form.html", {
        "data": data, "errors": errors, "provinces": all_provinces(), "districts": by_province,
        "default_threshold": rules.DEFAULT_THRESHOLD, "min_threshold": rules.MIN_THRESHOLD,
        "max_threshold": rules.MAX_THRESHOLD}), status


def _message(title: str, text: str, status: int = 200, **extra: Any) -> Any:
    return tk.render("pm25/alerts/message.html", {"title": title, "text": text, **extra}), status


def form() -> Any:
    province = by_code(request.args.get("province", "")) if request.args.get("province") else None
    return _form({"province": province.code if province else "", "district": request.args.get("district", ""),
                  "threshold": f"{rules.DEFAULT_THRESHOLD:g}", "language": validation.page_language()}, {})


def subscribe() -> Any:
    # No CSRF check of our own for anonymous visitors (CKAN's applies to signed-in sessions): the
    # box is on province pages that shared caches serve without a session (readings/
    # cache_headers.py), so no token in them could match one; and a forged post can do nothing
    # the forger could not do directly: it only asks for a confirmation mail (double opt-in,
    # limits per address and per client, the same answer for every address).
    data = {key: request.form.get(key, "") for key in ("email", "province", "district", "threshold", "language")}
    try:
        answer = tk.get_action("pm25_alert_subscribe")(_context(), dict(data))
    except tk.ValidationError as error:
        if "limit" in error.error_dict:
            return _message(tk._("Too many requests"), _texts(error, "limit"), 429)
        return _form(data, error.error_dict, 400)
    return _message(tk._("Check your inbox"), answer["message"])


def confirm_page() -> Any:
    return _message(tk._("Confirm your alerts"), tk._("Press the button to start your PM2.5 alerts."),
                    action=tk.h.url_for("pm25_alerts.confirm"), token=request.args.get("token", ""),
                    button=tk._("Start my alerts"))


def confirm() -> Any:
    token = request.form.get("token") or request.args.get("token") or ""
    try:
        done = tk.get_action("pm25_alert_confirm")(_context(), {"token": token})
    except (tk.ObjectNotFound, tk.ValidationError) as error:
        text = str(error.message) if isinstance(error, tk.ObjectNotFound) else _texts(error, "token")
        return _message(tk._("This link does not work"), text, 404,
                        subscribe_link=tk.h.url_for("pm25_alerts.form"))
    province = done["area"]["province"]
    return _message(tk._("Your alerts are on"), tk._(
        "You will get an e-mail when the 24-hour mean of PM2.5 in {area} goes over your threshold, and one "
        "when it is back under it, at most one a day. Every alert has a link to unsubscribe.").format(
        area=done["area"]["name"]),
        province_link=tk.h.url_for("pm25_province.read", code=province["code"]) if province else None)


def unsubscribe_page() -> Any:
    token = request.args.get("token", "")
    try:
        found = tk.get_action("pm25_alert_show")(_context(), {"token": token})
    except (tk.ObjectNotFound, tk.ValidationError):
        return _message(tk._("Unsubscribed"), tk._("There is no subscription for this link: nothing more will be "
                                                   "sent with it."))
    return _message(tk._("Unsubscribe"), tk._(
        "Stop the PM2.5 alerts for {area}? What you gave us for them is deleted.").format(
        area=found["area"]["name"]),
        action=tk.h.url_for("pm25_alerts.unsubscribe"), token=token, button=tk._("Unsubscribe"))


@csrf.exempt
def unsubscribe() -> Any:
    """RFC 8058: a POST to the List-Unsubscribe link (body ``List-Unsubscribe=One-Click``, the
    token in the link) unsubscribes, with no session and no CSRF token; so does the page's button."""
    token = request.args.get("token") or request.form.get("token") or ""
    with suppress(tk.ValidationError):  # no token: nothing to stop, and the answer is the same
        tk.get_action("pm25_alert_unsubscribe")(_context(), {"token": token})
    return _message(tk._("Unsubscribed"), tk._(
        "You will get no more alerts from this subscription, and what you gave us for it is deleted."))


blueprint.add_url_rule("/pm25/alerts", view_func=form, endpoint="form", methods=["GET"])
blueprint.add_url_rule("/pm25/alerts", view_func=subscribe, endpoint="subscribe", methods=["POST"])
blueprint.add_url_rule("/pm25/alerts/confirm", view_func=confirm_page, endpoint="confirm_page", methods=["GET"])
blueprint.add_url_rule("/pm25/alerts/confirm", view_func=confirm, endpoint="confirm", methods=["POST"])
blueprint.add_url_rule("/pm25/alerts/unsubscribe", view_func=unsubscribe_page, endpoint="unsubscribe_page",
                       methods=["GET"])
blueprint.add_url_rule("/pm25/alerts/unsubscribe", view_func=unsubscribe, endpoint="unsubscribe", methods=["POST"])


def pm25_alert_limits() -> dict[str, float]:
    """The threshold's default and range, for the province page's form (the action's answer)."""
    return dict(tk.get_action("pm25_alert_limits")(_context(), {}))


def pm25_alert_districts(province_code: str) -> list[areas.District]:
    """The province's modelled districts, for the district choice of its page's form."""
    province = by_code(province_code)
    if province is None:
        return []
    with hooks.reading() as conn:
        return areas.of_province(conn, province)


HELPERS = {"pm25_alert_limits": pm25_alert_limits, "pm25_alert_districts": pm25_alert_districts}
