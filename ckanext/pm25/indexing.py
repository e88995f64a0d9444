"""What goes into Solr besides CKAN's own fields: province codes and regions as multi-valued
strings (facets and `fq=provinces:TH-52`), and the PM2.5 facets."""
from __future__ import annotations

import json
from typing import Any

from ckanext.pm25.geo import provinces

MULTI_VALUED = ("provinces", "pollutants")
SINGLE_VALUED = ("measurement_type", "data_type", "data_category")


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    for field in MULTI_VALUED:
        pkg_dict[field] = _as_list(validated.get(field))
    for field in SINGLE_VALUED:
        value = validated.get(field)
        pkg_dict.pop(field, None)
        if value:
            pkg_dict[field] = value
    regions = {p.region for p in map(provinces.by_code, pkg_dict["provinces"]) if p}
    pkg_dict["region"] = sorted(regions)
    return pkg_dict
