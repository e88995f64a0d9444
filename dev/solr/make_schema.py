"""Writes the Solr schema for CKAN: the installed CKAN's schema.xml with what ckanext-spatial
(solr-spatial-field backend, JTS) and ckanext-pm25 need added, and beside it the Thai stop words
its text fields' query analyzer reads (``stopwords_th.txt``).

Usage: python make_schema.py CKAN_SCHEMA_XML OUTPUT_XML
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

STOP_WORDS_MODULE = Path(__file__).resolve().parents[2] / "ckanext" / "pm25" / "dataset" / "stop_words.py"
STOP_WORDS_FILE = "stopwords_th.txt"

# Thai has no spaces between words: the dictionary-based Thai tokenizer shipped with Lucene
# splits a Thai phrase into words, and treats other scripts like a word tokenizer would.
WHITESPACE_TOKENIZER = '<tokenizer class="solr.WhitespaceTokenizerFactory"/>'
THAI_TOKENIZER = '<tokenizer class="solr.ThaiTokenizerFactory"/>'
# Query side only: the index keeps every word, so a query of stop words alone still finds them
# (edismax searches again without the filter) and changing the list needs no reindex.
QUERY_ANALYZER = '<analyzer type="query">'
THAI_STOP_FILTER = f'<filter class="solr.StopFilterFactory" words="{STOP_WORDS_FILE}" ignoreCase="true"/>'

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
    schema = _stop_thai_words_in_queries(schema)
    schema = _insert_before(schema, "</types>", FIELD_TYPES)
    return _insert_before(schema, "</fields>", FIELDS)


def _stop_thai_words_in_queries(schema: str) -> str:
    """The stop filter right after the Thai tokenizer of the ``text`` type's query analyzer
    (``text`` itself, ``title``, ``notes``: the fields CKAN's ``qf`` searches as text)."""
    text_type = schema.find('<fieldType name="text" ')
    query = schema.find(QUERY_ANALYZER, text_type)
    tokenizer = schema.find(THAI_TOKENIZER, query)
    if min(text_type, query, tokenizer) < 0 or tokenizer > schema.find("</fieldType>", text_type):
        raise SystemExit("CKAN's schema.xml has no query analyzer on the text type: unsupported schema layout")
    at = tokenizer + len(THAI_TOKENIZER)
    return f"{schema[:at]}\n            {THAI_STOP_FILTER}{schema[at:]}"


def stop_words_module() -> ModuleType:
    """ckanext/pm25/dataset/stop_words.py (pure), loaded by its path: this script runs from the
    checkout, with or without the plugin installed."""
    spec = importlib.util.spec_from_file_location("pm25_stop_words", STOP_WORDS_MODULE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _insert_before(text: str, marker: str, addition: str) -> str:
    if marker not in text:
        raise SystemExit(f"CKAN's schema.xml has no {marker}: unsupported schema layout")
    return text.replace(marker, addition + marker, 1)


def main(argv: list[str]) -> None:
    source, target = Path(argv[1]), Path(argv[2])
    target.write_text(build_schema(source.read_text(encoding="utf-8")), encoding="utf-8")
    stop_words = stop_words_module()
    target.with_name(STOP_WORDS_FILE).write_text(
        stop_words.solr_stop_words_file(stop_words.THAI_STOP_WORDS), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
