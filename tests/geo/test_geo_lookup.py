from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import GeometryCollection, LineString, Point, box

from ckanext.pm25.geo.geometry import parse_geometry
from ckanext.pm25.geo.lookup import Gazetteer, default_gazetteer

# Public coordinates of well-known places (lat, lon), independent of seats.csv.
LANDMARKS = [
    ("Doi Inthanon summit", 18.5883, 98.4869, "TH-50"),
    ("Chiang Mai airport", 18.7668, 98.9626, "TH-50"),
    ("Chiang Rai airport", 19.9523, 99.8829, "TH-57"),
    ("Mae Moh power plant", 18.30, 99.75, "TH-52"),
    ("Sukhothai Historical Park", 17.0200, 99.7050, "TH-64"),
    ("Ayutthaya Historical Park", 14.3559, 100.5580, "TH-14"),
    ("Bridge on the River Kwai", 14.0409, 99.5036, "TH-71"),
    ("Phanom Rung", 14.5318, 102.9423, "TH-31"),
    ("Udon Thani airport", 17.3864, 102.7883, "TH-41"),
    ("Rangsit", 13.98, 100.62, "TH-13"),
    ("Mahachai", 13.55, 100.28, "TH-74"),
    ("Hat Yai", 7.0084, 100.4747, "TH-90"),
    ("Krabi airport", 8.0999, 98.9862, "TH-81"),
    ("Phuket airport", 8.1132, 98.3169, "TH-83"),
    ("Ko Samui airport", 9.5478, 100.0623, "TH-84"),
    ("Ko Chang", 12.05, 102.33, "TH-23"),
    ("Betong", 5.7733, 101.0725, "TH-95"),
]
# A few kilometres or less from a provincial or national border, or from the coast.
NEAR_BORDERS = [
    ("Don Mueang airport (Bangkok, by Pathum Thani)", 13.9126, 100.6068, "TH-10"),
    ("Suvarnabhumi airport (Samut Prakan, by Bangkok)", 13.6900, 100.7501, "TH-11"),
    ("Mae Sai (by Myanmar)", 20.4275, 99.8836, "TH-57"),
    ("Chiang Saen (Mekong)", 20.275, 100.085, "TH-57"),
    ("Nong Khai (Mekong)", 17.8783, 102.742, "TH-43"),
    ("Khong Chiam (Mekong)", 15.317, 105.497, "TH-34"),
    ("Sungai Kolok (by Malaysia)", 6.03, 101.966, "TH-96"),
    ("Aranyaprathet (by Cambodia)", 13.69, 102.50, "TH-27"),
    ("Bang Saen beach", 13.28, 100.93, "TH-20"),
    ("Pattaya", 12.93, 100.90, "TH-20"),
]
NOT_IN_THAILAND = [
    ("Gulf of Thailand", 10.5, 101.0),
    ("upper Gulf of Thailand", 12.9, 100.5),
    ("Andaman Sea", 8.0, 97.5),
    ("Andaman Sea off Phuket", 7.0, 98.0),
    ("South China Sea", 7.5, 102.5),
    ("Vientiane, Laos", 17.97, 102.61),
    ("Luang Prabang, Laos", 19.8856, 102.1347),
    ("Pakse, Laos", 15.12, 105.80),
    ("Hpa-an, Myanmar", 16.89, 97.63),
    ("Tachileik, Myanmar", 20.45, 99.88),
    ("Siem Reap, Cambodia", 13.36, 103.86),
    ("Alor Setar, Malaysia", 6.12, 100.37),
]
LIMITS = {"max_bytes": 1_000_000, "max_vertices": 10_000}


def code_at(gazetteer: Gazetteer, lon: float, lat: float) -> str | None:
    province = gazetteer.province_at(lon, lat)
    return province.code if province else None


def test_default_gazetteer_is_built_once() -> None:
    assert default_gazetteer() is default_gazetteer()
    assert len(default_gazetteer().provinces) == 77


