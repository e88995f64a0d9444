"""Every form of the portal carries CKAN's CSRF token, the extensions' too
(``ckan.csrf_protection.ignore_extensions = false``): the harvest source form, posted by an
agency's editor, is refused without its token and passes with it."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
import pytest

from tests.dataset.fixtures import PASSWORD

UPSTREAM = "http://127.0.0.1:9/"  # never contacted: creating a source only checks its URL
_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')


def _token(app: Any, path: str) -> str:
    page = app.get(path)
    assert page.status_code == 200, path
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token in the form of {path}"
    return found.group(1)


def _log_in(app: Any, user: dict[str, Any]) -> None:
    response = app.post("/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                                "_csrf_token": _token(app, "/en/user/login")})
    assert response.status_code in (200, 302)
    assert app.get("/en/dashboard/datasets").status_code == 200  # logged in


@pytest.mark.xfail(not tk.check_ckan_version(min_version="2.12"), strict=True,
                   reason="CKAN 2.11: the post without a token is answered 403, not CSRF's 400: open, see the report")
def test_the_harvest_source_form_needs_its_csrf_token(app: Any, agency: dict[str, Any],
                                                     allow_upstream: Any) -> None:
    allow_upstream(UPSTREAM)
    _log_in(app, agency["editor"])
    form = {"url": UPSTREAM, "title": "สถานีทดสอบ", "name": "pm25-csrf-source", "notes": "",
            "source_type": "pm25_air4thai", "frequency": "MANUAL", "config": "",
            "owner_org": agency["organization"]["id"], "save": ""}

    refused = app.post("/en/harvest/new", data=form)
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    assert app.get("/en/harvest/pm25-csrf-source").status_code == 404

    # With its token the post reaches the harvest form's own view (its answer: the source, or the
    # form again with the form's own messages), never CSRF's refusal.
    accepted = app.post("/en/harvest/new", data={**form, "_csrf_token": _token(app, "/en/harvest/new")})
    assert accepted.status_code in (200, 302)
    assert "CSRF" not in accepted.get_data(as_text=True)
