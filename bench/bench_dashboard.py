"""The dashboard's read path at national scale, beside a plain DataStore SQL doing the same work.

    python bench/bench_dashboard.py [--stations 1000] [--days 30] [--repeat 25] [--ini test.ini]

Run it through `make bench` (dev/bench.sh), which points test.ini at a bench database; this
script empties that database (CKAN, DataStore, its Solr site) before and after itself.

1. Load: ``--stations`` station datasets spread over the 77 provinces, each with a DataStore
   table of ``--days`` × 24 hourly readings up to the current hour (``datastore_create`` for the
   table, then PostgreSQL COPY: the DataStore's bulk path), and the same readings handed to the
   summary through the write path the harvester's hook uses (``store.record_many``, 50 stations
   per transaction).
2. In this process, p50 (and p90) over ``--repeat`` requests through the Flask app, as a browser or
   API client would make them: ``/pm25``, a province page (24 h and 30 days), and
   ``pm25_province_list`` over HTTP and as an in-process action call.
3. Beside them, ``datastore_search_sql`` computing the same thing from the stations' DataStore
   tables: the latest hour with data per province (a UNION ALL over every station table), and a
   province's 30-day hourly series; the ratios are printed, and the answers compared.
4. The query plans of the summary's queries (an index is used, no sequential scan of readings).

Figures are printed, never asserted: they depend on the machine.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UTC = timezone.utc
THAI = timezone(timedelta(hours=7))
FIELDS = [
    {"id": "station_id", "type": "text"}, {"id": "datetime_utc", "type": "timestamp"},
    {"id": "datetime_local", "type": "text"}, {"id": "pm25", "type": "numeric"},
    {"id": "pm25_24h", "type": "numeric"}, {"id": "aqi_th", "type": "int"}, {"id": "aqi_us", "type": "int"},
    {"id": "quality_flag", "type": "text"},
]
REQUIRED = {
    "data_type": "ข้อมูลระเบียน", "maintainer": "ศูนย์ข้อมูลคุณภาพอากาศ", "maintainer_email": "air@example.go.th",
    "tag_string": "PM2.5", "notes": "bench station", "objective": ["เพื่อการให้บริการประชาชน"],
    "data_source": "กรมควบคุมมลพิษ", "data_format": ["CSV"],
}
PAGE_PROVINCE = "TH-52"


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    app._wsgi_app.test_request_context().push()
    return app._wsgi_app


def reset_everything() -> None:
    """An empty portal: CKAN's tables rebuilt with the plugins' migrations, the DataStore
    emptied, this site's Solr documents removed."""
    import ckanext.datastore.tests.helpers as datastore_helpers
    from ckan.cli.db import _run_migrations
    from ckan.lib import search
    from ckan.tests import helpers

    helpers.reset_db()
    for plugin in ("activity", "harvest", "pm25"):
        _run_migrations(plugin)
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(datastore_helpers.orm.scoped_session(
        datastore_helpers.orm.sessionmaker(bind=engine)))
    search.clear_all()


def call(action: str, data: dict[str, Any], user: str | None = None) -> Any:
    import ckan.plugins.toolkit as tk

    context = {"user": user, "ignore_auth": user is None}
    return tk.get_action(action)(context, data)


def seats() -> list[tuple[str, float, float]]:
    import csv
    from importlib import resources

    text = resources.files("ckanext.pm25.geo").joinpath("data").joinpath("seats.csv").read_text(encoding="utf-8")
    return [(row["code"], float(row["lon"]), float(row["lat"])) for row in csv.DictReader(text.splitlines())]


def hourly_rows(station_id: str, hours: list[datetime], level: float, rng: random.Random) -> list[dict[str, Any]]:
    from ckanext.pm25.aqi import thai_aqi, us_aqi

    rows = []
    for hour in hours:
        local = hour.astimezone(THAI)
        value: float | None = round(max(1.0, level * (1 + 0.3 * math.cos((local.hour - 6) / 24 * 2 * math.pi))
                                        + rng.gauss(0, level * 0.12)), 1)
        if rng.random() < 0.01:
            value = None  # a sentinel upstream
        th, us = thai_aqi(value), us_aqi(value)
        rows.append({"station_id": station_id, "datetime_utc": hour.strftime("%Y-%m-%dT%H:%M:%S"),
                     "datetime_local": local.isoformat(), "pm25": value, "pm25_24h": None,
                     "aqi_th": th.value if th else None, "aqi_us": us.value if us else None,
                     "quality_flag": "ok" if value is not None else "sentinel"})
    return rows


