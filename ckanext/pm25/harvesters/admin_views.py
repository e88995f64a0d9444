"""The harvest admin's actions that ckanext-harvest serves on GET only, served on POST (CSRF-protected:
the page's token, posted by CKAN's confirm-action module): Stop a job
(``/harvest/<source>/job/<id>/abort``, the path of ckanext-harvest's GET link, which admin_guard.py
refuses) and "Delete and clear source" (``/harvest/delete/<id>/clear``: a POST to
``/harvest/delete/<id>?clear=True`` is CKAN's dataset delete view, which deletes the source and
ignores ``clear``). The blueprint also installs the app-wide guard that refuses those actions on
GET (admin_guard.py). Templates: ``source/admin_base.html``, ``source/new_source_form.html``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint
from flask_login import current_user

from ckanext.pm25.harvesters import admin_guard

blueprint = Blueprint("pm25_harvest_admin", __name__)
blueprint.before_app_request(admin_guard.refuse_state_changing_gets)


def _context() -> Context:
    return {"user": current_user.name if current_user else "", "auth_user_obj": current_user}


def _run(action: str, context: Context, id: str, not_found: str, done: str, source: str) -> Any:
    """Run a harvest action on ``id``: 404 or 403 as ckanext-harvest's own views answer, else the
    ``done`` message and back to the source's admin page."""
    try:
        tk.get_action(action)(context, {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, not_found)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    tk.h.flash_success(done)
    return tk.redirect_to("harvester.admin", id=source)


def job_abort(source: str, id: str) -> Any:
    """Stop: the job is marked finished (ckanext-harvest's ``harvest_job_abort``), as its GET link did."""
    return _run("harvest_job_abort", _context(), id, tk._("Harvest job not found"),
                tk._("Harvest job stopped"), source)


def delete_and_clear(id: str) -> Any:
    """Delete and clear source: ckanext-harvest's ``harvest_source_delete`` with ``clear_source``
    (the source is deleted, its jobs, objects and datasets removed), as its GET link did."""
    context = _context()
    # ckanext-harvest's own context key (its delete view sets it from ?clear=True)
    context["clear_source"] = True  # type: ignore[typeddict-unknown-key]
    return _run("harvest_source_delete", context, id, tk._("Harvest source not found"),
                tk._("The harvest source was deleted and cleared"), id)


blueprint.add_url_rule("/harvest/<source>/job/<id>/abort", view_func=job_abort, endpoint="job_abort",
                       methods=["POST"])
blueprint.add_url_rule("/harvest/delete/<id>/clear", view_func=delete_and_clear, endpoint="delete_and_clear",
                       methods=["POST"])
