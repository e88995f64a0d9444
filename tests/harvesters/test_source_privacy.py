"""A harvest source is a CKAN dataset of type ``harvest`` to ckanext-harvest, and its ``config``
holds the contact e-mail of the agency: nobody but the editors and admins of its organisation and
the sysadmins reads it, through any public path (the action API, search tricks, the harvest
pages, the activity stream, the organisation, DCAT); ``package_list`` and ``package_search`` show
the public datasets only. One source made by the organisation's editor, one dataset, one web app,
for the whole module; every read is an HTTP request as the user would make it."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ckan.plugins
import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.app_globals import _CONFIG_CACHE
from ckan.tests import factories, helpers

from tests.database import reset_stores
from tests.dataset.fixtures import PASSWORD
from tests.factories import create_pm25_dataset
from tests.harvesters.harvesting import make_source
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

pytestmark = pytest.mark.usefixtures("clean_queues")

UPSTREAM = "http://127.0.0.1:9/"
SECRET = "kanyarat.secret@pcd.example.go.th"
CHANGED = "somchai.private@pcd.example.go.th"
# a word of each e-mail that nothing else of the site holds: the search must not find it
DATASET_CONTACT = "published@pcd.example.go.th"


@dataclass
class Site:
    source: dict[str, Any]
    dataset: dict[str, Any]
    org: dict[str, Any]
    activities: list[str]  # ids of the source's activities (created, changed)
    editor: dict[str, Any]
    tokens: dict[str, str]  # who -> API token ("anonymous": none)


@pytest.fixture(scope="module")
def site(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Site]:
    """Clean stores, the plugins of test.ini loaded, a source made and changed once by the
    organisation's editor (so it has two activities), a published dataset beside it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        ckan.plugins.load_all()
        try:
            reset_stores(reset_db, reset_index, migrate_db_for)
            monkeypatch.setitem(tk.config, ALLOWED_HOSTS, [origin_of(UPSTREAM)])
            editor, admin = factories.User(password=PASSWORD), factories.User()
            member, outsider, sysadmin = factories.User(), factories.User(), factories.Sysadmin()
            org = factories.Organization(name="pcd", users=[
                {"name": editor["name"], "capacity": "editor"}, {"name": admin["name"], "capacity": "admin"},
                {"name": member["name"], "capacity": "member"}])
            factories.Organization(name="other-agency", users=[{"name": outsider["name"], "capacity": "editor"}])
            source = make_source(UPSTREAM, "pm25_air4thai", {"maintainer_email": SECRET, "interval_minutes": 60},
                                 name="pcd-air4thai", org=org, user=editor)
            helpers.call_action("package_patch", context={"user": editor["name"], "ignore_auth": False},
                                id=source["id"], title="Air4Thai of PCD")
            dataset = create_pm25_dataset(sysadmin, owner_org=org["id"], maintainer_email=DATASET_CONTACT)
            activities = [a["id"] for a in helpers.call_action("package_activity_list", id=source["id"])]
            assert len(activities) == 2
            tokens = {who: factories.APIToken(user=user["id"])["token"] for who, user in (
                ("editor", editor), ("admin", admin), ("member", member), ("outsider", outsider),
                ("sysadmin", sysadmin))}
            yield Site(source, dataset, org, activities, editor, tokens)
        finally:
            ckan.plugins.unload_all()


@pytest.fixture(scope="module")
def app(site: Site) -> Any:
    """One test client for the module (CKAN's ``app`` makes a new web app for every test)."""
    _CONFIG_CACHE.clear()
    return helpers._get_test_app()


def get(app: Any, site: Site, who: str, path: str, **params: Any) -> Any:
    headers = {"Authorization": site.tokens[who]} if who in site.tokens else {}
    return app.get(path, query_string={k: v if isinstance(v, str) else json.dumps(v)
                                       for k, v in params.items()}, headers=headers)


def api(app: Any, site: Site, who: str, action: str, **params: Any) -> Any:
    return get(app, site, who, f"/api/3/action/{action}", **params)


HARVEST = {"fq": "+dataset_type:harvest"}

