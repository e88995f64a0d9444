"""The embeddable widget (issue 16) for other sites: a province's latest PM2.5, its 24-hour mean
with the Thai AQI band and PCD's advice, and who measured it, as a small page of its own
(``/pm25/embed/<code>``, Thai; ``/en/pm25/embed/<code>``, English) and a script tag
(``/pm25/embed.js``) that puts that page in an iframe where the tag stands.

Both are the same for every visitor (read as an anonymous user), cacheable by anyone for
``ckanext.pm25.embed.max_age`` seconds, set no cookie and may be framed by any site: the views
mark their request and ``embed_headers.EmbedHeaders`` (wrapped around the Flask application in
plugin.py) settles those headers after CKAN's own.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint, Response, make_response, request
from flask_babel import force_locale
from markupsafe import escape

from ckanext.pm25.geo.provinces import Province, all_provinces, find_province
from ckanext.pm25.readings.embed_headers import MARK
from ckanext.pm25.readings.records import MODEL, shown_value, sources

blueprint = Blueprint("pm25_embed", __name__)

WIDTH = 300
HEIGHT = 420
"""The iframe's size: a 300 px sidebar, tall enough for the values, the band and its advice."""

LANGUAGES = ("th", "en")


def _public_response() -> None:
    """Ask EmbedHeaders for the widget's headers on this request's response."""
    request.environ[MARK] = tk.config.get("ckanext.pm25.embed.max_age")


def _anonymous() -> Context:
    """The actions read as nobody in particular: a logged-in visitor gets the public page."""
    return {"user": ""}


def _name(province: Province) -> str:
    return province.name_en if tk.h.lang() == "en" else province.name_th


def widget(code: str) -> Response:
    """A province's widget page; a 404 widget page (same language) for an unknown code."""
    _public_response()
    province = find_province(code)
    if province is None:
        body = tk.render("pm25/embed.html", {"province": None, "code": code[:40]})
        return make_response(body, 404)
    record = tk.get_action("pm25_province_show")(_anonymous(), {"id": province.code})
    modelled = record.get("value_source") == MODEL
    latest = shown_value(record)
    return make_response(tk.render("pm25/embed.html", {
        "province": province,
        "name": _name(province),
        "latest": latest,
        "modelled": modelled,
        "sources": [latest["source"]] if modelled else sources(latest, record["stations"]),
        "more": tk.h.url_for("pm25_province.read", code=province.code, qualified=True),
    }))


@lru_cache(maxsize=1)
def _script_text() -> str:
    folder = resources.files("ckanext.pm25").joinpath("assets").joinpath("embed")
    return folder.joinpath("embed.js").read_text(encoding="utf-8")


def _frame_titles() -> dict[str, str]:
    """The iframe's accessible title in each language the widget speaks; embed.js puts the
    province's name in ``{province}`` (the host page has no catalogue of ours)."""
    titles = {}
    for language in LANGUAGES:
        with force_locale(language):
            titles[language] = tk._("PM2.5 air quality: {province}")
    return titles


def script() -> Response:
    """embed.js: put the widget of ``data-province`` in ``data-lang`` after this script tag."""
    _public_response()
    names = {province.code: {"th": province.name_th, "en": province.name_en} for province in all_provinces()}
    settings = {"titles": _frame_titles(), "names": names, "width": WIDTH, "height": HEIGHT}
    body = _script_text().replace("/*SETTINGS*/{}", json.dumps(settings, ensure_ascii=False))
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response


def pm25_embed_snippets(province: Province) -> dict[str, str]:
    """The two ways to embed a province's widget, as the province page offers them to copy."""
    language = tk.h.lang()
    page = tk.h.url_for("pm25_embed.widget", code=province.code, qualified=True)
    script_url = tk.h.url_for("pm25_embed.script", qualified=True, locale="default")
    title = tk._("PM2.5 air quality: {province}").format(province=_name(province))
    iframe = (f'<iframe src="{page}" title="{escape(title)}" width="{WIDTH}" '
              f'height="{HEIGHT}" loading="lazy" style="border:0;max-width:100%"></iframe>')
    tag = (f'<script src="{script_url}" data-province="{province.code}" data-lang="{language}" '
           f'async></script>')
    return {"iframe": iframe, "script": tag}


blueprint.add_url_rule("/pm25/embed.js", view_func=script, endpoint="script")
blueprint.add_url_rule("/pm25/embed/<code>", view_func=widget, endpoint="widget")

HELPERS: dict[str, Callable[..., Any]] = {"pm25_embed_snippets": pm25_embed_snippets}
