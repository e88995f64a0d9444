"""The province fields of a dataset's Solr document: its province codes and regions as
multi-valued strings (facets and `fq=provinces:TH-52`), the provinces its geometry
intersects (the `ext_province` filter), and the Thai and English names of its provinces and
their regions in the full text, so that `q=ลำปาง` finds a dataset of Lampang whose own text
never names it."""
from __future__ import annotations

import logging
from typing import Any

from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.geo import provinces
from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.provinces import located
from ckanext.pm25.provinces.labels import PROVINCE_FACET, REGION_FACET

# Codes of the provinces whose boundary the dataset's `spatial` geometry intersects.
GEOMETRY_PROVINCES = "provinces_geometry"
BANGKOK = "TH-10"  # a special administrative area: never "จังหวัด" กรุงเทพมหานคร

log = logging.getLogger(__name__)


def provinces_intersected(spatial: Any) -> list[str]:
    """Every province a stored `spatial` value touches, by the boundaries in use; [] without one."""
    if not spatial:
        return []
    try:
        # Not parsed again when this process validated it for the write being indexed; parsed
        # when indexed without that (`ckan search-index rebuild`, boundaries replaced since).
        record = located.locate(spatial)
    except GeoError as error:
        # Stored before a stricter limit, or by hand in the database: searchable by its tags only.
        log.warning("spatial not usable for the province filter (%s)", error.render())
        return []
    return record.intersected


def place_words(codes: list[str]) -> list[str]:
    """The names a user types for the provinces and their regions: Thai (also with จังหวัด) and
    English (also with Province)."""
    words: list[str] = []
    regions: dict[str, None] = {}
    for province in filter(None, map(provinces.by_code, codes)):
        words += [province.name_th, province.name_en, f"{province.name_en} Province"]
        if province.code != BANGKOK:
            words.append(f"จังหวัด{province.name_th}")
        regions.setdefault(province.region)
    for region in regions:
        words += list(provinces.REGIONS[region].values())
    return words


def add_text(pkg_dict: dict[str, Any], words: list[str]) -> None:
    """Add ``words`` to the document's full-text field (``text``, which CKAN's queries search)."""
    if not words:
        return
    text = pkg_dict.get("text")
    before = [] if text is None else [text] if isinstance(text, str) else list(text)
    pkg_dict["text"] = [*before, *words]


def province_fields(pkg_dict: dict[str, Any], validated: dict[str, Any]) -> dict[str, Any]:
    """`pkg_dict` (the document CKAN indexes) with the province fields set from the validated dataset."""
    codes = stored_list(validated.get(PROVINCE_FACET))
    pkg_dict[PROVINCE_FACET] = codes
    pkg_dict[REGION_FACET] = sorted({p.region for p in map(provinces.by_code, codes) if p})
    pkg_dict[GEOMETRY_PROVINCES] = provinces_intersected(validated.get("spatial"))
    add_text(pkg_dict, place_words(codes))
    return pkg_dict