def copy_rows(resource_id: str, rows: list[dict[str, Any]]) -> None:
    """The DataStore's bulk path: PostgreSQL COPY into the resource's table."""
    import csv
    import io

    from ckanext.datastore.backend.postgres import get_write_engine

    columns = [field["id"] for field in FIELDS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for item in rows:
        writer.writerow(["" if item[column] is None else item[column] for column in columns])
    buffer.seek(0)
    connection = get_write_engine().raw_connection()
    try:
        with connection.cursor() as cursor:
            cursor.copy_expert(f'COPY "{resource_id}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buffer)
        connection.commit()
    finally:
        connection.close()


class Load:
    """The stations, their tables and the summary."""

    def __init__(self, stations: int, days: int, seed: int = 2024) -> None:
        self.count = stations
        self.hours = days * 24
        self.rng = random.Random(seed)
        self.stations: list[dict[str, Any]] = []  # name, resource_id, province

    def run(self) -> None:
        import ckan.plugins.toolkit as tk
        from ckan.lib import search
        from ckan.tests import factories

        from ckanext.pm25.readings import hooks, store

        admin = factories.Sysadmin()["name"]
        orgs = [call("organization_create", {"name": name, "title": title}, admin)["id"]
                for name, title in (("pcd", "กรมควบคุมมลพิษ"), ("bma", "กรุงเทพมหานคร"), ("cmu", "CMU CCDC"))]
        places = seats()
        levels = {code: self.rng.uniform(8, 90) for code, _lon, _lat in places}
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        hours = [now - timedelta(hours=back) for back in range(self.hours - 1, -1, -1)]
        tk.config["ckan.search.solr_commit"] = False  # one commit at the end, not one per dataset
        datasets_s = tables_s = summary_s = 0.0
        pending: list[tuple[Any, str, list[dict[str, Any]]]] = []
        for number in range(self.count):
            code, lon, lat = places[number % len(places)]
            station_id = f"b{number:04d}"
            started = time.perf_counter()
            dataset = call("package_create", {
                **REQUIRED, "name": f"bench-station-{station_id}", "title": f"Bench station {station_id}",
                "owner_org": orgs[number % len(orgs)], "station_id": station_id, "station_type": "GROUND",
                "station_status": "active",
                "spatial": (f'{{"type": "Point", "coordinates": [{lon + self.rng.uniform(-0.02, 0.02):.5f}, '
                            f'{lat + self.rng.uniform(-0.02, 0.02):.5f}]}}'),
                "resources": [{"name": "Hourly measurements", "url": "", "url_type": "datastore",
                               "datastore_active": True}]}, admin)
            datasets_s += time.perf_counter() - started
            rows = hourly_rows(station_id, hours, levels[code], self.rng)
            resource_id = dataset["resources"][0]["id"]
            started = time.perf_counter()
            call("datastore_create", {"resource_id": resource_id, "fields": FIELDS,
                                      "primary_key": ["station_id", "datetime_utc"],
                                      "calculate_record_count": False}, admin)
            copy_rows(resource_id, rows)
            tables_s += time.perf_counter() - started
            created = {"resource_id": resource_id}
            province = (dataset.get("provinces") or [None])[0]
            self.stations.append({"name": dataset["name"], "resource_id": created["resource_id"],
                                  "province": province})
            pending.append((store.station_info(dataset), created["resource_id"], rows))
            if len(pending) == 50 or number == self.count - 1:
                started = time.perf_counter()
                with hooks.writing() as conn:
                    store.record_many(conn, pending)
                summary_s += time.perf_counter() - started
                pending = []
            if (number + 1) % 100 == 0:
                print(f"  … {number + 1} stations", flush=True)
        search.commit()
        tk.config["ckan.search.solr_commit"] = True
        readings = self.count * self.hours
        print(f"  datasets (package_create)            {datasets_s:7.1f} s  {self.count / datasets_s:7.1f} datasets/s")
        print(f"  DataStore tables, COPY {readings:>7} rows {tables_s:7.1f} s  {readings / tables_s:7.0f} readings/s")
        print(f"  summary (store.record_many)          {summary_s:7.1f} s  {readings / summary_s:7.0f} readings/s")


def loaded_stations() -> list[dict[str, Any]]:
    import sqlalchemy as sa

    from ckanext.pm25.readings import hooks

    with hooks.reading() as conn:
        rows = conn.execute(sa.text("SELECT p.name, s.resource_id, s.province FROM pm25_station_latest s "
                                    "JOIN package p ON p.id = s.package_id ORDER BY p.name"))
        return [{"name": name, "resource_id": resource_id, "province": province}
                for name, resource_id, province in rows]


def percentiles(run: Callable[[], Any], repeat: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)]


def get(client: Any, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()
    return run


def union_all(parts: list[str]) -> str:
    """``a UNION ALL b UNION ALL …`` as a balanced tree: DataStore's SQL parser recurses once per
    level, and a flat chain of a thousand tables exceeds Python's recursion limit."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({union_all(parts[:middle])}) UNION ALL ({union_all(parts[middle:])})"


def plain_latest_sql(stations: list[dict[str, Any]]) -> str:
    """The latest hour with data per province, straight from the stations' DataStore tables."""
    parts = [f"SELECT '{s['province']}' AS province, datetime_utc, pm25 FROM \"{s['resource_id']}\""
             for s in stations if s["province"]]
    return ("SELECT DISTINCT ON (province) province, datetime_utc, avg(pm25) AS pm25, count(pm25) AS n "
            f"FROM ({union_all(parts)}) AS readings WHERE pm25 IS NOT NULL "
            "GROUP BY province, datetime_utc ORDER BY province, datetime_utc DESC")


def plain_series_sql(stations: list[dict[str, Any]], province: str, start: datetime, end: datetime) -> str:
    parts = [f"SELECT datetime_utc, pm25 FROM \"{s['resource_id']}\"" for s in stations if s["province"] == province]
    return (f"SELECT datetime_utc, avg(pm25) AS pm25, count(pm25) AS n FROM ({union_all(parts)}) AS r "
            f"WHERE pm25 IS NOT NULL AND datetime_utc >= '{start:%Y-%m-%d %H:%M:%S}' "
            f"AND datetime_utc < '{end:%Y-%m-%d %H:%M:%S}' GROUP BY datetime_utc ORDER BY datetime_utc")


def row(label: str, p50: float, p90: float, note: str = "") -> None:
    print(f"  {label:<46} p50 {p50:8.1f} ms   p90 {p90:8.1f} ms  {note}")


def explain(statement: str, params: dict[str, Any]) -> str:
    import sqlalchemy as sa

    from ckanext.pm25.readings import hooks

    with hooks.reading() as conn:
        plan = [line for (line,) in conn.execute(sa.text("EXPLAIN " + statement), params)]
    nodes = [line.strip().lstrip("-> ").split("  ")[0] for line in plan]
    scans = [node for node in nodes if "Scan" in node]
    return "; ".join(dict.fromkeys(scans)) or nodes[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=int(os.environ.get("PM25_BENCH_DASHBOARD_STATIONS", "1000")))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    parser.add_argument("--keep", action="store_true", help="leave the loaded data in the bench database")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the stations a previous --keep run left, without loading")
    args = parser.parse_args()

    flask_app = setup_ckan(args.ini)
    import ckan.plugins.toolkit as tk
    from ckanext.pm25.readings import queries
    from ckanext.pm25.readings.series import Period, round1

    print(f"Dashboard read path: {args.stations} stations × {args.days} days of hourly readings "
          f"({args.stations * args.days * 24} readings), CKAN config {args.ini}")
    load = Load(args.stations, args.days)
    if args.reuse:
        load.stations = loaded_stations()
        print(f"\nReusing {len(load.stations)} stations left by an earlier run")
    else:
        reset_everything()
        print("\nLoading:")
        load.run()

    client = flask_app.test_client()
    repeat = args.repeat
    in_province = sum(1 for s in load.stations if s["province"] == PAGE_PROVINCE)
    print(f"\nPages and API through the Flask app (p50/p90 of {repeat}; province page: {PAGE_PROVINCE}, "
          f"{in_province} stations):")
    results = {
        "/pm25": percentiles(get(client, "/pm25"), repeat),
        "province 24 h": percentiles(get(client, f"/province/{PAGE_PROVINCE}"), repeat),
        "province 30 days": percentiles(get(client, f"/province/{PAGE_PROVINCE}?range=30d"), repeat),
        "province_list http": percentiles(get(client, "/api/3/action/pm25_province_list"), repeat),
        "province_list action": percentiles(lambda: call("pm25_province_list", {}), repeat),
    }
    row("/pm25 (77 provinces, map data, ranked table)", *results["/pm25"], "(target < 300 ms)")
    row(f"/province/{PAGE_PROVINCE} (last 24 h)", *results["province 24 h"], "(target < 300 ms)")
    row(f"/province/{PAGE_PROVINCE}?range=30d", *results["province 30 days"], "(target < 300 ms)")
    row("GET /api/3/action/pm25_province_list", *results["province_list http"], "(target < 100 ms)")
    row("pm25_province_list, in-process action call", *results["province_list action"])

    print("\nThe same aggregations with datastore_search_sql over the stations' DataStore tables:")
    latest_sql = plain_latest_sql(load.stations)
    plain_repeat = max(3, repeat // 5)
    plain_latest = percentiles(lambda: call("datastore_search_sql", {"sql": latest_sql}), plain_repeat, warmup=1)
    row("latest hour per province (UNION ALL of all)", *plain_latest, f"(p50 of {plain_repeat})")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start, end = now + timedelta(hours=1) - timedelta(days=30), now + timedelta(hours=1)
    series_sql = plain_series_sql(load.stations, PAGE_PROVINCE, start, end)
    plain_series = percentiles(lambda: call("datastore_search_sql", {"sql": series_sql}), plain_repeat, warmup=1)
    row(f"{PAGE_PROVINCE} hourly means over 30 days", *plain_series, f"(p50 of {plain_repeat})")
    summary_series = percentiles(lambda: call("pm25_province_show", {"id": PAGE_PROVINCE, "start": start.isoformat(),
                                                                    "end": end.isoformat()}), repeat)
    row(f"pm25_province_show {PAGE_PROVINCE} 30 days (action)", *summary_series,
        "(+ stations, latest, daily means)")
    from ckanext.pm25.readings import hooks as summary_hooks

    def series_query() -> Any:
        with summary_hooks.reading() as conn:
            return queries.province_hours(conn, PAGE_PROVINCE, Period(start, end))
    summary_query = percentiles(series_query, repeat)
    row("the summary's series query alone", *summary_query)

    print("\nRatios (plain DataStore SQL / summary, p50):")
    print(f"  province list: datastore_search_sql / pm25_province_list action  "
          f"{plain_latest[0] / results['province_list action'][0]:8.1f} ×")
    print(f"  province list: datastore_search_sql / pm25_province_list over HTTP "
          f"{plain_latest[0] / results['province_list http'][0]:8.1f} ×")
    print(f"  30-day series: datastore_search_sql / pm25_province_show action   "
          f"{plain_series[0] / summary_series[0]:8.1f} ×")
    print(f"  30-day series: datastore_search_sql / the summary's query         "
          f"{plain_series[0] / summary_query[0]:8.1f} ×")

    plain = {r["province"]: (round1(float(r["pm25"])), int(r["n"]))
             for r in call("datastore_search_sql", {"sql": latest_sql})["records"]}
    ours = {p["code"]: (p["latest"]["pm25"], p["latest"]["stations_reporting"])
            for p in call("pm25_province_list", {}) if p["latest"]["pm25"] is not None}
    print(f"\nSame answers (latest mean and stations per province): {'yes' if plain == ours else 'NO'} "
          f"({len(ours)} provinces)")

    print("\nQuery plans of the summary (scans used):")
    codes = [p["code"] for p in call("pm25_province_list", {})]
    period = Period(start, end)
    key = call("pm25_station_list", {"province": PAGE_PROVINCE, "limit": 1})["results"][0]["name"]
    from ckanext.pm25.readings import hooks
    with hooks.reading() as conn:
        station_key = queries.stations(conn, queries.StationFilter(ids=[key]))[0].station_key
    plans = {
        "latest hour per province": (queries._LATEST_BY_PROVINCE.text, {"codes": codes}),
        "province hourly series": ("SELECT hour_utc, pm25_total, pm25_count FROM pm25_province_hourly "
                                   "WHERE province = :p AND hour_utc >= :s AND hour_utc < :e ORDER BY hour_utc",
                                   {"p": PAGE_PROVINCE, "s": period.start, "e": period.end}),
        "station readings": ("SELECT hour_utc, pm25 FROM pm25_station_hourly WHERE station_key = :k "
                             "AND hour_utc >= :s AND hour_utc < :e ORDER BY hour_utc",
                             {"k": station_key, "s": period.start, "e": period.end}),
        "stations of a province": ("SELECT s.station_key FROM pm25_station_latest s JOIN package p ON "
                                   "p.id = s.package_id WHERE s.province = :p", {"p": PAGE_PROVINCE}),
    }
    for label, (statement, params) in plans.items():
        print(f"  {label:<26} {explain(statement, params)}")

    if not args.keep:
        reset_everything()
        print("\n(bench data removed; --keep leaves it)")
    tk.config["ckan.search.solr_commit"] = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
