"""Every page's scripts deferred (issue 16): CKAN writes its webassets' script tags at the end of
the body without `defer`, so the browser paints nothing until every script has been fetched and
run (the dashboard's first paint waited for ~1 MB of jQuery, Bootstrap, htmx and Leaflet).
Deferred, they still run in the same order once the page is parsed and before DOMContentLoaded,
which is when CKAN's modules start; the page is painted first. Nothing runs between the tags and
the end of the body, so no inline script can miss them."""
from __future__ import annotations

from collections.abc import Callable

import ckan.plugins.toolkit as tk
from markupsafe import Markup

# CKAN's own tag (ckan.lib.webassets_tools._to_tag); another form is left as it is.
PLAIN_SCRIPT = '<script src="'
DEFERRED_SCRIPT = '<script defer src="'


@tk.chained_helper
def render_assets(next_helper: Callable[[str], Markup], type_: str) -> Markup:
    tags = next_helper(type_)
    if type_ != "script":
        return tags
    return Markup(str(tags).replace(PLAIN_SCRIPT, DEFERRED_SCRIPT))
