"""ckanext-harvest's admin actions are never done by a GET. Its ``harvester`` blueprint serves
Reharvest (``/harvest/refresh/<id>``), Clear (``/harvest/clear/<id>``), Delete (``/harvest/delete/<id>``,
``?clear=True`` to clear too) and job abort (``/harvest/<source>/job/<id>/abort``) on GET, and CSRF
protection checks POSTs only: a page with ``<img src=".../harvest/clear/<id>">`` would clear a source
in the browser of an editor who opened it. An app-wide ``before_request`` (installed by
admin_views.py's blueprint) answers a GET or HEAD to those endpoints with a 405 and a message in
the request's language, before the view runs. The forms post instead (CSRF-protected: the page's
token), to ckanext-harvest's own views (Reharvest, Clear), CKAN's dataset delete view (Delete
source) or admin_views.py's (Stop, Delete and clear source)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Response, make_response, request

# ckanext-harvest's endpoints that change a source, its jobs or its datasets.
STATE_CHANGING_ENDPOINTS = frozenset({
    "harvester.refresh",    # creates a job
    "harvester.clear",      # deletes the source's jobs, objects and datasets
    "harvester.delete",     # deletes the source (and with ?clear=True clears it)
    "harvester.job_abort",  # marks a job finished
})
_READS = ("GET", "HEAD")


def refuse_state_changing_gets() -> Response | None:
    """A Flask ``before_request`` hook: None to go on, or the 405 page (``Allow: POST``)."""
    if request.method not in _READS or request.endpoint not in STATE_CHANGING_ENDPOINTS:
        return None
    message = tk._("This harvest action changes data, so it is done only with its button on the "
                   "harvest source's pages (a form sent with POST), never by opening a link.")
    page = tk.render("error_document_template.html", {
        "code": 405, "name": tk._("Method Not Allowed"), "content": message,
        "show_login_redirect_link": False})
    response = make_response(page, 405)
    response.headers["Allow"] = "POST"
    return response
