"""End-to-end Air4Thai harvest of a synthetic national snapshot, and the cost of writing readings.

    python bench/bench_harvest.py [--stations 500] [--hours 48] [--ini test.ini]

Run it through `make bench` (dev/bench.sh), which points test.ini at a bench database. In one
process, side by side:

1. the harvest of ``--stations`` stations × ``--hours`` hourly readings from the local Air4Thai
   imitation, through the real Redis queues (ckanext-harvest's gather and fetch callbacks, the
   code the consumer processes run), into CKAN datasets and the source's measurement store: wall time,
   datasets/s, readings/s;
2. the steady state on the same stations: the same upstream data again (nothing changes), one
   more upstream hour (the hourly run), and a day of new hours at once (a catch-up after an
   outage), each with the readings written per second; then a first harvest again with two
   `ckan pm25 harvest consume fetch` processes;
3. where the time of an import goes, per station and stage (CKAN actions, the readings hook),
   for the first harvest and the hourly run;
4. writing readings: one store merge per station (what the harvester does) against one
   ``datastore_upsert`` per station (what it did before the store) and one call per reading
   (the stock way), measured on a sample of stations and extrapolated;
5. memory: the process's peak RSS after harvests of growing size (it must not climb with the
   station count), and tracemalloc's peak during gather alone for growing snapshots;
6. a side-by-side summary of those figures against issue 5's targets.

Figures are printed, never asserted: they depend on the machine (and on what else runs on it).
"""
from __future__ import annotations

import argparse
import atexit
import configparser
import gc
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"
LOGGING_SECTIONS = ("loggers", "handlers", "formatters", "logger_", "handler_", "formatter_")


