"""Point → province throughput: the gazetteer's point lookup (the point grid) against a plain loop.

    python bench/bench_point_lookup.py [--points 50000]

Both run in this process on the same random points over Thailand's bounding box (about a
third land), and must agree; the figures are printed side by side with the ratio.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
from shapely.geometry import Point, shape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ckanext.pm25.geo.lookup import Gazetteer, default_gazetteer


def timed(run: Callable[[], list[str | None]]) -> tuple[float, list[str | None]]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=50_000, help="points for the gazetteer")
    parser.add_argument("--loop-points", type=int, default=2_000, help="points for the plain shapely loop")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    start = time.perf_counter()
    gazetteer: Gazetteer = default_gazetteer()
    build = time.perf_counter() - start
    start = time.perf_counter()
    gazetteer.province_at(100.5, 13.75)  # first point lookup builds the point grid
    grid = time.perf_counter() - start

    rng = np.random.default_rng(args.seed)
    lons, lats = rng.uniform(97.3, 105.7, args.points), rng.uniform(5.6, 20.5, args.points)
    single_count = args.points
    loop_count = min(args.points, args.loop_points)
    pairs = list(zip(lons.tolist(), lats.tolist(), strict=True))
    # Fresh, unprepared shapely polygons straight from the shipped file: the naive approach.
    collection = json.loads(resources.files("ckanext.pm25.geo").joinpath("data").joinpath("provinces.geojson")
                            .read_text(encoding="utf-8"))
    polygons = [(f["properties"]["code"], shape(f["geometry"])) for f in collection["features"]]

    def single() -> list[str | None]:
        found = (gazetteer.province_at(lon, lat) for lon, lat in pairs[:single_count])
        return [p.code if p else None for p in found]

    def plain_loop() -> list[str | None]:
        result: list[str | None] = []
        for lon, lat in pairs[:loop_count]:
            location = Point(lon, lat)
            result.append(next((code for code, polygon in polygons if polygon.contains(location)), None))
        return result

    single_seconds, single_codes = timed(single)
    loop_seconds, loop_codes = timed(plain_loop)
    # A point exactly on a border could differ (contains vs intersects); random points never are.
    agree = single_codes[:loop_count] == loop_codes

    rates = {
        "gazetteer single (province_at)": (single_count, single_count / single_seconds),
        "plain loop over 77 polygons": (loop_count, loop_count / loop_seconds),
    }
    baseline = rates["plain loop over 77 polygons"][1]
    print(f"gazetteer build {build * 1000:.0f} ms, point grid {grid * 1000:.0f} ms (once per process)")
    print(f"{'path':<34}{'points':>10}{'points/s':>14}{'vs loop':>10}")
    for name, (count, rate) in rates.items():
        print(f"{name:<34}{count:>10,}{rate:>14,.0f}{rate / baseline:>9.1f}x")
    print(f"answers agree: {agree}; on land: {sum(c is not None for c in single_codes) / len(single_codes):.0%}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
