"""The national catalogue receives everything (issue 14): a second CKAN harvests the served portal
and what arrives is compared, field by field, with what the portal publishes.

1. GD-Catalog's way: CKAN with ckanext-harvest's ``ckan`` harvester and ckanext-scheming with the
   GD-Catalog dataset schema (tests/dataset/national/gd_catalog_schema.yaml, after
   ../shared/reference/gd-catalog.md), tags relaxed to Thai letters as ckanext-thai_gdc does.
2. DCAT's way: stock ckanext-dcat's ``dcat_rdf_harvester`` reading ``/catalog.ttl``, on CKAN's
   stock dataset schema.

The portal holds three datasets of the kinds agencies publish: a station in Chiang Mai (a point),
a model over Lamphun and Lampang (a polygon), and one made in the dataset form (geospatial, its
provinces chosen, GD-Catalog's optional fields filled). Each second CKAN runs once for the module
(its database cleaned and its index documents removed afterwards)."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
import yaml

from tests.dataset.api import act, create
from tests.dataset.fixtures import PASSWORD
from tests.dataset.national.national_ckan import GD_CATALOG_LICENSES, GD_CATALOG_SCHEMA, action, national_ckan
from tests.factories import point

_SCHEMA = yaml.safe_load(GD_CATALOG_SCHEMA.read_text())
GD_FIELDS = [field["field_name"] for field in _SCHEMA["dataset_fields"]]
GD_REQUIRED = [field["field_name"] for field in _SCHEMA["dataset_fields"] if field.get("required")]
GD_RESOURCE_FIELDS = [field["field_name"] for field in _SCHEMA["resource_fields"]]
BOUNDS = ("west_bound_longitude", "east_bound_longitude", "north_bound_longitude", "south_bound_longitude")
# Compared apart: the organisation by name and title (ids are the national catalogue's own),
# tags as the set of names.
COMPARED_APART = {"owner_org", "tag_string"}

# Across the border of Lamphun (TH-51) and Lampang (TH-52).
TWO_PROVINCES = ('{"type": "Polygon", "coordinates": [[[99.0, 18.3], [99.3, 18.3], [99.3, 18.5], '
                 '[99.0, 18.5], [99.0, 18.3]]]}')
PROVINCE_TAGS = {"station": {"เชียงใหม่", "Chiang Mai"}, "model": {"ลำพูน", "Lamphun", "ลำปาง", "Lampang"},
                 "form": {"กรุงเทพมหานคร", "Bangkok"}}
GEO_COVERAGE = {"station": "พิกัด", "model": "จังหวัด", "form": "จังหวัด"}
FORM_OPTIONAL = ("update_frequency_interval", "accessible_condition", "url", "data_language", "last_updated_date",
                 "high_value_dataset", "reference_data", "geographic_data_set", "equivalent_scale",
                 "positional_accuracy", "reference_period", "data_release_date")
_TOKEN = re.compile(r'name="_csrf_token"[^>]*value="([^"]+)"')


def _form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=60)
    found = _TOKEN.search(page.text)
    assert page.status_code == 200 and found, url
    return found.group(1)


def _made_in_the_form(portal: str, editor: dict[str, Any], org: dict[str, Any]) -> str:
    """A geospatial dataset as an agency editor makes it in the portal's form (the two stages:
    the metadata, then a link resource); its name."""
    name = "national-form-bangkok"
    with requests.Session() as session:
        session.post(f"{portal}/en/user/login", timeout=60, data={
            "login": editor["name"], "password": PASSWORD,
            "_csrf_token": _form_token(session, f"{portal}/en/user/login")})
        fields = [
            ("data_type", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"), ("title", "ค่าฝุ่น PM2.5 รายเขต กรุงเทพมหานคร"),
            ("name", name), ("owner_org", org["id"]), ("maintainer", "สำนักสิ่งแวดล้อม"),
            ("maintainer_email", "env@bangkok.go.th"), ("tag_string", "PM2.5,ฝุ่นละออง"),
            ("notes", "ค่าเฉลี่ยฝุ่นละอองขนาดเล็กรายชั่วโมง แยกตามเขต"),
            ("objective", "เพื่อการให้บริการประชาชน"), ("objective", "พันธกิจหน่วยงาน"),
            ("update_frequency_unit", "ชั่วโมง"), ("update_frequency_interval", "1"),
            ("data_source", "สำนักสิ่งแวดล้อม กรุงเทพมหานคร"), ("data_format", "CSV"), ("data_format", "JSON"),
            ("data_category", "ข้อมูลสาธารณะ"), ("license_id", "Open Data Common"),
            ("accessible_condition", "ใช้ได้โดยอ้างอิงแหล่งที่มา"), ("url", "https://www.bangkok.go.th/environment"),
            ("data_language", "ไทย"), ("data_language", "อังกฤษ"), ("last_updated_date", "2025-03-01"),
            ("high_value_dataset", "True"), ("reference_data", "False"),
            ("geographic_data_set", "ชั้นข้อมูลขอบเขตการปกครอง"), ("equivalent_scale", "1:50,000"),
            ("positional_accuracy", "10 เมตร"), ("reference_period", "2567"), ("data_release_date", "2025-01-15"),
            ("provinces", "TH-10"),
        ]
        first = session.post(f"{portal}/en/dataset/new", timeout=60, allow_redirects=False, data=[
            *fields, ("_ckan_phase", "dataset_new_1"), ("save", "go-resources"),
            ("_csrf_token", _form_token(session, f"{portal}/en/dataset/new"))])
        assert first.status_code in (302, 303), first.text[-3000:]
        resource_form = f"{portal}/en/dataset/{name}/resource/new"
        second = session.post(resource_form, timeout=60, allow_redirects=False, data=[
            ("id", ""), ("url", "https://data.bangkok.go.th/pm25-district.csv"), ("name", "ค่าฝุ่นรายเขต"),
            ("description", "รายชั่วโมง"), ("format", "CSV"), ("save", "go-metadata"),
            ("_csrf_token", _form_token(session, resource_form))])
        assert second.status_code in (302, 303), second.text[-3000:]
    return name


@pytest.fixture(scope="module")
def published(agency: dict[str, Any], portal: str) -> dict[str, dict[str, Any]]:
    """The portal's datasets as its API publishes them, by kind."""
    editor, org = agency["editor"], agency["organization"]
    resource = {"url": "https://air4thai.pcd.go.th/services/getNewAQI_JSON.php?stationID=35t",
                "name": "ค่าตรวจวัดรายชั่วโมง", "description": "ค่าฝุ่นรายชั่วโมง", "format": "CSV"}
    names = {
        "station": create(editor, org["id"], name="national-station-chiang-mai",
                          title="ข้อมูลฝุ่นละอองขนาดเล็ก PM2.5 สถานีเชียงใหม่", spatial=point(98.99, 18.79),
                          measurement_type="reference_station", station_type="GROUND", station_id="35t",
                          temporal_start="2024-01-01", temporal_end="2024-12-31",
                          data_language=["ไทย", "อังกฤษ"], resources=[resource])["name"],
        "model": create(editor, org["id"], name="national-model-lamphun-lampang",
                        title="PM2.5 model over Lamphun and Lampang", data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                        spatial=TWO_PROVINCES, measurement_type="satellite_model",
                        update_frequency_unit="วัน", data_format=["JSON"],
                        resources=[{**resource, "url": "https://pm25.gistda.or.th/rest/getPm25byProvince",
                                    "format": "JSON"}])["name"],
        "form": _made_in_the_form(portal, editor, org),
    }
    return {kind: act("package_show", editor, id=name) for kind, name in names.items()}