def _parsed(ini: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read(ini, encoding="utf-8")
    return parser
sys.path.insert(0, str(ROOT))


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    context = app._wsgi_app.test_request_context()
    context.push()
    return context


def thai_hour() -> datetime:
    from ckanext.pm25.common.times import THAI_TZ
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bench:
    def __init__(self, hours: int, ini: str) -> None:
        from ckanext.pm25.harvesters import site_user

        self.site_user = site_user
        self.hours = hours
        self.ini = ini
        self.stamp = time.strftime("%H%M%S")
        self.org = site_user.call("organization_create", {
            "name": f"bench-{self.stamp}", "title": "กรมควบคุมมลพิษ (bench)"})

    def allow(self, url: str) -> None:
        """The imitation server becomes an allowed harvest destination (test.ini allows none)."""
        import ckan.plugins.toolkit as tk

        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        tk.config[ALLOWED_HOSTS] = [*tk.aslist(tk.config.get(ALLOWED_HOSTS)), origin]

    def ini_allowing(self, url: str) -> str:
        """A configuration file for a consumer process: the bench's, with ``url`` allowed.

        Written to a folder of its own outside the project, removed when the bench ends."""
        folder = tempfile.mkdtemp(prefix="pm25-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / f"allowing-{self.stamp}.ini"
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        logging = {name: dict(parser.items(name, raw=True)) for parser in [_parsed(self.ini)]
                   for name in parser.sections() if name.startswith(LOGGING_SECTIONS)}
        out = configparser.RawConfigParser()
        out["app:main"] = {"use": f"config:{Path(self.ini).resolve()}", ALLOWED_HOSTS: origin}
        for name, items in logging.items():
            out[name] = items
        with path.open("w", encoding="utf-8") as handle:
            out.write(handle)
        return str(path)

    def source(self, url: str, label: str) -> dict[str, Any]:
        self.allow(url)
        config = {"backfill_hours": self.hours, "maintainer_email": "bench@example.org"}
        return self.site_user.call("harvest_source_create", {
            "name": f"bench-{label}-{self.stamp}", "title": f"bench {label}", "url": url,
            "source_type": "pm25_air4thai", "owner_org": self.org["id"],
            "config": json.dumps(config)})

    def harvest(self, source: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        from ckanext.pm25.harvesters.runner import run_through_queues
        started = time.perf_counter()
        job = run_through_queues(source["id"], timeout=7200, poll=0.05)
        return time.perf_counter() - started, job


def stats_text(job: dict[str, Any]) -> str:
    return ", ".join(f"{v} {k}" for k, v in job["stats"].items() if v) or "nothing"


class StageTimer:
    """Time spent in each CKAN action the harvester calls and in its readings hook, and the
    readings handed to the DataStore, while active (the harvester's own functions wrapped)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.readings_written = 0

    def _timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started
                self.calls[stage] += 1
        return timed

    @contextmanager
    def active(self) -> Iterator[StageTimer]:
        from ckanext.pm25.harvesters import air4thai, readings_writer, site_user

        originals = (site_user.call, readings_writer.notify_readings_stored,
                     air4thai.Air4ThaiHarvester.fetch, air4thai.Air4ThaiHarvester.do_import,
                     readings_writer.write_rows)
        original_write = readings_writer.write_rows

        def write_rows(store_id: str, rows: Any, **kwargs: Any) -> int:
            written = self._timed("store merge", original_write)(store_id, rows, **kwargs)
            self.readings_written += written
            return written

        site_user.call = self._timed_action(site_user.call)
        readings_writer.write_rows = write_rows
        readings_writer.notify_readings_stored = self._timed("readings hook (summary)",
                                                             readings_writer.notify_readings_stored)
        air4thai.Air4ThaiHarvester.fetch = self._timed("fetch stage (total)", originals[2])
        air4thai.Air4ThaiHarvester.do_import = self._timed("import stage (total)", originals[3])
        try:
            yield self
        finally:
            (site_user.call, readings_writer.notify_readings_stored, air4thai.Air4ThaiHarvester.fetch,
             air4thai.Air4ThaiHarvester.do_import, readings_writer.write_rows) = originals

    def _timed_action(self, call: Callable[[str, dict[str, Any]], Any]) -> Callable[..., Any]:
        def timed(action: str, data: dict[str, Any]) -> Any:
            return self._timed(action, call)(action, data)
        return timed

    def rows(self, stations: int) -> dict[str, float]:
        """ms per station of each stage."""
        return {stage: seconds * 1000 / stations for stage, seconds in self.seconds.items()}


def print_stages(columns: dict[str, dict[str, float]], wall_ms: dict[str, float]) -> None:
    labels = list(columns)
    stages = sorted({stage for column in columns.values() for stage in column},
                    key=lambda stage: -max(column.get(stage, 0.0) for column in columns.values()))
    print("\nWhere an import's time goes (ms per station; actions include what CKAN does inside "
          "them: validation, activity, search index, DataStore):")
    print(f"  {'stage':34s}" + "".join(f"{label:>18s}" for label in labels))
    print(f"  {'wall time per station':34s}" + "".join(f"{wall_ms[label]:18.1f}" for label in labels))
    for stage in stages:
        if max(column.get(stage, 0.0) for column in columns.values()) >= 0.5:
            print(f"  {stage:34s}" + "".join(f"{columns[label].get(stage, 0.0):18.1f}"
                                            for label in labels))


def harvest_with_consumers(bench: Bench, size: int, hours: int, count: int) -> float:
    """The same first harvest with ``count`` real `ckan pm25 harvest consume fetch` processes."""
    import shutil
    import subprocess
    from ckan import model
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestObject
    from ckanext.pm25.demo.upstream import Air4ThaiServer

    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    with Air4ThaiServer.synthetic(size, hours, now_local=thai_hour()) as server:
        source = bench.source(server.url, f"c{count}")
        started = time.perf_counter()
        job = bench.site_user.call("harvest_job_create", {"source_id": source["id"], "run": True})
        gather = queue.get_gather_consumer()
        queue.gather_callback(gather, *gather.basic_get(queue=queue.get_gather_queue_name()))
        processes = [subprocess.Popen([ckan, "-c", bench.ini_allowing(server.url), "pm25", "harvest",
                                       "consume", "fetch"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(count)]
        try:
            while True:
                model.Session.remove()
                left = model.Session.query(HarvestObject.id).filter(
                    HarvestObject.harvest_job_id == job["id"],
                    HarvestObject.state.notin_(["COMPLETE", "ERROR"])).count()
                if left == 0:
                    break
                time.sleep(0.2)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
        bench.site_user.call("harvest_jobs_run", {"source_id": source["id"]})
        elapsed = time.perf_counter() - started
        shown = bench.site_user.call("harvest_job_show", {"id": job["id"]})
    print(f"First harvest of {size} stations with {count} fetch-consumer processes: wall "
          f"{elapsed:.1f} s, {size / elapsed:.1f} datasets/s, {size * hours / elapsed:.0f} "
          f"readings/s ({stats_text(shown)})")
    return size / elapsed


# The per-station table the harvester wrote before the measurement store (the stock way: one
# datastore_upsert per station).
STATION_TABLE_FIELDS = [
    {"id": "station_id", "type": "text"}, {"id": "datetime_utc", "type": "timestamp"},
    {"id": "datetime_local", "type": "text"}, {"id": "pm25", "type": "numeric"},
    {"id": "pm25_24h", "type": "numeric"}, {"id": "aqi_th", "type": "int"},
    {"id": "aqi_us", "type": "int"}, {"id": "quality_flag", "type": "text"}]


def upsert_comparison(bench: Bench, sample: int, stations: int, hours: int) -> tuple[float, float]:
    """One store merge per station (the harvester) against one datastore_upsert per station and
    one per reading, into fresh tables, same rows."""
    from ckanext.pm25.harvesters import readings_writer, site_user
    from ckanext.pm25.measurements.store import create_store
    from ckanext.pm25.harvesters.normalise import reading_to_row
    from ckanext.pm25.demo.upstream import Air4ThaiServer
    from ckanext.pm25.harvesters.normalise import parse_air4thai_history
    from ckanext.pm25.common.times import THAI_TZ

    server = Air4ThaiServer.synthetic(sample, hours, now_local=thai_hour())
    now = datetime.now(THAI_TZ)
    start, end = server.now_local - timedelta(hours=hours - 1), server.now_local
    payload = server.history_payload(list(server.stations), start, end)
    readings = parse_air4thai_history(payload, now=now).readings
    rows_by_station: dict[str, list[dict[str, Any]]] = {}
    for reading in readings:
        rows_by_station.setdefault(reading.station_id, []).append(reading_to_row(reading))

    def fresh_table(label: str) -> str:
        dataset = site_user.call("package_create", {
            "name": f"bench-upsert-{label}-{bench.stamp}", "title": f"bench upsert {label}",
            "owner_org": bench.org["id"], "data_type": "ข้อมูลระเบียน", "maintainer": "bench",
            "maintainer_email": "bench@example.org", "tags": [{"name": "PM2.5"}],
            "notes": "bench", "objective": ["เพื่อการให้บริการประชาชน"],
            "data_source": "bench", "data_format": ["CSV"]})
        resource = site_user.call("datastore_create", {
            "resource": {"package_id": dataset["id"], "name": label},
            "fields": STATION_TABLE_FIELDS, "primary_key": ["station_id", "datetime_utc"]})
        return resource["resource_id"]

    batched_table, single_table = fresh_table("batched"), fresh_table("single")
    store_table = fresh_table("store")
    site_user.call("datastore_delete", {"resource_id": store_table, "force": True})
    create_store(site_user.action_context(), store_table)
    count = sum(len(rows) for rows in rows_by_station.values())
    started = time.perf_counter()
    for station_id, rows in rows_by_station.items():
        readings_writer.write_rows(store_table, rows, series_id=f"air4thai:{station_id}",
                                   source="bench", licence=None, after=lambda _rows: None)
    merged = time.perf_counter() - started
    started = time.perf_counter()
    for rows in rows_by_station.values():
        site_user.call("datastore_upsert", {"resource_id": batched_table, "records": rows,
                                       "method": "upsert", "force": True,
                                       "calculate_record_count": False})
    batched = time.perf_counter() - started
    started = time.perf_counter()
    for rows in rows_by_station.values():
        for row in rows:
            site_user.call("datastore_upsert", {"resource_id": single_table, "records": [row],
                                           "method": "upsert", "force": True,
                                           "calculate_record_count": False})
    single = time.perf_counter() - started
    scale = (stations * hours) / count
    print(f"\nWriting {count} readings ({sample} stations × {hours} h), extrapolated to "
          f"{stations * hours}:")
    print(f"  one store merge per station      : {merged:7.2f} s  ({count / merged:8.0f} "
          f"readings/s)  → {merged * scale:8.1f} s for {stations} stations")
    print(f"  one datastore_upsert per station : {batched:7.2f} s  ({count / batched:8.0f} "
          f"readings/s)  → {batched * scale:8.1f} s for {stations} stations")
    print(f"  one datastore_upsert per reading : {single:7.2f} s  ({count / single:8.0f} "
          f"readings/s)  → {single * scale:8.1f} s for {stations} stations")
    print(f"  ratio upsert per station / merge : {batched / merged:7.1f} ×")
    print(f"  ratio per-reading / per-station  : {single / batched:7.1f} ×")
    return count / batched, count / single


def gather_memory(bench: Bench, sizes: list[int]) -> None:
    """tracemalloc peak of gather alone (the stations list parsed, objects inserted in bulk)."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob
    from ckanext.pm25.demo.upstream import Air4ThaiServer

    print("\nGather alone (tracemalloc peak while gathering; objects not fetched):")
    for size in sizes:
        with Air4ThaiServer.synthetic(size, 1, now_local=thai_hour()) as server:
            source = bench.source(server.url, f"gather{size}")
            created = bench.site_user.call("harvest_job_create", {"source_id": source["id"],
                                                             "run": False})
            job = HarvestJob.get(created["id"])
            harvester = queue.get_harvester("pm25_air4thai")
            gc.collect()
            tracemalloc.start()
            started = time.perf_counter()
            ids = queue.gather_stage(harvester, job)
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            body = len(json.dumps(server.latest_payload()).encode())
            print(f"  {size:6d} stations: {len(ids):6d} objects in {elapsed:6.2f} s, peak "
                  f"{peak / 2**20:6.1f} MiB ({peak / size / 1024:5.1f} KiB per station; the "
                  f"snapshot itself is {body / 2**20:5.1f} MiB of JSON)")
            bench.site_user.call("harvest_job_abort", {"id": created["id"]})


CATCH_UP_HOURS = 24


def advance(server: Any, hours: int) -> None:
    """Upstream ``hours`` later: every station reports each new hour."""
    for _ in range(hours):
        server.now_local += timedelta(hours=1)
        for station_id in server.hourly:
            server.set_value(station_id, 35.0, server.now_local)


@contextmanager
def per_station_path() -> Iterator[None]:
    """The hourly run as it was before the job-level merge: no station is batched."""
    from ckanext.pm25.harvesters import air4thai, station_batches

    original = station_batches.steady_stations
    air4thai.station_batches.steady_stations = lambda *args, **kwargs: {}  # type: ignore[assignment]
    try:
        yield
    finally:
        air4thai.station_batches.steady_stations = original  # type: ignore[assignment]


def hourly_side_by_side(bench: Bench, source: dict[str, Any], server: Any, size: int,
                        rounds: int) -> dict[str, float]:
    """One new upstream hour for every station, alternately through the per-station path and
    the job-level merge (station_batches.py), ``rounds`` times each, same stations."""
    timings: dict[str, list[float]] = {"per-station objects": [], "job-level merge": []}
    for _ in range(rounds):
        for label in timings:
            advance(server, 1)
            if label == "per-station objects":
                with per_station_path():
                    elapsed, job = bench.harvest(source)
            else:
                elapsed, job = bench.harvest(source)
            timings[label].append(elapsed)
            print(f"  {label:22s}: wall {elapsed:6.2f} s, {elapsed * 1000 / size:6.1f} ms per "
                  f"station ({stats_text(job)})")
    best = {label: min(values) for label, values in timings.items()}
    ratio = best["per-station objects"] / best["job-level merge"]
    print(f"  best of {rounds}: per-station {best['per-station objects']:.2f} s, job-level merge "
          f"{best['job-level merge']:.2f} s for {size} stations: {ratio:.1f}× "
          f"(issue 11: <= 5 s for 1,000 stations, >= 15×)")
    return {"hourly s, per-station": best["per-station objects"],
            "hourly s, job-level merge": best["job-level merge"], "hourly ratio": ratio}


def print_summary(figures: dict[str, float], stations: int, hours: int) -> None:
    """Side by side: the figures of this run, issue 5's targets, and the ratios between."""
    targets = {"first datasets/s": 10.0, "first readings/s": 5000.0,
               "catch-up readings/s": 5000.0, "per-station upsert readings/s": 5000.0}
    print(f"\nSummary ({stations} stations × {hours} h; issue 5's targets on this 2-core "
          f"machine):")
    print(f"  {'figure':42s}{'measured':>12s}{'target':>10s}{'measured/target':>17s}")
    for name, value in figures.items():
        target = targets.get(name)
        if name == "peak RSS MiB":
            print(f"  {name:42s}{value:12.1f}{'< 500':>10s}{value / 500:16.2f}×")
        elif target:
            print(f"  {name:42s}{value:12.1f}{target:10.0f}{value / target:16.2f}×")
        else:
            print(f"  {name:42s}{value:12.1f}")
    per_station = figures["per-station upsert readings/s"]
    print(f"  per-station batch / stock per-reading upsert: "
          f"{per_station / figures['per-reading upsert readings/s']:.1f}×")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int,
                        default=int(os.environ.get("PM25_BENCH_STATIONS", "500")))
    parser.add_argument("--hours", type=int, default=48)
    parser.add_argument("--consumers", type=int, default=2,
                        help="fetch-consumer processes for the parallel harvest (1: skip it)")
    parser.add_argument("--sample", type=int, default=10,
                        help="stations in the per-reading upsert comparison")
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    parser.add_argument("--hourly-only", action="store_true",
                        default=bool(os.environ.get("PM25_BENCH_HOURLY_ONLY")),
                        help="only the first harvest and the hourly run, per-station beside batched")
    parser.add_argument("--rounds", type=int, default=2,
                        help="hourly runs of each kind in the side-by-side comparison")
    args = parser.parse_args()

    setup_ckan(args.ini)
    from ckanext.harvest import queue
    from ckanext.pm25.demo.upstream import Air4ThaiServer

    queue.purge_queues()
    bench = Bench(args.hours, args.ini)
    print(f"Air4Thai harvest, {args.stations} stations × {args.hours} hourly readings, "
          f"through the Redis queues into the DataStore (CKAN config {args.ini})")

    size = args.stations
    if args.hourly_only:
        past = thai_hour() - timedelta(hours=1 + 2 * args.rounds)
        with Air4ThaiServer.synthetic(size, args.hours, now_local=past) as server:
            source = bench.source(server.url, "hourly")
            elapsed, job = bench.harvest(source)
            print(f"First harvest: {elapsed:.1f} s ({stats_text(job)})\n\nOne new upstream hour:")
            hourly_side_by_side(bench, source, server, size, args.rounds)
        return 0
    print("\nPeak RSS after first harvests of growing size (flat = nothing held per station):")
    for smaller in sorted({max(1, size // 4), max(1, size // 2)} - {size}):
        with Air4ThaiServer.synthetic(smaller, args.hours, now_local=thai_hour()) as server:
            elapsed, job = bench.harvest(bench.source(server.url, f"s{smaller}"))
            print(f"  {smaller:5d} stations: {elapsed:7.1f} s, peak RSS {peak_rss_mb():7.1f} MiB "
                  f"({stats_text(job)})")

    figures: dict[str, float] = {}
    # Upstream starts in the past so that the hours added later (one, then a day) are not
    # dated in the future, which the harvester refuses.
    past = thai_hour() - timedelta(hours=3 + CATCH_UP_HOURS)
    with Air4ThaiServer.synthetic(size, args.hours, now_local=past) as server:
        source = bench.source(server.url, "main")
        with StageTimer().active() as first_stages:
            elapsed, job = bench.harvest(source)
        print(f"  {size:5d} stations: {elapsed:7.1f} s, peak RSS {peak_rss_mb():7.1f} MiB "
              f"({stats_text(job)})")
        figures["first datasets/s"] = size / elapsed
        figures["first readings/s"] = first_stages.readings_written / elapsed
        print(f"\nFirst harvest of {size} stations (new datasets, {args.hours} h backfill):")
        print(f"  wall {elapsed:.1f} s, {size / elapsed:.1f} datasets/s, "
              f"{first_stages.readings_written / elapsed:.0f} readings/s "
              f"({first_stages.readings_written} readings written)")

        print("\nSteady state, the same stations (readings/s: readings written / wall time):")
        again, job2 = bench.harvest(source)
        print(f"  same upstream data again : wall {again:6.1f} s, {size / again:6.1f} stations/s "
              f"({stats_text(job2)})")
        advance(server, 1)
        with StageTimer().active() as hourly_stages:
            hourly, job3 = bench.harvest(source)
        figures["hourly stations/s"] = size / hourly
        figures["hourly readings/s"] = hourly_stages.readings_written / hourly
        print(f"  one more upstream hour   : wall {hourly:6.1f} s, {size / hourly:6.1f} "
              f"stations/s, {hourly_stages.readings_written / hourly:6.0f} readings/s "
              f"({hourly_stages.readings_written} written; {stats_text(job3)})")
        advance(server, CATCH_UP_HOURS)
        with StageTimer().active() as catch_up_stages:
            catch_up, job4 = bench.harvest(source)
        figures["catch-up readings/s"] = catch_up_stages.readings_written / catch_up
        print(f"  {CATCH_UP_HOURS} new hours at once   : wall {catch_up:6.1f} s, "
              f"{size / catch_up:6.1f} stations/s, "
              f"{catch_up_stages.readings_written / catch_up:6.0f} readings/s "
              f"({catch_up_stages.readings_written} written; {stats_text(job4)})")
        print("\nOne new upstream hour, per-station objects beside the job-level merge:")
        figures.update(hourly_side_by_side(bench, source, server, size, 1))
        print_stages({"first harvest": first_stages.rows(size),
                      "one more hour": hourly_stages.rows(size)},
                     {"first harvest": elapsed * 1000 / size,
                      "one more hour": hourly * 1000 / size})
    figures["peak RSS MiB"] = peak_rss_mb()
    print(f"\nPeak RSS of the whole run: {figures['peak RSS MiB']:.1f} MiB")
    if args.consumers > 1:
        figures[f"first datasets/s, {args.consumers} consumers"] = harvest_with_consumers(
            bench, size, args.hours, args.consumers)

    figures["per-station upsert readings/s"], figures["per-reading upsert readings/s"] = \
        upsert_comparison(bench, args.sample, args.stations, args.hours)
    gather_memory(bench, [size, size * 4, size * 16])
    print_summary(figures, size, args.hours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
