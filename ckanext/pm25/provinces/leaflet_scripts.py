"""Where a map that loads Leaflet only when it is about to be seen fetches it from (issue 16):
the URLs of ckanext-spatial's Leaflet bundle, handed to the map's script as a data attribute.
Leaflet is not an asset of such a page, so its ~150 kB are neither fetched nor evaluated while a
phone paints the page (the dashboard's map is below its fold)."""
from __future__ import annotations

import json

# the toolkit gives no bundle's URLs without including the bundle in the page
from ckan.lib import webassets_tools
from ckan.lib.helpers import url_for_static_or_external

LEAFLET_BUNDLE = "ckanext-spatial/dataset_map_js"


def pm25_leaflet_scripts() -> str:
    """JSON for a map's `data-module-leaflet`: the bundle's script URLs in order (one in
    production, its source files when webassets runs in debug mode)."""
    bundle = webassets_tools.env[LEAFLET_BUNDLE]
    return json.dumps([url_for_static_or_external(url) for url in bundle.urls()])
