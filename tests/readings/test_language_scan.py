"""Every page of ours and every error of our API, in both languages, scanned for the other
language's words: no English message of our catalogue on a Thai page (an untranslated or
mis-marked string), no Thai message of ours on an English page (a string formatted in the wrong
locale). The pages are our blueprints' GET routes, read from the site's URL map, so a new page is
scanned (or this test says which argument it cannot fill); the API errors are those of every
``pm25_*`` action the plugin registers."""
from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from importlib import resources
from typing import Any

import ckan.plugins as plugins
import pytest
from babel.messages.pofile import read_po
from ckan.tests import helpers

from tests.readings.conftest import Known

THAI = re.compile(r"[\u0E00-\u0E7F]")
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sdif]|%[sdif]")

ARGUMENTS = {"code": ("TH-52", "TH-99"), "agency": ("pcd", "no-such-agency"),
             "request_id": (None, "999999")}
"""A good and a bad value for each argument of our routes (None: the request made below)."""

ERROR_PAGES = ("/pm25/my-area?place=no-such-place-anywhere", "/pm25/my-area?lat=200&lon=0",
               "/pm25/trends.csv?province=XX", "/pm25/measurements.csv?start=not-a-date",
               "/pm25/alerts/confirm?token=not-a-token", "/pm25/alerts/unsubscribe?token=not-a-token",
               "/pm25/requests?status=no-such-status", "/province/TH-52/readings.csv?days=0")
"""Pages and downloads asked with bad input: their errors are scanned too."""


PROPER_NAMES = frozenset({"CKAN Association"})
"""Names written alike in both languages (the footer's link to CKAN's makers)."""


def _pieces(text: str) -> list[str]:
    return [piece.strip(" .,:;–—()") for piece in PLACEHOLDER.split(text)]


def _catalog(package: str, path: str) -> Any:
    with resources.files(package).joinpath(path).open("rb") as handle:
        return read_po(handle)


@lru_cache(maxsize=1)
def _words_of_each_language() -> tuple[frozenset[str], frozenset[str]]:
    """(English, Thai): the literal pieces of our catalogue's messages long enough to be a
    phrase of their own (two English words or more; eight Thai letters or more), without the
    pieces the two languages write alike (PM2.5, AQI, µg/m³); and the English of CKAN's own
    messages that neither CKAN's Thai catalogue nor ours translates."""
    ours = _catalog("ckanext.pm25", "i18n/th/LC_MESSAGES/ckanext-pm25.po")
    core = _catalog("ckan", "i18n/th/LC_MESSAGES/ckan.po")
    english: set[str] = set()
    thai: set[str] = set()
    for message in core:
        if message.id and not message.string and isinstance(message.id, str) \
                and not (ours.get(message.id) and ours.get(message.id).string):
            english |= {piece for piece in _pieces(message.id)
                        if len(piece.split()) >= 2 and len(piece) >= 12}
    for message in ours:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        thai_pieces = {piece for text in strings for piece in _pieces(text)}
        english_pieces = {piece for text in ids for piece in _pieces(text)}
        english |= {piece for piece in english_pieces - thai_pieces
                    if len(piece.split()) >= 2 and len(piece) >= 12 and not THAI.search(piece)}
        thai |= {piece for piece in thai_pieces - english_pieces if len(THAI.findall(piece)) >= 8}
    return frozenset(english - PROPER_NAMES), frozenset(thai)


def visible_text(body: str) -> str:
    """The words and tooltips a reader sees: no scripts, styles, tags or entities."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    page = re.sub(r'(?s)<ul class="tag-list.*?</ul>', " ", page)  # tags are data, in the data's language
    page = re.sub(r'<[^>]*?\b(?:title|aria-label|placeholder|alt)="([^"]*)"[^>]*>', r" \1 ", page)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def _standing_alone(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is in ``text`` as words of their own, not inside a longer word or name
    (Thai writes no spaces: "ศูนย์ข้อมูลคุณภาพอากาศ", a contact's name, holds "คุณภาพอากาศ")."""
    letter = r"\u0E00-\u0E7F" if THAI.search(phrase) else r"\w"
    return re.search(rf"(?<![{letter}]){re.escape(phrase)}(?![{letter}])", text) is not None


