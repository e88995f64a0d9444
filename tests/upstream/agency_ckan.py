"""Imitation of an agency CKAN catalogue (GD-Catalog schema): ``package_search``, ``package_show``.

Search is a small imitation of Solr, enough for harvesting: ``q`` matches every word as a
case-insensitive substring of title, notes, tags and organisation (so Thai words work, as on
those catalogues); ``fq`` takes ``field:value``, ``field:"value"`` and
``field:[from TO to]`` terms (ANDed; ``tags``, ``organization``, ``res_format`` and any
top-level field); ``sort`` takes ``field asc|desc`` lists; ``rows`` (≤ 1000) and ``start`` page.
Private and deleted datasets are hidden from search unless ``include_private`` /
``include_deleted`` is ``true``; ``package_show`` answers 403 for them, as for an anonymous user.
"""
from __future__ import annotations

import copy
import json
import random
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.upstream.server import ImitationServer, RecordedRequest, Reply

SEARCH = "/api/3/action/package_search"
SHOW = "/api/3/action/package_show"
MAX_ROWS = 1000

_ORGS = {
    "chiangmai-nre": "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดเชียงใหม่",
    "lampang-pao": "องค์การบริหารส่วนจังหวัดลำปาง",
    "singburi-province": "สำนักงานจังหวัดสิงห์บุรี",
    "bma-environment": "สำนักสิ่งแวดล้อม กรุงเทพมหานคร",
    "pcd": "กรมควบคุมมลพิษ",
}


def _polygon(west: float, south: float, east: float, north: float) -> str:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def gd_dataset(
    name: str,
    title: str,
    org: str,
    tags: Iterable[str],
    *,
    notes: str = "",
    data_type: str = "ข้อมูลสถิติ",
    modified: str = "2024-05-01T03:00:00.000000",
    private: bool = False,
    state: str = "active",
    **fields: Any,
) -> dict[str, Any]:
    """A package dict shaped like ``package_show`` on a GD-Catalog (ckanext-thai_gdc) site."""
    dataset_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"agency-ckan/{name}"))
    dataset: dict[str, Any] = {
        "id": dataset_id,
        "name": name,
        "title": title,
        "notes": notes or title,
        "type": "dataset",
        "state": state,
        "private": private,
        "owner_org": str(uuid.uuid5(uuid.NAMESPACE_URL, f"agency-ckan/org/{org}")),
        "organization": {"name": org, "title": _ORGS.get(org, org), "type": "organization"},
        "metadata_created": "2023-01-15T02:00:00.000000",
        "metadata_modified": modified,
        "tags": [{"name": tag, "display_name": tag, "state": "active"} for tag in tags],
        "data_type": data_type,
        "allow_harvest": "True",
        "maintainer": "ฝ่ายข้อมูลสิ่งแวดล้อม",
        "maintainer_email": "data@example.go.th",
        "objective": ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": "ชั่วโมง",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": _ORGS.get(org, org),
        "data_format": ["CSV", "JSON"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Open Data Common",
        "data_language": ["ไทย"],
        "high_value_dataset": "False",
        "reference_data": "False",
        "extras": [],
        "resources": [{
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"agency-ckan/{name}/csv")),
            "name": f"{title} (CSV)",
            "url": f"https://data.example.go.th/dataset/{name}/data.csv",
            "format": "CSV",
            "resource_unit_of_measure": "ไมโครกรัมต่อลูกบาศก์เมตร",
        }],
    }
    dataset.update(fields)
    return dataset


