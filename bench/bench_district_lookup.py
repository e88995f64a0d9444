"""Point → district: the STRtree index over loaded district boundaries (`geo/district_index.py`)
against a loop over every polygon, on 928 synthetic districts.

    python bench/bench_district_lookup.py [--points 20000] [--loop-points 1000] [--vertices 400]

The 928 districts are a 32 × 29 grid of cells over Thailand's bounding box, each a wavy ring of
`--vertices` positions inside its cell (real RTSD districts have hundreds to thousands), carrying
the real DOPA codes. Both ways run in this process on the same random points and must agree;
printed side by side with the ratio of points per second. Never asserted: it depends on the machine.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import Point, Polygon, mapping

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ckanext.pm25.geo.district_index import DistrictIndex
from ckanext.pm25.geo.districts import all_districts

COLUMNS, ROWS = 32, 29  # 928 cells
EXTENT = (97.3, 5.6, 105.7, 20.5)


def synthetic_districts(vertices: int) -> list[dict[str, Any]]:
    lon_min, lat_min, lon_max, lat_max = EXTENT
    width, height = (lon_max - lon_min) / COLUMNS, (lat_max - lat_min) / ROWS
    features = []
    for number, district in enumerate(all_districts()):
        column, row = divmod(number, ROWS)
        centre = (lon_min + (column + 0.5) * width, lat_min + (row + 0.5) * height)
        ring = []
        for step in range(vertices):
            angle = 2 * math.pi * step / vertices
            reach = 0.45 + 0.04 * math.sin(9 * angle)  # within the cell: districts never overlap
            ring.append((centre[0] + reach * width * math.cos(angle), centre[1] + reach * height * math.sin(angle)))
        features.append({"type": "Feature", "properties": {"code": district.code}, "geometry": mapping(Polygon(ring))})
    return features


def timed(run: Callable[[], list[str | None]]) -> tuple[float, list[str | None]]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20_000, help="points for the index")
    parser.add_argument("--loop-points", type=int, default=1_000, help="points for the loop over all polygons")
    parser.add_argument("--vertices", type=int, default=400, help="vertices of each synthetic district")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    features = synthetic_districts(args.vertices)
    start = time.perf_counter()
    index = DistrictIndex(features)
    build = time.perf_counter() - start
    polygons = [(feature["properties"]["code"], Polygon(feature["geometry"]["coordinates"][0])) for feature in features]

    rng = np.random.default_rng(args.seed)
    pairs = list(zip(rng.uniform(EXTENT[0], EXTENT[2], args.points).tolist(),
                     rng.uniform(EXTENT[1], EXTENT[3], args.points).tolist(), strict=True))
    loop_count = min(args.points, args.loop_points)

    def indexed() -> list[str | None]:
        return [getattr(index.district_at(lon, lat), "code", None) for lon, lat in pairs]

    def every_polygon() -> list[str | None]:
        result: list[str | None] = []
        for lon, lat in pairs[:loop_count]:
            location = Point(lon, lat)
            result.append(next((code for code, polygon in polygons if polygon.intersects(location)), None))
        return result

    indexed_seconds, indexed_codes = timed(indexed)
    loop_seconds, loop_codes = timed(every_polygon)
    agree = indexed_codes[:loop_count] == loop_codes
    indexed_rate, loop_rate = args.points / indexed_seconds, loop_count / loop_seconds
    print(f"{len(features)} synthetic districts of {args.vertices} vertices; index built in {build * 1000:.0f} ms "
          f"(once per process and file)")
    print(f"{'path':<36}{'points':>10}{'points/s':>14}{'vs loop':>10}")
    ratio = indexed_rate / loop_rate
    print(f"{'STRtree index (district_at)':<36}{args.points:>10,}{indexed_rate:>14,.0f}{ratio:>9.1f}x")
    print(f"{'loop over all 928 polygons':<36}{loop_count:>10,}{loop_rate:>14,.0f}{1.0:>9.1f}x")
    inside = sum(code is not None for code in indexed_codes) / len(indexed_codes)
    print(f"answers agree: {agree}; in a district: {inside:.0%}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
