"""package_search with province filters at 10,000 datasets, and their precision against a bbox.

    python bench/bench_province_search.py [--ckan-ini test.ini] [--datasets 10000] [--samples 60] [--keep]

Run it through `make bench` (dev/bench.sh), which points test.ini at a bench database, or as
above under a test slot's environment. In one process, side by side:

1. Synthetic datasets: one real dataset is created with package_create, and the document CKAN
   indexes for it is the template of ``--datasets`` synthetic ones (80 % station points, 20 %
   model grid cells of 5–20 km, spread over Thailand's land), each with its own title,
   location, ``spatial_geom`` (ckanext-spatial's own indexing code) and provinces/region (the
   gazetteer with the catalogue's min_share, as the validator derives them). They go to Solr
   in batches with one commit: seconds instead of the ~15 minutes of 10,000 package_create
   calls. package_search reads its results from the index, so the searches are the real ones.
2. Latency of package_search (rows=20, the search page's facets) without a filter, with
   ``fq=provinces:X``, with ``ext_province=X`` (the default ``index`` method: term filters on the
   provinces computed at index time), with ``ext_province=X`` under ``filter_method = solr``
   ("ext_prov/solr": Solr intersects the boundary at query time) and with ``ext_bbox`` = X's
   bounding box, for provinces X in turn: "cold" samples each on a fresh Solr searcher (empty caches), "warm"
   samples repeating the same queries; p50 and p95, and the ratio to the unfiltered search.
   Target: filtered p95 within 1.5x of unfiltered.
3. Precision and recall for every province of ``ext_province``, of ``fq=provinces`` (tags only)
   and of ``ext_bbox`` against the truth computed with shapely (the dataset's geometry
   intersects the province): how many neighbouring-province datasets a bbox wrongly returns.
4. The point-lookup benchmark (bench_point_lookup.py), for the gazetteer's own throughput.

Figures are printed, never asserted: they depend on the machine.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box, mapping

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PREFIX = "pm25-bench-province-"
BATCH = 1000


def setup_ckan(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    context = app._wsgi_app.test_request_context()
    context.push()
    return context


def load_test_factories() -> Any:
    """tests/factories.py (a valid PM2.5 dataset); CKAN's own `tests` package shadows ours on the path."""
    spec = importlib.util.spec_from_file_location("pm25_test_factories", ROOT / "tests" / "factories.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(np.asarray(values), share * 100))


@dataclass
class Synthetic:
    id: str
    name: str
    geometry: Any
    provinces: list[str]


class Catalogue:
    """Synthetic datasets in Solr, made from the index document of one real dataset."""

    def __init__(self, count: int, seed: int) -> None:
        import ckan.plugins.toolkit as tk
        from ckan.lib.search.common import make_connection

        from ckanext.pm25.provinces import gazetteer

        self.tk = tk
        self.conn = make_connection()
        self.site_id = tk.config["ckan.site_id"]
        self.places = gazetteer.gazetteer()
        self.min_share = gazetteer.min_share()
        self.rng = np.random.default_rng(seed)
        self.count = count
        self.datasets: list[Synthetic] = []
        self.context = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
                        "ignore_auth": True}

    # --- the template ------------------------------------------------------------------------

    def template_document(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from ckan.lib.search import index as search_index

        tk = self.tk
        org_name = "pm25-bench-province-org"
        try:
            org = tk.get_action("organization_show")(dict(self.context), {"id": org_name})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(self.context), {"name": org_name,
                                                                              "title": "กรมควบคุมมลพิษ (bench)"})
        factories = load_test_factories()

        name = f"{PREFIX}template"
        try:
            dataset = tk.get_action("package_show")(dict(self.context), {"id": name})
        except tk.ObjectNotFound:
            dataset = tk.get_action("package_create")(dict(self.context), factories.pm25_dataset_dict(
                name=name, title="PM2.5 template", owner_org=org["id"], spatial=factories.point(99.4908, 18.2888)))

        captured: list[dict[str, Any]] = []

        class Recorder:
            def add(self, docs: list[dict[str, Any]], commit: bool = False, **_: Any) -> None:
                captured.extend(docs)

        real = search_index.make_connection
        search_index.make_connection = lambda *args, **kwargs: Recorder()  # type: ignore[assignment]
        try:
            from ckan.lib.search import rebuild

            rebuild(package_id=dataset["id"])  # CKAN's own indexing path, every plugin's hook included
        finally:
            search_index.make_connection = real  # type: ignore[assignment]
        return captured[0], dataset

    # --- synthetic datasets ------------------------------------------------------------------

    def land_points(self, count: int) -> np.ndarray:
        found: list[np.ndarray] = []
        total = 0
        while total < count:
            lons = self.rng.uniform(97.3, 105.7, count * 3)
            lats = self.rng.uniform(5.6, 20.5, count * 3)
            inside = np.array([self.places.province_at(lon, lat) is not None
                               for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True)])
            chunk = np.column_stack([lons[inside], lats[inside]])
            found.append(chunk)
            total += len(chunk)
        return np.vstack(found)[:count]

    def generate(self) -> None:
        centres = self.land_points(self.count)
        for number, (lon, lat) in enumerate(centres.tolist()):
            if number % 5 == 4:
                half = float(self.rng.uniform(0.025, 0.1))
                geometry = box(lon - half, lat - half, lon + half, lat + half)
            else:
                geometry = shapely.Point(lon, lat)
            provinces = [p.code for p in self.places.provinces_for(geometry, self.min_share)]
            self.datasets.append(Synthetic(str(uuid.UUID(bytes=self.rng.bytes(16))),
                                           f"{PREFIX}{number:05d}", geometry, provinces))

    def documents(self, template: dict[str, Any]) -> Iterator[dict[str, Any]]:
        from ckanext.spatial.search import SolrSpatialFieldSearchBackend

        from ckanext.pm25.geo.provinces import by_code
        from ckanext.pm25.provinces.indexing import GEOMETRY_PROVINCES, provinces_intersected

        spatial_backend = SolrSpatialFieldSearchBackend()
        validated_template = json.loads(template["validated_data_dict"])
        data_template = json.loads(template.get("data_dict") or "{}")
        for dataset in self.datasets:
            names = [by_code(code) for code in dataset.provinces]
            place = ", ".join(p.name_en for p in names if p) or "offshore"
            kind = "grid cell" if dataset.geometry.geom_type == "Polygon" else "station"
            title = f"PM2.5 {kind} {dataset.name[-5:]} {place}"
            spatial = json.dumps(mapping(dataset.geometry))
            document = copy.copy(template)
            document.update({
                "id": dataset.id,
                "name": dataset.name,
                "title": title,
                "title_string": title,
                "index_id": hashlib.md5(f"{dataset.id}{self.site_id}".encode()).hexdigest(),
                "provinces": dataset.provinces,
                GEOMETRY_PROVINCES: provinces_intersected(spatial),
                "region": sorted({p.region for p in names if p}),
                "text": [title, *(p.name_th for p in names if p)],
            })
            for key in [key for key in document if key.startswith("spatial_geom")]:
                document.pop(key)
            document.update(spatial_backend.index_dataset({"spatial": spatial}))
            validated = dict(validated_template, id=dataset.id, name=dataset.name, title=title, spatial=spatial,
                             provinces=dataset.provinces)
            document["validated_data_dict"] = json.dumps(validated, ensure_ascii=False)
            if data_template:
                document["data_dict"] = json.dumps(dict(data_template, id=dataset.id, name=dataset.name,
                                                        title=title, spatial=spatial), ensure_ascii=False)
            yield document

    def index(self, template: dict[str, Any]) -> float:
        started = time.perf_counter()
        batch: list[dict[str, Any]] = []
        for document in self.documents(template):
            batch.append(document)
            if len(batch) == BATCH:
                self.conn.add(batch, commit=False)
                batch = []
        if batch:
            self.conn.add(batch, commit=False)
        self.conn.commit(waitSearcher=True)
        return time.perf_counter() - started

    def remove(self) -> None:
        self.conn.delete(q=f'+site_id:"{self.site_id}" +name:{PREFIX}* -name:{PREFIX}template', commit=True)

    def fresh_searcher(self, template: dict[str, Any]) -> None:
        """A new Solr searcher, whose caches are empty (autowarmCount=0): the next query is cold."""
        self.conn.add([template], commit=True, waitSearcher=True)


