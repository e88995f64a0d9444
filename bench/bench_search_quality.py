"""Search quality on the judged query set (issue 14), ours beside CKAN's default query parser.

    python bench/bench_search_quality.py

Run it through `dev/bench.sh bench/bench_search_quality.py`, which points test.ini at a bench
database; this script empties that database (CKAN, DataStore, its Solr site) before and after
itself. It loads the judged catalogue of ``tests/dataset/search_judgements.json``, asks each
judged query through package_search as the /dataset page does (ours: every word must match,
``edismax``), and again with ``defType=dismax`` (CKAN's default, which our hook leaves alone),
then prints precision@10 and recall of each query and their means. For the queries with phrase
answers it prints, with Solr's phrase ranking (the ``pf``/``ps`` of dev/solr/solrconfig.xml) and
without it (``pf`` emptied), whether the phrase answers lead and the nDCG@10; package_search
refuses ``pf``, so both go to Solr directly with the parameters package_search sends. Nothing is
asserted here: tests/dataset/test_search_judged.py holds the means.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from collections.abc import Callable
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


def solr_searcher(phrase_ranking: bool) -> Callable[[str], list[str]]:
    """The judged query as package_search sends it to Solr (our rewrite, CKAN's fields, filters
    and sort), with or without Solr's phrase ranking."""
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.common import make_connection
    from ckan.lib.search.query import QUERY_FIELDS

    from ckanext.pm25.dataset.text_search import every_word_must_match

    connection = make_connection(decode_dates=False)
    filters = [f'+site_id:"{tk.config["ckan.site_id"]}"', "+state:active", "+dataset_type:dataset"]

    def search(query: str) -> list[str]:
        params = {**every_word_must_match({"q": query}), "qf": QUERY_FIELDS, "tie": "0.1", "q.op": "AND",
                  "df": "text", "fq": filters, "fl": "name", "rows": 50,
                  "sort": tk.config.get("ckan.search.default_package_sort")}
        if not phrase_ranking:
            params["pf"] = ""
        return [doc["name"] for doc in connection.search(**params).docs]
    return search


def print_phrase_ranking(judged: list[Any], without: list[Any], with_: list[Any],
                         mean: Callable[[list[float]], float]) -> None:
    print(f"\n{'query with phrase answers':<28} {'lead w/o pf':>11} {'nDCG@10':>8}   "
          f"{'lead with pf':>12} {'nDCG@10':>8}")
    for before, after in zip(without, with_, strict=True):
        print(f"{before.query:<28} {before.phrase_answers_lead!s:>11} {before.ndcg_at_10:8.3f}   "
              f"{after.phrase_answers_lead!s:>12} {after.ndcg_at_10:8.3f}")
    same = [j.returned for j in judged] == [j.returned for j in with_]
    print(f"{len(with_)} queries: phrase answers lead in {sum(j.phrase_answers_lead for j in without)} "
          f"without phrase ranking, {sum(j.phrase_answers_lead for j in with_)} with it; mean nDCG@10 "
          f"{mean([j.ndcg_at_10 for j in without]):.3f} -> {mean([j.ndcg_at_10 for j in with_]):.3f} "
          f"(Solr's answer with pf {'is' if same else 'is NOT'} package_search's order)")


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
    phrased = quality.with_phrase_answers(ours)
    queries = {j.query for j in phrased}

    def judge_phrased(search: Callable[[str], list[str]]) -> list[Any]:
        return [j for j in judge(search) if j.query in queries]
    print_phrase_ranking(phrased, judge_phrased(solr_searcher(phrase_ranking=False)),
                         judge_phrased(solr_searcher(phrase_ranking=True)), mean)
    reset_everything()
    return 0


if __name__ == "__main__":
    sys.exit(main())
