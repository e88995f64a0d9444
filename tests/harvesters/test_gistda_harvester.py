"""pm25_gistda against the local GISTDA imitation over real HTTP, the real queues (Redis) and
the real DataStore: formats and quirks, both timestamp forms, each fault kind, idempotent
re-runs, the forecast per district."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.harvesters.datasets import network_package_id, store_resource_id
from tests.harvesters.harvesting import (gather_messages, make_source, now_thai_hour,
                                         object_messages, object_notes, report, run_job, stats)
from tests.upstream.gistda import DISTRICT, FORECAST, PROVINCES, GistdaServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

FAST = {"maintainer_email": "pm25@example.go.th", "retries": 0, "backoff_factor": 0,
        "read_timeout": 1.5, "connect_timeout": 1.5}
LAMPANG, SING_BURI = "52", "17"


@pytest.fixture
def server(allow_upstream):
    with GistdaServer(now_local=now_thai_hour()) as running:
        running.only_provinces = {LAMPANG, SING_BURI}
        allow_upstream(running.url)
        yield running


def gistda_source(server: GistdaServer, **config: Any) -> dict[str, Any]:
    return make_source(server.url, "pm25_gistda", {**FAST, **config}, name="gistda")


def store_id(source: dict[str, Any]) -> str:
    """The source's public store, as its network dataset lists it."""
    network = helpers.call_action("package_show", id=network_package_id(source["id"]))
    assert network["measurement_type"] == "satellite_model" and not network["private"]
    return network["resources"][0]["id"]


def series(source: dict[str, Any], series_id: str, parameter: str = "pm25") -> list[dict[str, Any]]:
    return helpers.call_action("datastore_search", resource_id=store_id(source), sort="hour_utc",
                               filters={"series_id": series_id, "parameter": parameter},
                               limit=1000)["records"]


def hour_of(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["hour_utc"]).replace(tzinfo=timezone.utc) \
        if datetime.fromisoformat(record["hour_utc"]).tzinfo is None \
        else datetime.fromisoformat(record["hour_utc"])


def expected_utc(server: GistdaServer) -> datetime:
    """The newest hour served, in UTC, whichever way the imitation writes it."""
    return server.now_local.replace(tzinfo=THAI_TZ).astimezone(timezone.utc)


def test_provinces_and_districts_go_into_one_store_with_their_hours(server) -> None:
    job = run_job(source := gistda_source(server))

    assert job["status"] == "Finished"
    assert gather_messages(job) == []
    assert object_messages(job) == {}
    lampang = series(source, "gistda:province:TH-52")
    assert len(lampang) == 24
    assert hour_of(lampang[-1]) == expected_utc(server)
    assert float(lampang[-1]["value"]) == server.province_values(LAMPANG)[-1]
    assert lampang[-1]["mean_24h"] is not None and lampang[-1]["aqi_th"] is not None
    assert lampang[-1]["source"].startswith("สำนักงานพัฒนาเทคโนโลยีอวกาศ")
    district = series(source, "gistda:district:5201")
    assert len(district) == 24 and float(district[-1]["value"]) == server.district_values(
        server.districts[[d.code for d in server.districts].index("5201")])[-1]
    # the sentinels of district 3 are stored as null with their flag, never as numbers
    quirky = {r["quality_flag"]: r["value"] for r in series(source, "gistda:district:5203")}
    assert quirky["missing"] is None and quirky["sentinel"] is None
    # no dataset per area: one network dataset, found under any province
    found = helpers.call_action("package_search", fq="provinces:TH-17")["results"]
    assert [d["measurement_type"] for d in found] == ["satellite_model"]


def test_stamps_in_thai_time_and_in_utc_give_the_same_hours(allow_upstream) -> None:
    hours = {}
    notes = {}
    for form in ("thai", "utc"):
        with GistdaServer(now_local=now_thai_hour(), timestamps=form) as server:
            server.only_provinces = {LAMPANG}
            allow_upstream(server.url)
            source = make_source(server.url, "pm25_gistda", FAST, name=f"gistda-{form}")
            job = run_job(source)
            assert (gather_messages(job), object_messages(job)) == ([], {})
            hours[form] = [hour_of(r) for r in series(source, "gistda:district:5202")]
            notes[form] = " ".join([n for ns in object_notes(job).values() for n in ns])
            assert hours[form][-1] == expected_utc(server)
    assert hours["thai"] == hours["utc"]
    assert "Timestamps read as Thai local time" in notes["thai"]
    assert "Timestamps read as UTC" in notes["utc"]


def test_a_record_that_states_no_hour_is_read_by_the_harvest_time(server) -> None:
    # district 5207 has no datetimeThai/datetimeEng: its stamps are decided by the harvest time
    job = run_job(source := gistda_source(server))

    assert hour_of(series(source, "gistda:district:5207")[-1]) == expected_utc(server)
    notes = " ".join(object_notes(job)["gistda:province:TH-52"])
    assert "read as UTC the newest stamp would be after the harvest" in notes