METHOD = "ckanext.pm25.province.filter_method"


def search(extra: dict[str, Any], rows: int = 20, **more: Any) -> tuple[float, dict[str, Any]]:
    import ckan.plugins.toolkit as tk

    extra = dict(extra)
    method = extra.pop(METHOD, "index")
    data = {"q": "", "rows": rows, "facet.field": ["organization", "tags", "res_format", "license_id",
                                                     "provinces", "region", "data_type"], **extra, **more}
    configured = tk.config.get(METHOD)
    tk.config[METHOD] = method
    try:
        started = time.perf_counter()
        # An anonymous visitor, as on the search page (permission labels: public).
        result = tk.get_action("package_search")({"user": "", "auth_user_obj": None}, data)
        return time.perf_counter() - started, result
    finally:
        tk.config[METHOD] = configured


def variants(code: str, bounds: tuple[float, ...]) -> dict[str, dict[str, Any]]:
    minx, miny, maxx, maxy = bounds
    return {
        "no filter": {},
        "fq=provinces": {"fq": f"provinces:{code}"},
        "ext_province": {"ext_province": code},
        "ext_prov/solr": {"ext_province": code, METHOD: "solr"},
        "ext_bbox": {"ext_bbox": f"{minx},{miny},{maxx},{maxy}"},
    }


