"""Every form of the portal carries CKAN's CSRF token, the extensions' too
(``ckan.csrf_protection.ignore_extensions = false``): the harvest admin's forms, posted by an
agency's editor, are refused by CSRF protection without their token (Flask-WTF's 400 "The CSRF
token is missing", nothing created or changed) and reach their view with it.

Each test signs the editor in on a browser of its own (``app.test_client()``: one cookie jar for
all its requests). CKAN 2.11's ``app`` fixture opens a new client, with no cookies, for every
``app.get``/``app.post`` (CKAN 2.12's keeps one): a login through it is forgotten by the next
request, and an anonymous post is exempt from CSRF protection on both versions (CKAN's
``load_user_from_request`` marks every request without a session user ``login_via_auth_header``),
so it reached the view and got "Unauthorized to create a package" (403) instead.

Which setting each form depends on (CKAN 2.11): the source form (``/harvest/new``, ``/harvest/edit``)
is CKAN's dataset blueprint for the ``harvest`` type, protected whatever
``ignore_extensions`` says; Reharvest and Clear (``/harvest/refresh``, ``/harvest/clear``) are
ckanext-harvest's own ``harvester`` blueprint, exempt when ``ignore_extensions`` is true (CKAN
2.12 has no such setting: always protected)."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from ckan.tests import helpers

from ckanext.harvest import queue
from tests.dataset.fixtures import PASSWORD
from tests.harvesters.harvesting import CONTACT, make_source

UPSTREAM = "http://127.0.0.1:9/"  # never contacted: creating a source only checks its URL
# (one source per URL and config: each test's own source has its own path under it)
CSRF_MISSING = "The CSRF token is missing."
_FORM_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')
_PAGE_TOKEN = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')  # confirm-action.js posts it


def _token(client: Any, path: str, pattern: re.Pattern[str] = _FORM_TOKEN) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    found = pattern.search(page.get_data(as_text=True))
    assert found, f"no CSRF token in {path}"
    return found.group(1)


def _signed_in(app: Any, user: dict[str, Any]) -> Any:
    """A browser of its own with ``user`` signed in (its cookies kept from one request to the next)."""
    client = app.test_client()
    response = client.post("/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                                   "_csrf_token": _token(client, "/en/user/login")})
    assert response.status_code == 200
    assert response.request.path == "/en/dashboard/datasets"  # signed in: not sent back to the login
    dashboard = client.get("/en/dashboard/datasets")
    assert dashboard.status_code == 200 and dashboard.request.path == "/en/dashboard/datasets"
    return client


def _refused_by_csrf(response: Any) -> None:
    """CSRF protection's answer (Flask-WTF's CSRFError, rendered by CKAN's error page), not the
    view's: a 403 "Unauthorized" would mean the post got past CSRF protection."""
    assert response.status_code == 400
    assert CSRF_MISSING in response.get_data(as_text=True)


