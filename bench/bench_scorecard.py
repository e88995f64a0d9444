"""The agency scorecard's read path at national scale, beside the per-station way, in one run.

    python bench/bench_scorecard.py [--stations 300] [--days 30] [--repeat 15] [--ini test.ini]

Run it through `bash dev/bench.sh bench/bench_scorecard.py`, which points test.ini at a bench
database; this script empties that database first and loads ``--stations`` station datasets of
three organisations with ``--days`` of hourly readings (bench_dashboard's Load: package_create,
DataStore COPY, the summary kept as the harvester keeps it).

1. Ours: the station facts of every agency in one query (scorecard_queries.station_facts), the
   catalogue facts from package_search pages (scorecard_catalogue.catalogue), and the whole
   pm25_agency_scorecard answer.
2. Per station: for each public station, its newest hour and its hours with a value in the
   window, two indexed queries per station (what a loop over pm25_station_list would do).

Figures are printed, never asserted: they depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=int(os.environ.get("PM25_BENCH_SCORECARD_STATIONS", "300")))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    args = parser.parse_args()

    from bench_dashboard import Load, percentiles, reset_everything, row, setup_ckan

    setup_ckan(args.ini)
    import sqlalchemy as sa

    from ckanext.pm25.participation import scorecard, scorecard_catalogue, scorecard_queries
    from ckanext.pm25.participation.scorecard_figures import window
    from ckanext.pm25.readings import hooks

    print(f"Agency scorecard: {args.stations} stations × {args.days} days of hourly readings "
          f"({args.stations * args.days * 24} readings), CKAN config {args.ini}")
    reset_everything()
    Load(args.stations, args.days).run()
    now = hooks.now()
    start, end = window(now)
    limits = scorecard.thresholds()

    def station_facts() -> object:
        with hooks.reading() as conn:
            return scorecard_queries.station_facts(conn, start, end)

    def catalogue() -> object:
        return scorecard_catalogue.catalogue({})

    def answer() -> object:
        return scorecard.scorecard(now)

    with hooks.reading() as conn:
        keys = list(conn.execute(sa.text(
            "SELECT s.station_key FROM pm25_station_latest s JOIN package p ON p.id = s.package_id "
            "AND p.state = 'active' AND NOT p.private")).scalars())

    def per_station() -> object:
        with hooks.reading() as conn:
            for key in keys:
                conn.execute(sa.text("SELECT latest_hour FROM pm25_station_latest WHERE station_key = :key"),
                             {"key": key}).scalar()
                conn.execute(sa.text("SELECT count(*) FROM pm25_station_hourly WHERE station_key = :key "
                                     "AND hour_utc > :start AND hour_utc <= :end AND pm25 IS NOT NULL"),
                             {"key": key, "start": start, "end": end}).scalar()
        return None

    print()
    ours = percentiles(station_facts, args.repeat)
    row("station facts, one query (ours)", *ours)
    loop = percentiles(per_station, max(3, args.repeat // 3))
    row(f"station facts, 2 queries × {len(keys)} stations", *loop, f"{loop[0] / ours[0]:.1f}× ours")
    row("catalogue facts, package_search pages", *percentiles(catalogue, args.repeat))
    row("pm25_agency_scorecard, whole answer", *percentiles(answer, args.repeat))
    agencies = scorecard.scores(now, limits)
    print(f"\n  {len(agencies)} agencies: " + ", ".join(
        f"{item.agency.name} {item.completeness} % / {item.hours_since_latest} h" for item in agencies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
