"""One write reads its geometry once: package_create through the action API parses, reprojects
and locates the `spatial` value a single time, from validation to the search index, and the
dataset still gets its provinces and is found by the province filter."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from ckan.lib import search
from ckan.tests import helpers
from pyproj import Transformer

from ckanext.pm25.geo import geometry
from ckanext.pm25.geo.lookup import Gazetteer
from ckanext.pm25.provinces import located
from tests.dataset.api import act, create

# A quadrilateral across the Lampang (TH-52) and Phrae (TH-54) border, in UTM zone 47N (EPSG:32647).
AREA_LON_LAT = [(99.6, 18.0), (100.0, 18.0), (100.0, 18.2), (99.6, 18.2), (99.6, 18.0)]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the geometry is parsed and located by the gazetteer (the real functions still run),
    counted from an empty memory: a geometry another test of this process wrote is not read again."""
    located.forget()
    counted: Counter[str] = Counter()

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(geometry, "parse_geometry", counting("parse", geometry.parse_geometry))
    monkeypatch.setattr(Gazetteer, "provinces_for", counting("provinces_for", Gazetteer.provinces_for))
    monkeypatch.setattr(Gazetteer, "intersecting", counting("intersecting", Gazetteer.intersecting))
    return counted


def _projected_area() -> str:
    to_utm = Transformer.from_crs(4326, 32647, always_xy=True)
    return json.dumps({"type": "Polygon", "coordinates": [[list(to_utm.transform(lon, lat))
                                                           for lon, lat in AREA_LON_LAT]]})


def test_a_created_dataset_reads_its_projected_geometry_once(agency: dict[str, Any], calls: Counter[str]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"],
                     spatial=_projected_area(), spatial_crs="EPSG:32647")

    assert calls == {"parse": 1, "provinces_for": 1, "intersecting": 1}
    assert dataset["spatial_crs"] == "4326"
    assert set(dataset["provinces"]) == {"TH-52", "TH-54"}
    indexed = helpers.call_action("package_search", fq=f"name:{dataset['name']}",
                                  fl="name,provinces_geometry")["results"]
    assert indexed == [{"name": dataset["name"], "provinces_geometry": ["TH-52", "TH-54"]}]


def test_an_updated_dataset_reads_its_new_geometry_once(agency: dict[str, Any], calls: Counter[str]) -> None:
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=json.dumps(
        {"type": "Point", "coordinates": [99.5, 18.29]}))  # Lampang
    calls.clear()

    updated = act("package_patch", agency["editor"], id=dataset["id"],
                  spatial=json.dumps({"type": "Point", "coordinates": [100.5, 13.75]}), provinces="")  # Bangkok

    assert calls == {"parse": 1, "provinces_for": 1, "intersecting": 1}
    assert updated["provinces"] == ["TH-10"]
    assert helpers.call_action("package_search", fq="provinces_geometry:TH-10",
                               fl="name")["results"] == [{"name": dataset["name"]}]


def test_an_index_rebuild_under_a_stricter_cap_still_reads_the_stored_geometry(
        agency: dict[str, Any], ckan_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """What validation remembered is not taken for a geometry the caps in use now refuse: the
    dataset stays found by its provinces, not by its geometry (as before a geometry was remembered)."""
    dataset = create(agency["editor"], agency["organization"]["id"], spatial=json.dumps(
        {"type": "Polygon", "coordinates": [[list(position) for position in AREA_LON_LAT]]}))
    monkeypatch.setitem(ckan_config, "ckanext.pm25.geometry.max_vertices", 4)

    search.rebuild(dataset["id"])

    indexed = helpers.call_action("package_search", fq=f"name:{dataset['name']}",
                                  fl="name,provinces,provinces_geometry")["results"]
    assert indexed == [{"name": dataset["name"], "provinces": ["TH-52", "TH-54"]}]