# Every public path by which a harvest source (or a document about it) reaches a reader.
PATHS: dict[str, Callable[[Site], tuple[str, dict[str, Any]]]] = {
    "package_show": lambda s: ("/api/3/action/package_show", {"id": s.source["name"]}),
    "package_show by id": lambda s: ("/api/3/action/package_show", {"id": s.source["id"]}),
    "harvest_source_show": lambda s: ("/api/3/action/harvest_source_show", {"id": s.source["id"]}),
    "harvest_source_show by url": lambda s: ("/api/3/action/harvest_source_show", {"url": UPSTREAM}),
    "harvest_source_list": lambda s: ("/api/3/action/harvest_source_list", {}),
    "harvest_source_list of the org": lambda s: ("/api/3/action/harvest_source_list",
                                                  {"organization_id": s.org["id"]}),
    "package_search of sources": lambda s: ("/api/3/action/package_search", HARVEST),
    "package_search fl": lambda s: ("/api/3/action/package_search", {
        **HARVEST, "fl": "id,name,config,extras_config,maintainer_email,data_dict,validated_data_dict"}),
    "package_search fl *": lambda s: ("/api/3/action/package_search", {**HARVEST, "fl": "*"}),
    "package_search default schema": lambda s: ("/api/3/action/package_search",
                                                {**HARVEST, "use_default_schema": "true"}),
    "package_search facets": lambda s: ("/api/3/action/package_search", {
        **HARVEST, "facet.field": ["config", "extras_config", "maintainer_email", "text"],
        "facet.limit": -1}),
    "package_search q=config": lambda s: ("/api/3/action/package_search", {
        "q": "config:*pcd* OR extras_config:*pcd* OR maintainer_email:*pcd*", **HARVEST}),
    "package_search q=e-mail": lambda s: ("/api/3/action/package_search", {"q": SECRET, **HARVEST}),
    "current_package_list_with_resources": lambda s: (
        "/api/3/action/current_package_list_with_resources", {}),
    "organization_show with datasets": lambda s: ("/api/3/action/organization_show", {
        "id": s.org["name"], "include_datasets": "true"}),
    "package_activity_list": lambda s: ("/api/3/action/package_activity_list", {"id": s.source["id"]}),
    "organization_activity_list": lambda s: ("/api/3/action/organization_activity_list",
                                             {"id": s.org["id"]}),
    "recently_changed_packages_activity_list": lambda s: (
        "/api/3/action/recently_changed_packages_activity_list", {}),
    "activity_show": lambda s: ("/api/3/action/activity_show", {"id": s.activities[0], "include_data": "false"}),
    "activity_show with data": lambda s: ("/api/3/action/activity_show",
                                          {"id": s.activities[0], "include_data": "true"}),
    "activity_data_show": lambda s: ("/api/3/action/activity_data_show", {"id": s.activities[1]}),
    "activity_diff": lambda s: ("/api/3/action/activity_diff",
                                {"id": s.activities[0], "object_type": "package"}),
    "the source's page": lambda s: (f"/en/harvest/{s.source['name']}", {}),
    "the source's about page": lambda s: (f"/en/harvest/about/{s.source['name']}", {}),
    "the source's activity page": lambda s: (f"/en/harvest/activity/{s.source['name']}", {}),
    "the sources' list page": lambda s: ("/en/harvest/", {}),
    "the organisation's page": lambda s: (f"/en/organization/{s.org['name']}", {}),
    "DCAT of the source": lambda s: (f"/dataset/{s.source['name']}.ttl", {}),
    "DCAT catalogue": lambda s: ("/catalog.ttl", {}),
    "DCAT catalogue of sources": lambda s: ("/catalog.ttl", {"fq": "dataset_type:harvest"}),
}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
@pytest.mark.parametrize("path", PATHS)
def test_no_path_shows_the_config_to_a_reader_who_cannot_edit_the_source(
        app: Any, site: Site, who: str, path: str) -> None:
    url, params = PATHS[path](site)
    response = get(app, site, who, url, **params)
    assert response.status_code in (200, 403, 404), (response.status_code, response.text[:500])
    assert SECRET not in response.text
    assert "interval_minutes" not in response.text


def test_the_sources_are_still_listed_and_shown_without_their_config(app: Any, site: Site) -> None:
    """What the harvest pages show the public stays: the source, its URL and type."""
    shown = api(app, site, "anonymous", "harvest_source_show", id=site.source["name"]).json["result"]
    assert (shown["name"], shown["url"], shown["source_type"]) == ("pcd-air4thai", UPSTREAM, "pm25_air4thai")
    assert "config" not in shown and "maintainer_email" not in shown
    found = api(app, site, "anonymous", "package_search", **HARVEST).json["result"]
    assert [s["name"] for s in found["results"]] == ["pcd-air4thai"]
    # the config is not in the index: no search finds the source by a word of it
    for q in ("kanyarat", "extras_config:*", "config:*", "maintainer_email:*"):
        assert api(app, site, "anonymous", "package_search", q=q, **HARVEST).json["result"]["count"] == 0, q
    page = get(app, site, "anonymous", "/en/harvest/")
    assert page.status_code == 200 and "Air4Thai of PCD" in page.text


