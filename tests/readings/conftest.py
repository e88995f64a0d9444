"""Known readings for the dashboard tests, stored the way the harvester stores them.

``known`` (current data, relative to the present hour). The AQI band follows the 24-hour mean
(at least 18 of the 24 hours ending with the latest one):

- Lampang (TH-52): stations L1 and L2; in the present hour 90 and 70 → 80.0 µg/m³ hourly
  (the hourly band would be "affects health", red); an hour earlier 80 and 60; two hours
  earlier L1 alone at 70; before that L1 alone at 30.0 for 21 hours, and 500.0 the hour before
  those (25 hours ago: outside every 24-hour window that ends now). L1's 24-hour mean
  (30 × 21 + 70 + 80 + 90) / 24 = 36.25 → 36.3 ("moderate", yellow) while its hour is 90.0;
  L2 has 2 hours: no 24-hour mean. The province's 24-hour mean, every station value of its
  24 hours: (870 + 130) / 26 = 38.46 → 38.5 ("starting to affect health", orange).
- Sing Buri (TH-17): S1 at 20.0 for 17 hours up to the present one (from another agency):
  one hour short of a 24-hour mean, for the station and the province.
- Chiang Mai (TH-50): C1 at 44.0 for 17 hours, then 45.0 in the present hour: exactly 18 hours,
  24-hour mean 44.1 ("starting to affect health", orange); C2 inactive, last reading 30 days ago.
- Songkhla (TH-90): K1 whose last reading (30.0) is 10 hours old: stale.
- Bangkok (TH-10): B1 at 10.0 in the present hour only: no 24-hour mean.
- every other province: no readings.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import ckan.plugins
import pytest
from ckan.tests import factories

from ckanext.pm25.readings import hooks
from tests.readings.stations import create_station, this_hour
from tests import portal_clock
from tests.database import reset_stores

HOUR = timedelta(hours=1)


@dataclass
class Known:
    user: dict[str, Any]
    pcd: dict[str, Any]
    cmu: dict[str, Any]
    now: datetime
    stations: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture
def sysadmin(clean_db: None, clean_index: None, clean_datastore: None) -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def agencies(sysadmin: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    pcd = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
    cmu = factories.Organization(user=sysadmin, name="cmu-ccdc", title="CMU CCDC")
    return pcd, cmu


@pytest.fixture(scope="module")
def known(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Known]:
    """Built once per module (each station costs seconds of Solr commits); tests only read it."""
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
        sysadmin = factories.Sysadmin()
        pcd = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
        cmu = factories.Organization(user=sysadmin, name="cmu-ccdc", title="CMU CCDC")
        built = build_known(sysadmin, pcd, cmu)
    finally:
        ckan.plugins.unload_all()
    yield built


@pytest.fixture(autouse=True)
def clock_in_the_hour_of_known(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The site's clock stays in the hour ``known`` was built for, in this process and in the
    portals the browser tests read: a module that runs across the turn of an hour would otherwise
    see its "last 24 hours" move by one under its data."""
    if "known" not in request.fixturenames:
        yield
        return
    last_moment = request.getfixturevalue("known").now + HOUR - timedelta(microseconds=1)
    real_now = hooks.now
    monkeypatch.setattr(hooks, "now", lambda: min(real_now(), last_moment))
    with portal_clock.hold(last_moment):
        yield


def build_known(sysadmin: dict[str, Any], pcd: dict[str, Any], cmu: dict[str, Any]) -> Known:
    now = this_hour()
    data = Known(sysadmin, pcd, cmu, now)

    def make(province: str, station_id: str, values: dict[datetime, float | None], org: dict[str, Any] = pcd,
             **kwargs: Any) -> None:
        data.stations[station_id] = create_station(province, station_id, values, user=sysadmin,
                                                   owner_org=org["id"], **kwargs)

    lampang: dict[datetime, float | None] = {now - 24 * HOUR: 500.0}
    lampang.update({now - back * HOUR: 30.0 for back in range(3, 24)})
    lampang.update({now - 2 * HOUR: 70.0, now - HOUR: 80.0, now: 90.0})
    make("TH-52", "L1", lampang, title="Lampang centre")
    make("TH-52", "L2", {now - HOUR: 60.0, now: 70.0}, offset=(0.2, 0.05), title="Mae Mo")
    make("TH-17", "S1", {now - back * HOUR: 20.0 for back in range(17)}, org=cmu, title="Sing Buri town")
    make("TH-50", "C1", {**{now - back * HOUR: 44.0 for back in range(1, 18)}, now: 45.0},
         title="Chiang Mai city hall")
    make("TH-50", "C2", {now - timedelta(days=30): 25.0}, status="inactive", offset=(0.1, 0.1), title="Old site")
    make("TH-90", "K1", {now - 10 * HOUR: 30.0}, title="Hat Yai")
    make("TH-10", "B1", {now: 10.0}, title="Din Daeng")
    return data
