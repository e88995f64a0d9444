"""Search facets of the PM2.5 catalogue: the GD-Catalog facets (data type, data category) and the
PM2.5 ones (provinces, region, pollutants, measurement type), titled and labelled in the
request's language from the schema's own {en, th} labels and the gazetteer's province names."""
from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.provinces.labels import (PROVINCE_FACET, REGION_FACET, current_language, localised,
                                           province_label, region_label)

SCHEMA_FACETS = ("data_type", "data_category", PROVINCE_FACET, "pollutants", "measurement_type")
# The GD-Catalog and PM2.5 facets come right after the publishing organisation.
INSERT_AFTER = "organization"


@cache
def _schema_fields() -> dict[str, dict[str, Any]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    return {field["field_name"]: field for field in schema.get("dataset_fields", [])}


@cache
def _choice_labels(field_name: str) -> dict[str, Any]:
    field = _schema_fields().get(field_name) or {}
    return {choice["value"]: choice.get("label", choice["value"]) for choice in field.get("choices", [])}


def facet_titles(language: str | None = None) -> OrderedDict[str, str]:
    language = language or current_language()
    fields = _schema_fields()
    titles: OrderedDict[str, str] = OrderedDict()
    for name in SCHEMA_FACETS:
        titles[name] = localised(fields.get(name, {}).get("label", name), language)
        if name == PROVINCE_FACET:
            titles[REGION_FACET] = tk._("Regions")
    return titles


def _with_ours(facets_dict: OrderedDict[str, str]) -> OrderedDict[str, str]:
    ours = facet_titles()
    combined: OrderedDict[str, str] = OrderedDict()
    for name, title in facets_dict.items():
        if name not in ours:
            combined[name] = title
        if name == INSERT_AFTER:
            combined.update(ours)
    if INSERT_AFTER not in facets_dict:
        combined = OrderedDict([*ours.items(), *combined.items()])
    return combined


def dataset_facets(facets_dict: OrderedDict[str, str], package_type: str) -> OrderedDict[str, str]:
    return _with_ours(facets_dict)


def organization_facets(facets_dict: OrderedDict[str, str], organization_type: str,
                        package_type: str | None) -> OrderedDict[str, str]:
    return _with_ours(facets_dict)


def group_facets(facets_dict: OrderedDict[str, str], group_type: str,
                 package_type: str | None) -> OrderedDict[str, str]:
    return _with_ours(facets_dict)


def item_label(facet: str, value: str, language: str | None = None) -> str:
    """The readable label of one facet value, in `language` (the request's by default)."""
    language = language or current_language()
    if facet == PROVINCE_FACET:
        return province_label(value, language)
    if facet == REGION_FACET:
        return region_label(value, language)
    label = _choice_labels(facet).get(value)
    return value if label is None else localised(label, language)


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """package_search's `display_name` of our facets' items: labels, not stored values."""
    language = current_language()
    for facet, body in (search_results.get("search_facets") or {}).items():
        if facet not in SCHEMA_FACETS and facet != REGION_FACET:
            continue
        for item in body.get("items", []):
            item["display_name"] = item_label(facet, item["name"], language)
    return search_results
