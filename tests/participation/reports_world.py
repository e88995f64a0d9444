"""A harvested network for reports on values: the Air4Thai imitation's stations harvested into
the agency (PCD) whose member, editor and admin are users, another agency (GISTDA) with its
editor, a reporter, another user and a sysadmin, each with an API token (as requests_world)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ckan.tests import helpers

from tests.harvesters.harvesting import make_source, now_thai_hour, run_job, stations
from tests.participation.requests_world import World, cast, tokens_of
from tests.upstream import Air4ThaiServer

ROLES = ("anonymous", "reporter", "other_user", "agency_member", "agency_editor", "agency_admin",
         "other_agency_editor", "sysadmin")
STATION_ID = "37t"


@pytest.fixture
def upstream(allow_upstream: Any) -> Iterator[Air4ThaiServer]:
    ten = now_thai_hour().replace(hour=10) - timedelta(days=1)
    with Air4ThaiServer(now_local=ten, hours=48) as running:
        allow_upstream(running.url)
        yield running


@pytest.fixture
def reports_world(clean_db: None, clean_index: None, with_plugins: None, clean_datastore: None,
                  clean_queues: None, upstream: Air4ThaiServer) -> World:
    users, agency, other_agency = cast(ROLES)
    run_job(make_source(upstream.url, "pm25_air4thai", org=agency))
    station = next(item for item in stations() if item["station_id"] == STATION_ID)
    return World(users, tokens_of(users), agency, other_agency, station)


def a_reading(station: dict[str, Any], back: int = 1) -> dict[str, Any]:
    """One of the station's readings with a value (the ``back``-th newest), as pm25_measurements gives it."""
    found = helpers.call_action("pm25_measurements", stations=station["name"],
                                 start=(datetime.now(UTC) - timedelta(days=3)).isoformat())["results"]
    with_values = [item for item in found if item["pm25"] is not None]
    return sorted(with_values, key=lambda item: item["datetime_utc"])[-back]
