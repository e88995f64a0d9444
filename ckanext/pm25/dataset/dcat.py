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
- dct:language from `data_language`;
- what the DCAT-AP 3 SHACL shapes require of what the base profile writes (issue 14): dct:format
  as an EU file-type IRI (a dct:MediaTypeOrExtent), every geometry literal typed
  (gsp:wktLiteral), dct:language IRIs typed dct:LinguisticSystem, titles and descriptions tagged
  with their language (Thai or English, by their script);
- dcat:theme: the EU data theme "Environment" for every dataset, and the GD-Catalog data category
  (`data_category`) as a concept of its own;
- on the catalogue: dct:description, dct:publisher and dct:language as an EU language IRI (the
  base profile writes the locale, "th", as a literal).

Parsing (harvesting DCAT into this schema) maps the same terms back.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import shapely
import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCT, FOAF, LOCN, RDF, RDFS, SKOS
from ckanext.dcat.profiles.base import GSP, RDFProfile
from ckanext.dcat.utils import catalog_uri
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from shapely.geometry import shape

from ckanext.pm25.geo import provinces
from ckanext.pm25.common.stored import stored_list

FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
THAILAND = URIRef(COUNTRY + "THA")
ENVIRONMENT = URIRef(DATA_THEME + "ENVI")

# A resource's `format` (upper-cased) → the EU file-type vocabulary's code.
FILE_TYPE_BY_FORMAT: dict[str, str] = {
    "CSV": "CSV", "JSON": "JSON", "GEOJSON": "GEOJSON", "XML": "XML", "XLS": "XLS", "XLSX": "XLSX",
    "PDF": "PDF", "HTML": "HTML", "TXT": "TXT", "TEXT": "TXT", "RDF": "RDF", "RDF/XML": "RDF_XML",
    "TTL": "RDF_TURTLE", "TURTLE": "RDF_TURTLE", "JSON-LD": "JSON_LD", "JSONLD": "JSON_LD",
    "ZIP": "ZIP", "SHP": "SHP", "SHAPEFILE": "SHP", "GEOTIFF": "GEOTIFF", "TIFF": "TIFF",
    "GML": "GML", "KML": "KML", "KMZ": "KMZ", "ODS": "ODS", "PARQUET": "PARQUET", "NETCDF": "NETCDF",
    "API": "REST", "REST": "REST", "WMS": "WMS_SRVC", "WFS": "WFS_SRVC",
}
FORMAT_BY_FILE_TYPE: dict[str, str] = {code: name for name, code in reversed(FILE_TYPE_BY_FORMAT.items())}
# The locale codes CKAN uses → the EU language vocabulary.
LANGUAGE_BY_LOCALE: dict[str, str] = {"th": "THA", "en": "ENG", "zh": "ZHO", "ms": "MSA", "my": "MYA",
                                      "lo": "LAO", "km": "KHM", "ja": "JPN", "ko": "KOR"}
# GD-Catalog's data categories (`data_category`, stored Thai values) → their English labels.
DATA_CATEGORY_LABELS: dict[str, str] = {
    "ข้อมูลสาธารณะ": "Public data", "ข้อมูลส่วนบุคคล": "Personal data",
    "ข้อมูลความมั่นคง": "Security data", "ข้อมูลความลับทางราชการ": "Official secret",
}
THAI_LETTERS = re.compile("[\u0e00-\u0e7f]")
CATALOG_DESCRIPTION = (
    Literal("แคตตาล็อกข้อมูลเปิดฝุ่นละอองขนาดเล็ก PM2.5 ของประเทศไทย: สถานีตรวจวัด ข้อมูลรายชั่วโมง"
            " และข้อมูลจากหน่วยงาน", lang="th"),
    Literal("Thailand's open-data catalogue of fine dust (PM2.5): monitoring stations, hourly"
            " readings and agencies' datasets", lang="en"),
)

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


def text_language(text: str) -> str:
    """The language tag of a title or description: "th" when it has a Thai letter, else "en"
    (the portal's two languages; a Thai title often carries Latin words such as PM2.5)."""
    return "th" if THAI_LETTERS.search(text) else "en"


def file_type_uri(resource_format: str | None) -> URIRef | None:
    """A resource's format as the EU file-type IRI (None for a format that vocabulary lacks here)."""
    code = FILE_TYPE_BY_FORMAT.get((resource_format or "").strip().upper())
    return URIRef(FILE_TYPE + code) if code else None


def data_category_uri(site_url: str, category: str) -> URIRef:
    """The GD-Catalog data category as a concept: the portal's search page of that category."""
    return URIRef(f"{site_url.rstrip('/')}/dataset/?data_category={quote(category)}")


