"""Reads with a year of readings loaded, beside the same reads with one month loaded (issue 11).

    python bench/bench_year_reads.py [--stations 200] [--days 365] [--repeat 25]

Run it through `dev/bench.sh bench/bench_year_reads.py`, which points test.ini at a bench
database; this script empties that database (CKAN, DataStore, its Solr site) before and after
itself. In one process:

1. ``--stations`` station datasets over the 77 provinces, each with its "Hourly measurements"
   link into one network store (the harvester's layout since issue 11), and 30 days of hourly
   readings up to the current hour written as the harvester writes them: the store with
   :func:`ckanext.pm25.measurements.bulk.merge`, the dashboard's summary with
   ``store.record_many``;
2. p50 (and p90) over ``--repeat`` requests of each read a user makes: ``/pm25``, a province page
   over 30 days, ``pm25_measurements`` for one station × 30 days, ``datastore_search`` of the
   store filtered by one station's series (newest 100 hours), and one station's whole series as
   CSV (CKAN's DataStore dump, the link a user follows);
   (after ``ANALYZE`` of both databases, as autovacuum would do after a bulk load);
3. the rest of the year (``--days`` − 30 days before the first month) loaded the same way, and
   the same reads again, with the ratio year / month of each (issue 11 asks for ≤ 1.5×).

Figures are printed, never asserted: they depend on the machine (and on what else runs on it).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard import (REQUIRED, call, hourly_rows, percentiles,  # noqa: E402
                             reset_everything, row, seats, setup_ckan)

UTC = timezone.utc
PAGE_PROVINCE = "TH-52"
MONTH_DAYS = 30
SOURCE = "bench"


class Network:
    """One network store and its stations, loaded period by period."""

    def __init__(self, stations: int, seed: int = 2024) -> None:
        self.count = stations
        self.rng = random.Random(seed)
        self.store_id = ""
        self.stations: list[dict[str, Any]] = []  # name, station_id, series_id, province, info

    def create(self) -> None:
        from ckan.lib import search
        from ckan.tests import factories
        import ckan.plugins.toolkit as tk

        from ckanext.pm25.measurements.links import series_download_url
        from ckanext.pm25.measurements.store import create_store
        from ckanext.pm25.readings import store

        admin = factories.Sysadmin()["name"]
        org = call("organization_create", {"name": "pcd", "title": "กรมควบคุมมลพิษ"}, admin)["id"]
        network = call("package_create", {
            **REQUIRED, "name": "bench-network", "title": "Bench network", "owner_org": org,
            "resources": [{"name": "Hourly measurements, every station", "url": "",
                           "url_type": "datastore"}]}, admin)
        self.store_id = network["resources"][0]["id"]
        create_store({"user": admin}, self.store_id)
        site_url = tk.config.get("ckan.site_url") or ""
        places = seats()
        tk.config["ckan.search.solr_commit"] = False
        started = time.perf_counter()
        for number in range(self.count):
            _code, lon, lat = places[number % len(places)]
            station_id = f"b{number:04d}"
            series = f"{SOURCE}:{station_id}"
            dataset = call("package_create", {
                **REQUIRED, "name": f"bench-station-{station_id}", "title": f"Bench station {station_id}",
                "owner_org": org, "station_id": station_id, "station_type": "GROUND",
                "station_status": "active",
                "spatial": (f'{{"type": "Point", "coordinates": [{lon + self.rng.uniform(-0.02, 0.02):.5f}, '
                            f'{lat + self.rng.uniform(-0.02, 0.02):.5f}]}}'),
                "resources": [{"name": "Hourly measurements",
                               "url": series_download_url(site_url, self.store_id, series)}]}, admin)
            self.stations.append({"name": dataset["name"], "station_id": station_id, "series_id": series,
                                  "province": (dataset.get("provinces") or [None])[0],
                                  "resource_id": dataset["resources"][0]["id"],
                                  "info": store.station_info(dataset),
                                  "level": self.rng.uniform(8, 90)})
        search.commit()
        tk.config["ckan.search.solr_commit"] = True
        print(f"  {self.count} station datasets and their links  {time.perf_counter() - started:7.1f} s")

    def load(self, first_hour: datetime, hours: int) -> None:
        """``hours`` hourly readings from ``first_hour`` for every station, into the store (one
        merge per 50 stations) and the summary (one transaction per 50 stations)."""
        from ckanext.pm25.measurements.bulk import merge
        from ckanext.pm25.measurements.station_rows import measurement
        from ckanext.pm25.readings import hooks, store

        span = [first_hour + timedelta(hours=step) for step in range(hours)]
        store_s = summary_s = 0.0
        for start in range(0, self.count, 50):
            group = self.stations[start:start + 50]
            batch = [(s, hourly_rows(s["station_id"], span, s["level"], self.rng)) for s in group]
            started = time.perf_counter()
            merge(self.store_id, (measurement(r, series_id=s["series_id"], source=SOURCE, licence=None)
                                  for s, rows in batch for r in rows))
            store_s += time.perf_counter() - started
            started = time.perf_counter()
            with hooks.writing() as conn:
                store.record_many(conn, [(s["info"], s["resource_id"], rows) for s, rows in batch])
            summary_s += time.perf_counter() - started
        started = time.perf_counter()
        analyse()
        analyse_s = time.perf_counter() - started
        readings = self.count * hours
        print(f"  ANALYZE of both databases {analyse_s:5.1f} s (what autovacuum does after a bulk load)")
        print(f"  {readings:>9} readings: store merge {store_s:6.1f} s ({readings / store_s:6.0f}/s), "
              f"summary {summary_s:6.1f} s ({readings / summary_s:6.0f}/s)")


def analyse() -> None:
    """Fresh planner statistics after a load, as autovacuum gives them within a minute of one, so
    both measurements compare plans made for the data loaded, not for an emptier table."""
    import sqlalchemy as sa
    from ckan import model
    from ckanext.datastore.backend.postgres import get_write_engine

    for engine in (model.meta.engine, get_write_engine()):
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))


def reads(client: Any, network: Network, now: datetime, repeat: int) -> dict[str, tuple[float, float]]:
    station = next(s for s in network.stations if s["province"] == PAGE_PROVINCE)
    month_start = (now + timedelta(hours=1) - timedelta(days=MONTH_DAYS)).isoformat()

    def page(url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response.get_data()
        return run

    filters = json.dumps({"series_id": station["series_id"]})
    dump = (f"/datastore/dump/{network.store_id}?format=csv&sort=hour_utc&filters={filters}")
    return {
        "/pm25": percentiles(page("/pm25"), repeat),
        f"/province/{PAGE_PROVINCE}?range=30d": percentiles(page(f"/province/{PAGE_PROVINCE}?range=30d"), repeat),
        "pm25_measurements, 1 station × 30 days": percentiles(
            lambda: call("pm25_measurements", {"stations": station["name"], "start": month_start,
                                               "limit": 1000}), repeat),
        "datastore_search by series (newest 100 h)": percentiles(
            lambda: call("datastore_search", {"resource_id": network.store_id,
                                              "filters": {"series_id": station["series_id"]},
                                              "sort": "hour_utc desc", "limit": 100}), repeat),
        "one station's whole series as CSV (dump)": percentiles(page(dump), max(3, repeat // 5)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=int(os.environ.get("PM25_BENCH_YEAR_STATIONS", "200")))
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()

    flask_app = setup_ckan(args.ini)
    print(f"Reads with a month and with {args.days} days loaded: {args.stations} stations, one network store, "
          f"CKAN config {args.ini}")
    reset_everything()
    network = Network(args.stations)
    print("\nLoading:")
    network.create()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    month_first = now - timedelta(hours=MONTH_DAYS * 24 - 1)
    network.load(month_first, MONTH_DAYS * 24)
    client = flask_app.test_client()
    print(f"\nWith {MONTH_DAYS} days loaded (p50/p90 of {args.repeat}):")
    month = reads(client, network, now, args.repeat)
    for label, (p50, p90) in month.items():
        row(label, p50, p90)

    earlier_days = args.days - MONTH_DAYS
    print(f"\nLoading the {earlier_days} days before:")
    network.load(month_first - timedelta(days=earlier_days), earlier_days * 24)
    print(f"\nWith {args.days} days loaded:")
    year = reads(client, network, now, args.repeat)
    for label, (p50, p90) in year.items():
        row(label, p50, p90, f"{year[label][0] / month[label][0]:5.2f} × the month's p50")
    reset_everything()
    print("\n(bench data removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
