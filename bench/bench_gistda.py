"""A GISTDA harvest of every province and district (928 districts × 24 hours = 22,272 hourly
readings, plus 77 provinces' hours and 2,784 forecast days) against the local imitation, and
beside it the per-dataset way (a dataset, a DataStore table and one datastore_upsert per
district) measured on a sample in the same run and extrapolated to 928 districts.

    bash dev/bench.sh bench/bench_gistda.py   [PM25_BENCH_GISTDA_SAMPLE=30]

Figures are printed, never asserted.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    context = app._wsgi_app.test_request_context()
    context.push()
    return context


def allow(url: str) -> None:
    import ckan.plugins.toolkit as tk

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    tk.config[ALLOWED_HOSTS] = [*tk.aslist(tk.config.get(ALLOWED_HOSTS)), origin]


def ours(server: Any, org: dict[str, Any], stamp: str) -> tuple[float, dict[str, Any], int]:
    from ckanext.pm25.harvesters import runner, site_user

    source = site_user.call("harvest_source_create", {
        "name": f"bench-gistda-{stamp}", "title": "bench gistda", "url": server.url,
        "source_type": "pm25_gistda", "owner_org": org["id"],
        "config": json.dumps({"maintainer_email": "bench@example.org"})})
    started = time.perf_counter()
    job = runner.run_through_queues(source["id"], timeout=3600, poll=0.05)
    seconds = time.perf_counter() - started
    from ckanext.pm25.harvesters.datasets import store_resource_id
    total = site_user.call("datastore_search", {"resource_id": store_resource_id(source["id"]),
                                                "filters": {"parameter": "pm25"}, "limit": 0})["total"]
    return seconds, job, total


def per_dataset(server: Any, org: dict[str, Any], sample: int) -> float:
    """Seconds for ``sample`` districts the stock way: fetch, package_create with a resource,
    datastore_create, one datastore_upsert of its 24 hours."""
    import requests
    from ckanext.pm25.harvesters import site_user

    started = time.perf_counter()
    for district in server.districts[:sample]:
        record = requests.get(server.url + server.DISTRICT, params={"ap_idn": district.code},
                              timeout=10).json()["data"]
        dataset = site_user.call("package_create", {
            "name": f"bench-district-{district.code}-{org['name']}", "owner_org": org["id"],
            "title": f"PM2.5 {district.name_th}", "notes": "bench", "maintainer_email": "b@example.org",
            "maintainer": "bench", "data_type": "ข้อมูลระเบียน", "data_source": "GISTDA",
            "data_format": ["CSV"], "objective": ["เพื่อการให้บริการประชาชน"], "tag_string": "PM2.5",
            "resources": [{"name": "hourly", "url": "http://example.org/x"}]})
        resource_id = dataset["resources"][0]["id"]
        site_user.call("datastore_create", {
            "resource_id": resource_id, "force": True, "primary_key": ["hour"],
            "fields": [{"id": "hour", "type": "text"}, {"id": "pm25", "type": "numeric"}]})
        rows = [{"hour": stamp, "pm25": value if isinstance(value, (int, float)) and value >= 0 else None}
                for value, stamp in record["graphHistory24hrs"]]
        site_user.call("datastore_upsert", {"resource_id": resource_id, "force": True,
                                            "method": "upsert", "records": rows})
    return time.perf_counter() - started


def _serve(pipe: Any) -> None:
    """The imitation in a process of its own, as upstream is another machine: its threads do
    not compete with the harvester's for this process's interpreter lock."""
    from ckanext.pm25.demo.upstream import GistdaServer

    with GistdaServer() as server:
        pipe.send(server.url)
        pipe.recv()


class Upstream:
    DISTRICT = "/rest/getPM25byAmphoe24hrs"

    def __init__(self, url: str) -> None:
        from ckanext.pm25.demo.upstream import model_districts

        self.url = url
        self.districts = model_districts()


def main() -> None:
    import multiprocessing

    ours_end, server_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_serve, args=(server_end,))
    process.start()  # before CKAN is loaded: the child carries none of it
    server = Upstream(ours_end.recv())
    setup_ckan(os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    from ckanext.pm25.harvesters import site_user

    sample = int(os.environ.get("PM25_BENCH_GISTDA_SAMPLE", "30"))
    stamp = time.strftime("%H%M%S")
    org = site_user.call("organization_create", {"name": f"gistda-bench-{stamp}", "title": "GISTDA (bench)"})
    try:
        allow(server.url)
        seconds, job, stored = ours(server, org, stamp)
        again, second_job, _ = 0.0, None, 0
        from ckanext.pm25.harvesters import runner
        started = time.perf_counter()
        second_job = runner.run_through_queues(job["source_id"], timeout=3600, poll=0.05)
        again = time.perf_counter() - started
        stock = per_dataset(server, org, sample)
    finally:
        ours_end.send("stop")
        process.join(timeout=10)
    districts = len(server.districts)
    readings = districts * 24
    stock_all = stock / sample * districts
    print(f"GISTDA harvest, {districts} districts + 77 provinces, 24 h each ({readings:,} district readings; "
          f"{stored:,} hourly rows stored incl. provinces; job: {json.dumps(job['stats'])})")
    print(f"  ours (one store merge per province, through the queues; upstream in another process): {seconds:6.2f} s  "
          f"{readings / seconds:8.0f} district readings/s")
    print(f"  the same data again (nothing changes):                   {again:6.2f} s  "
          f"(job: {json.dumps(second_job['stats'])})")
    print(f"  per-dataset way (package + table + upsert per district), {sample} districts measured: "
          f"{stock:6.2f} s -> {stock_all:6.1f} s for {districts}")
    print(f"  ratio per-dataset / ours: {stock_all / seconds:5.1f}x; target: ours < 10 s: "
          f"{'met' if seconds < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