@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor"])
def test_package_list_and_search_show_datasets_only(app: Any, site: Site, who: str) -> None:
    listed = api(app, site, who, "package_list").json["result"]
    assert listed == [site.dataset["name"]]
    assert api(app, site, who, "package_list", limit=1, offset=0).json["result"] == [site.dataset["name"]]
    assert api(app, site, who, "package_list", offset=1).json["result"] == []
    found = api(app, site, who, "package_search", rows=100).json["result"]
    assert [(d["name"], d["type"]) for d in found["results"]] == [(site.dataset["name"], "dataset")]
    assert found["count"] == 1
    everything = api(app, site, who, "current_package_list_with_resources").json["result"]
    assert [d["name"] for d in everything] == [site.dataset["name"]]


def test_package_list_refuses_a_limit_that_is_not_a_number(app: Any, site: Site) -> None:
    response = api(app, site, "anonymous", "package_list", limit="many")
    assert response.status_code == 409, response.text


@pytest.mark.parametrize("who", ["editor", "admin", "sysadmin"])
@pytest.mark.parametrize("action", ["harvest_source_show", "package_show"])
def test_the_organisation_and_sysadmins_still_read_the_config(
        app: Any, site: Site, who: str, action: str) -> None:
    shown = api(app, site, who, action, id=site.source["name"]).json["result"]
    assert json.loads(shown["config"])["maintainer_email"] in (SECRET, CHANGED)
    assert shown["maintainer_email"] in (SECRET, CHANGED)


def test_the_harvest_admin_pages_still_show_the_config_to_the_organisation(app: Any, site: Site) -> None:
    """The editor, signed in: an API token on a form page would make CKAN exempt that view from
    CSRF protection for the rest of the process (ckan_before_request's csrf.exempt)."""
    browser = app.test_client()
    login = browser.get("/en/user/login").get_data(as_text=True)
    token = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', login)
    assert token, "no CSRF token on the login page"
    signed_in = browser.post("/en/user/login", data={"login": site.editor["name"], "password": PASSWORD,
                                                     "_csrf_token": token.group(1)})
    assert signed_in.request.path == "/en/dashboard/datasets"
    edit = browser.get(f"/en/harvest/edit/{site.source['name']}")
    assert edit.status_code == 200 and SECRET in edit.get_data(as_text=True)
    admin = browser.get(f"/en/harvest/admin/{site.source['name']}")
    assert admin.status_code == 200


@pytest.mark.parametrize("who", ["editor", "sysadmin"])
def test_the_organisation_and_sysadmins_still_read_the_activity_data(app: Any, site: Site, who: str) -> None:
    data = api(app, site, who, "activity_data_show", id=site.activities[1], object_type="package")
    assert data.status_code == 200 and SECRET in json.loads(data.json["result"]["config"])["maintainer_email"]


def test_the_editor_edits_the_config_through_the_api(app: Any, site: Site, allow_upstream: Any) -> None:
    allow_upstream(UPSTREAM)
    config = json.dumps({"maintainer_email": CHANGED, "interval_minutes": 120})
    try:
        updated = app.post("/api/3/action/harvest_source_patch", json={"id": site.source["id"], "config": config},
                           headers={"Authorization": site.tokens["editor"]})
        assert updated.status_code == 200, updated.text
        shown = api(app, site, "editor", "harvest_source_show", id=site.source["id"]).json["result"]
        assert json.loads(shown["config"]) == {"maintainer_email": CHANGED, "interval_minutes": 120}
        assert CHANGED not in api(app, site, "anonymous", "package_show", id=site.source["id"]).text
        assert api(app, site, "anonymous", "package_search", q="somchai", **HARVEST).json["result"]["count"] == 0
        assert api(app, site, "editor", "package_search", q="somchai", **HARVEST).json["result"]["count"] == 0
    finally:
        helpers.call_action("harvest_source_patch", context={"user": factories.Sysadmin()["name"]},
                            id=site.source["id"],
                            config=json.dumps({"maintainer_email": SECRET, "interval_minutes": 60}))
