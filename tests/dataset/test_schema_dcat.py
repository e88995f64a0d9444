"""DCAT export (ckanext-dcat with the euro_dcat_ap_3 and pm25 profiles): the dataset as RDF/XML and
JSON-LD and the catalogue endpoint carry the spatial, temporal, frequency, publisher and licence
fields, read back with rdflib."""
from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS
from shapely import wkt
from shapely.geometry import Point

from tests.factories import point
from tests.dataset.api import create

LOCN = Namespace("http://www.w3.org/ns/locn#")
SCHEMA = Namespace("http://schema.org/")
HOURLY = URIRef("http://publications.europa.eu/resource/authority/frequency/HOURLY")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture(scope="module")
def dataset(agency: dict[str, Any]) -> dict[str, Any]:
    return create(agency["editor"], agency["organization"]["id"], name="pm25-lampang-hourly",
                  title="ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง", spatial=point(99.5, 18.29),
                  temporal_start="2024-01-01", temporal_end="2024-12-31", update_frequency_unit="ชั่วโมง",
                  license_id="Creative Commons Attributions", data_language=["ไทย", "อังกฤษ"],
                  resources=[{"url": "https://air4thai.pcd.go.th/lampang.csv", "name": "ค่าตรวจวัด", "format": "CSV"}])


def _graph(app: Any, path: str, rdf_format: str) -> Graph:
    response = app.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return Graph().parse(data=response.get_data(as_text=True), format=rdf_format)


def _dataset_ref(graph: Graph) -> URIRef:
    (ref,) = graph.subjects(RDF.type, DCAT.Dataset)
    return ref


def _dates(graph: Graph, period: Any) -> set[str]:
    predicates = (DCAT.startDate, DCAT.endDate, SCHEMA.startDate, SCHEMA.endDate)
    return {str(value)[:10] for predicate in predicates for value in graph.objects(period, predicate)}


@pytest.mark.parametrize("suffix, rdf_format", [(".rdf", "xml"), (".jsonld", "json-ld"), (".ttl", "turtle")])
def test_the_dataset_maps_spatial_temporal_frequency_publisher_and_licence(
        app: Any, agency: dict[str, Any], dataset: dict[str, Any], suffix: str, rdf_format: str) -> None:
    graph = _graph(app, f"/dataset/{dataset['name']}{suffix}", rdf_format)
    ref = _dataset_ref(graph)

    assert graph.value(ref, DCTERMS.title) == Literal("ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง", lang="th")
    assert graph.value(ref, DCTERMS.accrualPeriodicity) == HOURLY
    (period,) = graph.objects(ref, DCTERMS.temporal)
    assert _dates(graph, period) == {"2024-01-01", "2024-12-31"}

    locations = set(graph.objects(ref, DCTERMS.spatial))
    geometries = [wkt.loads(str(value)) for location in locations for value in graph.objects(location, LOCN.geometry)]
    assert geometries == [Point(99.5, 18.29)]  # WKT, DCAT-AP's recommended encoding
    provinces = [location for location in locations if graph.value(location, DCTERMS.identifier) == Literal("TH-52")]
    assert len(provinces) == 1
    assert set(graph.objects(provinces[0], SKOS.prefLabel)) == {Literal("ลำปาง", lang="th"),
                                                                 Literal("Lampang", lang="en")}

    publisher = graph.value(ref, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal(agency["organization"]["title"])

    assert graph.value(ref, DCTERMS.license) == CC_BY
    (distribution,) = graph.objects(ref, DCAT.distribution)
    assert graph.value(distribution, DCTERMS.license) == CC_BY
    assert set(graph.objects(ref, DCTERMS.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/THA"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}


def test_the_location_gets_a_bounding_box_and_a_centroid(app: Any, dataset: dict[str, Any]) -> None:
    graph = _graph(app, f"/dataset/{dataset['name']}.ttl", "turtle")
    ref = _dataset_ref(graph)

    (location,) = [loc for loc in graph.objects(ref, DCTERMS.spatial) if (loc, LOCN.geometry, None) in graph]
    centroids = [wkt.loads(str(value)) for value in graph.objects(location, DCAT.centroid)]
    assert centroids == [Point(99.5, 18.29)]
    assert (location, DCAT.bbox, None) in graph


def test_the_catalogue_endpoint_lists_the_dataset_with_its_frequency(app: Any, dataset: dict[str, Any]) -> None:
    graph = _graph(app, "/catalog.ttl", "turtle")

    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    refs = {ref for ref in graph.objects(catalog, DCAT.dataset)
            if graph.value(ref, DCTERMS.identifier) == Literal(dataset["id"])}
    assert len(refs) == 1
    assert graph.value(refs.pop(), DCTERMS.accrualPeriodicity) == HOURLY


@pytest.mark.parametrize("unit, interval, expected", [
    ("ปี", None, "ANNUAL"), ("ครึ่งปี", None, "ANNUAL_2"), ("วัน", "2", "DAILY_2"),
    ("ตามเวลาจริง", None, "UPDATE_CONT"), ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None, "NEVER"),
])
def test_each_update_frequency_maps_to_the_eu_vocabulary(unit: str, interval: str | None, expected: str) -> None:
    from ckanext.pm25.dataset.dcat import frequency_uri

    assert frequency_uri(unit, interval) == URIRef(
        f"http://publications.europa.eu/resource/authority/frequency/{expected}")


def test_parsing_dcat_fills_the_schema_fields(app: Any, dataset: dict[str, Any]) -> None:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["euro_dcat_ap_3", "pm25"])
    parser.parse(app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True), _format="turtle")

    (parsed,) = list(parser.datasets())
    assert parsed["update_frequency_unit"] == "ชั่วโมง"
    assert sorted(parsed["data_language"]) == sorted(["ไทย", "อังกฤษ"])
    assert parsed["provinces"] == ["TH-52"]
    assert [resource["format"] for resource in parsed["resources"]] == ["CSV"]


@pytest.mark.parametrize("text, tag", [
    ("ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 จังหวัดลำปาง", "th"), ("PM2.5 over Lampang", "en"), ("PM2.5", "en"),
])
def test_a_title_is_tagged_by_its_script(text: str, tag: str) -> None:
    from ckanext.pm25.dataset.dcat import text_language

    assert text_language(text) == tag


@pytest.mark.parametrize("resource_format, code", [
    ("CSV", "CSV"), ("csv", "CSV"), (" GeoJSON ", "GEOJSON"), ("Shapefile", "SHP"), ("API", "REST"),
])
def test_a_resource_format_maps_to_the_eu_file_type(resource_format: str, code: str) -> None:
    from ckanext.pm25.dataset.dcat import file_type_uri

    assert file_type_uri(resource_format) == URIRef(
        f"http://publications.europa.eu/resource/authority/file-type/{code}")
    assert file_type_uri("some-format") is None
