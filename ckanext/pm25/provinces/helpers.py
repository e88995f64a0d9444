"""Template helpers of the province filters: the search form's pills and hidden fields, the search map's state."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from flask import request

from ckanext.pm25.geo import provinces
from ckanext.pm25.geo.provinces import by_code
from ckanext.pm25.provinces.labels import PROVINCE_FACET, REGION_FACET, province_label, region_label
from ckanext.pm25.provinces.leaflet_scripts import pm25_leaflet_scripts
from ckanext.pm25.provinces.map_tiles import pm25_map_tiles
from ckanext.pm25.provinces.query import SearchParameterError, parse_province_codes
from ckanext.pm25.provinces.search import BBOX_PARAM, PROVINCE_PARAM

# Search-page parameters that are not facets but must survive a new query typed in the search box.
KEPT_EXTRAS = (PROVINCE_PARAM, BBOX_PARAM)


def _province_names(value: str) -> str:
    try:
        codes = parse_province_codes(value)
    except SearchParameterError:
        return value
    return ", ".join(province_label(code) for code in codes)


def pm25_search_filters(fields_grouped: Mapping[str, list[str]] | None, facet_titles: Mapping[str, str] | None,
                        translated_fields: Mapping[Any, str] | None, fields: list[tuple[str, str]] | None
                        ) -> dict[str, Any]:
    """What the search form shows and keeps, with the province filters added.

    - pills: `provinces`/`region` values by name, also when the value is not among the facet
      items that came back; `ext_province` (the province-area filter, which CKAN does not show
      since it is no facet) as a pill of its own, removable like the others;
    - hidden fields: `ext_province` and `ext_bbox` survive a new query typed in the search box.
    """
    grouped: dict[str, list[str]] = {key: list(values) for key, values in (fields_grouped or {}).items()}
    titles: dict[str, str] = {
        PROVINCE_FACET: tk._("Provinces"),
        REGION_FACET: tk._("Regions"),
        **(facet_titles or {}),
        PROVINCE_PARAM: tk._("Province area"),
    }
    labels: dict[Any, str] = dict(translated_fields or {})
    for code in grouped.get(PROVINCE_FACET, []):
        labels[(PROVINCE_FACET, code)] = province_label(code)
    for region in grouped.get(REGION_FACET, []):
        labels[(REGION_FACET, region)] = region_label(region)
    kept = list(fields or [])
    for name in KEPT_EXTRAS:
        for value in request.args.getlist(name):
            if not value:
                continue
            kept.append((name, value))
            if name == PROVINCE_PARAM:
                grouped.setdefault(name, []).append(value)
                labels[(name, value)] = _province_names(value)
    return {"fields_grouped": grouped, "facet_titles": titles, "translated_fields": labels, "fields": kept}


def pm25_province_map_state(search_facets: Mapping[str, Any] | None) -> dict[str, str]:
    """The search map's selection (`provinces` in the URL) and dataset counts per province, as JSON."""
    selected = [code for code in request.args.getlist(PROVINCE_FACET) if by_code(code)]
    items = ((search_facets or {}).get(PROVINCE_FACET) or {}).get("items") or []
    counts = {item["name"]: item["count"] for item in items if by_code(item.get("name"))}
    return {"selected": json.dumps(selected), "counts": json.dumps(counts)}


def _english() -> bool:
    return tk.h.lang() == "en"


def pm25_province_name(code: str) -> str:
    return province_label(code, "en" if _english() else "th")


def pm25_province_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices for the `provinces` select: every province, labelled in both languages."""
    return [
        {"value": p.code, "label": f"{p.name_th} ({p.name_en})" if not _english() else f"{p.name_en} ({p.name_th})"}
        for p in sorted(provinces.all_provinces(), key=lambda p: p.name_en if _english() else p.name_th)
    ]


HELPERS: dict[str, Callable[..., Any]] = {
    "pm25_province_name": pm25_province_name,
    "pm25_province_choices": pm25_province_choices,
    "pm25_search_filters": pm25_search_filters,
    "pm25_province_map_state": pm25_province_map_state,
    "pm25_map_tiles": pm25_map_tiles,
    "pm25_leaflet_scripts": pm25_leaflet_scripts,
}