def latency(catalogue: Catalogue, template: dict[str, Any], samples: int) -> None:
    codes = [p.code for p in catalogue.places.provinces]
    order = np.random.default_rng(5).permutation(len(codes))[:samples] if samples <= len(codes) else \
        np.random.default_rng(5).integers(0, len(codes), samples)
    cold: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for turn, index in enumerate(order.tolist()):
        code = codes[index]
        queries = list(variants(code, catalogue.places.geometry_of(code).bounds).items())
        # Alternate the order so no variant always follows another.
        queries = queries[turn % len(queries):] + queries[:turn % len(queries)]
        for label, extra in queries:
            catalogue.fresh_searcher(template)
            elapsed, _ = search(extra)
            cold.setdefault(label, []).append(elapsed)
    catalogue.fresh_searcher(template)
    for turn, index in enumerate(order.tolist()):
        code = codes[index]
        queries = list(variants(code, catalogue.places.geometry_of(code).bounds).items())
        queries = queries[turn % len(queries):] + queries[:turn % len(queries)]
        for _label, extra in queries:  # fills Solr's caches for these queries
            search(extra)
        for _ in range(3):
            for label, extra in queries:
                elapsed, _ = search(extra)
                warm.setdefault(label, []).append(elapsed)
    print(f"\npackage_search latency at {len(catalogue.datasets):,} datasets, rows=20 with the search page's facets "
          f"({len(order)} provinces; cold: a fresh Solr searcher before each query; warm: 3 repeats)")
    print(f"  {'':14} {'cold p50':>9} {'cold p95':>9} {'ratio p95':>9}   {'warm p50':>9} {'warm p95':>9} "
          f"{'ratio p95':>9}")
    base_cold, base_warm = percentile(cold["no filter"], 0.95), percentile(warm["no filter"], 0.95)
    for label in cold:
        cold_p95, warm_p95 = percentile(cold[label], 0.95), percentile(warm[label], 0.95)
        print(f"  {label:14} {percentile(cold[label], 0.5) * 1000:7.1f}ms {cold_p95 * 1000:7.1f}ms "
              f"{cold_p95 / base_cold:8.2f}x   {percentile(warm[label], 0.5) * 1000:7.1f}ms "
              f"{warm_p95 * 1000:7.1f}ms {warm_p95 / base_warm:8.2f}x")
    print("  target: filtered p95 within 1.5x of unfiltered")


