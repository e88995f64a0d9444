"""What goes into Solr besides CKAN's own fields: province codes and regions as multi-valued
strings (facets and `fq=provinces:TH-52`), the provinces the dataset's geometry intersects
(the `ext_province` filter), and the PM2.5 facets."""
from __future__ import annotations

import json
import logging
from typing import Any

from ckanext.pm25 import gazetteer
from ckanext.pm25.geo import geometry, provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.stored import stored_list

MULTI_VALUED = ("provinces", "pollutants")
SINGLE_VALUED = ("measurement_type", "data_type", "data_category")
# Codes of the provinces whose boundary the dataset's `spatial` geometry intersects.
GEOMETRY_PROVINCES = "provinces_geometry"

log = logging.getLogger(__name__)


def provinces_intersected(spatial: Any) -> list[str]:
    """Every province a stored `spatial` value touches, by the boundaries in use; [] without one."""
    if not spatial:
        return []
    try:
        shape = geometry.parse_geometry(spatial, **gazetteer.geometry_limits())
    except GeoError as error:
        # Stored before a stricter limit, or by hand in the database: searchable by its tags only.
        log.warning("spatial not usable for the province filter (%s)", error.render())
        return []
    return [province.code for province in gazetteer.gazetteer().intersecting(shape)]


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    for field in MULTI_VALUED:
        pkg_dict[field] = stored_list(validated.get(field))
    for field in SINGLE_VALUED:
        value = validated.get(field)
        pkg_dict.pop(field, None)
        if value:
            pkg_dict[field] = value
    regions = {p.region for p in map(provinces.by_code, pkg_dict["provinces"]) if p}
    pkg_dict["region"] = sorted(regions)
    pkg_dict[GEOMETRY_PROVINCES] = provinces_intersected(validated.get("spatial"))
    return pkg_dict
