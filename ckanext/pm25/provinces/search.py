"""Search parameters ckanext-pm25 adds to package_search.

``ext_province=TH-52`` (several codes with commas or the parameter repeated, combined with OR):
datasets tagged with the province or whose geometry intersects its boundary (see
:mod:`ckanext.pm25.provinces.query`). ``ext_bbox`` is left to ckanext-spatial, but checked here
first so a malformed box is a 400 with a message rather than a bare search error.

Bad parameters raise ``SearchQueryError``: the action API answers it with 400 and the message,
and the /dataset page with a 400 page showing it (a ``ValidationError`` would be a 500 there).
"""
from __future__ import annotations

import logging
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchQueryError

from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.provinces.labels import PROVINCE_FACET
from ckanext.pm25.geo.provinces import all_provinces, find_province
from ckanext.pm25.provinces.indexing import GEOMETRY_PROVINCES
from ckanext.pm25.provinces.query import (SearchParameterError, indexed_province_filter, parse_bbox,
                                        parse_province_codes, province_filter)

PROVINCE_PARAM = "ext_province"
BBOX_PARAM = "ext_bbox"

log = logging.getLogger(__name__)


_warned: set[str] = set()


def _geometry_field() -> str | None:
    # ckanext-spatial reads its options undeclared: a default here keeps CKAN from warning per search.
    backend = tk.config.get("ckanext.spatial.search_backend", "solr-bbox")
    if backend != "solr-spatial-field":
        if backend not in _warned:
            _warned.add(backend)
            log.warning("%s filters by province tags only: the polygon intersection needs "
                        "ckanext.spatial.search_backend = solr-spatial-field (it is %r)", PROVINCE_PARAM, backend)
        return None
    return tk.config.get("ckanext.spatial.solr_geom_field_name", "spatial_geom") or "spatial_geom"


def _refuse(error: SearchParameterError) -> SearchQueryError:
    return SearchQueryError(tk._(error.message) % error.params)


def province_fq(value: Any) -> str | None:
    """The filter query for an ``ext_province`` value, None when it names no province."""
    codes = parse_province_codes(value, PROVINCE_PARAM)
    if not codes:
        return None
    if tk.config.get("ckanext.pm25.province.filter_method") == "index":
        return indexed_province_filter(codes, tag_field=PROVINCE_FACET, geometry_field=GEOMETRY_PROVINCES)
    return province_filter(
        gazetteer.gazetteer(), codes, geometry_field=_geometry_field(),
        tolerance=float(tk.config.get("ckanext.pm25.province.query_tolerance")),
        max_vertices=int(tk.config.get("ckanext.pm25.province.query_max_vertices")))


def _complete_province_facet(search_params: dict[str, Any]) -> None:
    """Every province in the `provinces` facet, not the first 50: the search map colours all 77.

    Solr takes one facet.limit for all fields here (CKAN passes no per-field limits), so the
    others may return up to 77 values too; the page still shows the first few of each.
    """
    if PROVINCE_FACET not in (search_params.get("facet.field") or []):
        return
    try:
        limit = int(search_params.get("facet.limit") or tk.config.get("search.facets.limit"))
    except (TypeError, ValueError):
        return
    if 0 <= limit < len(all_provinces()):
        search_params["facet.limit"] = len(all_provinces())


# A province facet clause as CKAN's search page writes it (quoted) or as an API client may.
_FACET_CLAUSE = re.compile(rf'(?<![\w.]){PROVINCE_FACET}:(?:"([^"]*)"|([^\s"()]+))')


def _facet_clause_as_code(match: re.Match[str]) -> str:
    value = match.group(1) if match.group(1) is not None else match.group(2)
    province = find_province(value)
    return f'{PROVINCE_FACET}:"{province.code}"' if province else match.group(0)


def _facet_names_as_codes(search_params: dict[str, Any]) -> None:
    """``provinces:"ลำปาง"`` or ``provinces:Lampang`` in ``fq`` filter by the code the index
    holds (``TH-52``), so the province facet takes codes, Thai and English names alike."""
    fq = search_params.get("fq")
    if isinstance(fq, str) and f"{PROVINCE_FACET}:" in fq:
        search_params["fq"] = _FACET_CLAUSE.sub(_facet_clause_as_code, fq)


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    _complete_province_facet(search_params)
    _facet_names_as_codes(search_params)
    extras = search_params.get("extras") or {}
    try:
        if extras.get(BBOX_PARAM) not in (None, "", []):
            parse_bbox(extras[BBOX_PARAM], BBOX_PARAM)
        fq = province_fq(extras.get(PROVINCE_PARAM))
    except SearchParameterError as error:
        raise _refuse(error) from None
    if fq:
        search_params["fq_list"] = [*(search_params.get("fq_list") or []), fq]
    return search_params