def _reached_the_view(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    body: str = response.get_data(as_text=True)
    assert "CSRF" not in body
    return body


def _jobs(source: dict[str, Any]) -> list[dict[str, Any]]:
    return list(helpers.call_action("harvest_job_list", source_id=source["id"]))


def test_the_harvest_source_form_needs_its_csrf_token(app: Any, agency: dict[str, Any],
                                                     allow_upstream: Any) -> None:
    allow_upstream(UPSTREAM)
    editor = _signed_in(app, agency["editor"])
    form = {"url": UPSTREAM, "title": "สถานีทดสอบ", "name": "pm25-csrf-source", "notes": "",
            "source_type": "pm25_air4thai", "frequency": "MANUAL",
            "config": json.dumps({"maintainer_email": CONTACT}), "owner_org": agency["organization"]["id"], "save": ""}

    _refused_by_csrf(editor.post("/en/harvest/new", data=form))
    assert editor.get("/en/harvest/pm25-csrf-source").status_code == 404

    # With its token the post reaches the harvest form's own view, which creates the source.
    accepted = editor.post("/en/harvest/new", data={**form, "_csrf_token": _token(editor, "/en/harvest/new")})
    _reached_the_view(accepted)
    assert accepted.request.path == "/en/harvest/pm25-csrf-source"
    assert "สถานีทดสอบ" in accepted.get_data(as_text=True)


def test_the_harvest_source_edit_form_needs_its_csrf_token(app: Any, agency: dict[str, Any],
                                                          allow_upstream: Any) -> None:
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}edit", "pm25_air4thai", name="pm25-csrf-edit", org=agency["organization"])
    editor = _signed_in(app, agency["editor"])
    form = {"url": source["url"], "title": "ชื่อใหม่", "name": source["name"], "notes": "",
            "source_type": "pm25_air4thai", "frequency": "MANUAL", "config": source["config"],
            "owner_org": agency["organization"]["id"], "save": ""}
    edit = f"/en/harvest/edit/{source['name']}"

    _refused_by_csrf(editor.post(edit, data=form))
    assert helpers.call_action("harvest_source_show", id=source["id"])["title"] == "pm25-csrf-edit"

    _reached_the_view(editor.post(edit, data={**form, "_csrf_token": _token(editor, edit)}))
    assert helpers.call_action("harvest_source_show", id=source["id"])["title"] == "ชื่อใหม่"


@pytest.mark.parametrize("button", ["refresh", "clear"])
def test_reharvest_and_clear_need_the_pages_csrf_token(app: Any, agency: dict[str, Any],
                                                      allow_upstream: Any, button: str) -> None:
    """The admin page's Reharvest and Clear buttons (confirm-action.js posts the page's token)."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}{button}", "pm25_air4thai", name=f"pm25-csrf-{button}", org=agency["organization"])
    editor = _signed_in(app, agency["editor"])
    admin_page = f"/en/harvest/admin/{source['name']}"
    page = editor.get(admin_page).get_data(as_text=True)
    assert f'href="/en/harvest/{button}/{source["id"]}"' in page  # the button the editor clicks
    if button == "clear":
        helpers.call_action("harvest_job_create", source_id=source["id"], run=False)  # something to clear
    jobs_before = len(_jobs(source))

    _refused_by_csrf(editor.post(f"/en/harvest/{button}/{source['id']}"))
    assert len(_jobs(source)) == jobs_before  # no job started, none cleared

    try:
        token = _token(editor, admin_page, _PAGE_TOKEN)
        body = _reached_the_view(editor.post(f"/en/harvest/{button}/{source['id']}",
                                             data={"_csrf_token": token}))
        if button == "refresh":
            assert "Harvest will start shortly" in body
            assert len(_jobs(source)) == jobs_before + 1
        else:
            assert "Harvest source cleared" in body
            assert _jobs(source) == []
    finally:  # the job Reharvest queued is not run here: its message leaves this slot's gather queue
        gather = queue.get_gather_consumer()
        while gather.basic_get(queue=queue.get_gather_queue_name())[2] is not None:
            pass


def test_the_delete_button_needs_the_pages_csrf_token(app: Any, agency: dict[str, Any],
                                                     allow_upstream: Any) -> None:
    """The edit page's "Delete source" (confirm-action.js posts the page's token; a POST to
    ``/harvest/delete/<id>`` is CKAN's dataset delete view for the harvest type)."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}delete", "pm25_air4thai", name="pm25-csrf-delete", org=agency["organization"])
    editor = _signed_in(app, agency["editor"])
    edit = f"/en/harvest/edit/{source['name']}"
    delete = f"/en/harvest/delete/{source['name']}"
    assert f'href="{delete}" data-module="confirm-action"' in editor.get(edit).get_data(as_text=True)

    _refused_by_csrf(editor.post(delete))
    assert helpers.call_action("package_show", id=source["id"])["state"] == "active"

    _reached_the_view(editor.post(delete, data={"_csrf_token": _token(editor, edit, _PAGE_TOKEN)}))
    assert helpers.call_action("package_show", id=source["id"])["state"] == "deleted"
