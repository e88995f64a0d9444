from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point

from ckanext.pm25.geo.errors import CRSError, GeometryError
from ckanext.pm25.geo.reproject import SUPPORTED_EPSG, parse_epsg, to_wgs84, xy_to_wgs84

CHIANG_MAI = (98.9853, 18.7883)


@pytest.mark.parametrize(
    ("value", "epsg"),
    [
        (32647, 32647), ("32648", 32648), ("EPSG:24047", 24047), ("epsg:3857", 3857),
        ("urn:ogc:def:crs:EPSG::32647", 32647), ("urn:ogc:def:crs:EPSG:6.6:4326", 4326),
        ("http://www.opengis.net/def/crs/EPSG/0/4240", 4240), ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
    ],
)
def test_parse_epsg(value: int | str, epsg: int) -> None:
    assert parse_epsg(value) == epsg


@pytest.mark.parametrize("value", [2154, "EPSG:27700", "WGS84 please", "", True, "EPSG:99999"])
def test_unknown_crs_is_refused_clearly(value: int | str) -> None:
    with pytest.raises(CRSError) as caught:
        parse_epsg(value)
    assert isinstance(caught.value, GeometryError) and caught.value.code == "unsupported_crs"
    assert "32647" in caught.value.render()


@pytest.mark.parametrize("epsg", sorted(SUPPORTED_EPSG))
def test_round_trip_through_every_supported_crs(epsg: int) -> None:
    x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(*CHIANG_MAI)
    back = to_wgs84(Point(x, y), epsg)
    assert (back.x, back.y) == pytest.approx(CHIANG_MAI, abs=1e-7)


def test_indian_1975_differs_from_wgs84() -> None:
    # The same numbers in Indian 1975 UTM lie a few hundred metres from WGS 84 UTM.
    x, y = Transformer.from_crs(4326, 32647, always_xy=True).transform(*CHIANG_MAI)
    shift = to_wgs84(Point(x, y), 24047).distance(to_wgs84(Point(x, y), 32647)) * 111_000
    assert 100 < shift < 1_000


def test_lines_keep_their_vertices() -> None:
    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    line = LineString([to_utm.transform(103.0, 16.0), to_utm.transform(104.0, 17.0)])
    assert np.asarray(to_wgs84(line, 32648).coords).ravel() == pytest.approx([103.0, 16.0, 104.0, 17.0], abs=1e-7)


def test_arrays() -> None:
    lons, lats = xy_to_wgs84([500000.0], [2000000.0], 32647)
    assert lons[0] == pytest.approx(99.0) and 18.0 < lats[0] < 18.2
