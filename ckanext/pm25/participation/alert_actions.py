"""The alerts' action API, which the alert pages call too. Each action: check_access → validate
with its schema → act. Anyone may call them, signed in or not (the alerts need no account: the
confirmation mail and the tokens are the proof).

No answer ever holds an address or says whether one is subscribed: a subscription is answered
the same for a new, a pending, an already confirmed or an over-limit address."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict
from flask import has_request_context, request

from ckanext.pm25.participation import areas, clients, letters, mailing, rules, subscriptions, validation
from ckanext.pm25.participation.request_schemas import checked
from ckanext.pm25.participation.sending import pending_for, site_secret
from ckanext.pm25.readings import hooks

log = logging.getLogger(__name__)


def _confirm_hours() -> int:
    return int(pending_for().total_seconds() // 3600)


def _max_confirmations() -> int:
    return int(tk.config.get("ckanext.pm25.alerts.max_confirmations_per_address"))


def area_record(area: areas.Area) -> dict[str, Any]:
    """An alert's area as the API gives it, named in the caller's language."""
    language = validation.page_language()
    record: dict[str, Any] = {
        "code": area.code, "kind": "district" if area.district else "province",
        "name": letters.area_name(area, language),
        "province": {"code": area.province.code, "name_th": area.province.name_th,
                     "name_en": area.province.name_en}}
    if area.district is not None:
        record["district"] = {"code": area.district.code, "name_th": area.district.name_th,
                              "name_en": area.district.name_en, "source": area.district.source,
                              "licence": area.district.licence}
    return record


def pm25_alert_subscribe(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask for PM2.5 alerts by e-mail (double opt-in: a confirmation mail is sent; the alerts
    start when its link is opened).

    :param email: the address the alerts go to (never shown back)
    :param province: a province (ISO 3166-2:TH code, DOPA number, Thai or English name)
    :param district: a district the GISTDA model estimates, by DOPA code or name (optional;
        within ``province`` when both are given)
    :param threshold: µg/m³ of the 24-hour mean, 5 to 500 (default 37.5, the Thai standard)
    :param language: th or en, for the mails (default: the call's language)
    :returns: {``area`` {``code``, ``kind`` (province, district), ``name``, ``province``,
        ``district``}, ``threshold``, ``language``, ``confirm_hours``, ``message``}: the same
        answer whether the address was new, pending, already subscribed or over its daily limit
    """
    tk.check_access("pm25_alert_subscribe", context, data_dict)
    data = checked(data_dict, validation.subscribe_schema(), context)
    with hooks.reading() as conn:
        area = validation.area(conn, data)
    now = hooks.now()
    if has_request_context() and not clients.allow(request.remote_addr or "", now):
        raise tk.ValidationError({"limit": [tk._(
            "This connection has asked for too many alerts today. Please try again tomorrow.")]})
    wanted = subscriptions.Request(data["email"], area.code, data["threshold"], data["language"])
    secret = site_secret()
    with hooks.writing() as conn:
        outcome = subscriptions.subscribe(conn, wanted, now, secret=secret,
                                          max_mails_per_address=_max_confirmations())
    _mail(outcome, wanted, area, secret)
    return {"area": area_record(area), "threshold": wanted.threshold, "language": wanted.language,
            "confirm_hours": _confirm_hours(), "message": tk._(
                "If the address you gave can receive e-mail, a message with a confirmation link is on its way to "
                "it. The alerts start once you open that link; it is valid for {hours} hours. Nothing else is sent "
                "before that. (An address gets at most {count} such messages a day.)").format(
                hours=_confirm_hours(), count=_max_confirmations())}


def _mail(outcome: subscriptions.Outcome, wanted: subscriptions.Request, area: areas.Area, secret: str) -> None:
    if outcome.letter is None or outcome.subscription_id is None:
        return
    if outcome.letter == "confirm" and outcome.token:
        message = letters.confirmation(wanted.email, area, wanted.threshold, wanted.language, outcome.token,
                                       _confirm_hours())
    else:
        message = letters.already_subscribed(wanted.email, area, wanted.threshold, wanted.language,
                                             rules.unsubscribe_token(secret, outcome.subscription_id))
    try:
        with mailing.connection() as smtp:
            mailing.send(smtp, message, wanted.email)
    except mailing.MailError as error:  # the caller's answer stays the same; the address stays out of the log
        log.warning("Province alerts: a confirmation mail could not be sent: %s", error)


