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
2.12 has no such setting: always protected).

CSRF protection checks POSTs only, so ckanext-harvest's admin actions that it served on GET
(Reharvest, Clear, Delete, Delete and clear, Stop a job) are refused on GET and HEAD
(harvesters/admin_guard.py: 405, nothing changed); Stop and "Delete and clear source" post to
harvesters/admin_views.py's views, with the page's token like the other buttons."""
from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob
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


def _drain_gather_queue() -> None:
    gather = queue.get_gather_consumer()
    while gather.basic_get(queue=queue.get_gather_queue_name())[2] is not None:
        pass


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


def test_an_anonymous_visit_does_not_switch_off_a_forms_csrf_protection(app: Any, agency: dict[str, Any],
                                                                        allow_upstream: Any) -> None:
    """CKAN 2.12 marks the view of an anonymous request CSRF-exempt for the rest of the process
    (dataset/csrf_guard.py): an anonymous visit to the edit form first, then the editor's post
    without its token, must still be refused."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}anonymous", "pm25_air4thai", name="pm25-csrf-anonymous",
                         org=agency["organization"])
    edit = f"/en/harvest/edit/{source['name']}"
    assert app.test_client().get(edit).status_code in (302, 403)  # anonymous: not allowed to edit
    editor = _signed_in(app, agency["editor"])
    form = {"url": source["url"], "title": "ชื่อใหม่", "name": source["name"], "notes": "",
            "source_type": "pm25_air4thai", "frequency": "MANUAL", "config": source["config"],
            "owner_org": agency["organization"]["id"], "save": ""}

    _refused_by_csrf(editor.post(edit, data=form))
    assert helpers.call_action("harvest_source_show", id=source["id"])["title"] == "pm25-csrf-anonymous"

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
        _drain_gather_queue()


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


# ckanext-harvest's admin actions are never done by opening a link (harvesters/admin_guard.py):
# its blueprint serves them on GET, which CSRF protection never checks, so a page with
# <img src=".../harvest/clear/<id>"> would act in the browser of an editor who opened it.
REFUSED_ON_GET = "This harvest action changes data, so it is done only with its button on the harvest source's pages"
REFUSED_ON_GET_TH = "การดำเนินการเก็บเกี่ยวข้อมูลนี้เปลี่ยนแปลงข้อมูล จึงทำได้ด้วยปุ่มในหน้าของแหล่งเก็บเกี่ยวข้อมูลเท่านั้น"
GET_LINKS = {
    "refresh": "/harvest/refresh/{source_id}",
    "clear": "/harvest/clear/{source_id}",
    "delete": "/harvest/delete/{source_name}",
    "delete-and-clear": "/harvest/delete/{source_name}?clear=True",
    "abort": "/harvest/{source_name}/job/{job_id}/abort",
}


@pytest.fixture(scope="module")
def harvest_sysadmin() -> dict[str, Any]:
    """Stopping a job is for sysadmins only (ckanext-harvest's ``harvest_job_abort`` auth)."""
    return dict(factories.Sysadmin(password=PASSWORD))


def _job_status(job_id: str) -> str:
    return str(helpers.call_action("harvest_job_show", id=job_id)["status"])


def _running_job(source: dict[str, Any]) -> dict[str, Any]:
    """A job the gather stage has started (as a harvest in progress: no gather consumer runs here)."""
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    stored = HarvestJob.get(job["id"])
    stored.status = "Running"
    model.repo.commit()
    return dict(job)


