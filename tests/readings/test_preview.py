"""A station's readings (a DataStore table) preview as a table with CKAN's ``datatables_view``:
the view is made with the table, the resource page shows it, the table's rows are what the
preview loads, and making the dataset logs no missing view plugin."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from ckan.tests import factories, helpers

from tests.readings.stations import create_station, this_hour
from tests.readings.conftest import HOUR

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_datastore")


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def preview_warnings() -> Iterator[list[str]]:
    """What CKAN's view code logs while the test runs (it warns of each default view whose plugin
    is not loaded, at every dataset and resource it makes)."""
    logger, handler = logging.getLogger("ckan.lib.datapreview"), Collected()
    # test.ini's logging set-up (fileConfig) disables the loggers made before it
    disabled, logger.disabled = logger.disabled, False
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.disabled = disabled


def test_a_station_table_previews_as_a_table_on_its_resource_page(app: Any, preview_warnings: list[str]) -> None:
    sysadmin = factories.Sysadmin()
    org = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
    now = this_hour()
    station = create_station("TH-52", "L1", {now - HOUR: 41.5, now: 42.5}, user=sysadmin, owner_org=org["id"],
                             title="Lampang centre")
    assert preview_warnings == []

    resource = station["resources"][0]
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [view["view_type"] for view in views] == ["datatables_view"]
    view_id = views[0]["id"]

    page = app.get(f"/dataset/{station['name']}/resource/{resource['id']}").get_data(as_text=True)
    assert f"/view/{view_id}" in page  # the preview, in the resource page's frame

    preview = app.get(f"/dataset/{station['name']}/resource/{resource['id']}/view/{view_id}").get_data(as_text=True)
    headers = re.findall(r'<th scope="col">([^<&]+)', preview)
    assert [h.strip() for h in headers] == ["station_id", "datetime_utc", "datetime_local", "pm25", "pm25_24h",
                                           "aqi_th", "aqi_us", "quality_flag"]

    # the rows the table loads, as its script asks for them (page 1, by datetime_utc, newest first; column 0 is _id)
    form = {"draw": "1", "start": "0", "length": "10", "search[value]": "",
            "order[0][column]": "2", "order[0][dir]": "desc"}
    response = app.post(f"/datatables/ajax/{view_id}", data=form)
    assert response.status_code == 200
    loaded = json.loads(response.get_data(as_text=True))
    assert loaded["recordsTotal"] == 2
    assert [(row["station_id"], row["pm25"]) for row in loaded["data"]] == [("L1", "42.5"), ("L1", "41.5")]


def test_a_dataset_made_with_its_datastore_resource_logs_no_missing_view(app: Any,
                                                                         preview_warnings: list[str]) -> None:
    """The harvester's way: the dataset with a DataStore-only resource, then the table."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(user=sysadmin)
    station = create_station("TH-50", "C1", {this_hour(): 20.0}, user=sysadmin, owner_org=org["id"])
    resource = helpers.call_action(
        "resource_create", context={"user": sysadmin["name"]}, package_id=station["id"],
        name="Hourly measurements (copy)", url="_datastore_only_resource", url_type="datastore")
    assert helpers.call_action("resource_view_list", id=resource["id"]) == []  # no table yet
    helpers.call_action("datastore_create", context={"user": sysadmin["name"]}, resource_id=resource["id"],
                        fields=[{"id": "pm25", "type": "numeric"}], records=[{"pm25": 20.0}], force=True)
    assert [v["view_type"] for v in helpers.call_action("resource_view_list", id=resource["id"])] == \
        ["datatables_view"]
    assert preview_warnings == []
