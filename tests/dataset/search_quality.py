"""The judged query set of ``search_judgements.json`` as a catalogue and figures: precision@10
and recall of each query against what package_search returns, and where a query has a phrase
answers (``phrase``: datasets holding the query as a phrase), whether they lead and the nDCG@10
of the order (a phrase answer gains 2, another relevant dataset 1)."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JUDGEMENTS = Path(__file__).with_name("search_judgements.json")


def judgements() -> dict[str, Any]:
    return json.loads(JUDGEMENTS.read_text(encoding="utf-8"))


def dataset_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The package_create fields of a judged dataset (besides the GD-Catalog ones every dataset needs)."""
    fields: dict[str, Any] = {
        "name": entry["name"], "title": entry["title"], "notes": entry["notes"],
        "pollutants": entry["pollutants"], "measurement_type": entry["measurement_type"],
        "tag_string": ",".join(entry["tags"]),
    }
    if "point" in entry:
        lon, lat = entry["point"]
        fields["spatial"] = json.dumps({"type": "Point", "coordinates": [lon, lat]})
    if "provinces" in entry:
        fields["provinces"] = entry["provinces"]
    return fields


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: frozenset[str]
    returned: tuple[str, ...]
    phrase: frozenset[str] = frozenset()

    @property
    def phrase_answers_lead(self) -> bool:
        """The datasets holding the query as a phrase come before every other result."""
        return set(self.returned[:len(self.phrase)]) == self.phrase

    def gain(self, name: str) -> int:
        return 2 if name in self.phrase else 1 if name in self.relevant else 0

    @property
    def ndcg_at_10(self) -> float:
        ideal = sorted((self.gain(name) for name in self.relevant | self.phrase), reverse=True)[:10]
        best = _dcg(ideal)
        return _dcg([self.gain(name) for name in self.returned[:10]]) / best if best else 1.0

    @property
    def precision_at_10(self) -> float:
        top = self.returned[:10]
        if not top:
            return 1.0 if not self.relevant else 0.0
        return sum(name in self.relevant for name in top) / len(top)

    @property
    def recall(self) -> float:
        if not self.relevant:
            return 1.0
        return len(self.relevant & set(self.returned)) / len(self.relevant)


def judge(search: Callable[[str], list[str]]) -> list[Judged]:
    """Every judged query through ``search`` (a query to the names it returns, best first)."""
    return [Judged(entry["q"], frozenset(entry["relevant"]), tuple(search(entry["q"])),
                   frozenset(entry.get("phrase", ())))
            for entry in judgements()["queries"]]


def with_phrase_answers(judged: list[Judged]) -> list[Judged]:
    return [j for j in judged if j.phrase]


def _dcg(gains: list[int]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
