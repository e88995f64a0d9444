"""A harvested station taken away (deleted by id or by name, through the API or CKAN's own delete
form, purged, cleared with its source, made private) leaves every public figure at once: the
province list and record, the /pm25 dashboard and the province page; a re-harvest (or making
it public again) puts it back. Two Lampang stations of the Air4Thai imitation, harvested for real
through the queues, once per module, with the plugins loaded and the web app made once too (each
costs seconds): every test puts the state back (its own restore step, or the fixture's re-harvest
after a test that failed half-way), so the next one starts from the same harvest."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ckan.plugins
import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.app_globals import _CONFIG_CACHE
from ckan.tests import factories, helpers

from tests.harvesters.harvesting import (
    dataset,
    make_source,
    now_thai_hour,
    rows,
    run_job,
)
from tests.database import reset_stores
from tests.means import exact_mean
from tests.upstream import DEFAULT_STATIONS, Air4ThaiServer
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

pytestmark = pytest.mark.usefixtures("clean_queues")

LAMPANG = "TH-52"
KEPT, REMOVED = "air4thai-38t", "air4thai-37t"


@dataclass
class Harvested:
    source: dict[str, Any]
    editor: dict[str, Any]
    latest: dict[str, float]  # station dataset name -> its newest value
    server: Air4ThaiServer


@pytest.fixture(scope="module")
def harvested_once(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Harvested]:
    """Clean stores, the plugins of test.ini loaded and one harvest of the two Lampang stations,
    for the whole module."""
    stations = [spec for spec in DEFAULT_STATIONS if spec.station_id in ("37t", "38t")]
    with Air4ThaiServer(stations, now_local=now_thai_hour(), hours=6) as server, \
            pytest.MonkeyPatch.context() as monkeypatch:
        ckan.plugins.load_all()
        try:
            reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
            monkeypatch.setitem(tk.config, ALLOWED_HOSTS, [origin_of(server.url)])
            editor = factories.UserWithToken()
            org = factories.Organization(name="pcd", users=[{"name": editor["name"], "capacity": "editor"}])
            source = make_source(server.url, "pm25_air4thai", org=org)
            assert run_job(source)["status"] == "Finished"
            latest = {name: float(rows(dataset(name))[-1]["pm25"]) for name in (KEPT, REMOVED)}
            yield Harvested(source, editor, latest, server)
        finally:
            ckan.plugins.unload_all()


@pytest.fixture(scope="module")
def app(harvested_once: Harvested) -> Any:
    """One test client for the module (CKAN's ``app`` makes a new web app for every test)."""
    _CONFIG_CACHE.clear()
    return helpers._get_test_app()


@pytest.fixture
def harvested(harvested_once: Harvested, allow_upstream: Any) -> Iterator[Harvested]:
    """The module's harvest; after a test that did not restore it (one that failed half-way), a
    re-harvest and both stations public again, so that the next test starts from the same state."""
    allow_upstream(harvested_once.server.url)
    yield harvested_once
    if all(_shown(name) == ("active", False) for name in (KEPT, REMOVED)):
        return
    reharvest(None, harvested_once)
    for name in (KEPT, REMOVED):
        helpers.call_action("package_patch", context={"user": harvested_once.editor["name"]}, id=name,
                            private=False)


def _shown(name: str) -> tuple[str, bool] | None:
    """A station dataset's state and privacy, or None when it is gone."""
    try:
        shown = dataset(name)
    except tk.ObjectNotFound:
        return None
    return shown["state"], shown["private"]


@dataclass(frozen=True)
class Figures:
    """Lampang as a user sees it."""

    listed: tuple[float | None, int]  # pm25_province_list: latest value, station count
    shown: tuple[float | None, int, tuple[str, ...], int]  # pm25_province_show: + stations, values today
    dashboard: str  # the /pm25 row's status and value
    page: tuple[str, tuple[str, ...]]  # the province page: its "Mean of ..." line, its station rows


def figures(app: Any) -> Figures:
    record = next(r for r in helpers.call_action("pm25_province_list", context={"user": ""})
                  if r["code"] == LAMPANG)
    shown = helpers.call_action("pm25_province_show", context={"user": ""}, id=LAMPANG)
    dashboard = app.get("/en/pm25").get_data(as_text=True)
    row = dashboard.split(f'data-code="{LAMPANG}"', 1)[1].split("</tr>", 1)[0]
    status = re.findall(r'<tr class="pm25-status-(\w+)" data-code="' + LAMPANG, dashboard)
    values = re.findall(r">(\d+\.\d)<", row)
    page = app.get(f"/en/province/{LAMPANG}").get_data(as_text=True)
    mean = re.search(r"Mean of \d+ of \d+ stations?\b", page)
    return Figures(
        listed=(record["latest"]["pm25"], record["station_count"]),
        shown=(shown["latest"]["pm25"], shown["station_count"], tuple(s["name"] for s in shown["stations"]),
               sum(hour["stations_reporting"] for hour in shown["hourly"])),
        dashboard=f"{status[0]} {' '.join(values)}",
        page=(mean.group(0) if mean else "no mean", tuple(re.findall(r'data-station="([^"]+)"', page))),
    )


def expected(harvested: Harvested, names: tuple[str, ...], hours_shown: int) -> Figures:
    if not names:
        return Figures((None, 0), (None, 0, (), 0), "no_data ", ("no mean", ()))
    mean = exact_mean([harvested.latest[name] for name in names])
    stations = f"{len(names)} station{'s' if len(names) > 1 else ''}"
    return Figures((mean, len(names)), (mean, len(names), tuple(sorted(names)), hours_shown * len(names)),
                   f"current {mean:.1f}", (f"Mean of {len(names)} of {stations}", tuple(sorted(names))))


def auth(harvested: Harvested) -> dict[str, str]:
    return {"Authorization": harvested.editor["token"]}


def delete_by_id(app: Any, harvested: Harvested) -> None:
    helpers.call_action("package_delete", context={"user": harvested.editor["name"]}, id=dataset(REMOVED)["id"])


def delete_by_name_in_the_api(app: Any, harvested: Harvested) -> None:
    response = app.post("/api/3/action/package_delete", json={"id": REMOVED}, headers=auth(harvested))
    assert response.status_code == 200, response.get_data(as_text=True)


def delete_with_the_form(app: Any, harvested: Harvested) -> None:
    """CKAN's no-JavaScript delete form posts the dataset's name."""
    response = app.post(f"/dataset/delete/{REMOVED}", headers=auth(harvested), follow_redirects=False)
    assert response.status_code in (200, 302), response.status_code
    assert dataset(REMOVED)["state"] == "deleted"


def purge(app: Any, harvested: Harvested) -> None:
    helpers.call_action("dataset_purge", id=REMOVED)


def make_private(app: Any, harvested: Harvested) -> None:
    helpers.call_action("package_patch", context={"user": harvested.editor["name"]}, id=REMOVED, private=True)


def reharvest(app: Any, harvested: Harvested) -> None:
    assert run_job(harvested.source)["status"] == "Finished"


def make_public(app: Any, harvested: Harvested) -> None:
    helpers.call_action("package_patch", context={"user": harvested.editor["name"]}, id=REMOVED, private=False)


Step = Callable[[Any, Harvested], None]


@pytest.mark.parametrize(("remove", "restore"), [
    (delete_by_id, reharvest),
    (delete_by_name_in_the_api, reharvest),
    (delete_with_the_form, reharvest),
    (purge, reharvest),
    (make_private, make_public),
], ids=["delete by id", "delete by name", "delete form", "purge", "private"])
def test_a_removed_station_leaves_every_figure_and_comes_back(app: Any, harvested: Harvested, remove: Step,
                                                             restore: Step) -> None:
    before = figures(app)
    hours = before.shown[3] // 2
    assert hours >= 1
    assert before == expected(harvested, (KEPT, REMOVED), hours)

    remove(app, harvested)
    assert figures(app) == expected(harvested, (KEPT,), hours)

    restore(app, harvested)
    assert figures(app) == before


def test_a_cleared_source_leaves_its_provinces_without_data_until_harvested_again(app: Any,
                                                                                 harvested: Harvested) -> None:
    before = figures(app)
    assert before.dashboard.startswith("current")

    helpers.call_action("harvest_source_clear", id=harvested.source["id"])
    assert figures(app) == expected(harvested, (), 0)

    reharvest(app, harvested)
    assert figures(app) == before
