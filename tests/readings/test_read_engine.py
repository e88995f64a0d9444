"""``ckanext.pm25.readings.read_url``: the dashboard's queries on a replica, and on CKAN's
database when the replica refuses a connection (the cluster's real replica: tests/cluster/)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers

from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

READ_URL = "ckanext.pm25.readings.read_url"


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture,
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.LogCaptureFixture]:
    """The read engine's warnings (test.ini's logging configuration, loaded after the module,
    disables its logger and stops ckanext's records short of the root)."""
    logger = logging.getLogger("ckanext.pm25.readings.read_engine")
    monkeypatch.setattr(logger, "disabled", False)
    logger.addHandler(caplog.handler)
    with caplog.at_level(logging.WARNING, logger=logger.name):
        yield caplog
    logger.removeHandler(caplog.handler)


def test_a_replica_that_refuses_connections_leaves_the_dashboard_answering_from_the_primary(
        known: Known, monkeypatch: pytest.MonkeyPatch, warnings_logged: pytest.LogCaptureFixture) -> None:
    provinces = helpers.call_action("pm25_province_list")
    lampang = helpers.call_action("pm25_province_show", id="TH-52")
    # port 1 on loopback: nothing listens, the connection is refused at once
    monkeypatch.setitem(tk.config, READ_URL, "postgresql://ckan_default:pass@127.0.0.1:1/ckan?connect_timeout=2")
    assert helpers.call_action("pm25_province_list") == provinces
    assert helpers.call_action("pm25_province_show", id="TH-52") == lampang
    assert "refused a connection, reading from the primary" in warnings_logged.text


def test_a_replica_that_answers_serves_the_same_records(
        known: Known, monkeypatch: pytest.MonkeyPatch, warnings_logged: pytest.LogCaptureFixture, app: Any) -> None:
    provinces = helpers.call_action("pm25_province_list")
    # the same database under a second URL stands in for an up-to-date replica
    monkeypatch.setitem(tk.config, READ_URL, tk.config["sqlalchemy.url"])
    assert helpers.call_action("pm25_province_list") == provinces
    assert app.get("/en/pm25").status_code == 200
    assert "refused" not in warnings_logged.text
