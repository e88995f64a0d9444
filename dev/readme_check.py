"""What a site set up by README.rst's installation steps must serve (dev/test_readme.sh).

    python dev/readme_check.py BASE_URL      # exit 1, with every failed check, unless all pass

It runs after `ckan pm25 demo load` and a demo harvest. Standard library only.
"""
from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request

from upgrade_check import action, datastore_rows  # dev/, beside this script

PLUGINS = ("pm25", "scheming_datasets", "spatial_metadata", "spatial_query", "harvest", "pm25_air4thai",
           "pm25_agency_ckan", "pm25_openaq", "pm25_dustboy", "pm25_gistda",
           "pm25_firms", "datastore", "dcat", "activity")
PAGES = ("/pm25", "/en/pm25", "/dataset/", "/dataset/?ext_province=TH-52", "/province/TH-52", "/harvest/",
         "/pm25/provinces.geojson")
LAMPANG = "TH-52"
LAMPANG_BBOX = "99.0,17.2,100.2,19.5"


def page(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), ""


def failures(base: str) -> list[str]:
    found: list[str] = []
    loaded = set(action(base, "status_show")["extensions"])
    found += [f"plugin {name} is not loaded" for name in PLUGINS if name not in loaded]
    for path in PAGES:
        status, _ = page(base, path)
        if status != 200:
            found.append(f"{path} answered {status}")
    _, dashboard = page(base, "/pm25")
    if 'lang="th"' not in dashboard:
        found.append("/pm25 is not in Thai by default")
    searches = {
        "fq=provinces": {"fq": f"provinces:{LAMPANG}"},
        "ext_province": {"ext_province": LAMPANG},
        "ext_bbox (Solr's spatial field)": {"ext_bbox": LAMPANG_BBOX},
    }
    for label, params in searches.items():
        if action(base, "package_search", rows=0, **params)["count"] < 1:
            found.append(f"package_search by {label} finds no Lampang dataset")
    lampang = action(base, "pm25_province_show", id=LAMPANG)
    if not lampang.get("latest", {}).get("pm25"):
        found.append("Lampang has no current PM2.5 value after the demo harvest")
    stations = action(base, "package_search", fq="station_id:[* TO *]", rows=1)["results"]
    hourly = [resource for station in stations for resource in station["resources"]
              if resource.get("name") == "Hourly measurements"]
    if not hourly or not datastore_rows(base, hourly[0]):
        found.append("no station's readings in the DataStore (its \"Hourly measurements\" link to the store)")
    elif len(download(hourly[0]["url"]).splitlines()) < 2:
        found.append(f"a station's readings download has no rows: {hourly[0]['url']}")
    return found


def download(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8-sig", "replace")


def main(base: str) -> int:
    found = failures(base.rstrip("/"))
    for failure in found:
        print(f"README site: {failure}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
