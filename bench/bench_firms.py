"""A FIRMS day of hotspots harvested, stored and counted, against the stock way (one
``datastore_upsert`` per hotspot, and per batch), side by side in one run.

    python bench/bench_firms.py [--hotspots 5000] [--sample 300] [--batch 500]

Run it through `dev/bench.sh bench/bench_firms.py`, which points test.ini at a bench database.
In one process:

1. a local FIRMS imitation serves ``--hotspots`` VIIRS detections of one day, all inside
   Thailand (random points the gazetteer places, spread over the country);
2. a ``pm25_firms`` source harvests them (gather, fetch over HTTP, parse, place each in its
   province, COPY + one merge into the hotspot store) and the hotspots are counted per
   province and Thai day (``pm25_hotspot_counts`` for all 77 provinces): timed end to end;
3. the same day again (the idempotent path: nothing is rewritten);
4. the stock way on a table with the same fields, key and indexes as ``datastore_create``
   makes it: one ``datastore_upsert`` per hotspot for ``--sample`` of them, and one per batch
   of ``--batch`` for all of them;
5. seconds, hotspots/s and the ratios. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "bench-firms-map-key-000000000001"
ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    context = app._wsgi_app.test_request_context()
    context.push()
    return context


def detections(count: int, day: datetime) -> list[Any]:
    """``count`` VIIRS detections of ``day`` at points inside Thailand."""
    from ckanext.pm25.demo.upstream import Detection
    from ckanext.pm25.provinces import gazetteer

    places, rng, found = gazetteer.gazetteer(), random.Random(5), []
    while len(found) < count:
        lat, lon = round(rng.uniform(5.7, 20.4), 5), round(rng.uniform(97.4, 105.6), 5)
        if places.province_at(lon, lat) is None:
            continue
        acquired = day + timedelta(minutes=rng.randrange(0, 10 * 60))
        found.append(Detection("VIIRS_SNPP_NRT", lat, lon, acquired, rng.choice("lnh"),
                               round(rng.uniform(0.5, 60), 2)))
    return found


def record_of(hotspot: Any) -> dict[str, Any]:
    """A stored hotspot as a datastore_upsert record."""
    from ckanext.pm25.common.times import thai_day

    return {"satellite": hotspot.satellite, "instrument": hotspot.instrument,
            "acquired_utc": hotspot.acquired_utc.isoformat(), "latitude": str(hotspot.latitude),
            "longitude": str(hotspot.longitude), "province": hotspot.province,
            "day_th": thai_day(hotspot.acquired_utc).isoformat(), "confidence": hotspot.confidence,
            "confidence_pct": hotspot.confidence_pct, "frp": str(hotspot.frp),
            "brightness": str(hotspot.brightness), "brightness_2": str(hotspot.brightness_2),
            "scan": str(hotspot.scan), "track": str(hotspot.track), "daynight": hotspot.daynight,
            "version": hotspot.version, "source": "bench", "licence": "bench"}


def count_everywhere() -> int:
    """pm25_hotspot_counts of every province, as the dashboard's pages would ask."""
    from ckan.tests import helpers

    from ckanext.pm25.geo.provinces import all_provinces

    return sum(helpers.call_action("pm25_hotspot_counts", context={"user": "", "ignore_auth": False},
                                   id=province.code, days=1)["total"]
               for province in all_provinces())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hotspots", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=300, help="hotspots upserted one by one")
    parser.add_argument("--batch", type=int, default=500, help="hotspots per stock batch upsert")
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()

    setup_ckan(args.ini)
    import ckan.plugins.toolkit as tk

    from ckanext.pm25.demo.upstream import FirmsServer
    from ckanext.pm25.harvesters import runner, site_user
    from ckanext.pm25.harvesters.firms_csv import parse_firms_csv
    from ckanext.pm25.measurements.hotspots import FIELDS, INDEXES, KEY as HOTSPOT_KEY
    from ckanext.pm25.measurements.hotspots import hotspot_store_id
    from ckanext.pm25.provinces import gazetteer

    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    stamp = time.strftime("%H%M%S")
    served = detections(args.hotspots, today)
    tk.config["ckanext.pm25.firms.api_key"] = KEY
    org = site_user.call("organization_create", {"name": f"bench-firms-{stamp}", "title": "bench"})
    print(f"FIRMS: one day of {args.hotspots} VIIRS hotspots over Thailand; stock way on "
          f"{args.sample} one by one and {args.hotspots} in batches of {args.batch} "
          f"(CKAN config {args.ini})")
    with FirmsServer(map_key=KEY, today=today.date(), detections=served) as server:
        origin = server.url
        tk.config[ALLOWED_HOSTS] = [*tk.aslist(tk.config.get(ALLOWED_HOSTS)), origin]
        source = site_user.call("harvest_source_create", {
            "name": f"bench-firms-{stamp}", "title": "bench firms", "url": server.url,
            "source_type": "pm25_firms", "owner_org": org["id"], "frequency": "MANUAL",
            "config": '{"sensors": ["VIIRS_SNPP_NRT"], "day_range": 1, '
                      '"maintainer_email": "bench@example.org"}'})
        started = time.perf_counter()
        job = runner.run_inline(source["id"])
        harvested = time.perf_counter() - started
        counted = count_everywhere()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again_job = runner.run_inline(source["id"])
        again_counted = count_everywhere()
        again = time.perf_counter() - started
        csv_text = server.csv_for("VIIRS_SNPP_NRT", today.date(), 1)

    # the stock way: the same hotspots (placed as the harvester places them) through the API
    places = gazetteer.gazetteer()
    hotspots = [replace(h, province=getattr(places.province_at(float(h.longitude),
                                                               float(h.latitude)), "code", None))
                for h in parse_firms_csv(csv_text, "VIIRS_SNPP_NRT").hotspots]
    records = [record_of(h) for h in hotspots]
    network = site_user.call("resource_show", {"id": hotspot_store_id(source["id"])})

    def stock_table(label: str) -> str:
        created = site_user.call("resource_create", {
            "package_id": network["package_id"], "name": label, "url_type": "datastore",
            "url": "_datastore_only_resource"})
        site_user.call("datastore_create", {"resource_id": created["id"], "fields": list(FIELDS),
                                            "primary_key": list(HOTSPOT_KEY),
                                            "indexes": list(INDEXES), "force": True})
        return str(created["id"])

    one_by_one, batched = stock_table("stock one by one"), stock_table("stock batches")
    started = time.perf_counter()
    for record in records[: args.sample]:
        site_user.call("datastore_upsert", {"resource_id": one_by_one, "records": [record],
                                            "method": "upsert", "force": True})
    single = time.perf_counter() - started
    started = time.perf_counter()
    for at in range(0, len(records), args.batch):
        site_user.call("datastore_upsert", {"resource_id": batched,
                                            "records": records[at: at + args.batch],
                                            "method": "upsert", "force": True})
    batches = time.perf_counter() - started

    n = len(records)
    rates = {"ours": n / first, "again": n / again, "single": args.sample / single,
             "batches": n / batches}
    print(f"\n  {'path':52s}{'seconds':>9s}{'hotspots/s':>12s}")
    print(f"  {'harvest + store + count, empty store':52s}{first:9.2f}{rates['ours']:12.0f}"
          f"   (harvest {harvested:.2f} s, {job['stats']}, counted {counted})")
    print(f"  {'harvest + store + count, same day again':52s}{again:9.2f}{rates['again']:12.0f}"
          f"   ({again_job['stats']}, counted {again_counted})")
    print(f"  {'datastore_upsert per hotspot (sample)':52s}{single:9.2f}{rates['single']:12.0f}"
          f"   ({n / rates['single']:.0f} s for all {n}, extrapolated)")
    print(f"  {f'datastore_upsert per batch of {args.batch}':52s}{batches:9.2f}{rates['batches']:12.0f}")
    print("\n  ratios (ours / stock hotspots/s; ours includes the HTTP fetch, parsing, placing "
          "and counting):")
    print(f"    against one upsert per hotspot : {rates['ours'] / rates['single']:6.1f} ×")
    print(f"    against one upsert per batch   : {rates['ours'] / rates['batches']:6.1f} ×")
    print(f"\n  issue 12 target: a FIRMS day of 5,000 hotspots stored and counted in under 10 s: "
          f"{'met' if first < 10 else 'NOT met'} ({first:.2f} s for {n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
