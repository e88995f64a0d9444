"""CSRF protection that one anonymous request cannot switch off. CKAN 2.12's
``ckan_before_request`` exempts the view of every request made with an API token or made
anonymously by calling ``csrf.exempt(view)`` on the process-wide Flask-WTF ``CSRFProtect``: the
exemption outlives the request, so after one anonymous GET of ``/dataset/edit/<name>`` (or any
form page) that form's POSTs are never checked again in that worker, and a page elsewhere can
post it from a signed-in editor's browser. (CKAN 2.11 exempts only the one request.)

An app-wide ``before_request`` (after CKAN's, before Flask-WTF's own check) checks the token
itself when a browser session (not an API token, not anonymous) sends a POST/PUT/PATCH/DELETE
to a view that was exempted after the app was built; views exempted on purpose (``@csrf.exempt``
at import time, noted when the app is built: plugin.py's IMiddleware) keep their exemption."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, request

blueprint = Blueprint("pm25_csrf_guard", __name__)
_exempt_by_design: dict[int, frozenset[str]] = {}  # per CSRFProtect object: its views exempt at start


def _csrf() -> Any:
    return current_app.extensions.get("csrf")


def note_exempt_views(app: Flask) -> None:
    """The views exempt once the app is built (CSRF protection set up, no request yet)."""
    csrf = app.extensions.get("csrf")
    exempt = getattr(csrf, "_exempt_views", None)
    if csrf is not None and exempt is not None:
        _exempt_by_design.setdefault(id(csrf), frozenset(exempt))


def check_what_ckan_exempted() -> None:
    """A Flask ``before_request`` hook: raises Flask-WTF's CSRFError (CKAN's 400 page) when the
    token of a signed-in browser's post is missing or wrong, and returns None otherwise."""
    csrf = _csrf()
    if csrf is None or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in current_app.config.get("WTF_CSRF_METHODS", ("POST", "PUT", "PATCH", "DELETE")):
        return
    if g.get("login_via_auth_header") or g.get("csrf_valid"):
        return  # an API token or an anonymous request: CKAN's rule; or already checked
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return
    dest = f"{view.__module__}.{view.__name__}"
    if dest not in getattr(csrf, "_exempt_views", ()) or dest in _exempt_by_design.get(id(csrf), frozenset()):
        return  # Flask-WTF checks it (not exempt), or it is exempt on purpose
    csrf.protect()


blueprint.before_app_request(check_what_ckan_exempted)