@pytest.fixture(scope="module")
def gd_catalog(published: dict[str, dict[str, Any]], portal: str,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a GD-Catalog CKAN holds after harvesting the portal with the ``ckan`` harvester:
    its search results and each dataset's package_show by name (None: not there), and the
    harvest job's report when one is missing. That CKAN is gone when the tests read it."""
    settings = {"scheming.dataset_schemas": GD_CATALOG_SCHEMA.as_uri(),
                "licenses_group_url": GD_CATALOG_LICENSES.as_uri(),
                "scheming.dataset_fallback": "false"}
    with national_ckan(tmp_path_factory.mktemp("gd-catalog"),
                       "scheming_datasets harvest ckan_harvester thai_tags", settings) as national:
        national.harvest("pm25-portal", portal, "ckan", {"remote_orgs": "create"})
        with national.served() as site:
            received = _received(site, [dataset["name"] for dataset in published.values()])
        report = national.job_report("pm25-portal") if None in received["shown"].values() else {}
    return {**received, "report": report}


def _received(site: str, names: list[str]) -> dict[str, Any]:
    """What anyone reads on the national catalogue: its search and each dataset's page."""
    found = action(site, "package_search", q="*:*", rows=100)
    return {"datasets": {dataset["name"]: dataset for dataset in found["results"]},
            "shown": {name: _shown(site, name) for name in names}}


def _shown(site: str, name: str) -> dict[str, Any] | None:
    try:
        return action(site, "package_show", id=name)
    except OSError:  # 404: it did not arrive
        return None


def _tags(dataset: dict[str, Any]) -> set[str]:
    return {tag["name"] for tag in dataset.get("tags", [])}


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Every GD-Catalog field, the organisation, tags and resources that did not arrive as sent."""
    differences = [f"{field}: {ours.get(field)!r} arrived as {theirs.get(field)!r}"
                   for field in GD_FIELDS
                   if field not in COMPARED_APART and (ours.get(field) or None) != (theirs.get(field) or None)]
    if _tags(ours) != _tags(theirs):
        differences.append(f"tags: {sorted(_tags(ours))} arrived as {sorted(_tags(theirs))}")
    ours_org, their_org = ours["organization"], theirs.get("organization") or {}
    if (ours_org["name"], ours_org["title"]) != (their_org.get("name"), their_org.get("title")):
        differences.append(f"organization: {ours_org['name']} arrived as {their_org.get('name')}")
    ours_resources, their_resources = ours["resources"], theirs.get("resources", [])
    if len(ours_resources) != len(their_resources):
        differences.append(f"resources: {len(ours_resources)} arrived as {len(their_resources)}")
    for ours_resource, their_resource in zip(ours_resources, their_resources, strict=False):
        differences += [f"resources.{field}: {ours_resource.get(field)!r} arrived as {their_resource.get(field)!r}"
                        for field in GD_RESOURCE_FIELDS
                        if (ours_resource.get(field) or None) != (their_resource.get(field) or None)]
    return differences


def test_every_dataset_arrives_in_the_gd_catalog(published: dict[str, dict[str, Any]],
                                                  gd_catalog: dict[str, Any]) -> None:
    missing = [dataset["name"] for dataset in published.values() if gd_catalog["shown"][dataset["name"]] is None]
    report = json.dumps(gd_catalog["report"], ensure_ascii=False)
    assert not missing, f"not harvested: {missing}; the job's report: {report}"
    assert set(gd_catalog["datasets"]) == {dataset["name"] for dataset in published.values()}


@pytest.mark.parametrize("kind", ["station", "model", "form"])
def test_every_gd_catalog_field_arrives_as_published(published: dict[str, dict[str, Any]],
                                                     gd_catalog: dict[str, Any], kind: str) -> None:
    ours = published[kind]
    theirs = gd_catalog["shown"][ours["name"]]
    assert theirs is not None, f"{ours['name']} was not harvested"
    # what is compared is there to compare: GD-Catalog's required fields, and the form's optional ones
    filled = [*GD_REQUIRED, *(FORM_OPTIONAL if kind == "form" else ()), *(BOUNDS if kind != "form" else ())]
    assert [field for field in filled if field != "tag_string" and not ours.get(field)] == []
    assert _differences(ours, theirs) == []


@pytest.mark.parametrize("kind", ["station", "model", "form"])
def test_the_location_arrives_in_gd_catalogs_own_fields(published: dict[str, dict[str, Any]],
                                                        gd_catalog: dict[str, Any], kind: str) -> None:
    theirs = gd_catalog["shown"][published[kind]["name"]] or {}
    assert theirs.get("geo_coverage") == GEO_COVERAGE[kind]
    assert PROVINCE_TAGS[kind] <= _tags(theirs)
    if kind == "station":
        assert [theirs.get(bound) for bound in BOUNDS] == ["98.99", "98.99", "18.79", "18.79"]
    if kind == "model":
        assert [theirs.get(bound) for bound in BOUNDS] == ["99.0", "99.3", "18.5", "18.3"]


def test_the_licence_organisation_and_resources_arrive(published: dict[str, dict[str, Any]],
                                                        gd_catalog: dict[str, Any]) -> None:
    arrived = {kind: gd_catalog["shown"][dataset["name"]] or {} for kind, dataset in published.items()}
    assert {kind: dataset.get("license_id") for kind, dataset in arrived.items()} == {
        "station": "Creative Commons Attributions", "model": "Creative Commons Attributions",
        "form": "Open Data Common"}
    assert {dataset.get("organization", {}).get("title") for dataset in arrived.values()} == {"กรมควบคุมมลพิษ"}
    assert [(resource["url"], resource["format"]) for resource in arrived["form"].get("resources", [])] == [
        ("https://data.bangkok.go.th/pm25-district.csv", "CSV")]


def test_fields_only_this_portal_knows_stay_behind(published: dict[str, dict[str, Any]],
                                                   gd_catalog: dict[str, Any]) -> None:
    """The GD-Catalog schema drops what it does not know: the location reaches it only through
    its own fields, which is why the portal fills them."""
    theirs = gd_catalog["shown"][published["station"]["name"]] or {}
    assert published["station"]["spatial"] and published["station"]["provinces"] == ["TH-50"]
    assert "spatial" not in theirs and "provinces" not in theirs


# --- DCAT: stock ckanext-dcat's RDF harvester reading /catalog.ttl --------------------------------

@pytest.fixture(scope="module")
def dcat_catalog(published: dict[str, dict[str, Any]], portal: str,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a stock CKAN (no scheming) holds after ckanext-dcat's ``dcat_rdf`` harvester read the
    portal's ``/catalog.ttl``: its search results by title. (It uses the database ``gd_catalog``
    used: each is made, read and cleaned within its fixture's setup, so they never overlap.)"""
    with national_ckan(tmp_path_factory.mktemp("dcat"), "dcat dcat_rdf_harvester harvest thai_tags",
                       {"licenses_group_url": GD_CATALOG_LICENSES.as_uri()}) as national:
        national.harvest("pm25-catalog", f"{portal}/catalog.ttl", "dcat_rdf", {"rdf_format": "text/turtle"})
        with national.served() as site:
            found = action(site, "package_search", q="*:*", rows=100)
        report = national.job_report("pm25-catalog") if found["count"] != len(published) else {}
    return {"datasets": {dataset["title"]: dataset for dataset in found["results"]}, "report": report}


def _extras(dataset: dict[str, Any]) -> dict[str, Any]:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras", [])}


def test_every_dataset_arrives_through_dcat(published: dict[str, dict[str, Any]],
                                            dcat_catalog: dict[str, Any]) -> None:
    assert set(dcat_catalog["datasets"]) == {dataset["title"] for dataset in published.values()}, \
        f"the job's report: {json.dumps(dcat_catalog['report'], ensure_ascii=False)}"


@pytest.mark.parametrize("kind", ["station", "model", "form"])
def test_dcat_brings_the_description_publisher_licence_keywords_and_distributions(
        published: dict[str, dict[str, Any]], dcat_catalog: dict[str, Any], kind: str) -> None:
    ours = published[kind]
    theirs = dcat_catalog["datasets"].get(ours["title"]) or {}
    extras = _extras(theirs)
    arrived = {"notes": theirs.get("notes"), "publisher": extras.get("publisher_name"),
               "licence": theirs.get("license_id"), "keywords": _tags(theirs),
               "distributions": [(resource["url"], resource["format"].rsplit("/", 1)[-1], resource["name"])
                                 for resource in theirs.get("resources", [])]}
    assert arrived == {"notes": ours["notes"], "publisher": ours["organization"]["title"],
                       "licence": ours["license_id"], "keywords": _tags(ours),
                       "distributions": [(resource["url"], resource["format"], resource["name"])
                                         for resource in ours["resources"]]}


def test_dcat_brings_the_geometry_and_the_temporal_coverage(published: dict[str, dict[str, Any]],
                                                           dcat_catalog: dict[str, Any]) -> None:
    arrived = {kind: _extras(dcat_catalog["datasets"].get(published[kind]["title"]) or {})
               for kind in ("station", "model")}
    for kind, extras in arrived.items():
        assert json.loads(extras.get("spatial") or "null") == json.loads(published[kind]["spatial"]), kind
    station = arrived["station"]
    assert (station.get("temporal_start"), station.get("temporal_end")) == ("2024-01-01", "2024-12-31")