@pytest.mark.parametrize("action", list(GET_LINKS))
def test_harvest_admin_actions_are_refused_on_get(app: Any, agency: dict[str, Any], harvest_sysadmin: dict[str, Any],
                                                  allow_upstream: Any, action: str) -> None:
    """GET and HEAD (an <img>, a link, a prefetch) get a 405 and change nothing, in Thai by default,
    for a user allowed to do the action (an agency's editor; a sysadmin for stopping a job)."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}get-{action}", "pm25_air4thai", name=f"pm25-csrf-get-{action}",
                         org=agency["organization"])
    job = None if action == "refresh" else helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    link = GET_LINKS[action].format(source_id=source["id"], source_name=source["name"], job_id=job and job["id"])
    editor = _signed_in(app, harvest_sysadmin if action == "abort" else agency["editor"])
    try:
        english = editor.get(f"/en{link}")
        thai = editor.get(link)
        head = editor.head(f"/en{link}")
    finally:  # a Reharvest that got through would have queued its job here
        _drain_gather_queue()

    # Nothing changed: no job started or cleared, the job not stopped, the source not deleted.
    assert [j["id"] for j in _jobs(source)] == ([] if job is None else [job["id"]])
    if job is not None:
        assert _job_status(job["id"]) == "New"
    shown = helpers.call_action("harvest_source_show", id=source["id"])
    assert shown["state"] == "active" and shown["active"] is True
    for response in (english, thai, head):
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"
    assert REFUSED_ON_GET in html.unescape(english.get_data(as_text=True))
    assert REFUSED_ON_GET_TH in html.unescape(thai.get_data(as_text=True))


def test_stop_posts_with_the_pages_csrf_token(app: Any, agency: dict[str, Any], harvest_sysadmin: dict[str, Any],
                                              allow_upstream: Any) -> None:
    """Stop (ckanext-harvest's GET link) is a confirm-action button posting the page's token, shown
    to those who may stop a job (sysadmins), not to an agency's editor (who got a 403 for it)."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}stop", "pm25_air4thai", name="pm25-csrf-stop", org=agency["organization"])
    job = _running_job(source)
    abort = f"/en/harvest/{source['name']}/job/{job['id']}/abort"
    pages = (f"/en/harvest/admin/{source['name']}", f"/en/harvest/{source['name']}/job/{job['id']}")
    editor_page = _signed_in(app, agency["editor"]).get(pages[0]).get_data(as_text=True)
    assert "Clear" in editor_page and abort not in editor_page
    editor = _signed_in(app, harvest_sysadmin)
    button = f'<a href="{abort}" class="btn btn-default" data-module="confirm-action"'
    for page in pages:
        assert button in editor.get(page).get_data(as_text=True), page  # the admin page and the job report

    _refused_by_csrf(editor.post(abort))
    assert _job_status(job["id"]) == "Running"

    stopped = _reached_the_view(editor.post(abort, data={"_csrf_token": _token(editor, pages[0], _PAGE_TOKEN)}))
    assert "Harvest job stopped" in stopped
    assert _job_status(job["id"]) == "Finished"


def test_delete_and_clear_posts_with_the_pages_csrf_token(app: Any, agency: dict[str, Any],
                                                         allow_upstream: Any) -> None:
    """The edit page's "Delete and clear source" posts (with the page's token) to a view that
    deletes the source and clears its jobs: its link posted to CKAN's dataset delete view, which
    ignores ``?clear=True`` (the source was deleted, its jobs kept)."""
    allow_upstream(UPSTREAM)
    source = make_source(f"{UPSTREAM}delete-and-clear", "pm25_air4thai", name="pm25-csrf-delete-and-clear",
                         org=agency["organization"])
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    editor = _signed_in(app, agency["editor"])
    edit = f"/en/harvest/edit/{source['name']}"
    delete_and_clear = f"/en/harvest/delete/{source['name']}/clear"
    assert f'href="{delete_and_clear}" data-module="confirm-action"' in editor.get(edit).get_data(as_text=True)

    _refused_by_csrf(editor.post(delete_and_clear))
    assert helpers.call_action("package_show", id=source["id"])["state"] == "active"
    assert [j["id"] for j in _jobs(source)] == [job["id"]]

    done = _reached_the_view(editor.post(delete_and_clear, data={"_csrf_token": _token(editor, edit, _PAGE_TOKEN)}))
    assert "The harvest source was deleted and cleared" in done
    assert helpers.call_action("package_show", id=source["id"])["state"] == "deleted"
    assert _jobs(source) == []
