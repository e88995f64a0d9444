"""Writes the Solr schema for CKAN: the installed CKAN's schema.xml with what ckanext-spatial
(solr-spatial-field backend, JTS) and ckanext-pm25 need added.

Usage: python make_schema.py CKAN_SCHEMA_XML OUTPUT_XML
"""
from __future__ import annotations

import sys
from pathlib import Path

# Thai has no spaces between words: the dictionary-based Thai tokenizer shipped with Lucene
# splits a Thai phrase into words, and treats other scripts like a word tokenizer would.
WHITESPACE_TOKENIZER = '<tokenizer class="solr.WhitespaceTokenizerFactory"/>'
THAI_TOKENIZER = '<tokenizer class="solr.ThaiTokenizerFactory"/>'

FIELD_TYPES = """
    <!-- ckanext-spatial, solr-spatial-field backend: true geometry intersection with JTS -->
    <fieldType name="location_rpt" class="solr.SpatialRecursivePrefixTreeFieldType"
               spatialContextFactory="JTS" autoIndex="true" validationRule="repairBuffer0"
               distErrPct="0.025" maxDistErr="0.00001" distanceUnits="degrees"/>
"""

FIELDS = """
    <!-- ckanext-spatial -->
    <field name="spatial_geom" type="location_rpt" indexed="true" stored="false" multiValued="true"/>
    <field name="minx" type="float" indexed="true" stored="true"/>
    <field name="maxx" type="float" indexed="true" stored="true"/>
    <field name="miny" type="float" indexed="true" stored="true"/>
    <field name="maxy" type="float" indexed="true" stored="true"/>
    <field name="bbox_area" type="float" indexed="true" stored="true"/>
    <!-- ckanext-pm25: multi-valued facets and filters -->
    <field name="provinces" type="string" indexed="true" stored="true" multiValued="true"/>
    <field name="region" type="string" indexed="true" stored="true" multiValued="true"/>
    <!-- provinces the dataset geometry intersects, computed at index time (ext_province) -->
    <field name="provinces_geometry" type="string" indexed="true" stored="true" multiValued="true"/>
    <field name="pollutants" type="string" indexed="true" stored="true" multiValued="true"/>
    <field name="measurement_type" type="string" indexed="true" stored="true" multiValued="false"/>
    <field name="data_type" type="string" indexed="true" stored="true" multiValued="false"/>
    <field name="data_category" type="string" indexed="true" stored="true" multiValued="false"/>
"""


def build_schema(ckan_schema: str) -> str:
    schema = ckan_schema.replace(WHITESPACE_TOKENIZER, THAI_TOKENIZER, 2)
    schema = _insert_before(schema, "</types>", FIELD_TYPES)
    return _insert_before(schema, "</fields>", FIELDS)


def _insert_before(text: str, marker: str, addition: str) -> str:
    if marker not in text:
        raise SystemExit(f"CKAN's schema.xml has no {marker}: unsupported schema layout")
    return text.replace(marker, addition + marker, 1)


def main(argv: list[str]) -> None:
    source, target = Path(argv[1]), Path(argv[2])
    target.write_text(build_schema(source.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