def found_ids(extra: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    start = 0
    while True:
        _, result = search(extra, rows=1000, start=start, fl=["id"], **{"facet.field": []})
        ids.update(row["id"] for row in result["results"])
        start += 1000
        if start >= result["count"]:
            return ids


def precision(catalogue: Catalogue) -> None:
    ours = {dataset.id for dataset in catalogue.datasets}
    geometries = np.asarray([dataset.geometry for dataset in catalogue.datasets], dtype=object)
    tree = shapely.STRtree(geometries)
    totals: dict[str, dict[str, int]] = {}
    worst_bbox: list[tuple[int, str]] = []
    for province in catalogue.places.provinces:
        outline = catalogue.places.geometry_of(province.code)
        truth = {catalogue.datasets[i].id for i in tree.query(outline, predicate="intersects").tolist()}
        for label, extra in variants(province.code, outline.bounds).items():
            if label == "no filter":
                continue
            found = found_ids(extra) & ours
            counts = totals.setdefault(label, {"tp": 0, "fp": 0, "fn": 0})
            counts["tp"] += len(found & truth)
            counts["fp"] += len(found - truth)
            counts["fn"] += len(truth - found)
            if label == "ext_bbox":
                worst_bbox.append((len(found - truth), province.name_en))
    print(f"\nPrecision against the truth (shapely: the dataset's geometry intersects the province), "
          f"all 77 provinces, {len(ours):,} datasets")
    print(f"  {'':14} {'returned':>9} {'right':>9} {'wrong':>9} {'missed':>9} {'precision':>10} {'recall':>8}")
    for label, counts in totals.items():
        returned = counts["tp"] + counts["fp"]
        print(f"  {label:14} {returned:9,} {counts['tp']:9,} {counts['fp']:9,} {counts['fn']:9,} "
              f"{counts['tp'] / max(returned, 1):10.4f} {counts['tp'] / max(counts['tp'] + counts['fn'], 1):8.4f}")
    bbox_wrong = totals["ext_bbox"]["fp"]
    print(f"  a province's bounding box wrongly returns {bbox_wrong / 77:.1f} neighbouring-province datasets "
          f"on average ({bbox_wrong:,} in all); worst: "
          + ", ".join(f"{name} {wrong}" for wrong, name in sorted(worst_bbox, reverse=True)[:3]))
    print("  fq=provinces misses by design the grid cells that only graze a province (under min_share); "
          "ext_province finds them")


def intersection_cost(catalogue: Catalogue) -> None:
    """What ``ext_province`` by index adds to indexing one dataset: its geometry intersected with the boundaries."""
    from ckanext.pm25.provinces.indexing import provinces_intersected

    spatial = [json.dumps(mapping(dataset.geometry)) for dataset in catalogue.datasets[:2000]]
    started = time.perf_counter()
    for value in spatial:
        provinces_intersected(value)
    per_dataset = (time.perf_counter() - started) / max(len(spatial), 1)
    print(f"  index-time province intersection (parse + STRtree, {len(spatial):,} datasets): "
          f"{per_dataset * 1000:.3f} ms per dataset")


def point_lookup() -> None:
    print("\nPoint lookup (bench_point_lookup.py):", flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_point_lookup.py")], check=False)


def timed(label: str, run: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = run()
    print(f"{label}: {time.perf_counter() - started:.1f}s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckan-ini", default=os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=60, help="provinces sampled for the latency figures")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="leave the synthetic datasets in the index")
    parser.add_argument("--no-point-lookup", action="store_true")
    args = parser.parse_args()

    setup_ckan(args.ckan_ini)
    catalogue = Catalogue(args.datasets, args.seed)
    catalogue.remove()
    template, _ = timed("Template dataset (package_create) and its index document",
                        catalogue.template_document)
    timed(f"Generating {args.datasets:,} synthetic datasets (locations, provinces)", catalogue.generate)
    seconds = timed(f"Indexing them in Solr ({BATCH} per request, one commit)", lambda: catalogue.index(template))
    print(f"  {args.datasets / seconds:,.0f} datasets/s")
    intersection_cost(catalogue)
    _, everything = search({})
    print(f"package_search finds {everything['count']:,} datasets")
    try:
        latency(catalogue, template, args.samples)
        precision(catalogue)
    finally:
        if not args.keep:
            catalogue.remove()
    if not args.no_point_lookup:
        point_lookup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
