"""DCAT for the PM2.5 schema: a ckanext-dcat RDF profile (entry point `ckan.rdf.profiles`: pm25),
run after `euro_dcat_ap_3`, which already maps the title, contact, temporal coverage (our
`temporal_start`/`temporal_end`), the geometry (`spatial`, as locn:geometry) and the publisher
(the organisation). This profile adds what our GD-Catalog fields carry:

- dct:accrualPeriodicity from `update_frequency_unit` (and `update_frequency_interval`), as the
  EU frequency vocabulary that DCAT-AP uses;
- on the dct:spatial location, dcat:bbox and dcat:centroid computed from the geometry, and one
  dct:Location per province (its ISO 3166-2:TH code, Thai and English names, province page);
- dct:license on the dataset and on each distribution (our resources have no licence of their
  own; the base profile copies it only when ckanext.dcat.resource.inherit.license is set);
- dct:language from `data_language`.

Parsing (harvesting DCAT into this schema) maps the same terms back.
"""
from __future__ import annotations

import json
from typing import Any

import shapely
from ckanext.dcat.profiles import DCAT, DCT, RDF, SKOS
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import catalog_uri
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from shapely.geometry import shape

from ckanext.pm25.geo import provinces
from ckanext.pm25.common.stored import stored_list

FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

# update_frequency_unit (GD-Catalog's stored Thai values) → the EU frequency vocabulary.
FREQUENCY_BY_UNIT: dict[str, str] = {
    "ไม่ทราบ": "UNKNOWN",
    "ปี": "ANNUAL",
    "ครึ่งปี": "ANNUAL_2",
    "ไตรมาส": "QUARTERLY",
    "เดือน": "MONTHLY",
    "สัปดาห์": "WEEKLY",
    "วัน": "DAILY",
    "วันทำการ": "DAILY",
    "ชั่วโมง": "HOURLY",
    "นาที": "1MIN",
    "ตามเวลาจริง": "UPDATE_CONT",
    "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล": "NEVER",
    "อื่นๆ": "OTHER",
}
# (unit, updates per unit) pairs the vocabulary names on their own.
FREQUENCY_BY_UNIT_AND_INTERVAL: dict[tuple[str, int], str] = {
    ("ปี", 2): "ANNUAL_2", ("ปี", 3): "ANNUAL_3", ("ปี", 4): "QUARTERLY", ("ปี", 12): "MONTHLY",
    ("เดือน", 2): "MONTHLY_2", ("เดือน", 3): "MONTHLY_3",
    ("สัปดาห์", 2): "WEEKLY_2", ("สัปดาห์", 3): "WEEKLY_3",
    ("วัน", 2): "DAILY_2", ("วัน", 24): "HOURLY",
}
UNIT_BY_FREQUENCY: dict[str, str] = {
    **{code: unit for unit, code in FREQUENCY_BY_UNIT.items() if unit != "วันทำการ"},
    **{code: unit for (unit, _), code in FREQUENCY_BY_UNIT_AND_INTERVAL.items()
       if code not in FREQUENCY_BY_UNIT.values()},
    "BIHOURLY": "ชั่วโมง", "TRIHOURLY": "ชั่วโมง", "12HRS": "วัน", "5MIN": "นาที", "10MIN": "นาที",
    "15MIN": "นาที", "30MIN": "นาที", "CONT": "ตามเวลาจริง", "IRREG": "อื่นๆ", "BIENNIAL": "ปี",
}
LANGUAGE_CODES: dict[str, str] = {
    "ไทย": "THA", "อังกฤษ": "ENG", "จีน": "ZHO", "มลายู": "MSA", "พม่า": "MYA", "ลาว": "LAO", "เขมร": "KHM",
    "ญี่ปุ่น": "JPN", "เกาหลี": "KOR", "ฝรั่งเศส": "FRA", "เยอรมัน": "DEU", "อารบิก": "ARA",
}
LANGUAGE_NAMES = {code: name for name, code in LANGUAGE_CODES.items()}


def frequency_uri(unit: str | None, interval: Any = None) -> URIRef | None:
    if not unit:
        return None
    try:
        per_unit = int(interval) if interval not in (None, "") else None
    except (TypeError, ValueError):
        per_unit = None
    code = FREQUENCY_BY_UNIT_AND_INTERVAL.get((unit, per_unit)) if per_unit else None
    code = code or FREQUENCY_BY_UNIT.get(unit)
    return URIRef(FREQUENCY + code) if code else None