def test_every_provincial_seat(gazetteer: Gazetteer, seats: list[dict[str, str]]) -> None:
    assert len(seats) == 77
    wrong = [(seat["code"], code_at(gazetteer, float(seat["lon"]), float(seat["lat"]))) for seat in seats
             if code_at(gazetteer, float(seat["lon"]), float(seat["lat"])) != seat["code"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    [
        ("TH-17", 14.8936, 100.3967), ("TH-52", 18.2888, 99.4908), ("TH-50", 18.7883, 98.9853),
        ("TH-10", 13.7563, 100.5018), ("TH-30", 14.9799, 102.0978), ("TH-90", 7.1898, 100.5954),
        ("TH-83", 7.8804, 98.3923), ("TH-12", 13.8621, 100.5144), ("TH-13", 14.0208, 100.5250),
        ("TH-11", 13.6000, 100.6000), ("TH-14", 14.3532, 100.5689), ("TH-16", 14.7995, 100.6534),
        ("TH-20", 13.3611, 100.9847), ("TH-21", 12.6814, 101.2816), ("TH-22", 12.6114, 102.1039),
        ("TH-23", 12.2428, 102.5175), ("TH-34", 15.2287, 104.8564), ("TH-38", 18.3609, 103.6466),
        ("TH-40", 16.4419, 102.8360), ("TH-41", 17.4138, 102.7872), ("TH-43", 17.8783, 102.7420),
        ("TH-51", 18.5745, 99.0087), ("TH-55", 18.7756, 100.7730), ("TH-57", 19.9105, 99.8406),
        ("TH-58", 19.3020, 97.9654), ("TH-63", 16.8840, 99.1258), ("TH-65", 16.8211, 100.2659),
        ("TH-71", 14.0228, 99.5328), ("TH-77", 11.8124, 99.7973), ("TH-80", 8.4304, 99.9631),
        ("TH-84", 9.1382, 99.3215), ("TH-85", 9.9656, 98.6347), ("TH-91", 6.6238, 100.0674),
        ("TH-94", 6.8696, 101.2501), ("TH-96", 6.4255, 101.8253),
    ],
)
def test_seats_by_public_coordinates(gazetteer: Gazetteer, code: str, lat: float, lon: float) -> None:
    assert code_at(gazetteer, lon, lat) == code


@pytest.mark.parametrize(("name", "lat", "lon", "code"), LANDMARKS + NEAR_BORDERS)
def test_landmarks_and_points_near_borders(gazetteer: Gazetteer, name: str, lat: float, lon: float,
                                           code: str) -> None:
    assert code_at(gazetteer, lon, lat) == code, name


@pytest.mark.parametrize(("name", "lat", "lon"), NOT_IN_THAILAND)
def test_sea_and_neighbours_are_no_province(gazetteer: Gazetteer, name: str, lat: float, lon: float) -> None:
    assert gazetteer.province_at(lon, lat) is None, name


def test_the_point_grid_gives_the_answers_of_the_exact_test(gazetteer: Gazetteer) -> None:
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(97.0, 106.0, 5_000), rng.uniform(5.0, 21.0, 5_000)
    found = [gazetteer.province_at(lon, lat) for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True)]
    exact = [next((p for p, g in zip(gazetteer.provinces, _geometries(gazetteer), strict=True)
                   if g.covers(Point(x, y))), None)
             for x, y in zip(lons[:500].tolist(), lats[:500].tolist(), strict=True)]
    assert found[:500] == exact
    assert 0.25 < sum(p is not None for p in found) / len(found) < 0.5  # Thailand covers about a third


def _geometries(gazetteer: Gazetteer) -> list:
    return [gazetteer.geometry_of(p.code) for p in gazetteer.provinces]


def test_nan_and_far_points_are_no_province(gazetteer: Gazetteer) -> None:
    assert gazetteer.province_at(float("nan"), 18.0) is None
    assert gazetteer.province_at(0.0, 0.0) is None
    assert code_at(gazetteer, 99.4908, 18.2888) == "TH-52"


