"""Request bodies refused before CKAN's action view reads them. CKAN parses a POST body with
``json.loads`` and catches only ``ValueError``: a deeply nested body is a ``RecursionError`` and
an HTTP 500 (CKAN 2.11 and 2.12, every action). Such a body is a 400 with a message in the
request's language: past 32 levels for ckanext-pm25's own actions (``pm25_*``), past 256 for
every other action of the portal (CKAN's own and other extensions', whose clients may send
deeper documents than ours need, but never the hundreds of levels that exhaust the parser)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, jsonify, request

from ckanext.pm25.common.nesting import nested_deeper_than

# Far more than any pm25 action's parameters need (a GeoJSON geometry: an object and 4 arrays).
MAX_NESTING = 32
# Any other action: far more than a dataset, a DataStore record or a harvest source needs, far
# less than the ~1,000 levels at which json.loads (and code walking the result) recurses too deep.
MAX_NESTING_OTHER_ACTIONS = 256
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _action() -> str | None:
    if request.endpoint != "api.action" or request.method not in ("POST", "PUT"):
        return None
    return (request.view_args or {}).get("logic_function") or ""


def nesting_limit(action: str) -> int:
    return MAX_NESTING if action.startswith("pm25_") else MAX_NESTING_OTHER_ACTIONS


def _body_parts() -> list[str | bytes]:
    if request.mimetype in _FORMS:
        return [*request.form.keys(), *request.form.values()]
    return [request.get_data(cache=True)]


def refuse_deep_bodies() -> Any:
    """A Flask ``before_request`` hook: None to go on, or the 400 response."""
    name = _action()
    if name is None:
        return None
    limit = nesting_limit(name)
    if not any(nested_deeper_than(part, limit) for part in _body_parts()):
        return None
    message = tk._("The request body nests arrays or objects more than %(max)s levels deep") % {"max": limit}
    response: Response = jsonify({
        "help": tk.h.url_for("api.action", logic_function="help_show", ver=3, name=name, _external=True),
        "success": False,
        "error": {"__type": "Bad Request", "message": message},
    })
    response.status_code = 400
    return response
