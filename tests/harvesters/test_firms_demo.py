"""The demo harvest (`ckan pm25 demo harvest`) brings hotspots to the north from the local
FIRMS imitation, and the demo's MAP_KEY leaves no trace in the config once it ends."""
from __future__ import annotations

import pytest
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.pm25.demo.firms import KEY_SETTING

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")


def test_the_demo_harvest_shows_hotspots_in_the_north(cli, app) -> None:
    result = cli.invoke(ckan, ["pm25", "demo", "harvest", "--hours", "3"])

    assert result.exit_code == 0, result.output
    assert "Imitation NASA FIRMS serving" in result.output
    assert "FIRMS demo harvest: Finished" in result.output
    anonymous = {"user": "", "ignore_auth": False}
    north = {code: helpers.call_action("pm25_hotspot_counts", context=dict(anonymous), id=code,
                                       days=10)["total"]
             for code in ("TH-50", "TH-58", "TH-57", "TH-10")}
    assert north["TH-50"] > 0 and north["TH-58"] > 0 and north["TH-57"] > 0
    assert north["TH-10"] == 0  # Bangkok does not burn in the demo
    assert app.get("/pm25/hotspots.geojson").json["count"] > 0
    assert not tk.config.get(KEY_SETTING)