def other_language(text: str, language: str) -> list[str]:
    """The phrases of our catalogue's other language found in ``text``."""
    english, thai = _words_of_each_language()
    foreign = english if language == "th" else thai
    return sorted(phrase for phrase in foreign if phrase in text and _standing_alone(phrase, text))


pytestmark = pytest.mark.usefixtures("with_plugins")


def ask_for_data(known: Known) -> dict[str, Any]:
    """A data request, so that its page and its queue are scanned."""
    return helpers.call_action(
        "pm25_data_request_create", {"user": known.user["name"]}, title="Hourly PM2.5 of Mae Mo 2023",
        description="The hourly readings.", provinces="TH-52", period_start="2023-01-01",
        period_end="2023-12-31", agency="pcd", language="en")


def _our_pages(app: Any, request_id: str) -> list[str]:
    """Each GET route of our blueprints with good arguments, and with bad ones."""
    paths: list[str] = []
    for rule in app.flask_app.url_map.iter_rules():
        if not rule.endpoint.startswith("pm25") or "GET" not in (rule.methods or ()):
            continue
        unknown = set(rule.arguments) - set(ARGUMENTS)
        assert not unknown, f"{rule.rule}: give a good and a bad value for {sorted(unknown)} in ARGUMENTS"
        for choice in (0, 1):
            values = {name: ARGUMENTS[name][choice] or request_id for name in rule.arguments}
            paths.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(paths))


def test_no_page_of_ours_shows_the_other_language(known: Known, app: Any) -> None:
    data_request = ask_for_data(known)
    station = next(iter(known.stations.values()))
    catalogue_pages = ["/", "/dataset", f"/dataset/{station['name']}",
                       f"/dataset/{station['name']}/resource/{station['resources'][0]['id']}",
                       "/organization/pcd"]
    pages = [*_our_pages(app, data_request["id"]), *ERROR_PAGES, *catalogue_pages]
    scanned = 0
    leaks: dict[str, list[str]] = {}
    for path in pages:
        for prefix, language in (("", "th"), ("/en", "en")):
            response = app.get(prefix + path)
            if "html" not in response.headers.get("Content-Type", "") and response.status_code < 400:
                continue  # a download or a map layer that went well: data, not prose
            text = visible_text(response.get_data(as_text=True))
            scanned += 1
            found = other_language(text, language)
            if found:
                leaks[f"{prefix}{path} ({response.status_code})"] = found
    assert not leaks, leaks
    assert scanned >= 2 * 30  # every page of ours was read, in both languages


def _api_errors(app: Any, prefix: str, name: str) -> list[str]:
    """The error texts a bad call of ``name`` answers with (none when it succeeds)."""
    body = {"id": "no-such-thing", "code": "XX", "province": "XX", "station": "no-such-station",
            "lat": "north", "lon": "east", "limit": "many", "years": "-1", "place": "",
            "token": "not-a-token", "reason": "", "title": ""}
    response = app.post(f"{prefix}/api/3/action/{name}", json=body)
    if response.json["success"]:
        return []
    error = response.json["error"]

    def texts(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [t for key, inner in value.items() if key != "__type" for t in texts(inner)]
        if isinstance(value, list):
            return [t for inner in value for t in texts(inner)]
        return [str(value)]
    return texts(error)


def test_no_api_error_of_ours_speaks_the_other_language(known: Known, app: Any) -> None:
    names = sorted(name for name in plugins.get_plugin("pm25").get_actions() if name.startswith("pm25_"))
    leaks: dict[str, list[str]] = {}
    thai_errors = 0
    for name in names:
        for prefix, language in (("", "th"), ("/en", "en")):
            errors = _api_errors(app, prefix, name)
            found = other_language(" ".join(errors), language)
            if found:
                leaks[f"{prefix} {name}"] = found
            thai_errors += language == "th" and any(THAI.search(error) for error in errors)
    assert not leaks, leaks
    assert len(names) >= 20
    assert thai_errors >= 10  # the errors scanned were ours, in Thai, not only CKAN's types
