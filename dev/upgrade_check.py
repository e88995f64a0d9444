"""What a site serves, through its HTTP API and pages, before and after an upgrade (dev/test_upgrade.sh).

    python dev/upgrade_check.py snapshot BASE_URL END OUT.json   # END: ISO hour the readings period ends
    python dev/upgrade_check.py compare BEFORE.json AFTER.json   # exit 1, with the differences, unless equal

Standard library only: it runs with any Python, against any portal.
"""
from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from typing import Any

PAGES = ("/pm25", "/en/pm25", "/dataset/", "/province/TH-52", "/harvest/")


def action(base: str, name: str, **params: Any) -> Any:
    query = urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(f"{base}/api/3/action/{name}?{query}", timeout=60) as response:
        body = json.load(response)
    if not body.get("success"):
        raise RuntimeError(f"{name}: {body.get('error')}")
    return body["result"]


def datastore_rows(base: str, resource: dict[str, Any]) -> int | None:
    """The rows a resource serves from the DataStore: its own table, or the rows of a store its
    URL downloads through CKAN's dump with filters (a station's series in its network's
    measurement store); None for any other resource."""
    if resource.get("datastore_active"):
        return int(action(base, "datastore_search", resource_id=resource["id"], limit=0)["total"])
    url = urllib.parse.urlsplit(resource.get("url") or "")
    _, found, store_id = url.path.rpartition("/datastore/dump/")
    filters = urllib.parse.parse_qs(url.query).get("filters")
    if not found or not store_id or not filters:
        return None
    return int(action(base, "datastore_search", resource_id=store_id, filters=filters[0],
                      limit=0)["total"])


def page_status(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def snapshot(base: str, end: str) -> dict[str, Any]:
    start = (datetime.fromisoformat(end.replace("Z", "+00:00")) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    datasets = action(base, "package_search", q="*:*", rows=1000, sort="name asc")["results"]
    sources = action(base, "package_search", q="*:*", fq="dataset_type:harvest", rows=1000,
                     sort="name asc")["results"]
    stations = action(base, "pm25_station_list", limit=1000)["results"]
    station_names = sorted(station["name"] for station in stations)
    readings = {}
    for name in station_names:
        measured = action(base, "pm25_measurements", stations=name, start=start, end=end, limit=1000)
        readings[name] = [[row["datetime_utc"], row["pm25"]] for row in measured["results"]]
    datastore = {d["name"]: {name: rows for name, rows in
                             ((r.get("name") or r["id"], datastore_rows(base, r)) for r in d.get("resources", []))
                             if rows is not None}
                 for d in datasets}
    provinces = {record["code"]: {"station_count": record.get("station_count"),
                                  "latest": {key: (record.get("latest") or {}).get(key)
                                             for key in ("pm25", "hour_utc", "stations_reporting")}}
                 for record in action(base, "pm25_province_list")}
    return {
        "datasets": [{"name": d["name"], "title": d["title"], "organization": (d.get("organization") or {}).get("name"),
                      "resources": sorted(r.get("name") or "" for r in d.get("resources", [])),
                      "provinces": d.get("provinces")} for d in datasets],
        # Not source_type or config: a source as first indexed (ckanext-harvest, by harvest_source_create)
        # lacks them, in the search results and harvest_source_show alike, until a reindex adds them.
        "harvest_sources": [{key: s.get(key) for key in ("name", "title", "url", "owner_org")} for s in sources],
        "stations": station_names,
        "readings": readings,
        "datastore_rows": {name: rows for name, rows in datastore.items() if rows},
        "provinces": provinces,
        "pages": {path: page_status(base, path) for path in
                  (*PAGES, *(f"/dataset/{name}" for name in station_names[:3]),
                   *(f"/harvest/{source['name']}" for source in sources))},
    }


# An upgrade may add datasets and their DataStore rows (a harvest source's measurement store),
# never lose or change what was there.
MAY_GROW = ("datasets", "datastore_rows")


def _kept(key: str, before: Any, after: Any) -> bool:
    if key not in MAY_GROW:
        return bool(before == after)
    if isinstance(before, dict):
        return isinstance(after, dict) and all(after.get(name) == value for name, value in before.items())
    return isinstance(after, list) and all(item in after for item in before)


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems = [f"{key}: before {json.dumps(before[key], ensure_ascii=False)[:400]} "
                f"after {json.dumps(after.get(key), ensure_ascii=False)[:400]}"
                for key in before if not _kept(key, before[key], after.get(key))]
    if not before["datasets"] or not before["harvest_sources"] or not any(before["readings"].values()):
        problems.append("the snapshot before the upgrade is empty: the previous release's data did not load")
    problems += [f"{path} answered {status}" for path, status in after["pages"].items() if status != 200]
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["snapshot"] and len(argv) == 4:
        with open(argv[3], "w", encoding="utf-8") as out:
            json.dump(snapshot(argv[1].rstrip("/"), argv[2]), out, ensure_ascii=False, indent=1, sort_keys=True)
        return 0
    if argv[:1] == ["compare"] and len(argv) == 3:
        with open(argv[1], encoding="utf-8") as b, open(argv[2], encoding="utf-8") as a:
            before, after = json.load(b), json.load(a)
        problems = compare(before, after)
        for problem in problems:
            print(f"upgrade: {problem}", file=sys.stderr)
        if not problems:
            print(f"upgrade: {len(before['datasets'])} datasets, {len(before['harvest_sources'])} harvest sources, "
                  f"{sum(len(r) for r in before['readings'].values())} readings of {len(before['stations'])} stations, "
                  f"{len(before['pages'])} pages: all still there and served")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
