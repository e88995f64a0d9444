"""The mails of province and district alerts, each in its subscriber's language: the confirmation
with its signed link, "already subscribed", and the alert itself (value, band, PCD health advice,
the province page, one-click unsubscribe as RFC 8058 asks; for a district, that its value is the
GISTDA model's estimate, with its source and licence). Plain text; links are absolute, made
from ``ckan.site_url`` (the scheduler has no request to build them from)."""
from __future__ import annotations

import gettext
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.policy import compat32
from functools import cache
from importlib import resources
from urllib.parse import quote, urlencode

import ckan.plugins.toolkit as tk

from ckanext.pm25.advice import advice_for
from ckanext.pm25.common.messages import N_
from ckanext.pm25.aqi import thai_aqi
from ckanext.pm25.geo.district_names import bare_district_name
from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.participation import mailing, rules
from ckanext.pm25.participation.areas import Area


# headers on one line up to RFC 5322's limit: List-Unsubscribe stays "<https…>, <mailto…>" as
# written (folded, it began with a line break, which some clients keep as a leading space)
UNFOLDED = compat32.clone(max_line_length=998)
BANGKOK = "TH-10"


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    folder = resources.files("ckanext.pm25").joinpath("i18n")
    return gettext.translation("ckanext-pm25", localedir=str(folder), languages=[language], fallback=True)


def translate(language: str, msgid: str) -> str:
    """A message of our catalogue (marked with ``N_``) in ``language``, with no request or app
    context: the scheduler sends mail outside both, and each mail has its own language."""
    return _catalogue(language).gettext(msgid)


def page_url(language: str, path: str, **query: str) -> str:
    """An absolute link to one of the site's pages in ``language`` (Thai at /, English at /en/)."""
    prefix = "/en" if language == "en" else ""
    url = f"{str(tk.config.get('ckan.site_url')).rstrip('/')}{prefix}{path}"
    return f"{url}?{urlencode(query)}" if query else url


def province_name(province: Province, language: str) -> str:
    name = province.name_en if language == "en" else province.name_th
    if province.code == BANGKOK:  # a special administrative area, not a จังหวัด
        return name
    return translate(language, N_("{name} province")).format(name=name)


def area_name(area: Area, language: str) -> str:
    """The area's name in ``language``: a district with its province."""
    province = province_name(area.province, language)
    if area.district is None:
        return province
    district = bare_district_name(area.district.name_en if language == "en" else area.district.name_th)
    # Bangkok's districts are เขต (khet), the others' อำเภอ (amphoe)
    template = N_("Khet {district}, {province}") if area.province.code == BANGKOK else \
        N_("{district} district, {province}")
    return translate(language, template).format(district=district, province=province)


def model_note(area: Area, language: str) -> list[str]:
    """For a district, that its value is the satellite model's estimate, with its attribution."""
    if area.district is None:
        return []
    return [translate(language, N_(
        "The value of a district is an estimate of GISTDA's satellite-data model, not a measurement. "
        "Source: {source}; licence: {licence}.")).format(
        source=area.district.source, licence=area.district.licence or "-")]


def _number(value: float) -> str:
    return f"{value:.1f}"


