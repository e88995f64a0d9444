"""pm25_firms against the local FIRMS imitation over real HTTP, the real queues (Redis), the
real DataStore and the gazetteer: formats and quirks, every fault kind, idempotent re-runs, and
the MAP_KEY (which FIRMS carries in the URL path) absent from everything a user or a log sees."""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timezone
from typing import Any

import pytest
import sqlalchemy as sa
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import helpers
from ckanext.datastore.backend.postgres import get_read_engine

from ckanext.pm25.demo.upstream import Detection, FirmsServer
from ckanext.pm25.measurements.hotspots import hotspot_store_id
from tests.harvesters.harvesting import (CONTACT, gather_messages, make_source, object_messages,
                                         object_notes, report, run_job, stats)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues")

KEY = "f1rm5s3cr3tk3y0123456789abcdef01"
FAST = {"retries": 0, "backoff_factor": 0, "read_timeout": 2, "connect_timeout": 2}
TODAY = date.today()


def at(hour: int, minute: int, day: date = TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


# Known detections: three in Chiang Mai (TH-50), one in Mae Hong Son (TH-58), one in Myanmar.
DETECTIONS = [
    Detection("VIIRS_SNPP_NRT", 18.79, 98.98, at(0, 7), "h", 12.34),        # acq_time "7"
    Detection("VIIRS_NOAA20_NRT", 18.80, 98.95, at(1, 30), "n", 3.5),       # acq_time "130"
    Detection("MODIS_NRT", 18.70, 98.90, at(3, 55), "85", 40.25, satellite="Terra"),
    Detection("MODIS_NRT", 19.30, 97.97, at(3, 55), "25", 8.0),
    Detection("VIIRS_SNPP_NRT", 20.80, 97.90, at(6, 24), "n", 9.0),         # Shan State, Myanmar
]
SENSORS = ["VIIRS_SNPP_NRT", "VIIRS_NOAA20_NRT", "MODIS_NRT"]


@pytest.fixture
def server(allow_upstream):
    with FirmsServer(map_key=KEY, today=TODAY, detections=list(DETECTIONS)) as running:
        allow_upstream(running.url)
        yield running


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", KEY)


def firms_source(server: FirmsServer, **config: Any) -> dict[str, Any]:
    return make_source(server.url, "pm25_firms", {"sensors": SENSORS, "day_range": 1,
                                                   "maintainer_email": CONTACT, **FAST, **config},
                       name="firms-test")


def hotspots(source: dict[str, Any]) -> list[dict[str, Any]]:
    """The source's stored hotspots as datastore_search gives them to anyone, oldest first."""
    result = helpers.call_action("datastore_search", context={"user": "", "ignore_auth": False},
                                 resource_id=hotspot_store_id(source["id"]),
                                 sort="acquired_utc, latitude", limit=1000)
    return result["records"]


@pytest.mark.usefixtures("with_key")
def test_viirs_and_modis_hotspots_are_stored_with_their_province_and_normalised_fields(server) -> None:
    source = firms_source(server)

    job = run_job(source)

    assert job["status"] == "Finished"
    assert gather_messages(job) == [] and object_messages(job) == {}
    stored = hotspots(source)
    assert [(r["satellite"], r["instrument"], r["acquired_utc"][:16], r["province"])
            for r in stored] == [
        ("N", "VIIRS", f"{TODAY}T00:07", "TH-50"),
        ("N20", "VIIRS", f"{TODAY}T01:30", "TH-50"),
        ("Terra", "MODIS", f"{TODAY}T03:55", "TH-50"),
        ("Aqua", "MODIS", f"{TODAY}T03:55", "TH-58"),
    ]
    snpp, noaa20, terra, aqua = stored
    assert (snpp["confidence"], snpp["confidence_pct"], float(snpp["frp"])) == ("high", None, 12.34)
    assert (noaa20["confidence"], noaa20["daynight"]) == ("nominal", "night")
    assert (terra["confidence"], terra["confidence_pct"]) == ("high", 85)
    assert (aqua["confidence"], aqua["confidence_pct"]) == ("low", 25)
    assert float(terra["brightness"]) == 330.5 and float(terra["brightness_2"]) == 292.1
    assert snpp["day_th"].startswith(str(TODAY))
    assert any("outside_thailand: 1 hotspots outside Thailand dropped" in note
               for note in object_notes(job)["firms:VIIRS_SNPP_NRT"])
    # the key went to FIRMS in the path, and only there
    paths = [request.path for request in server.requests]
    assert sorted(p.split("/")[5] for p in paths) == sorted(SENSORS)
    assert all(p.startswith(f"/api/country/csv/{KEY}/") and p.endswith(f"/THA/1/{TODAY}")
               for p in paths)
    network = helpers.call_action("package_show",
                                  id=model.Resource.get(hotspot_store_id(source["id"])).package_id)
    assert network["measurement_type"] == "hotspot_detection" and not network["private"]


@pytest.mark.usefixtures("with_key")
def test_a_rerun_over_the_same_days_stores_nothing_twice(server) -> None:
    source = firms_source(server)
    run_job(source)
    first = hotspots(source)

    again = run_job(source)

    assert hotspots(source) == first
    assert stats(again) == {"not modified": 3, "notes": 1}  # the hotspot outside Thailand
    server.detections.append(Detection("VIIRS_SNPP_NRT", 18.5, 98.6, at(6, 1), "l", 1.5))
    third = run_job(source)
    assert len(hotspots(source)) == len(first) + 1
    assert stats(third)["not modified"] == 2


@pytest.mark.usefixtures("with_key")
def test_the_area_form_is_used_when_the_source_names_an_area(server) -> None:
    source = firms_source(server, area="97.3,5.6,105.7,20.5", sensors=["MODIS_NRT"])

    run_job(source)

    assert [r["province"] for r in hotspots(source)] == ["TH-50", "TH-58"]
    assert server.requests[0].path == f"/api/area/csv/{KEY}/MODIS_NRT/97.3,5.6,105.7,20.5/1/{TODAY}"


HEADER = ("latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
          "confidence,version,bright_ti5,frp,daynight\n")


@pytest.mark.usefixtures("with_key")
@pytest.mark.parametrize(("fault", "expected"), [
    (lambda s: s.html_error_next("VIIRS_NOAA20_NRT", status=200), "an HTML/XML page instead of CSV"),
    (lambda s: s.fail_next("VIIRS_NOAA20_NRT", status=503), "http_status: HTTP 503"),
    (lambda s: s.serve_body("VIIRS_NOAA20_NRT", ""), "empty body"),
    (lambda s: s.serve_body("VIIRS_NOAA20_NRT", "Invalid MAP_KEY."), "not a FIRMS CSV"),
    (lambda s: s.serve_body("VIIRS_NOAA20_NRT", HEADER + "18.8,98.9,330,0.4\n"), "wrong_columns"),
    (lambda s: s.serve_body("VIIRS_NOAA20_NRT", HEADER + f"18.8,98.9,330,0.4,0.4,{TODAY},9,N20,"
                                                 "VIIRS,n,2.0NRT,290,abc,D\n"), "not a number"),
    (lambda s: s.truncate_next("VIIRS_NOAA20_NRT"), "truncated"),
])
def test_each_fault_is_recorded_on_its_sensor_and_the_others_are_stored(server, fault, expected) -> None:
    source = firms_source(server)
    fault(server)

    job = run_job(source)

    assert job["status"] == "Finished"
    messages = object_messages(job)
    assert list(messages) == ["firms:VIIRS_NOAA20_NRT"]
    assert expected in " ".join(messages["firms:VIIRS_NOAA20_NRT"])
    stored = {(r["satellite"], r["acquired_utc"][11:16]) for r in hotspots(source)}
    assert {("N", "00:07"), ("Terra", "03:55"), ("Aqua", "03:55")} <= stored


@pytest.mark.usefixtures("with_key")
def test_a_header_only_answer_is_a_note_and_keeps_what_was_stored(server) -> None:
    source = firms_source(server)
    run_job(source)
    before = hotspots(source)
    server.serve_body("VIIRS_SNPP_NRT", HEADER)

    job = run_job(source)

    assert object_messages(job) == {}
    assert any(note.startswith("no_hotspots") for note in object_notes(job)["firms:VIIRS_SNPP_NRT"])
    assert hotspots(source) == before


@pytest.mark.parametrize("bad_key", ["plain", "html"])
def test_a_refused_map_key_is_a_recorded_fault_in_either_form_firms_answers(server, monkeypatch, bad_key) -> None:
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", "wrong-key-000")
    server.bad_key = bad_key
    source = firms_source(server, sensors=["MODIS_NRT"])

    job = run_job(source)

    message = " ".join(object_messages(job)["firms:MODIS_NRT"])
    assert ("not a FIRMS CSV" if bad_key == "plain" else "HTTP 400") in message
    assert "Invalid MAP_KEY" in message
    assert "wrong-key-000" not in message


def test_without_a_key_the_job_says_which_setting_to_make(server) -> None:
    source = firms_source(server)

    job = run_job(source)

    assert any("ckanext.pm25.firms.api_key" in m for m in gather_messages(job))
    assert server.requests == []


def test_a_key_in_the_source_config_is_refused(server) -> None:
    with pytest.raises(tk.ValidationError, match="map_key"):
        firms_source(server, map_key=KEY)


def _tables_holding(connection: Any, secret: str) -> list[str]:
    """Every table of the connection's database with a row whose text holds ``secret``."""
    found = []
    for (name,) in connection.execute(sa.text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).fetchall():
        hits = connection.execute(sa.text(f'SELECT count(*) FROM "{name}" AS t '
                                          f'WHERE t::text LIKE :pattern'),
                                  {"pattern": f"%{secret}%"}).scalar()
        if hits:
            found.append(f"{name}: {hits} rows")
    return found


def _database_text_with(secret: str) -> list[str]:
    """Every table of CKAN's database and of the DataStore with a row holding ``secret``."""
    model.Session.commit()
    found = _tables_holding(model.Session, secret)
    with get_read_engine().connect() as connection:
        found += [f"datastore {table}" for table in _tables_holding(connection, secret)]
    return found


@pytest.fixture
def every_log(caplog):
    """caplog receiving every record at DEBUG, also of the loggers test.ini keeps from
    propagating to the root (``ckan``, ``ckanext``) and of those CKAN's logging set-up
    disabled when the app was made (``disable_existing_loggers``: urllib3's among them)."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("ckan", "ckanext")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.DEBUG)
    disabled = [logger for logger in logging.root.manager.loggerDict.values()
                if isinstance(logger, logging.Logger) and logger.disabled]
    for logger in disabled:
        logger.disabled = False
    yield caplog
    for logger in disabled:
        logger.disabled = True
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)


def test_the_map_key_is_absent_from_reports_database_logs_and_index(server, allow_upstream, with_key,
                                                                    every_log) -> None:
    caplog = every_log
    source = firms_source(server, retries=1)
    server.fail_next("VIIRS_SNPP_NRT", status=500, count=2)        # retried, then recorded
    server.html_error_next("VIIRS_NOAA20_NRT", status=400)
    server.truncate_next("MODIS_NRT")
    with FirmsServer(map_key=KEY, today=TODAY) as other:          # a redirect to another host
        allow_upstream(other.url)
        job = run_job(source)
        server.redirect_next("MODIS_NRT", f"{other.url}/api/country/csv/{KEY}/MODIS_NRT/THA/1")
        server.slow_next("VIIRS_SNPP_NRT", 4, count=2)             # a read timeout, twice
        second = run_job(source)

    assert len(object_messages(job)) == 3                     # the faults were recorded...
    assert "timeout" in " ".join(object_messages(second)["firms:VIIRS_SNPP_NRT"])
    for shown in (report(job), report(second), helpers.call_action("harvest_job_show", id=job["id"]),
                  helpers.call_action("harvest_source_show", id=source["id"])):
        assert KEY not in json.dumps(shown, default=str)          # ...without the key
    assert "[secret]" in json.dumps(report(job), default=str)
    assert _database_text_with(KEY) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/country/csv/" in logged                          # urllib3 logged the requests
    assert KEY not in logged
    assert KEY not in caplog.text
    assert helpers.call_action("package_search", q=f'"{KEY}"', include_private=True)["count"] == 0
    # the index holds the network dataset (so the search above could have found the key there)
    assert helpers.call_action("package_search", fq="measurement_type:hotspot_detection")["count"] == 1


@pytest.mark.usefixtures("with_key")
def test_clearing_the_source_takes_its_hotspot_store_and_network_dataset(server) -> None:
    source = firms_source(server)
    run_job(source)
    network_id = model.Resource.get(hotspot_store_id(source["id"])).package_id

    helpers.call_action("harvest_source_clear", id=source["id"])

    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_search", resource_id=hotspot_store_id(source["id"]))
    assert model.Package.get(network_id) is None
    assert helpers.call_action("pm25_hotspot_list", context={"user": "", "ignore_auth": False})["count"] == 0