class Pm25DCATProfile(RDFProfile):
    """The PM2.5/GD-Catalog additions to DCAT-AP (see the module docstring)."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        self._frequency(dataset_dict, dataset_ref)
        self._spatial_details(dataset_dict, dataset_ref)
        self._dataset_license(dataset_dict, dataset_ref)
        self._languages(dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        self._formats(dataset_ref)
        self._typed_geometries(dataset_ref)
        self._language_tags([dataset_ref, *self._distributions(dataset_ref)])

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: Node) -> None:
        """What DCAT-AP 3 requires of the catalogue and the base profile leaves out or mistypes."""
        site_url = str(tk.config.get("ckan.site_url") or catalog_uri())
        self._language_tags([catalog_ref])
        if (catalog_ref, DCT.description, None) not in self.g:
            configured = (tk.config.get("ckanext.pm25.dcat.catalog_description")
                          or tk.config.get("ckan.site_description"))
            for description in ([Literal(configured, lang=text_language(configured))] if configured
                                else CATALOG_DESCRIPTION):
                self.g.add((catalog_ref, DCT.description, description))
        if (catalog_ref, DCT.publisher, None) not in self.g:
            name = (tk.config.get("ckanext.pm25.dcat.publisher_name")
                    or tk.config.get("ckan.site_title") or "PM2.5")
            # Not the site URL itself: that is the catalogue's own IRI.
            publisher = URIRef(tk.config.get("ckanext.pm25.dcat.publisher_url")
                               or f"{site_url.rstrip('/')}/about#publisher")
            self.g.add((publisher, RDF.type, FOAF.Agent))
            self.g.add((publisher, FOAF.name, Literal(name, lang=text_language(name))))
            self.g.add((catalog_ref, DCT.publisher, publisher))
        locales = [str(tk.config.get("ckan.locale_default") or "th"),
                   *(tk.config.get("ckan.locales_offered") or [])]
        for language in list(self.g.objects(catalog_ref, DCT.language)):
            if isinstance(language, Literal):
                self.g.remove((catalog_ref, DCT.language, language))
        for locale in dict.fromkeys(locales):
            code = LANGUAGE_BY_LOCALE.get(locale.split("_")[0])
            if code:
                self._add_language(catalog_ref, URIRef(LANGUAGE + code))

    def _add_language(self, subject: Node, language: URIRef) -> None:
        self.g.add((language, RDF.type, DCT.LinguisticSystem))
        self.g.add((subject, DCT.language, language))

    def _themes(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        self._add_concept(dataset_ref, ENVIRONMENT, URIRef(DATA_THEME.rstrip("/")),
                          (Literal("สิ่งแวดล้อม", lang="th"), Literal("Environment", lang="en")))
        category = self._get_dataset_value(dataset_dict, "data_category")
        if category in DATA_CATEGORY_LABELS:
            site_url = str(tk.config.get("ckan.site_url") or catalog_uri())
            self._add_concept(dataset_ref, data_category_uri(site_url, category),
                              URIRef(f"{site_url.rstrip('/')}/dataset/?data_category"),
                              (Literal(category, lang="th"), Literal(DATA_CATEGORY_LABELS[category], lang="en")))

    def _add_concept(self, dataset_ref: Node, concept: URIRef, scheme: URIRef,
                     labels: tuple[Literal, ...]) -> None:
        self.g.add((concept, RDF.type, SKOS.Concept))
        self.g.add((concept, SKOS.inScheme, scheme))
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for label in labels:
            self.g.add((concept, SKOS.prefLabel, label))
        self.g.add((dataset_ref, DCAT.theme, concept))

    def _formats(self, dataset_ref: Node) -> None:
        """dct:format as an IRI of the EU file-type vocabulary (DCAT-AP 3: a dct:MediaTypeOrExtent);
        a format that vocabulary lacks here becomes a described node of that class."""
        for distribution in self._distributions(dataset_ref):
            for value in list(self.g.objects(distribution, DCT["format"])):
                if not isinstance(value, Literal):
                    continue
                self.g.remove((distribution, DCT["format"], value))
                uri = file_type_uri(str(value))
                node: Node = uri if uri is not None else BNode()
                if uri is None:
                    self.g.add((node, RDFS.label, value))
                self.g.add((node, RDF.type, DCT.MediaTypeOrExtent))
                self.g.add((distribution, DCT["format"], node))

    def _typed_geometries(self, dataset_ref: Node) -> None:
        """Every geometry literal typed (gsp:wktLiteral, or GeoJSON's media type as the base
        profile writes it): an untyped WKT literal is no geometry to DCAT-AP 3."""
        for location in list(self.g.objects(dataset_ref, DCT.spatial)):
            for predicate in (LOCN.geometry, DCAT.bbox, DCAT.centroid):
                for value in list(self.g.objects(location, predicate)):
                    if isinstance(value, Literal) and value.datatype is None:
                        self.g.remove((location, predicate, value))
                        self.g.add((location, predicate, Literal(str(value), datatype=GSP.wktLiteral)))

    def _language_tags(self, subjects: list[Node]) -> None:
        """Titles and descriptions tagged with their language ("th" or "en")."""
        for subject in subjects:
            for predicate in (DCT.title, DCT.description):
                for value in list(self.g.objects(subject, predicate)):
                    if isinstance(value, Literal) and not value.language and value.datatype is None:
                        self.g.remove((subject, predicate, value))
                        self.g.add((subject, predicate, Literal(str(value), lang=text_language(str(value)))))

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
            self.g.add((ref, DCT.isPartOf, THAILAND))
        if (dataset_ref, DCT.spatial, THAILAND) not in self.g and stored_list(
                self._get_dataset_value(dataset_dict, "provinces")):
            self.g.add((THAILAND, RDF.type, DCT.Location))
            self.g.add((dataset_ref, DCT.spatial, THAILAND))

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
                self._add_language(dataset_ref, URIRef(LANGUAGE + code))

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        """DCAT harvested into this schema: frequency, languages, provinces and the resources'
        file types (EU file-type IRIs) back to our fields."""
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
        for resource in dataset_dict.get("resources", []):
            resource_format = str(resource.get("format") or "")
            if resource_format.startswith(FILE_TYPE):
                code = resource_format[len(FILE_TYPE):]
                resource["format"] = FORMAT_BY_FILE_TYPE.get(code, code)
        return dataset_dict