def plain_message(recipient: str, subject: str, body: str, language: str) -> Message:
    """A plain-text mail of ours in ``language``, signed with the site's title and dashboard link."""
    # email's legacy (compat32) classes: a tenth of the time of Message's header registry,
    # which was most of a run's cost (bench/bench_alerts.py); UTF-8, base64 and RFC 2047 alike
    message = MIMEText(f"{body}\n\n-- \n{tk.config.get('ckan.site_title')}\n{page_url(language, '/pm25')}\n",
                       "plain", "utf-8", policy=UNFOLDED)
    message["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]  # compat32 takes a Header
    return mailing.envelope(message, recipient)


def _unsubscribe_headers(message: Message, link: str, token: str) -> None:
    """RFC 8058 one-click unsubscribe: the HTTPS link (a POST to it unsubscribes) and a mailbox."""
    mailbox = str(tk.config.get("ckanext.pm25.alerts.unsubscribe_mailto") or mailing.mail_from())
    values = [f"<{link}>"]
    if mailbox:
        values.append(f"<mailto:{mailbox}?subject={quote('unsubscribe ' + token)}>")
    message["List-Unsubscribe"] = ", ".join(values)
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def confirmation(recipient: str, area: Area, threshold: float, language: str, token: str,
                 pending_hours: int) -> Message:
    name = area_name(area, language)
    subject = translate(language, N_("Confirm your PM2.5 alerts for {area}")).format(area=name)
    body = translate(language, N_(
        "Someone, we hope you, asked for an e-mail when the 24-hour mean of PM2.5 in {area} goes above "
        "{threshold} µg/m³, and another when it is back under it.\n\n"
        "To start these alerts, open this link within {hours} hours:\n{link}\n\n"
        "If you did not ask for them, ignore this e-mail: nothing more will be sent to you."
    )).format(area=name, threshold=_number(threshold), hours=pending_hours,
              link=page_url(language, "/pm25/alerts/confirm", token=token))
    return plain_message(recipient, subject, "\n\n".join([body, *model_note(area, language)]), language)


def already_subscribed(recipient: str, area: Area, threshold: float, language: str,
                       unsubscribe_token: str) -> Message:
    name = area_name(area, language)
    link = page_url(language, "/pm25/alerts/unsubscribe", token=unsubscribe_token)
    subject = translate(language, N_("Your PM2.5 alerts for {area}")).format(area=name)
    body = translate(language, N_(
        "Someone asked again for PM2.5 alerts for {area} at this address. This address already receives "
        "them, at a threshold of {threshold} µg/m³, and nothing has changed.\n\n"
        "To change the threshold or the language, unsubscribe and subscribe again:\n{link}"
    )).format(area=name, threshold=_number(threshold), link=link)
    message = plain_message(recipient, subject, body, language)
    _unsubscribe_headers(message, link, unsubscribe_token)
    return message


def alert(recipient: str, area: Area, threshold: float, language: str, mean: float, state: rules.State,
          unsubscribe_token: str) -> Message:
    """The alert that ``area``'s 24-hour mean (``mean``) is now ``state`` the threshold."""
    values = {"area": area_name(area, language), "value": _number(mean), "threshold": _number(threshold)}
    if state == rules.ABOVE:
        subject = translate(language, N_("PM2.5 in {area} is above {threshold} µg/m³: {value} µg/m³"))
        opening = translate(language, N_(
            "The 24-hour mean of PM2.5 in {area} is now {value} µg/m³, above your threshold of {threshold} µg/m³."))
    else:
        subject = translate(language, N_("PM2.5 in {area} is back under {threshold} µg/m³: {value} µg/m³"))
        opening = translate(language, N_(
            "The 24-hour mean of PM2.5 in {area} is back under your threshold of {threshold} µg/m³: "
            "{value} µg/m³ now."))
    lines = [opening.format(**values), *model_note(area, language), ""]
    band = thai_aqi(mean)
    if band is not None:
        lines.append(translate(language, N_("Thai AQI {index}: {band}")).format(
            index=band.value, band=band.name_en if language == "en" else band.name_th))
        advice = advice_for(band.band)
        if advice is not None:
            lines.append(translate(language, N_("Advice for everyone: {advice}")).format(
                advice=advice.general(language)))
            lines.append(translate(language, N_("Advice for sensitive groups: {advice}")).format(
                advice=advice.sensitive(language)))
        lines.append("")
    lines.append(translate(language, N_("The latest readings: {link}")).format(
        link=page_url(language, f"/province/{area.province.code}")))
    link = page_url(language, "/pm25/alerts/unsubscribe", token=unsubscribe_token)
    lines += ["", translate(language, N_(
        "You receive this because you subscribed to PM2.5 alerts for {area}. Unsubscribe with one click: {link}"
    )).format(area=values["area"], link=link)]
    message = plain_message(recipient, subject.format(**values), "\n".join(lines), language)
    _unsubscribe_headers(message, link, unsubscribe_token)
    return message
