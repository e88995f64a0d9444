"""The messages our harvesters record on a job or object, shown in the reader's language
(issue 16).

ckanext-harvest stores a recorded error as one text and its API, CLI and pages give that text
as stored. We keep storing the English text (stable for the API, the CLI and scripts that read
it) and translate it where a page shows it: the text is matched against the registry below (each
message's msgid with ``%(name)s`` placeholders), its parameters read back, and the msgid
translated with them. Parameters that are themselves registered phrases ("the station list")
are translated too; everything else in them (an upstream status line, a URL, an exception) is
shown as it came. A text that matches nothing is shown as stored.

Pure: the caller hands in its ``gettext``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ckanext.pm25.common.messages import N_

Gettext = Callable[[str], str]

UPSTREAM_LABEL = N_("Upstream")
UPSTREAM_SEPARATOR = "\nUpstream: "
CLAUSE_SEPARATOR = "; "

# Whole messages (or the first clause of one), with their parameters.
FETCH_FAILED = N_("Could not fetch %(what)s: %(kind)s: %(detail)s")
UNUSABLE = N_("Unusable %(what)s: %(detail)s")
CANNOT_HARVEST = N_("Cannot harvest: %(error)s")
CANNOT_IMPORT = N_("Cannot import: %(error)s")
INVALID_CONFIG = N_("Invalid source configuration: %(error)s")
UNEXPECTED = N_("Unexpected error in %(stage)s: %(error)s")
OUT_OF_TIME = N_("Stopped after %(seconds)s s: the job's time budget (%(key)s = %(budget)s s) ran "
                 "out %(while_doing)s")
HTTP_FALLBACK = N_("Notice: plain-http fallback used: the https certificate could not be verified, "
                   "so data was fetched over unencrypted http as this source's allow_http_fallback "
                   "permits")
TEMPLATES = (FETCH_FAILED, UNUSABLE, CANNOT_HARVEST, CANNOT_IMPORT, INVALID_CONFIG, UNEXPECTED,
             OUT_OF_TIME, HTTP_FALLBACK)

# Fixed words that fill a parameter above or follow a message after "; ".
PHRASES = (
    N_("the station list"), N_("station list"), N_("the hourly history"), N_("hourly history"),
    N_("the hourly values"), N_("hourly values"), N_("the dataset"), N_("dataset"),
    N_("the location list"), N_("location list"), N_("the licence list"),
    N_("the province values"), N_("the district forecast"),
    N_("gather"), N_("fetch"), N_("import"),
    N_("while fetching the station list"), N_("while fetching this dataset"),
    N_("while fetching the hourly history"), N_("while fetching the hourly values"),
    N_("while fetching the 30-day data"), N_("while fetching the hotspots"),
    N_("stored data left as it was"), N_("stored readings unchanged"),
    N_("our copy is left as it was"), N_("nothing is withdrawn this run"),
    N_("the latest snapshot value is stored instead"), N_("stored hotspots are unchanged"),
    N_("stored hotspots left as they were"),
    N_("its stored readings are unchanged and it is fetched again next run"),
    N_("the districts stored before are fetched, no forecast stored"),
    N_("licences named by id only are kept as their ids"),
)

_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)s")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(template)) + "$", re.DOTALL)


def english(template: str, **params: object) -> str:
    """The text to record: ``template`` (a registered msgid) filled in English."""
    return template % params


def _one(text: str, gettext: Gettext) -> str | None:
    if text in PHRASES or text in TEMPLATES:
        return gettext(text)
    for template in TEMPLATES:
        found = _pattern(template).match(text)
        if found:
            params = {name: _one(value, gettext) or value for name, value in found.groupdict().items()}
            return gettext(template) % params
    return None


def _clauses(text: str, gettext: Gettext) -> str:
    """``text`` translated: the registered clauses that follow it after "; " peeled off from the
    right first (an upstream parameter may itself hold a "; "), then the message itself."""
    head, separator, tail = text.rpartition(CLAUSE_SEPARATOR)
    if separator and tail in PHRASES:
        return _clauses(head, gettext) + CLAUSE_SEPARATOR + gettext(tail)
    translated = _one(text, gettext)
    return text if translated is None else translated


def localised(stored: str, gettext: Gettext) -> str:
    """A recorded message (as :mod:`.recording` stores it: the message, `` [url]``, then
    ``"\\nUpstream: "`` and the upstream's snippet) in ``gettext``'s language."""
    message, separator, snippet = stored.partition(UPSTREAM_SEPARATOR)
    url = ""
    found = re.match(r"^(.*) (\[\S+\])$", message, re.DOTALL)
    if found:
        message, url = found.group(1), " " + found.group(2)
    text = _clauses(message, gettext) + url
    if separator:
        text += f"\n{gettext(UPSTREAM_LABEL)}: {snippet}"
    return text
