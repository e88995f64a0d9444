"""Where one series of a store is downloaded: CKAN's DataStore dump of the store's resource,
filtered to the series and sorted by hour (``/datastore/dump/<id>?filters=...``), so the file
a station dataset links to is read from the store itself under CKAN's own authorisation.
Pure: no CKAN."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlencode, urlsplit

DUMP_PATH = "/datastore/dump/"


def series_download_url(site_url: str, store_resource_id: str, series_id: str) -> str:
    query = urlencode({"format": "csv", "sort": "hour_utc, parameter",
                       "filters": json.dumps({"series_id": series_id}, ensure_ascii=False)})
    return f"{site_url.rstrip('/')}{DUMP_PATH}{quote(store_resource_id)}?{query}"


def parse_series_download_url(url: str) -> tuple[str, str] | None:
    """(store resource id, series id) of a URL made by :func:`series_download_url`; None for
    any other URL."""
    parts = urlsplit(url or "")
    _, found, resource_id = parts.path.rpartition(DUMP_PATH)
    if not found or not resource_id or "/" in resource_id:
        return None
    try:
        filters = json.loads(parse_qs(parts.query).get("filters", [""])[0])
    except ValueError:
        return None
    series_id = filters.get("series_id") if isinstance(filters, dict) else None
    return (resource_id, series_id) if isinstance(series_id, str) and series_id else None
