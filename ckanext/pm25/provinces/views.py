"""Province pages (/province/<code>) and the province outlines the maps draw (/pm25/provinces.geojson)."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk
import numpy as np
import shapely
from ckan.lib.pagination import Page
from ckan.lib.search import SearchError
from ckan.types import Context
from flask import Blueprint, Response, request
from flask_login import current_user

from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.geo.provinces import REGIONS, Province
from ckanext.pm25.provinces.lookups import province_or_404

blueprint = Blueprint("pm25_province", __name__)

# Outlines for a clickable map, not for measuring: ~1 km of generalisation keeps the whole
# country near 140 kB, and simplifying the provinces as one coverage keeps shared borders shared.
DISPLAY_TOLERANCE = 0.01
DISPLAY_DECIMALS = 3
DATASETS_PER_PAGE = 20


@lru_cache(maxsize=2)
def _outlines(places: Gazetteer) -> tuple[bytes, str]:
    geometries = np.asarray([places.geometry_of(province.code) for province in places.provinces], dtype=object)
    try:
        simplified = shapely.coverage_simplify(geometries, DISPLAY_TOLERANCE)
    except shapely.errors.GEOSException:
        # Official boundaries that are not a clean coverage (gaps, overlaps): simplify one by one.
        simplified = shapely.simplify(geometries, DISPLAY_TOLERANCE, preserve_topology=True)
    simplified = shapely.transform(simplified, lambda coordinates: np.round(coordinates, DISPLAY_DECIMALS))
    features = [
        {"type": "Feature", "properties": province.to_dict(), "geometry": json.loads(shapely.to_geojson(outline))}
        for province, outline in zip(places.provinces, simplified, strict=True)
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def outlines() -> Response:
    """The province outlines in use (official ones once loaded), with an ETag for revalidation."""
    body, etag = _outlines(gazetteer.gazetteer())
    response = Response(body, mimetype="application/geo+json")
    response.set_etag(etag)
    response.make_conditional(request)  # answers 304 in place when the client's ETag matches
    return response


def _datasets(province: Province, page_number: int) -> tuple[dict[str, Any], str | None]:
    context: Context = {"user": current_user.name, "for_view": True, "auth_user_obj": current_user}
    data_dict = {
        "q": "",
        "ext_province": province.code,
        "rows": DATASETS_PER_PAGE,
        "start": (page_number - 1) * DATASETS_PER_PAGE,
        "sort": "metadata_modified desc",
        "include_private": tk.config.get("ckan.search.default_include_private"),
    }
    try:
        return tk.get_action("package_search")(context, data_dict), None
    except SearchError:
        return {"count": 0, "results": []}, tk._("The datasets of this province cannot be listed just now.")


def read(code: str) -> Any:
    """A province's page: its outline on a map and the datasets about it, tagged or intersecting."""
    province = province_or_404(code)
    if code != province.code:
        return tk.redirect_to("pm25_province.read", code=province.code, **request.args.to_dict())
    page_number = tk.h.get_page_number(request.args)
    result, error = _datasets(province, page_number)
    page = Page(
        collection=result["results"],
        page=page_number,
        url=lambda page=1, **_: tk.h.url_for("pm25_province.read", code=province.code, page=page),
        item_count=result["count"],
        items_per_page=DATASETS_PER_PAGE,
    )
    page.items = result["results"]
    return tk.render("pm25/province.html", {
        "province": province,
        "region": REGIONS.get(province.region, {}),
        "page": page,
        "search_error": error,
    })


blueprint.add_url_rule("/province/<code>", view_func=read, endpoint="read")
blueprint.add_url_rule("/pm25/provinces.geojson", view_func=outlines, endpoint="outlines")
