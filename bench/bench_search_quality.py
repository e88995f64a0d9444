"""Search quality on the judged query set (issue 14), ours beside CKAN's default query parser.

    python bench/bench_search_quality.py

Run it through `dev/bench.sh bench/bench_search_quality.py`, which points test.ini at a bench
database; this script empties that database (CKAN, DataStore, its Solr site) before and after
itself. It loads the judged catalogue of ``tests/dataset/search_judgements.json``, asks each
judged query through package_search as the /dataset page does (ours: every word must match,
``edismax``), and again with ``defType=dismax`` (CKAN's default, which our hook leaves alone),
then prints precision@10 and recall of each query and their means. Nothing is asserted here:
tests/dataset/test_search_judged.py holds the means.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dashboard import REQUIRED, call, reset_everything, setup_ckan  # noqa: E402


def search_quality() -> ModuleType:
    """tests/dataset/search_quality.py, loaded by its path: a package named ``tests`` installed
    in the virtualenv shadows this repository's."""
    spec = importlib.util.spec_from_file_location("search_quality", ROOT / "tests" / "dataset" / "search_quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def main() -> int:
    setup_ckan(os.environ.get("PM25_BENCH_INI", str(ROOT / "test.ini")))
    from ckan.tests import factories

    quality = search_quality()
    dataset_fields, judge = quality.dataset_fields, quality.judge
    judgements, mean = quality.judgements, quality.mean

    reset_everything()
    admin = factories.Sysadmin()["name"]
    org = call("organization_create", {"name": "pcd", "title": "กรมควบคุมมลพิษ"}, admin)["id"]
    for entry in judgements()["datasets"]:
        call("package_create", {**REQUIRED, **dataset_fields(entry), "owner_org": org}, admin)

    def searcher(**params: Any) -> Any:
        def search(query: str) -> list[str]:
            found = call("package_search", {"q": query, "rows": 50, **params})["results"]
            return [dataset["name"] for dataset in found]
        return search

    ours, stock = judge(searcher()), judge(searcher(defType="dismax"))
    print(f"{'query':<28} {'ours P@10':>9} {'recall':>7}   {'dismax P@10':>11} {'recall':>7}")
    for mine, theirs in zip(ours, stock, strict=True):
        print(f"{mine.query:<28} {mine.precision_at_10:9.2f} {mine.recall:7.2f}   "
              f"{theirs.precision_at_10:11.2f} {theirs.recall:7.2f}")

    def means(judged: list[Any]) -> tuple[float, float]:
        return mean([j.precision_at_10 for j in judged]), mean([j.recall for j in judged])
    print(f"\n{len(ours)} queries, means: ours P@10 {means(ours)[0]:.3f} recall {means(ours)[1]:.3f}; "
          f"CKAN's dismax P@10 {means(stock)[0]:.3f} recall {means(stock)[1]:.3f}")
    reset_everything()
    return 0


if __name__ == "__main__":
    sys.exit(main())
