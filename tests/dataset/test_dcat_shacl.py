"""DCAT-AP 3 (issue 14): the catalogue and every dataset, as the portal serves them (`/catalog.ttl`,
`/catalog.jsonld`, `/dataset/<name>.rdf` and `.ttl`), validated with pyshacl against DCAT-AP 3
rules: no violation. A small catalogue, built once for the module: a station with a point in
Lampang, a dataset whose polygon covers two provinces, and a dataset without a location.

The shapes are `tests/dataset/shacl/dcat-ap-3-rules.ttl`, written for this project from the DCAT-AP
3.0 specification: the shapes ckanext-dcat keeps for its own tests (ckanext/dcat/tests/shacl/) are
not in its sdist or wheel, so no install step can get them from PyPI."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ckan.lib.app_globals import _CONFIG_CACHE
from ckan.tests import helpers
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS
from shapely import wkt
from shapely.geometry import Point

from tests.dataset.api import create
from tests.factories import point

SHAPES = Graph().parse(Path(__file__).parent / "shacl" / "dcat-ap-3-rules.ttl", format="turtle")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ENVIRONMENT = URIRef("http://publications.europa.eu/resource/authority/data-theme/ENVI")
THAILAND = URIRef("http://publications.europa.eu/resource/authority/country/THA")
CSV = URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")

# Across the border of Lamphun (TH-51, about two thirds) and Lampang (TH-52).
TWO_PROVINCES = ('{"type": "Polygon", "coordinates": [[[99.0, 18.3], [99.3, 18.3], [99.3, 18.5], '
                 '[99.0, 18.5], [99.0, 18.3]]]}')


@pytest.fixture(scope="module")
def catalogue(agency: dict[str, Any]) -> dict[str, dict[str, Any]]:
    editor, org = agency["editor"], agency["organization"]["id"]
    resource = {"url": "https://air4thai.pcd.go.th/lampang.csv", "name": "ค่าตรวจวัด", "format": "CSV"}
    return {
        "station": create(editor, org, name="dcat-station-lampang",
                          title="ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 สถานีลำปาง", spatial=point(99.5, 18.29),
                          temporal_start="2024-01-01", temporal_end="2024-12-31",
                          data_language=["ไทย", "อังกฤษ"], resources=[resource]),
        "area": create(editor, org, name="dcat-area-lampang-lamphun",
                       title="PM2.5 over Lampang and Lamphun", spatial=TWO_PROVINCES,
                       resources=[{**resource, "format": "GeoJSON"}]),
        "plain": create(editor, org, name="dcat-plain", title="สรุปค่าฝุ่นรายปี",
                        resources=[{**resource, "format": "some-format"}]),
    }


@pytest.fixture(scope="module")
def pages(catalogue: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every page of the module, served by the portal once (one app: CKAN's `app` fixture makes
    a new one per test, seconds each, and the catalogue does not change while the module runs)."""
    _CONFIG_CACHE.clear()
    app = helpers._get_test_app()
    paths = ["/catalog.ttl", "/catalog.jsonld",
             *(f"/dataset/{dataset['name']}{suffix}" for dataset in catalogue.values() for suffix in (".rdf", ".ttl"))]
    served = {}
    for path in paths:
        response = app.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        served[path] = response.get_data(as_text=True)
    return served


def _graph(pages: dict[str, str], path: str, rdf_format: str) -> Graph:
    return Graph().parse(data=pages[path], format=rdf_format)


def _violations(graph: Graph) -> tuple[bool, str]:
    conforms, _, text = validate(graph, shacl_graph=SHAPES)
    return bool(conforms), str(text)


def _dataset(graph: Graph, dataset: dict[str, Any]) -> URIRef:
    (ref,) = [ref for ref in graph.subjects(RDF.type, DCAT.Dataset)
              if graph.value(ref, DCTERMS.identifier) == Literal(dataset["id"])]
    return ref