def _last_segment(node: Node) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


class Pm25DCATProfile(RDFProfile):
    """The PM2.5/GD-Catalog additions to DCAT-AP (see the module docstring)."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        self._frequency(dataset_dict, dataset_ref)
        self._spatial_details(dataset_dict, dataset_ref)
        self._dataset_license(dataset_dict, dataset_ref)
        self._languages(dataset_dict, dataset_ref)

    def _frequency(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        if (dataset_ref, DCT.accrualPeriodicity, None) in self.g:
            return
        uri = frequency_uri(self._get_dataset_value(dataset_dict, "update_frequency_unit"),
                            self._get_dataset_value(dataset_dict, "update_frequency_interval"))
        if uri is not None:
            self.g.add((uri, RDF.type, DCT.Frequency))
            self.g.add((dataset_ref, DCT.accrualPeriodicity, uri))

    def _spatial_details(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        geometry = self._get_dataset_value(dataset_dict, "spatial")
        if geometry:
            try:
                geometry_shape = shape(json.loads(geometry) if isinstance(geometry, str) else geometry)
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                geometry_shape = None
            if geometry_shape is not None and not geometry_shape.is_empty:
                location = self._get_or_create_spatial_ref(dataset_dict, dataset_ref)
                if (location, DCAT.bbox, None) not in self.g:
                    self._add_spatial_value_to_graph(location, DCAT.bbox,
                                                     shapely.to_geojson(shapely.envelope(geometry_shape)))
                if (location, DCAT.centroid, None) not in self.g:
                    self._add_spatial_value_to_graph(location, DCAT.centroid,
                                                     shapely.to_geojson(geometry_shape.centroid))
        for code in stored_list(self._get_dataset_value(dataset_dict, "provinces")):
            province = provinces.by_code(code)
            if province is None:
                continue
            ref = URIRef(f"{catalog_uri().rstrip('/')}/province/{province.code}")
            self.g.add((dataset_ref, DCT.spatial, ref))
            self.g.add((ref, RDF.type, DCT.Location))
            self.g.add((ref, DCT.identifier, Literal(province.code)))
            self.g.add((ref, SKOS.prefLabel, Literal(province.name_th, lang="th")))
            self.g.add((ref, SKOS.prefLabel, Literal(province.name_en, lang="en")))

    def _dataset_license(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        licence = self.g.value(dataset_ref, DCT.license)
        if licence is None:
            url = dataset_dict.get("license_url")
            title = dataset_dict.get("license_title") or dataset_dict.get("license_id")
            if not (url or title):
                return
            licence = URIRef(url) if url else BNode()
            self.g.add((licence, RDF.type, DCT.LicenseDocument))
            if title:
                self.g.add((licence, DCT.title, Literal(title)))
            self.g.add((dataset_ref, DCT.license, licence))
        # Resources carry no licence of their own here: they are under the dataset's.
        for distribution in self._distributions(dataset_ref):
            if (distribution, DCT.license, None) not in self.g:
                self.g.add((distribution, DCT.license, licence))

    def _languages(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        for name in stored_list(self._get_dataset_value(dataset_dict, "data_language")):
            code = LANGUAGE_CODES.get(name)
            if code:
                self.g.add((dataset_ref, DCT.language, URIRef(LANGUAGE + code)))

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        """DCAT harvested into this schema: frequency, languages and provinces back to our fields."""
        frequency = self._object(dataset_ref, DCT.accrualPeriodicity)
        unit = UNIT_BY_FREQUENCY.get(_last_segment(frequency)) if frequency is not None else None
        if unit:
            self._set_dataset_value(dataset_dict, "update_frequency_unit", unit)
        languages = [LANGUAGE_NAMES[code] for code in map(_last_segment, self.g.objects(dataset_ref, DCT.language))
                     if code in LANGUAGE_NAMES]
        if languages:
            self._set_dataset_value(dataset_dict, "data_language", languages)
        codes = sorted({str(code) for location in self.g.objects(dataset_ref, DCT.spatial)
                        for code in self.g.objects(location, DCT.identifier) if provinces.by_code(str(code))})
        if codes:
            self._set_dataset_value(dataset_dict, "provinces", codes)
        return dataset_dict
