"""`ckan pm25 harvest run` and the demo harvest `ckan pm25 demo harvest`."""
from __future__ import annotations

from datetime import timedelta

import pytest
from ckan.cli.cli import ckan
from ckan.tests import helpers

from tests.harvesters.harvesting import (stations, config_allowing, dataset, make_source,
                                         now_thai_hour, rows)
from tests.upstream import Air4ThaiServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")


@pytest.mark.parametrize("inline", [False, True], ids=["through-queues", "inline"])
def test_ckan_pm25_harvest_run_runs_one_job_to_its_end(cli, inline, allow_upstream, ckan_config,
                                                       tmp_path) -> None:
    with Air4ThaiServer(now_local=now_thai_hour(), hours=6) as server:
        allow_upstream(server.url)
        make_source(server.url, "pm25_air4thai", {"backfill_hours": 6}, name="air4thai")
        # the command loads its configuration afresh: the file allows the server too
        ini = config_allowing(tmp_path, ckan_config["__file__"], server.url)
        ran = cli.invoke(ckan, ["pm25", "harvest", "run", "air4thai",
                                *(["--inline"] if inline else [])], env={"CKAN_INI": ini})

    assert ran.exit_code == 0, ran.output
    assert "Finished (9 added" in ran.output
    assert len(stations()) == 9
    assert len(rows(dataset("air4thai-54t"))) == 6


def test_the_demo_harvest_fills_the_portal_with_current_readings(cli) -> None:
    result = cli.invoke(ckan, ["pm25", "demo", "harvest", "--hours", "30"])

    assert result.exit_code == 0, result.output
    assert "Imitation Air4Thai serving 9 stations × 30 hours" in result.output
    sing_buri, lampang = dataset("air4thai-o70"), dataset("air4thai-37t")
    assert (sing_buri["provinces"], lampang["provinces"]) == (["TH-17"], ["TH-52"])
    assert sing_buri["organization"]["name"] == "pcd"
    newest = rows(lampang)[-1]["datetime_local"]
    current = now_thai_hour()
    assert newest in {f"{hour.isoformat()}+07:00"
                      for hour in (current, current - timedelta(hours=1))}
    assert len(rows(sing_buri)) == 30
    assert "Imitation DustBoy serving 8 sensors × 30 hours" in result.output
    sensors = helpers.call_action("pm25_station_list", kind="low_cost_sensor", province="TH-50",
                                  source="pm25_dustboy")["results"]
    assert len(sensors) == 6 and all(s["latest"]["status"] == "current" for s in sensors)
    assert len(rows(dataset("dustboy-4001"))) == 30

    # then OpenAQ: its republished Air4Thai stations linked, its own locations added
    assert "Imitation OpenAQ serving 6 locations × 30 hours" in result.output
    assert {d["name"] for d in stations() if d["name"].startswith("openaq-")} == {
        "openaq-9001", "openaq-3101", "openaq-3102"}
    assert dataset("openaq-3101")["organization"]["name"] == "openaq"

    again = cli.invoke(ckan, ["pm25", "demo", "harvest", "--hours", "30"])
    assert again.exit_code == 0, again.output
    assert len(stations()) == 9 + 3 + 8