def test_shared_border_sides_and_tie(gazetteer: Gazetteer) -> None:
    lampang, phrae = gazetteer.geometry_of("TH-52"), gazetteer.geometry_of("TH-54")
    border = shapely.line_merge(lampang.boundary.intersection(phrae.boundary))
    shared = shapely.get_coordinates(border)
    on_border = Point(shared[len(shared) // 2])  # a vertex of both provinces, exactly on the border
    assert lampang.intersects(on_border) and phrae.intersects(on_border)
    assert code_at(gazetteer, on_border.x, on_border.y) == "TH-52"  # a tie goes to the lower code
    for dx, dy in [(0.002, 0), (-0.002, 0), (0, 0.002), (0, -0.002)]:
        x, y = on_border.x + dx, on_border.y + dy
        expected = "TH-52" if lampang.contains(Point(x, y)) else "TH-54" if phrae.contains(Point(x, y)) else None
        assert code_at(gazetteer, x, y) == expected


def test_snap_reaches_a_station_just_offshore(gazetteer: Gazetteer) -> None:
    lon, lat = 100.5969, 13.5994  # Samut Prakan waterfront, in the generalised river mouth
    assert gazetteer.province_at(lon, lat) is None
    assert gazetteer.province_at(lon, lat, snap_m=1_000).code == "TH-11"  # type: ignore[union-attr]
    assert gazetteer.province_at(101.0, 10.5, snap_m=1_000) is None  # mid-gulf stays at sea


@pytest.mark.parametrize(("lon", "lat", "code"), [
    (100.9727, 13.3611, "TH-20"),  # the Gulf of Thailand off Chon Buri
    (98.4448, 7.8804, "TH-83"),  # the Andaman Sea off Phuket (an island)
])
def test_a_point_off_the_coast_snaps_and_says_how_far(gazetteer: Gazetteer, lon: float, lat: float,
                                                      code: str) -> None:
    assert gazetteer.province_at(lon, lat) is None
    placed = gazetteer.place(lon, lat, snap_m=5_000)
    assert placed.province is not None and placed.province.code == code
    assert placed.snapped_m is not None and 500 < placed.snapped_m < 1_500
    assert placed.across_border is None
    assert gazetteer.province_at(lon, lat, snap_m=5_000) == placed.province


@pytest.mark.parametrize(("lon", "lat", "code"), [
    (99.88, 20.45, "TH-57"),  # Tachileik, Myanmar, 1.6 km across the Mae Sai river from Chiang Rai
    (102.742, 17.9038, "TH-43"),  # Laos, across the Mekong from Nong Khai
    (102.7105, 12.2428, "TH-23"),  # Cambodia, across the land border of Trat (a coastal province)
    (101.8253, 5.7705, "TH-96"),  # Malaysia, across the land border of Narathiwat (a coastal province)
])
def test_a_point_across_a_land_border_is_never_snapped(gazetteer: Gazetteer, lon: float, lat: float,
                                                       code: str) -> None:
    placed = gazetteer.place(lon, lat, snap_m=5_000)
    assert placed.province is None and placed.snapped_m is None
    assert placed.across_border is not None and placed.across_border.code == code
    assert placed.distance_m is not None and 500 < placed.distance_m < 2_000
    assert gazetteer.province_at(lon, lat, snap_m=5_000) is None


@pytest.mark.parametrize(("epsg", "name"), [(32647, "UTM 47N"), (32648, "UTM 48N")])
def test_reprojected_input_gives_the_same_province(gazetteer: Gazetteer, seats: list[dict[str, str]],
                                                   epsg: int, name: str) -> None:
    to_utm = Transformer.from_crs(4326, epsg, always_xy=True)
    for seat in seats:
        lon, lat = float(seat["lon"]), float(seat["lat"])
        x, y = to_utm.transform(lon, lat)
        location = parse_geometry({"type": "Point", "coordinates": [x, y]}, epsg, **LIMITS)
        assert isinstance(location, Point)
        assert code_at(gazetteer, location.x, location.y) == code_at(gazetteer, lon, lat) == seat["code"], name


def _circle_mostly_in(gazetteer: Gazetteer, inside: str, neighbour: str, radius: float, overlap: float) -> Point:
    """A circle centred in ``inside`` whose edge crosses into ``neighbour`` by ``overlap`` of its radius."""
    home, other = gazetteer.geometry_of(inside), gazetteer.geometry_of(neighbour)
    border = shapely.get_parts(shapely.line_merge(home.boundary.intersection(other.boundary)))[0]
    on_border = shapely.line_interpolate_point(border, 0.5, normalized=True)
    nearest_inside = min(
        (Point(on_border.x + radius * dx, on_border.y + radius * dy) for dx, dy in
         [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7)]),
        key=lambda candidate: -home.intersection(candidate.buffer(radius * 0.5)).area,
    )
    direction = np.array([nearest_inside.x - on_border.x, nearest_inside.y - on_border.y]) / radius
    centre = np.array([on_border.x, on_border.y]) + direction * radius * (1 - overlap)
    return Point(*centre).buffer(radius)


def test_sliver_rule(gazetteer: Gazetteer) -> None:
    area = _circle_mostly_in(gazetteer, "TH-52", "TH-54", radius=0.05, overlap=0.1)
    shares = {code: area.intersection(gazetteer.geometry_of(code)).area / area.area for code in ("TH-52", "TH-54")}
    assert 0.001 < shares["TH-54"] < 0.05 < shares["TH-52"]  # the test area grazes Phrae, as intended
    assert [p.code for p in gazetteer.provinces_for(area, min_share=0.05)] == ["TH-52"]
    assert [p.code for p in gazetteer.provinces_for(area, min_share=0.0001)] == ["TH-52", "TH-54"]


def test_large_area_counts_every_province_it_covers(gazetteer: Gazetteer) -> None:
    everything = box(97.0, 5.0, 106.0, 21.0)
    assert len(gazetteer.provinces_for(everything, min_share=0.05)) == 77
    north = box(97.0, 17.5, 101.5, 21.0)
    codes = {p.code for p in gazetteer.provinces_for(north, min_share=0.05)}
    assert {"TH-50", "TH-57", "TH-58", "TH-56", "TH-55"} <= codes and "TH-10" not in codes


def test_lines_by_length_share(gazetteer: Gazetteer) -> None:
    # Bangkok to Chiang Mai as the crow flies.
    route = LineString([(100.5018, 13.7563), (98.9853, 18.7883)])
    shares = {p.code: route.intersection(gazetteer.geometry_of(p.code)).length / route.length
              for p in gazetteer.provinces}
    expected = sorted((code for code, share in shares.items() if share >= 0.05), key=lambda code: -shares[code])
    assert len(expected) >= 4 and min(shares[code] for code in ("TH-10", "TH-50")) > 0
    assert [p.code for p in gazetteer.provinces_for(route, min_share=0.05)] == expected
    everything_touched = {code for code, share in shares.items() if share > 0}
    assert {p.code for p in gazetteer.provinces_for(route, min_share=1e-9)} == everything_touched
    short = LineString([(99.40, 18.25), (99.55, 18.30)])  # inside Lampang
    assert [p.code for p in gazetteer.provinces_for(short)] == ["TH-52"]


def test_points_exact_and_sea(gazetteer: Gazetteer) -> None:
    assert [p.code for p in gazetteer.provinces_for(Point(99.4908, 18.2888))] == ["TH-52"]
    assert gazetteer.provinces_for(Point(101.0, 10.5)) == []
    assert gazetteer.provinces_for(box(100.8, 10.0, 101.2, 10.4)) == []  # an area in the gulf


def test_long_lines_by_length_share_agree_with_the_exact_overlay(gazetteer: Gazetteer) -> None:
    # Bangkok to Chiang Mai through 2,000 vertices, wandering: the shares measured along the line
    # give the provinces an exact overlay gives, largest share first.
    steps = np.linspace(0.0, 1.0, 2000)
    route = LineString(np.column_stack([100.5018 - 1.5165 * steps + 0.05 * np.sin(steps * 90),
                                        13.7563 + 5.032 * steps]))
    shares = {p.code: route.intersection(gazetteer.geometry_of(p.code)).length / route.length
              for p in gazetteer.provinces}
    expected = sorted((code for code, share in shares.items() if share >= 0.05), key=lambda code: -shares[code])
    assert len(expected) >= 4
    assert [p.code for p in gazetteer.provinces_for(route, min_share=0.05)] == expected


def test_a_self_crossing_line_is_measured_without_overlaying_it(gazetteer: Gazetteer) -> None:
    # A line crossing itself at every segment inside Lampang: an overlay would node every crossing.
    tangle = LineString([(99.40 + 0.15 * ((i * 7919) % 101) / 101, 18.25 + 0.05 * (i % 2)) for i in range(2000)])
    assert [p.code for p in gazetteer.provinces_for(tangle)] == ["TH-52"]
    collection = GeometryCollection([LineString([(99.40, 18.25), (99.55, 18.30)]),
                                     LineString([(99.40, 18.30), (99.55, 18.25)]), Point(99.4908, 18.2888)])
    assert [p.code for p in gazetteer.provinces_for(collection)] == ["TH-52"]
