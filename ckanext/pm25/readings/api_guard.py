"""Request bodies refused before CKAN's action view reads them. CKAN parses a POST body with
``json.loads`` and catches only ``ValueError``: a deeply nested body is a ``RecursionError`` and
an HTTP 500 (CKAN 2.11 and 2.12, every action). For ckanext-pm25's own actions (``pm25_*``)
such a body is a 400 with a message in the request's language."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, jsonify, request

from ckanext.pm25.common.nesting import nested_deeper_than

# Far more than any pm25 action's parameters need (a GeoJSON geometry: an object and 4 arrays).
MAX_NESTING = 32
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _our_action() -> str | None:
    if request.endpoint != "api.action" or request.method not in ("POST", "PUT"):
        return None
    name = (request.view_args or {}).get("logic_function") or ""
    return name if name.startswith("pm25_") else None


def _body_parts() -> list[str | bytes]:
    if request.mimetype in _FORMS:
        return [*request.form.keys(), *request.form.values()]
    return [request.get_data(cache=True)]


def refuse_deep_bodies() -> Any:
    """A Flask ``before_request`` hook: None to go on, or the 400 response."""
    name = _our_action()
    if name is None or not any(nested_deeper_than(part, MAX_NESTING) for part in _body_parts()):
        return None
    message = tk._("The request body nests arrays or objects more than %(max)s levels deep") % {"max": MAX_NESTING}
    response: Response = jsonify({
        "help": tk.h.url_for("api.action", logic_function="help_show", ver=3, name=name, _external=True),
        "success": False,
        "error": {"__type": "Bad Request", "message": message},
    })
    response.status_code = 400
    return response
