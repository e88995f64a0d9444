"""The alert pages: subscribe (/pm25/alerts, and the box on each province page), confirm
(/pm25/alerts/confirm), unsubscribe (/pm25/alerts/unsubscribe: a page with a button, and the
one-click POST of RFC 8058).

No page ever shows an address or says whether one is subscribed: a request is answered "check
your inbox" whether the address is new, pending, already confirmed or over its daily limit.
The subscribe form is not CSRF-checked for anonymous visitors (as CKAN does not check them): it
sits on publicly cached pages, and it only asks for a confirmation mail. The one-click
unsubscribe is exempt, as RFC 8058 requires (a mail client posts it with no session), and its
token is the proof."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.config.middleware.flask_app import csrf
from flask import Blueprint, request

from ckanext.pm25.geo.provinces import all_provinces, by_code
from ckanext.pm25.participation import clients, letters, mailing, rules, subscriptions, validation
from ckanext.pm25.participation.sending import pending_for, site_secret
from ckanext.pm25.readings import hooks

log = logging.getLogger(__name__)
blueprint = Blueprint("pm25_alerts", __name__)


def _page_language() -> str:
    return "en" if tk.h.lang() == "en" else "th"


def _form(data: dict[str, Any], errors: Mapping[str, Any], status: int = 200) -> Any:
    return tk.render("pm25/alerts/form.html", {
        "data": data, "errors": errors, "provinces": all_provinces(),
        "default_threshold": rules.DEFAULT_THRESHOLD, "min_threshold": rules.MIN_THRESHOLD,
        "max_threshold": rules.MAX_THRESHOLD}), status


def _message(title: str, text: str, status: int = 200, **extra: Any) -> Any:
    return tk.render("pm25/alerts/message.html", {"title": title, "text": text, **extra}), status


def form() -> Any:
    province = by_code(request.args.get("province", "")) if request.args.get("province") else None
    return _form({"province": province.code if province else "", "threshold": f"{rules.DEFAULT_THRESHOLD:g}",
                  "language": _page_language()}, {})


def subscribe() -> Any:
    # No CSRF check of our own for anonymous visitors (CKAN's applies to signed-in sessions): the
    # box is on province pages that shared caches serve without a session (readings/
    # cache_headers.py), so no token in them could match one; and a forged post can do nothing
    # the forger could not do directly: it only asks for a confirmation mail (double opt-in,
    # limits per address and per client, the same answer for every address).
    data = {key: request.form.get(key, "") for key in ("email", "province", "threshold", "language")}
    try:
        wanted = validation.subscription_request(data, _page_language())
    except tk.ValidationError as error:
        return _form(data, error.error_dict, 400)
    now = hooks.now()
    if not clients.allow(request.remote_addr or "", now):
        return _message(tk._("Too many requests"), tk._(
            "This connection has asked for too many alerts today. Please try again tomorrow."), 429)
    secret = site_secret()
    with hooks.writing() as conn:
        outcome = subscriptions.subscribe(
            conn, wanted, now, secret=secret,
            max_mails_per_address=int(tk.config.get("ckanext.pm25.alerts.max_confirmations_per_address")))
    _mail(outcome, wanted, secret)
    return _message(tk._("Check your inbox"), tk._(
        "If the address you gave can receive e-mail, a message with a confirmation link is on its way to it. "
        "The alerts start once you open that link; it is valid for {hours} hours. Nothing else is sent before "
        "that. (An address gets at most {count} such messages a day.)").format(
        hours=int(pending_for().total_seconds() // 3600),
        count=tk.config.get("ckanext.pm25.alerts.max_confirmations_per_address")))


def _mail(outcome: subscriptions.Outcome, wanted: subscriptions.Request, secret: str) -> None:
    if outcome.letter is None or outcome.subscription_id is None:
        return
    if outcome.letter == "confirm" and outcome.token:
        message = letters.confirmation(wanted.email, wanted.area_code, wanted.threshold, wanted.language,
                                       outcome.token, int(pending_for().total_seconds() // 3600))
    else:
        message = letters.already_subscribed(wanted.email, wanted.area_code, wanted.threshold, wanted.language,
                                             rules.unsubscribe_token(secret, outcome.subscription_id))
    try:
        with mailing.connection() as smtp:
            mailing.send(smtp, message, wanted.email)
    except mailing.MailError as error:  # the visitor's answer stays the same; the address stays out of the log
        log.warning("Province alerts: a confirmation mail could not be sent: %s", error)


def confirm_page() -> Any:
    return _message(tk._("Confirm your alerts"), tk._("Press the button to start your PM2.5 alerts."),
                    action=tk.h.url_for("pm25_alerts.confirm"), token=request.args.get("token", ""),
                    button=tk._("Start my alerts"))


def confirm() -> Any:
    token = request.form.get("token") or request.args.get("token") or ""
    with hooks.writing() as conn:
        done = subscriptions.confirm(conn, token, hooks.now(), pending_for=pending_for())
    if done.result == "unknown":
        return _message(tk._("This link does not work"), tk._(
            "The link is wrong or has expired (a confirmation link is valid for {hours} hours). You can "
            "subscribe again.").format(hours=int(pending_for().total_seconds() // 3600)), 404,
            subscribe_link=tk.h.url_for("pm25_alerts.form"))
    return _message(tk._("Your alerts are on"), tk._(
        "You will get an e-mail when the 24-hour mean of PM2.5 in {area} goes over your threshold, and one "
        "when it is back under it, at most one a day. Every alert has a link to unsubscribe.").format(
        area=letters.area_name(done.area_code or "", _page_language())),
        province_link=tk.h.url_for("pm25_province.read", code=done.area_code))


def unsubscribe_page() -> Any:
    token = request.args.get("token", "")
    with hooks.reading() as conn:
        found = subscriptions.by_unsubscribe_token(conn, token)
    if found is None:
        return _message(tk._("Unsubscribed"), tk._("There is no subscription for this link: nothing more will be "
                                                   "sent with it."))
    return _message(tk._("Unsubscribe"), tk._(
        "Stop the PM2.5 alerts for {area}? What you gave us for them is deleted.").format(
        area=letters.area_name(found.area_code, _page_language())),
        action=tk.h.url_for("pm25_alerts.unsubscribe"), token=token, button=tk._("Unsubscribe"))


@csrf.exempt
def unsubscribe() -> Any:
    """RFC 8058: a POST to the List-Unsubscribe link (body ``List-Unsubscribe=One-Click``, the
    token in the link) unsubscribes, with no session and no CSRF token; so does the page's button."""
    token = request.args.get("token") or request.form.get("token") or ""
    with hooks.writing() as conn:
        subscriptions.unsubscribe(conn, token)
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
    """The threshold's default and range, for the province page's form."""
    return {"default": rules.DEFAULT_THRESHOLD, "min": rules.MIN_THRESHOLD, "max": rules.MAX_THRESHOLD}


HELPERS = {"pm25_alert_limits": pm25_alert_limits}
