"""Property tests: random strings, numbers, structures, geometries and coordinate pairs thrown at
the validators through package_create. Every outcome is a stored valid dataset (it survives being
sent back through package_update unchanged) or a ValidationError, never another exception.
Example counts are bounded so the suite stays fast."""
from __future__ import annotations

import json
import math
import os
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from ckanext.pm25.geo.geometry import EXTENT_MARGIN, THAILAND_EXTENT
from ckanext.pm25.dataset.validators import NOT_DATA_KEYS
from tests.dataset.api import act, create

# PM25_HYPOTHESIS_EXAMPLES=500 for a deeper run than the suite's.
BOUNDED = settings(max_examples=int(os.environ.get("PM25_HYPOTHESIS_EXAMPLES", "25")), deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

FIELDS = [
    "data_type", "data_type_other", "title", "maintainer", "maintainer_email", "tag_string", "notes",
    "objective", "objective_other", "update_frequency_unit", "update_frequency_interval", "geo_coverage",
    "data_source", "data_format", "data_category", "license_id", "url", "data_language", "last_updated_date",
    "created_date", "first_year_of_data", "north_bound_longitude", "west_bound_longitude", "pollutants",
    "measurement_type", "unit", "aqi_standard", "spatial_crs", "spatial", "provinces", "temporal_start",
    "temporal_end", "station_id", "quality_level", "allow_harvest", "disaggregate",
]
SCHEMA_KEYS = set(FIELDS) | {"name", "owner_org", "id", "type", "state", "private", "resources", "tags", "groups",
                             "extras", "author", "author_email", "version", "plugin_data", "metadata_modified",
                             "relationships_as_object", "relationships_as_subject", "tag_string"}

scalars = (st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
           | st.sampled_from(["อื่นๆ", "2567-05-07", "2024-02-30", "TH-52", "ลำปาง", "ชั่วโมง", "[\"TH-52\"]",
                              "a@b.co", "http://x", "", " ", "null", "[]", "{}", "NaN", "1e309", "-0"]))
anything = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=6)
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-10**9, max_value=10**9)
near_thailand = st.tuples(st.floats(min_value=90, max_value=112), st.floats(min_value=0, max_value=25))
positions = st.one_of(near_thailand.map(list), st.lists(numbers, min_size=0, max_size=3), scalars)
geometries = st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "MultiPoint", "LineString", "Polygon", "MultiPolygon", "Feature",
                             "FeatureCollection", "GeometryCollection", "Circle", ""]),
    "coordinates": st.recursive(positions, lambda children: st.lists(children, max_size=5), max_leaves=12),
})


def _stored_or_refused(user: dict[str, Any], org: str, **fields: Any) -> dict[str, Any] | None:
    """The dataset if stored (after checking that it is valid as stored), None if refused."""
    try:
        dataset = create(user, org, **fields)
    except tk.ValidationError as refusal:
        assert refusal.error_dict and all(isinstance(key, str) for key in refusal.error_dict)
        return None
    shown = act("package_show", user, id=dataset["id"])
    act("package_update", user, **shown)  # what is stored passes the validators again
    again = act("package_show", user, id=dataset["id"])
    assert {k: v for k, v in again.items() if k != "metadata_modified"} == \
        {k: v for k, v in shown.items() if k != "metadata_modified"}
    return again


def _inside_thailand(geojson: str) -> bool:
    min_x, min_y, max_x, max_y = shape(json.loads(geojson)).bounds
    lon_min, lat_min, lon_max, lat_max = THAILAND_EXTENT
    return (lon_min - EXTENT_MARGIN <= min_x and max_x <= lon_max + EXTENT_MARGIN
            and lat_min - EXTENT_MARGIN <= min_y and max_y <= lat_max + EXTENT_MARGIN)


@BOUNDED
@given(fields=st.dictionaries(st.sampled_from(FIELDS), anything, min_size=1, max_size=4))
def test_random_values_in_any_field(agency: dict[str, Any], fields: dict[str, Any]) -> None:
    _stored_or_refused(agency["editor"], agency["organization"]["id"], **fields)


@BOUNDED
@given(geometry=geometries, as_text=st.booleans(), crs=st.sampled_from([None, "4326", "32647", "24047", "3857", "1"]))
def test_random_geometries(agency: dict[str, Any], geometry: dict[str, Any], as_text: bool, crs: str | None) -> None:
    fields: dict[str, Any] = {"spatial": json.dumps(geometry) if as_text else geometry}
    if crs:
        fields["spatial_crs"] = crs

    stored = _stored_or_refused(agency["editor"], agency["organization"]["id"], **fields)

    if stored is not None:
        assert stored["spatial_crs"] == "4326"
        assert _inside_thailand(stored["spatial"])


@BOUNDED
@given(lat=numbers, lon=numbers)
def test_random_coordinate_pairs(agency: dict[str, Any], lat: float, lon: float) -> None:
    point = json.dumps({"type": "Point", "coordinates": [lon, lat]})

    stored = _stored_or_refused(agency["editor"], agency["organization"]["id"], spatial=point)

    if stored is not None:
        assert math.isfinite(lat) and math.isfinite(lon)
        assert json.loads(stored["spatial"])["coordinates"] == [float(lon), float(lat)]
        assert _inside_thailand(stored["spatial"])


@BOUNDED
@given(extra=st.dictionaries(
    st.text(min_size=1, max_size=40).filter(lambda key: key not in SCHEMA_KEYS | NOT_DATA_KEYS
                                            and not key.startswith("__")),
    anything, min_size=1, max_size=3))
def test_unknown_keys_are_kept_or_refused_never_dropped(agency: dict[str, Any], extra: dict[str, Any]) -> None:
    stored = _stored_or_refused(agency["editor"], agency["organization"]["id"], **extra)

    if stored is not None:
        kept = {item["key"] for item in stored.get("extras", [])}
        assert {key for key, value in extra.items() if value not in (None, "", [], {})} <= kept


@pytest.mark.parametrize("extra", [{"spatial_geom": False}, {"observed_date": "not a date"},
                                   {"bbox_area": "wide"}])
def test_an_unknown_key_named_like_a_typed_index_field_is_kept_not_a_server_error(
        agency: dict[str, Any], extra: dict[str, Any]) -> None:
    stored = _stored_or_refused(agency["editor"], agency["organization"]["id"], **extra)

    assert stored is not None
    (key, value), = extra.items()
    kept = {item["key"]: item["value"] for item in stored["extras"]}[key]
    assert kept == (value if isinstance(value, str) else json.dumps(value))
    found = helpers.call_action("package_search", fq=f'id:"{stored["id"]}"')["results"]
    assert [dataset["id"] for dataset in found] == [stored["id"]]