def _area_or_code(conn: Any, code: str) -> dict[str, Any]:
    area = areas.area_of(conn, code)
    return area_record(area) if area else {"code": code, "kind": "district", "name": code, "province": None}


def pm25_alert_confirm(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Start the alerts of a confirmation link (twice is harmless).

    :param token: the token of the link in the confirmation mail
    :returns: {``result`` (confirmed, already_confirmed), ``area`` as in ``pm25_alert_subscribe``,
        ``language``}; not found when the token is unknown or has expired
    """
    tk.check_access("pm25_alert_confirm", context, data_dict)
    data = checked(data_dict, validation.token_schema(), context)
    with hooks.writing() as conn:
        done = subscriptions.confirm(conn, data["token"], hooks.now(), pending_for=pending_for())
        if done.result == "unknown" or done.area_code is None:
            raise tk.ObjectNotFound(tk._(
                "The link is wrong or has expired (a confirmation link is valid for {hours} hours). You can "
                "subscribe again.").format(hours=_confirm_hours()))
        area = _area_or_code(conn, done.area_code)
    return {"result": done.result, "area": area, "language": done.language}


@tk.side_effect_free
def pm25_alert_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What a subscription's unsubscribe link stops (never its address).

    :param token: the token of the unsubscribe link in every alert
    :returns: {``area`` as in ``pm25_alert_subscribe``, ``threshold``, ``language``}; not found
        when no subscription has this token
    """
    tk.check_access("pm25_alert_show", context, data_dict)
    data = checked(data_dict, validation.token_schema(), context)
    with hooks.reading() as conn:
        found = subscriptions.by_unsubscribe_token(conn, data["token"])
        if found is None:
            raise tk.ObjectNotFound(tk._("There is no subscription for this link: nothing more will be sent "
                                         "with it."))
        area = _area_or_code(conn, found.area_code)
    return {"area": area, "threshold": found.threshold, "language": found.language}


def pm25_alert_unsubscribe(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Stop a subscription's alerts and delete all it held (PDPA); again is harmless.

    :param token: the token of the unsubscribe link in every alert
    :returns: {``unsubscribed``: true when a subscription was deleted, false when none had the token}
    """
    tk.check_access("pm25_alert_unsubscribe", context, data_dict)
    data = checked(data_dict, validation.token_schema(), context)
    with hooks.writing() as conn:
        deleted = subscriptions.unsubscribe(conn, data["token"])
    return {"unsubscribed": deleted}


@tk.side_effect_free
def pm25_alert_limits(context: Context, data_dict: DataDict) -> dict[str, float]:
    """The threshold's default (the Thai 24-hour standard) and its accepted range, in µg/m³.

    :returns: {``default``, ``min``, ``max``}
    """
    tk.check_access("pm25_alert_limits", context, data_dict)
    return {"default": rules.DEFAULT_THRESHOLD, "min": rules.MIN_THRESHOLD, "max": rules.MAX_THRESHOLD}


@tk.auth_allow_anonymous_access
def _anyone(context: Context, data_dict: DataDict) -> AuthResult:
    """Alerts need no account (issue 17): the confirmation mail proves the address, the tokens
    prove the subscription, and the limits per address and per client bound the use."""
    return {"success": True}


ACTIONS: dict[str, Callable[..., Any]] = {
    "pm25_alert_subscribe": pm25_alert_subscribe,
    "pm25_alert_confirm": pm25_alert_confirm,
    "pm25_alert_show": pm25_alert_show,
    "pm25_alert_unsubscribe": pm25_alert_unsubscribe,
    "pm25_alert_limits": pm25_alert_limits,
}
AUTH: dict[str, Callable[..., Any]] = {name: _anyone for name in ACTIONS}
