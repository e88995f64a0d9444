"""The base layer under every map of ours: the site's tile server (`ckanext.pm25.map.tile_url`)
and its attribution, handed to the maps' script as a data attribute; none when unset."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk

TILE_URL = "ckanext.pm25.map.tile_url"
TILE_ATTRIBUTION = "ckanext.pm25.map.tile_attribution"


def pm25_map_tiles() -> str:
    """JSON for a map's `data-module-tiles`: ``{"url": …, "attribution": …}``, or ``{}`` when the
    site configures no tiles (then no tile is ever requested)."""
    url = str(tk.config.get(TILE_URL) or "").strip()
    if not url:
        return "{}"
    attribution = str(tk.config.get(TILE_ATTRIBUTION) or "").strip()
    return json.dumps({"url": url, "attribution": attribution}, ensure_ascii=False)