def default_datasets() -> list[dict[str, Any]]:
    """Seven datasets: four PM2.5 ones with different geography encodings, one unrelated,
    one private, one deleted."""
    return [
        gd_dataset(
            "pm25-chiangmai-hourly", "ข้อมูลฝุ่นละออง PM2.5 รายชั่วโมง จังหวัดเชียงใหม่",
            "chiangmai-nre", ["PM2.5", "ฝุ่นละออง", "คุณภาพอากาศ", "เชียงใหม่"],
            notes="ค่าความเข้มข้นฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน จากสถานีตรวจวัดในจังหวัดเชียงใหม่",
            modified="2024-05-07T13:05:00.000000",
            extras=[{"key": "spatial", "value": _polygon(98.0, 17.2, 99.6, 20.2)}],
        ),
        gd_dataset(
            "pm25-lampang-stations", "ตำแหน่งสถานีตรวจวัดฝุ่น PM 2.5 จังหวัดลำปาง",
            "lampang-pao", ["PM 2.5", "ฝุ่น", "ลำปาง"],
            data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่", modified="2024-04-20T08:30:00.000000",
            geographic_data_set="ชั้นข้อมูลตำแหน่งสถานี", equivalent_scale="1:50,000",
            west_bound_longitude="99.0", east_bound_longitude="100.2",
            north_bound_longitude="19.5", south_bound_longitude="17.2",
        ),
        gd_dataset(
            "pm25-singburi-daily", "ค่าเฉลี่ยฝุ่น PM2.5 รายวัน จังหวัดสิงห์บุรี",
            "singburi-province", ["ฝุ่น PM2.5", "สิงห์บุรี"],
            update_frequency_unit="วัน", modified="2024-03-02T01:00:00.000000",
            unit_of_measure="ไมโครกรัมต่อลูกบาศก์เมตร",
        ),
        gd_dataset(
            "air-quality-bangkok", "คุณภาพอากาศกรุงเทพมหานคร", "bma-environment",
            ["มลพิษทางอากาศ", "คุณภาพอากาศ", "กรุงเทพมหานคร"],
            data_type="ข้อมูลหลากหลายประเภท", modified="2024-05-06T23:59:00.000000",
            spatial=_polygon(100.33, 13.49, 100.94, 13.96),
        ),
        gd_dataset(
            "water-quality-chaophraya", "คุณภาพน้ำแม่น้ำเจ้าพระยา", "pcd",
            ["คุณภาพน้ำ", "แม่น้ำ"], modified="2024-02-10T00:00:00.000000",
        ),
        gd_dataset(
            "pm25-draft-internal", "ร่าง ข้อมูลฝุ่น PM2.5 ภายในหน่วยงาน", "pcd", ["PM2.5"],
            private=True, modified="2024-05-05T00:00:00.000000",
        ),
        gd_dataset(
            "pm25-legacy-2019", "ข้อมูลฝุ่น PM2.5 ปี 2562 (ยกเลิก)", "pcd", ["PM2.5", "ฝุ่น"],
            state="deleted", modified="2023-12-31T00:00:00.000000",
        ),
    ]


class AgencyCkanServer(ImitationServer):
    SEARCH = SEARCH
    SHOW = SHOW

    def __init__(self, datasets: Iterable[dict[str, Any]] | None = None, *,
                 tls: bool = False) -> None:
        super().__init__(tls=tls)
        self.datasets: list[dict[str, Any]] = list(
            default_datasets() if datasets is None else datasets)
        self.route(SEARCH, self._search)
        self.route(SHOW, self._show)

    # --- model -------------------------------------------------------------------------------

    def add_dataset(self, dataset: dict[str, Any]) -> None:
        self.datasets.append(dataset)

    def add_generated(self, count: int, *, seed: int = 1) -> None:
        """``count`` more PM2.5 datasets with distinct names and modification times (paging)."""
        rng = random.Random(seed)
        start = datetime(2024, 1, 1, 0, 0)
        for index in range(count):
            modified = start + timedelta(hours=index, minutes=rng.randrange(60))
            self.add_dataset(gd_dataset(
                f"pm25-generated-{index:04d}", f"ข้อมูลฝุ่น PM2.5 ชุดที่ {index + 1}", "pcd",
                ["PM2.5", "ฝุ่น"], modified=modified.strftime("%Y-%m-%dT%H:%M:%S.%f")))

    def find(self, name_or_id: str) -> dict[str, Any] | None:
        return next((d for d in self.datasets if name_or_id in (d["name"], d["id"])), None)

    def set_private(self, name: str, private: bool = True) -> None:
        self._require(name)["private"] = private

    def delete(self, name: str) -> None:
        self._require(name)["state"] = "deleted"

    def touch(self, name: str, modified: str) -> None:
        self._require(name)["metadata_modified"] = modified

    def _require(self, name: str) -> dict[str, Any]:
        dataset = self.find(name)
        if dataset is None:
            raise KeyError(name)
        return dataset

    # --- routes ------------------------------------------------------------------------------

    def _search(self, request: RecordedRequest) -> Reply:
        try:
            rows = min(int(request.param("rows", "10") or 10), MAX_ROWS)
            start = int(request.param("start", "0") or 0)
        except ValueError:
            return _error(409, "Validation Error", "rows/start must be integers")
        include_private = request.param("include_private", "false") == "true"
        include_deleted = request.param("include_deleted", "false") == "true"
        q, fq = request.param("q", "") or "", request.param("fq", "") or ""
        sort = request.param("sort") or "score desc, metadata_modified desc"
        matches = [
            d for d in self.datasets
            if (include_private or not d.get("private"))
            and (include_deleted or d.get("state") == "active")
            and _matches_q(d, q) and _matches_fq(d, fq)
        ]
        for field_name, descending in reversed(_sort_keys(sort)):
            matches.sort(key=lambda d: str(d.get(field_name) or ""), reverse=descending)
        return _success(SEARCH, {
            "count": len(matches), "sort": sort, "facets": {}, "search_facets": {},
            "results": [copy.deepcopy(d) for d in matches[start:start + rows]],
        })

    def _show(self, request: RecordedRequest) -> Reply:
        name = request.param("id") or request.param("name_or_id")
        if not name:
            return _error(409, "Validation Error", "Missing value: id")
        dataset = self.find(name)
        if dataset is None:
            return _error(404, "Not Found Error", "Not found")
        if dataset.get("private") or dataset.get("state") != "active":
            return _error(403, "Authorization Error",
                          f"User  not authorized to read package {dataset['id']}")
        return _success(SHOW, copy.deepcopy(dataset))