def test_a_rerun_over_the_same_data_changes_nothing(server) -> None:
    source = gistda_source(server)
    first = run_job(source)
    stored = series(source, "gistda:district:5205")

    second = run_job(source)

    assert "errored" not in stats(first)
    assert {k: v for k, v in stats(second).items() if k != "notes"} == {"not modified": 2}
    assert series(source, "gistda:district:5205") == stored
    total = helpers.call_action("datastore_search", resource_id=store_id(source), limit=0)["total"]
    served = len([d for d in server.districts if d.province_dopa in (LAMPANG, SING_BURI)])  # 13 + 6
    assert total == (2 + served) * 24 + served * 3


def test_the_forecast_is_stored_per_district_for_three_thai_days(server) -> None:
    run_job(source := gistda_source(server))

    forecast = series(source, "gistda:district:5201", "pm25_forecast")
    today = server.now_local.date()
    assert [hour_of(r).astimezone(THAI_TZ).date() for r in forecast] == \
        [today + timedelta(days=n) for n in (1, 2, 3)]
    assert all(hour_of(r).astimezone(THAI_TZ).hour == 0 for r in forecast)


@pytest.mark.parametrize("fault", ["status", "html", "truncate", "slow"])
def test_an_unusable_province_list_is_a_gather_error_and_stored_data_stays(server, fault) -> None:
    source = gistda_source(server)
    run_job(source)
    stored = series(source, "gistda:province:TH-52")
    {"status": lambda: server.fail_next(PROVINCES, 3, status=503),
     "html": lambda: server.html_error_next(PROVINCES),
     "truncate": lambda: server.truncate_next(PROVINCES),
     "slow": lambda: server.slow_next(PROVINCES, 3)}[fault]()

    job = run_job(source)

    assert job["status"] == "Finished"
    messages = " ".join(gather_messages(job))
    assert "province values" in messages and "stored data left as it was" in messages
    assert series(source, "gistda:province:TH-52") == stored


def test_faulty_districts_and_forecast_are_recorded_and_the_rest_stored(server) -> None:
    server.fail_next(DISTRICT, 1, status=502)  # the first district asked for
    server.forecast_overrides["1702"] = {"pm25Pred3": "soon"}
    server.district_overrides["5204"] = {"graphHistory24hrs": [["12", "yesterday"], [13.0, "2026-13-01T00:00:00Z"]]}
    server.district_overrides["5206"] = {"ap_idn": "9901"}
    server.extra_provinces.append({"pv_idn": 99, "pm25": 10})
    server.extra_provinces.append("not a record")
    server.extra_districts[LAMPANG] = [{"ap_idn": "1701", "pm25Pred3": []}]

    job = run_job(source := gistda_source(server))

    assert job["status"] == "Finished"
    gathered = " ".join(gather_messages(job))
    assert "unknown_province: unknown province code 99" in gathered
    assert "bad_record: a province record is not an object" in gathered
    errors = " ".join([m for ms in object_messages(job).values() for m in ms])
    assert "Could not fetch district" in errors and "502" in errors
    assert "wrong_type: pm25Pred3 of gistda:district:1702 is not a list" in errors
    assert "bad_record: an entry of graphHistory24hrs of gistda:district:5204" in errors
    # one error per kind on the province, with the count (5206 answering as 9901, 1701 listed)
    assert "is not a district of TH-52 (2 records)" in errors
    assert len(series(source, "gistda:district:5201")) == 24
    assert series(source, "gistda:district:9901") == []


def test_when_the_forecast_fails_the_districts_stored_before_are_fetched(server) -> None:
    source = gistda_source(server)
    run_job(source)
    server.now_local += timedelta(hours=1)
    server.fail_next(FORECAST, 2, status=500)

    job = run_job(source)

    errors = " ".join(m for ms in object_messages(job).values() for m in ms)
    assert "the districts stored before are fetched" in errors
    assert hour_of(series(source, "gistda:district:5201")[-1]) == expected_utc(server)


def test_wrong_types_and_sentinels_in_a_province_record_are_survived(server) -> None:
    server.province_overrides[LAMPANG] = {"pm25Avg24hrs": "-", "graphHistory24hrs": {"a": 1}}
    job = run_job(source := gistda_source(server))

    assert job["status"] == "Finished"
    errors = " ".join(object_messages(job)["gistda:province:TH-52"])
    assert "wrong_type: graphHistory24hrs of gistda:province:TH-52 is not a list" in errors
    assert series(source, "gistda:province:TH-52") == []
    assert len(series(source, "gistda:district:5201")) == 24
    assert len(series(source, "gistda:province:TH-17")) == 24


def test_report_lists_the_time_reading_as_a_note_not_an_error(server) -> None:
    job = run_job(gistda_source(server))
    shown = report(job)
    assert shown["notes"]
    assert job["stats"].get("errored", 0) == 0


def test_clearing_the_source_takes_its_store_and_its_model_values_away(server) -> None:
    source = gistda_source(server)
    run_job(source)
    assert helpers.call_action("pm25_province_show", id="TH-17")["value_source"] is not None

    helpers.call_action("harvest_source_clear", id=source["id"])

    assert helpers.call_action("pm25_province_show", id="TH-17")["model"] is None
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id=network_package_id(source["id"]))
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_search", resource_id=store_resource_id(source["id"]))