@pytest.mark.parametrize("path, rdf_format", [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld")])
def test_the_catalogue_has_no_violation(catalogue: dict[str, Any], pages: dict[str, str],
                                        path: str, rdf_format: str) -> None:
    graph = _graph(pages, path, rdf_format)
    conforms, text = _violations(graph)
    assert conforms, text
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert len(set(graph.objects(catalog, DCAT.dataset))) == 3
    assert (catalog, DCTERMS.language,
            URIRef("http://publications.europa.eu/resource/authority/language/THA")) in graph
    assert {value.language for value in graph.objects(catalog, DCTERMS.description)} >= {"th"}
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert publisher != catalog
    assert graph.value(publisher, FOAF.name) == Literal("PM2.5 Thailand (test)", lang="en")  # the site title


@pytest.mark.parametrize("name", ["station", "area", "plain"])
@pytest.mark.parametrize("suffix, rdf_format", [(".rdf", "xml"), (".ttl", "turtle")])
def test_each_dataset_has_no_violation(catalogue: dict[str, Any], pages: dict[str, str],
                                       name: str, suffix: str, rdf_format: str) -> None:
    conforms, text = _violations(_graph(pages, f"/dataset/{catalogue[name]['name']}{suffix}", rdf_format))
    assert conforms, text


def test_the_rules_catch_what_the_base_profile_wrote_before(
        catalogue: dict[str, Any], pages: dict[str, str]) -> None:
    """The shapes see the faults issue 14 found (a literal format, an untyped geometry, a
    language without its class), so the tests above can fail."""
    graph = _graph(pages, f"/dataset/{catalogue['station']['name']}.ttl", "turtle")
    ref = _dataset(graph, catalogue["station"])
    (distribution,) = graph.objects(ref, DCAT.distribution)
    graph.set((distribution, DCTERMS["format"], Literal("CSV")))
    graph.remove((URIRef("http://publications.europa.eu/resource/authority/language/THA"), RDF.type, None))
    location = next(loc for loc in graph.objects(ref, DCTERMS.spatial) if (loc, LOCN.geometry, None) in graph)
    graph.set((location, LOCN.geometry, Literal("POINT (99.5 18.29)")))

    assert _failed_rules(graph) == {"Distribution.format", "Dataset.language", "Location.geometry"}


def _failed_rules(graph: Graph) -> set[str]:
    _, results, _ = validate(graph, shacl_graph=SHAPES)
    return {str(SHAPES.value(shape, SH.name)) for shape in results.objects(None, SH.sourceShape)}


def test_a_station_carries_its_theme_geometry_province_and_tagged_titles(
        catalogue: dict[str, Any], pages: dict[str, str]) -> None:
    graph = _graph(pages, "/catalog.ttl", "turtle")
    ref = _dataset(graph, catalogue["station"])

    assert ENVIRONMENT in set(graph.objects(ref, DCAT.theme))
    assert Literal("Environment", lang="en") in set(graph.objects(ENVIRONMENT, SKOS.prefLabel))
    categories = [theme for theme in graph.objects(ref, DCAT.theme) if theme != ENVIRONMENT]
    assert [set(graph.objects(theme, SKOS.prefLabel)) for theme in categories] == [
        {Literal("ข้อมูลสาธารณะ", lang="th"), Literal("Public data", lang="en")}]

    locations = set(graph.objects(ref, DCTERMS.spatial))
    geometries = [value for location in locations for value in graph.objects(location, LOCN.geometry)]
    assert [value.datatype for value in geometries] == [GSP.wktLiteral]
    assert wkt.loads(str(geometries[0])) == Point(99.5, 18.29)
    (province,) = [loc for loc in locations if graph.value(loc, DCTERMS.identifier) == Literal("TH-52")]
    assert str(province).endswith("/province/TH-52")
    assert graph.value(province, DCTERMS.isPartOf) == THAILAND
    assert THAILAND in locations

    assert graph.value(ref, DCTERMS.title) == Literal("ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 สถานีลำปาง", lang="th")
    (distribution,) = graph.objects(ref, DCAT.distribution)
    assert graph.value(distribution, DCTERMS["format"]) == CSV


def test_a_polygon_over_two_provinces_names_both_and_an_english_title_is_tagged_en(
        catalogue: dict[str, Any], pages: dict[str, str]) -> None:
    graph = _graph(pages, "/catalog.ttl", "turtle")
    ref = _dataset(graph, catalogue["area"])

    codes = {str(graph.value(loc, DCTERMS.identifier)) for loc in graph.objects(ref, DCTERMS.spatial)
             if graph.value(loc, DCTERMS.identifier) is not None}
    assert codes == {"TH-51", "TH-52"}
    assert graph.value(ref, DCTERMS.title) == Literal("PM2.5 over Lampang and Lamphun", lang="en")


def test_a_dataset_without_location_has_no_spatial(
        catalogue: dict[str, Any], pages: dict[str, str]) -> None:
    graph = _graph(pages, "/catalog.ttl", "turtle")
    ref = _dataset(graph, catalogue["plain"])

    assert list(graph.objects(ref, DCTERMS.spatial)) == []
    assert ENVIRONMENT in set(graph.objects(ref, DCAT.theme))


def test_a_stock_dcat_ap_3_reader_gets_every_dataset_with_its_metadata(
        catalogue: dict[str, Any], pages: dict[str, str]) -> None:
    """What ckanext-dcat's `dcat_rdf_harvester` makes of `/catalog.ttl` with its stock profile
    (euro_dcat_ap_3, no pm25 profile): the parsing step only, not a second CKAN."""
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(pages["/catalog.ttl"], _format="turtle")
    parsed = {dataset["title"]: dataset for dataset in parser.datasets()}

    assert set(parsed) == {dataset["title"] for dataset in catalogue.values()}
    station = parsed["ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 สถานีลำปาง"]
    # With a scheming schema loaded, values of fields it knows (ours: spatial, temporal_*) are
    # set on the dataset itself, the rest are extras.
    fields = {**{extra["key"]: extra["value"] for extra in station.get("extras", [])}, **station}
    assert fields["notes"] == catalogue["station"]["notes"]
    assert fields["publisher_name"] == "กรมควบคุมมลพิษ"
    assert fields["license_id"] == "Creative Commons Attributions"
    assert json.loads(fields["spatial"]) == {"type": "Point", "coordinates": [99.5, 18.29]}
    assert (fields["temporal_start"][:10], fields["temporal_end"][:10]) == ("2024-01-01", "2024-12-31")
    # the agency's tags and its province's names (issue 14: GD-Catalog's place for them)
    assert {tag["name"] for tag in station["tags"]} == {"PM2.5", "ฝุ่นละออง", "ลำปาง", "Lampang"}
    assert [(resource["url"], resource["format"]) for resource in station["resources"]] == [
        ("https://air4thai.pcd.go.th/lampang.csv", "http://publications.europa.eu/resource/authority/file-type/CSV")]