def _success(path: str, result: Any) -> Reply:
    action = path.rsplit("/", 1)[-1]
    return Reply.json({"help": f"http://127.0.0.1/api/3/action/help_show?name={action}",
                       "success": True, "result": result})


def _error(status: int, kind: str, message: str) -> Reply:
    return Reply.json({"help": "http://127.0.0.1/api/3/action/help_show", "success": False,
                       "error": {"__type": kind, "message": message}}, status=status)


def _search_text(dataset: dict[str, Any]) -> str:
    parts = [dataset.get("title", ""), dataset.get("notes", ""), dataset.get("name", ""),
             (dataset.get("organization") or {}).get("title", "")]
    parts += [tag["name"] for tag in dataset.get("tags", [])]
    return " ".join(str(part) for part in parts).lower()


def _matches_q(dataset: dict[str, Any], q: str) -> bool:
    q = q.strip()
    if not q or q == "*:*":
        return True
    if ":" in q and not q.startswith('"'):
        return _matches_fq(dataset, q)
    text = _search_text(dataset)
    words = [w.strip('"').lower() for w in re.findall(r'"[^"]+"|\S+', q)]
    return all(word in text for word in words if word)


_FQ_TERM = re.compile(
    r'\+?(?P<field>[\w.]+):(?:"(?P<quoted>[^"]*)"|\[(?P<range>[^\]]*)\]|(?P<bare>\S+))')


def _matches_fq(dataset: dict[str, Any], fq: str) -> bool:
    for term in _FQ_TERM.finditer(fq):
        field_name = term["field"]
        values = _field_values(dataset, field_name)
        if term["range"] is not None:
            low, _, high = term["range"].partition(" TO ")
            low, high = low.strip(), high.strip()
            if not any((low == "*" or value >= _solr_date(low))
                       and (high == "*" or value <= _solr_date(high)) for value in values):
                return False
            continue
        wanted = term["quoted"] if term["quoted"] is not None else term["bare"]
        if wanted != "*" and wanted not in values:
            return False
    return True


def _field_values(dataset: dict[str, Any], field_name: str) -> list[str]:
    if field_name == "tags":
        return [tag["name"] for tag in dataset.get("tags", [])]
    if field_name == "organization":
        return [(dataset.get("organization") or {}).get("name", "")]
    if field_name == "res_format":
        return [r.get("format", "") for r in dataset.get("resources", [])]
    value = dataset.get(field_name)
    if field_name in ("metadata_modified", "metadata_created") and value:
        return [_solr_date(value)]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def _solr_date(text: str) -> str:
    """Comparable form of a CKAN/Solr timestamp (``2024-05-01T03:00:00.000000`` or ``…Z``)."""
    if text.startswith("NOW"):
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text.rstrip("Z").split(".")[0]


def _sort_keys(sort: str) -> list[tuple[str, bool]]:
    keys = []
    for part in sort.split(","):
        pieces = part.split()
        if not pieces or pieces[0] == "score":
            continue
        keys.append((pieces[0], len(pieces) > 1 and pieces[1].lower() == "desc"))
    return keys
