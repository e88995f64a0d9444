"""The caretakers' personal data that DustBoy's station records carry, and the API key, leave no
trace: not in CKAN's database or the DataStore's (every table dumped as text), not in Solr
(every stored field, and a query of every field), not in the logs of the run, not in any page
or API answer. A run with faults is part of it: an error must not quote what upstream sent."""
from __future__ import annotations

import json
import logging
from typing import Any

import pysolr
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import make_connection
from ckan.tests import helpers
from ckanext.datastore.backend.postgres import get_write_engine

from tests.harvesters.harvesting import CONTACT, make_source, now_thai_hour, run_job, stations
from tests.upstream.dustboy import DustBoyServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues", "clean_index")

SECRET_KEY = "sekret-dustboy-7Q4vX"
PERSONAL = {
    "dustboy_name_contact": "นางสาวทดลองซ่อนชื่อ",
    "contact_name": "Qzvbnm Kittisakzz",
    "tel": "0899990001",
    "phone": "0533339991",
    "mobile": "+66877770123",
    "line_id": "line-zzq-4471",
    "email": "zzq4471@caretaker.invalid",
}
TRACES = (*PERSONAL.values(), SECRET_KEY)


def _tables_as_text(connection: sa.engine.Connection) -> str:
    tables = connection.execute(sa.text(
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')")).scalars()
    return "\n".join(str(row) for table in list(tables)
                     for row in connection.execute(sa.text(f"SELECT t::text FROM {table} AS t")).scalars())


def database_text() -> str:
    model.Session.commit()
    with model.meta.engine.connect() as ckan_db, get_write_engine().connect() as datastore_db:
        return _tables_as_text(ckan_db) + "\n" + _tables_as_text(datastore_db)


def solr_text() -> str:
    """Every stored field of every document, and the documents any field matches a trace in."""
    solr = make_connection()
    documents = list(solr.search("*:*", rows=10000, fl="*"))
    assert documents, "the sensors are indexed"
    found = [json.dumps(documents, ensure_ascii=False, default=str)]
    fields = sorted({name for document in documents for name in document})
    values = " OR ".join(f'"{value}"' for value in TRACES)
    for name in fields:
        try:
            found += [json.dumps(d, ensure_ascii=False, default=str)
                      for d in solr.search(f"{name}:({values})", rows=100, fl="id")]
        except pysolr.SolrError:
            continue  # a field that holds no text (numbers, dates, geometries) cannot match
    found += [json.dumps(d) for d in solr.search(values, rows=100, fl="id", defType="edismax")]
    return "\n".join(found)


def pages_text(app: Any, job: dict[str, Any]) -> str:
    names = [d["name"] for d in stations()]
    urls = ["/pm25", "/en/pm25", "/province/TH-50", "/dataset/", "/harvest/", "/harvest/dustboy",
            f"/harvest/dustboy/job/{job['id']}", "/pm25/measurements.csv?stations=" + names[0],
            "/province/TH-50/stations.geojson",
            *(f"/dataset/{name}" for name in names), *(f"/en/dataset/{name}" for name in names)]
    texts = [app.get(url).get_data(as_text=True) for url in urls]
    api = [helpers.call_action("package_search", q="*:*", rows=1000),
           helpers.call_action("pm25_station_list"),
           helpers.call_action("harvest_source_show", id="dustboy"),
           helpers.call_action("harvest_job_report", id=job["id"]),
           helpers.call_action("harvest_job_list", source_id=job["source_id"])]
    return "\n".join(texts) + json.dumps(api, ensure_ascii=False, default=str)


@pytest.mark.ckan_config("ckanext.pm25.dustboy.api_key", SECRET_KEY)
def test_caretakers_personal_data_and_the_key_leave_no_trace(app, allow_upstream, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with DustBoyServer(now_local=now_thai_hour(), hours=30, key=SECRET_KEY, personal=PERSONAL) as server:
        allow_upstream(server.url)
        source = make_source(server.url, "pm25_dustboy", {"maintainer_email": CONTACT, "retries": 0,
                                                          "read_timeout": 1.5}, name="dustboy")
        server.truncate_next(server.STATIONS)  # an error that might quote the list
        failed = run_job(source)
        server.truncate_next(server.SERIES + "4001")
        server.html_error_next(server.SERIES + "4002")
        server.set_value("4003", "-")
        job = run_job(source)
        served = json.dumps([server._station(sensor) for sensor in server.sensors.values()],
                            ensure_ascii=False)

    assert failed["status"] == job["status"] == "Finished"
    assert len(stations()) == 8
    for value in TRACES[:-1]:
        assert value in served  # the imitation did send them
    where = {"database": database_text(), "solr": solr_text(), "logs": caplog.text,
             "pages and API": pages_text(app, job)}
    assert "ที่มาของข้อมูล" in where["database"]  # the dumps hold the harvested datasets
    for place, text in where.items():
        leaked = [value for value in TRACES if value in text]
        assert leaked == [], f"{place} holds {leaked}"

