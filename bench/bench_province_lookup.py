"""pm25_province_lookup's work on the worst inputs it accepts: this tree against the stock way, side by side.

    python bench/bench_province_lookup.py [--rounds 30] [--stock-budget 20]

Each input sits at the lookup's vertex cap (``ckanext.pm25.province.lookup_max_vertices``, read
from the config declaration) and under the byte cap: lines that zigzag across the whole
country or cross themselves everywhere, a star-shaped polygon over all 77 provinces, a
MultiPoint, a FeatureCollection of squares (unioned when parsed), and a GeometryCollection of
crossing lines. "ours" is what the action runs (``parse_geometry`` with the lookup's caps, then
``Gazetteer.provinces_for``); "stock" is the same parse then the naive way, an exact shapely
intersection with every province the geometry intersects (the lookup before its line
sampling). Stock runs in a child process that is stopped after ``--stock-budget`` seconds per
input (a self-crossing line can take minutes), so its figures may be fewer rounds or a lower
bound. Printed: p50 and p99 of CPU time per input (the machine's load does not count) and the ratio stock/ours. Figures
are printed, never asserted: they depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ckanext.pm25.geo import geometry
from ckanext.pm25.geo.lookup import DEFAULT_MIN_SHARE, default_gazetteer

ROOT = Path(__file__).resolve().parents[1]


def declared_default(key: str) -> int:
    declaration = yaml.safe_load((ROOT / "ckanext/pm25/config_declaration.yaml").read_text(encoding="utf-8"))
    for group in declaration["groups"]:
        for option in group["options"]:
            if option["key"] == key:
                return int(option["default"])
    raise KeyError(key)


def _rounded(xs: np.ndarray, ys: np.ndarray) -> list[list[float]]:
    return [[round(x, 6), round(y, 6)] for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]


def worst_inputs(vertices: int) -> dict[str, str]:
    rng = np.random.default_rng(2024)
    count = vertices
    zigzag = _rounded(np.linspace(97.6, 105.4, count), np.where(np.arange(count) % 2 == 0, 6.0, 20.2))
    tangle = _rounded(rng.uniform(97.6, 105.4, count), rng.uniform(6.0, 20.2, count))
    angles = 2 * math.pi * np.arange(count - 1) / (count - 1)
    radius = 6.5 + 0.3 * np.sin(97 * angles)
    ring = _rounded(101.0 + 0.6 * radius * np.cos(angles), 13.0 + radius * np.sin(angles))
    ring.append(ring[0])
    squares = []
    for index in range(count // 5):
        x, y, side = 97.6 + (index % 40) * 0.19, 6.0 + (index // 40) * 0.6, 0.25
        squares.append({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
            [x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]}})
    crossing = [{"type": "LineString", "coordinates": _rounded(rng.uniform(97.6, 105.4, 2), rng.uniform(6.0, 20.2, 2))}
                for _ in range(count // 2)]
    shapes: dict[str, Any] = {
        "zigzag line": {"type": "LineString", "coordinates": zigzag},
        "self-crossing line": {"type": "LineString", "coordinates": tangle},
        "star polygon": {"type": "Polygon", "coordinates": [ring]},
        "multipoint": {"type": "MultiPoint", "coordinates": tangle},
        "squares collection": {"type": "FeatureCollection", "features": squares},
        "crossing lines": {"type": "GeometryCollection", "geometries": crossing},
    }
    return {name: json.dumps(shape, separators=(",", ":")) for name, shape in shapes.items()}


def ours(text: str, limits: dict[str, int]) -> list[str]:
    shape = geometry.parse_geometry(text, **limits)
    return [province.code for province in default_gazetteer().provinces_for(shape, DEFAULT_MIN_SHARE)]


def stock(text: str, limits: dict[str, int]) -> list[str]:
    shape = geometry.parse_geometry(text, **limits)
    places = default_gazetteer()
    found: dict[str, float] = {}
    parts = shapely.get_parts(shape) if shape.geom_type == "GeometryCollection" else [shape]
    for part in parts:
        for province, boundary in zip(places.provinces, places._geometries, strict=True):
            if not boundary.intersects(part):
                continue
            overlap = part.intersection(boundary)
            dimension = shapely.get_dimensions(part)
            if dimension == 0:
                share = 1.0
            elif dimension == 1:
                share = overlap.length / part.length
            else:
                share = max(overlap.area / part.area, overlap.area / boundary.area)
            if share >= DEFAULT_MIN_SHARE:
                found.setdefault(province.code, share)
    return sorted(found)


def timings(run: Callable[[str, dict[str, int]], list[str]], text: str, limits: dict[str, int],
            rounds: int, budget: float) -> list[float]:
    seconds: list[float] = []
    deadline = time.process_time() + budget
    while len(seconds) < rounds and (not seconds or time.process_time() < deadline):
        start = time.process_time()
        run(text, limits)
        seconds.append(time.process_time() - start)
    return seconds


def _stock_child(text: str, limits: dict[str, int], rounds: int, budget: float, queue: Any) -> None:
    for seconds in timings(stock, text, limits, rounds, budget):
        queue.put(seconds)


def stock_timings(text: str, limits: dict[str, int], rounds: int, budget: float) -> tuple[list[float], bool]:
    """Stock's times in a child stopped after ``budget`` s; True when it was stopped mid-round."""
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=_stock_child, args=(text, limits, rounds, budget, queue))
    started = time.perf_counter()
    child.start()
    child.join(budget)
    stopped = child.is_alive()
    if stopped:
        child.terminate()
        child.join()
    seconds = []
    while not queue.empty():
        seconds.append(queue.get())
    if stopped and not seconds:
        seconds = [time.perf_counter() - started]  # wall time: a lower bound of its CPU time
    return seconds, stopped


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--stock-budget", type=float, default=20.0, help="seconds of stock runs per input")
    parser.add_argument("--vertices", type=int, default=0, help="another vertex cap than the declared default")
    args = parser.parse_args()
    limits = {"max_bytes": declared_default("ckanext.pm25.geometry.max_bytes"),
              "max_vertices": min(declared_default("ckanext.pm25.geometry.max_vertices"),
                                  declared_default("ckanext.pm25.province.lookup_max_vertices"))}
    if args.vertices:
        limits["max_vertices"] = args.vertices
    default_gazetteer()
    inputs = worst_inputs(limits["max_vertices"])
    print(f"lookup caps: {limits['max_vertices']:,} vertices, {limits['max_bytes']:,} bytes; "
          f"{args.rounds} rounds each; stock stopped after {args.stock_budget:.0f} s per input")
    print(f"{'input':<20}{'bytes':>9}{'ours p50':>10}{'ours p99':>10}{'stock p50':>11}{'stock p99':>11}"
          f"{'ratio p99':>11}  same answer")
    worst = 0.0
    for name, text in inputs.items():
        mine = timings(ours, text, limits, args.rounds, budget=math.inf)
        theirs, stopped = stock_timings(text, limits, args.rounds, args.stock_budget)
        worst = max(worst, percentile(mine, 0.99))
        same = "stopped" if stopped else str(sorted(ours(text, limits)) == stock(text, limits))
        bound = ">" if stopped else " "
        print(f"{name:<20}{len(text):>9,}{percentile(mine, 0.5) * 1000:>8.0f}ms{percentile(mine, 0.99) * 1000:>8.0f}ms"
              f"{bound}{percentile(theirs, 0.5) * 1000:>8.0f}ms{bound}{percentile(theirs, 0.99) * 1000:>8.0f}ms"
              f"{bound}{percentile(theirs, 0.99) / percentile(mine, 0.99):>8.1f}x  {same}")
    print(f"worst p99 of ours: {worst * 1000:.0f} ms (target: under 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
