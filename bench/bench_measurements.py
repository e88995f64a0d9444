"""Backfilling the measurement store: bulk COPY + one merge per batch against the stock way (one
``datastore_upsert`` per station), side by side in one run.

    python bench/bench_measurements.py [--stations 200] [--hours 720] [--batch 50000] [--sample 50]

Run it through `make bench` (dev/bench.sh), or `dev/bench.sh bench/bench_measurements.py` for
this one alone, which points test.ini at a bench database. In one process:

1. backfill: ``--stations`` series × ``--hours`` hourly PM2.5 readings into an empty store table
   of a network resource, through :func:`ckanext.pm25.measurements.bulk.merge` in batches of
   ``--batch`` readings (one transaction each), made on the fly as a harvester would;
2. the same readings again (the idempotent path: nothing changes, nothing is rewritten);
3. the stock way: a table with the same fields, key and indexes as ``datastore_create`` makes
   it (the DataStore's GiST full-text index and trigger), one ``datastore_upsert`` per station
   with all its hours, for ``--sample`` of the stations, then the same upserts again;
4. readings/s of each and the ratios, peak RSS, and whether ``datastore_search``'s ``total``
   equals the real row count after each path.

Figures are printed, never asserted: they depend on the machine (and on what else runs on it).
"""
from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    context = app._wsgi_app.test_request_context()
    context.push()
    return context


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def series_id(station: int) -> str:
    return f"bench:{station:05d}"


def value_of(station: int, hour: int) -> float:
    return round(5 + (station * 7 + hour * 13) % 900 / 10, 1)


def measurements(stations: range, hours: int) -> Iterator[Any]:
    """Every station's hours, made one at a time (a backfill never holds all of them)."""
    from ckanext.pm25.measurements.rows import Measurement

    for station in stations:
        name = series_id(station)
        for hour in range(hours):
            value = value_of(station, hour)
            yield Measurement(name, "pm25", START + timedelta(hours=hour), value,
                              mean_24h=value if hour >= 23 else None, aqi_th=int(value),
                              aqi_us=int(value * 2), quality_flag="ok", source="bench",
                              licence="Open Government Licence – Thailand")


def record_of(m: Any) -> dict[str, Any]:
    """The same measurement as a datastore_upsert record."""
    return {"series_id": m.series_id, "parameter": m.parameter,
            "hour_utc": m.hour_utc.isoformat(), "value": m.value, "mean_24h": m.mean_24h,
            "aqi_th": m.aqi_th, "aqi_us": m.aqi_us, "quality_flag": m.quality_flag,
            "source": m.source, "licence": m.licence}


def batches(items: Iterator[Any], size: int) -> Iterator[Iterator[Any]]:
    """Consecutive slices of ``size`` items, each consumed lazily by the writer."""
    while True:
        first = next(items, None)
        if first is None:
            return
        yield itertools.chain([first], itertools.islice(items, size - 1))


class Network:
    """A network dataset with store tables on its resources."""

    def __init__(self) -> None:
        from ckanext.pm25.harvesters import site_user

        self.call = site_user.call
        stamp = time.strftime("%H%M%S")
        org = self.call("organization_create", {"name": f"bench-store-{stamp}", "title": "bench"})
        self.dataset = self.call("package_create", {
            "name": f"bench-network-{stamp}", "title": "bench network",
            "owner_org": org["id"], "data_type": "ข้อมูลระเบียน", "maintainer": "bench",
            "maintainer_email": "bench@example.org", "tags": [{"name": "PM2.5"}],
            "notes": "bench", "objective": ["เพื่อการให้บริการประชาชน"],
            "data_source": "bench", "data_format": ["CSV"]})

    def store(self, label: str, *, stock: bool = False) -> str:
        """A store table (``create_store``), or with ``stock`` the same fields, key and indexes
        as ``datastore_create`` makes them (GiST full text, the DataStore's own trigger)."""
        from ckanext.pm25.harvesters import site_user
        from ckanext.pm25.measurements.fields import FIELDS, INDEXES, PRIMARY_KEY
        from ckanext.pm25.measurements.store import create_store

        created = self.call("resource_create", {"package_id": self.dataset["id"], "name": label,
                                                "url_type": "datastore", "url": "_datastore_only_resource"})
        if stock:
            self.call("datastore_create", {"resource_id": created["id"], "fields": list(FIELDS),
                                           "primary_key": list(PRIMARY_KEY), "indexes": list(INDEXES),
                                           "force": True})
        else:
            create_store(site_user.action_context(), created["id"])
        return str(created["id"])

    def totals_true(self, resource_id: str, expected: int) -> str:
        total = self.call("datastore_search", {"resource_id": resource_id, "limit": 0})["total"]
        real = self.call("datastore_search_sql", {
            "sql": f'SELECT count(*) AS n FROM "{resource_id}"'})["records"][0]["n"]
        verdict = "equal" if total == int(real) == expected else "DIFFERENT"
        return f"total {total}, rows {real}, expected {expected}: {verdict}"


