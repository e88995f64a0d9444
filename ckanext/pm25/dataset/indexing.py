"""What goes into Solr besides CKAN's own fields: the PM2.5 and GD-Catalog facets as plain
strings (multi-valued where the schema allows several), and the province fields."""
from __future__ import annotations

import json
from typing import Any

from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.provinces.indexing import province_fields

MULTI_VALUED = ("pollutants",)
SINGLE_VALUED = ("measurement_type", "data_type", "data_category")


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    for field in MULTI_VALUED:
        pkg_dict[field] = stored_list(validated.get(field))
    for field in SINGLE_VALUED:
        value = validated.get(field)
        pkg_dict.pop(field, None)
        if value:
            pkg_dict[field] = value
    return province_fields(pkg_dict, validated)