def bulk_run(resource_id: str, stations: int, hours: int, size: int) -> tuple[float, list[int]]:
    from ckanext.pm25.measurements.bulk import merge

    counts = [0, 0, 0]
    started = time.perf_counter()
    for batch in batches(measurements(range(stations), hours), size):
        result = merge(resource_id, batch)
        counts = [counts[0] + result.inserted, counts[1] + result.updated, counts[2] + result.unchanged]
    return time.perf_counter() - started, counts


def stock_run(network: Network, resource_id: str, sample: int, hours: int) -> float:
    started = time.perf_counter()
    for station in range(sample):
        records = [record_of(m) for m in measurements(range(station, station + 1), hours)]
        network.call("datastore_upsert", {"resource_id": resource_id, "records": records,
                                          "method": "upsert", "force": True,
                                          "calculate_record_count": False})
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int,
                        default=int(os.environ.get("PM25_BENCH_STORE_STATIONS", "200")))
    parser.add_argument("--hours", type=int,
                        default=int(os.environ.get("PM25_BENCH_STORE_HOURS", str(24 * 30))))
    parser.add_argument("--batch", type=int, default=50_000, help="readings per bulk transaction")
    parser.add_argument("--sample", type=int, default=50,
                        help="stations written the stock way (readings/s is compared)")
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()
    sample = min(args.sample, args.stations)

    setup_ckan(args.ini)
    network = Network()
    count, stock_count = args.stations * args.hours, sample * args.hours
    print(f"Measurement store backfill: {args.stations} series × {args.hours} hours = {count} "
          f"readings (bulk, batches of {args.batch}); stock way on {sample} series = "
          f"{stock_count} readings (CKAN config {args.ini})")

    bulk_table, stock_table = network.store("bulk"), network.store("stock", stock=True)
    bulk_first, first_counts = bulk_run(bulk_table, args.stations, args.hours, args.batch)
    bulk_check = network.totals_true(bulk_table, count)
    bulk_again, again_counts = bulk_run(bulk_table, args.stations, args.hours, args.batch)
    bulk_again_check = network.totals_true(bulk_table, count)
    rss = peak_rss_mb()
    stock_first = stock_run(network, stock_table, sample, args.hours)
    stock_again = stock_run(network, stock_table, sample, args.hours)
    stock_check = network.totals_true(stock_table, stock_count)

    rates = {"bulk first": count / bulk_first, "bulk again": count / bulk_again,
             "stock first": stock_count / stock_first, "stock again": stock_count / stock_again}
    print(f"\n  {'path':40s}{'seconds':>10s}{'readings/s':>14s}")
    print(f"  {'bulk COPY + merge, empty store':40s}{bulk_first:10.2f}{rates['bulk first']:14.0f}"
          f"   (inserted/updated/unchanged {first_counts})")
    print(f"  {'bulk COPY + merge, same data again':40s}{bulk_again:10.2f}{rates['bulk again']:14.0f}"
          f"   (inserted/updated/unchanged {again_counts})")
    print(f"  {'datastore_upsert per station, empty':40s}{stock_first:10.2f}{rates['stock first']:14.0f}")
    print(f"  {'datastore_upsert per station, again':40s}{stock_again:10.2f}{rates['stock again']:14.0f}")
    print("\n  ratios (bulk / stock readings/s):")
    print(f"    backfill         : {rates['bulk first'] / rates['stock first']:6.1f} ×   (issue 11 target ≥ 20 ×)")
    print(f"    same data again  : {rates['bulk again'] / rates['stock again']:6.1f} ×")
    print(f"\n  datastore_search total after the bulk backfill : {bulk_check}")
    print(f"  datastore_search total after the bulk re-run   : {bulk_again_check}")
    print(f"  datastore_search total after the stock upserts : {stock_check}")
    print(f"  peak RSS after the bulk runs: {rss:.1f} MiB")
    extrapolated = 8_760_000 / rates["bulk first"]
    print(f"  a year × 1,000 stations (8.76 M readings) at the bulk rate: {extrapolated:.0f} s "
          f"(issue 11 target < 300 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
