"""GCJ-02 conversion: agrees with an independent implementation's published points, inverts to
well under a metre, and leaves points outside mainland China alone."""

import time

import pytest

from geo.coordinates import (
    GCJ02,
    WGS84,
    UnknownCoordinateSystem,
    from_wgs84,
    in_mainland_china,
    to_wgs84,
)
from geo.points import LonLat

# (WGS 84, GCJ-02) pairs from eviltransform's test suite, a separate implementation.
KNOWN_PAIRS = [
    (LonLat(121.5272106, 31.1774276), LonLat(121.531541859215, 31.17530398364597)),  # Shanghai
    (LonLat(113.912316, 22.543847), LonLat(113.9171764808363, 22.540796131694766)),  # Shenzhen
    (LonLat(116.377817, 39.911954), LonLat(116.38404722455657, 39.91334545536069)),  # Beijing
]


def metres_between(a: LonLat, b: LonLat) -> float:
    east = (a.lon - b.lon) * 111_320 * 0.85
    north = (a.lat - b.lat) * 110_574
    return (east**2 + north**2) ** 0.5


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_PAIRS)
def test_wgs84_to_gcj02_matches_known_points(wgs, gcj):
    converted = from_wgs84(wgs, GCJ02)
    assert converted.lon == pytest.approx(gcj.lon, abs=1e-7)
    assert converted.lat == pytest.approx(gcj.lat, abs=1e-7)


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_PAIRS)
def test_gcj02_to_wgs84_lands_within_a_metre_of_the_known_point(wgs, gcj):
    assert metres_between(to_wgs84(gcj, GCJ02), wgs) < 1.0


@pytest.mark.parametrize(
    "wgs",
    [LonLat(87.6168, 43.8256), LonLat(126.6424, 45.7567), LonLat(109.5120, 18.2528)],
)
def test_round_trip_across_china_is_under_a_centimetre(wgs):
    assert metres_between(to_wgs84(from_wgs84(wgs, GCJ02), GCJ02), wgs) < 0.01


def test_the_shift_is_hundreds_of_metres_so_the_conversion_matters():
    wgs, gcj = KNOWN_PAIRS[0]
    assert metres_between(wgs, gcj) > 300


# Inside the bounding box the published implementations use, but on maps drawn in WGS 84.
NEAR_BUT_NOT_MAINLAND = {
    "Hong Kong, Central": LonLat(114.1588, 22.2816),
    "Hong Kong, Sheung Shui by the Shenzhen border": LonLat(114.1285, 22.5010),
    "Macao peninsula": LonLat(113.5439, 22.1987),
    "Macao, Taipa": LonLat(113.5560, 22.1570),
    "Taipei": LonLat(121.5654, 25.0330),
    "Seoul": LonLat(126.9780, 37.5665),
    "Ulaanbaatar": LonLat(106.9057, 47.8864),
    "Hanoi": LonLat(105.8342, 21.0278),
}
MAINLAND = {
    "Shenzhen, Futian by the Hong Kong border": LonLat(114.0550, 22.5220),
    "Zhuhai, Gongbei by the Macao border": LonLat(113.5450, 22.2230),
    "Zhuhai, Hengqin across the channel from Macao": LonLat(113.5350, 22.1300),
    "Xiamen": LonLat(118.0894, 24.4798),
    # Coastal land and a small island that the coarse source boundaries leave just outside.
    "Shenzhen, Shekou": LonLat(113.9160, 22.4820),
    "Xiamen, Gulangyu": LonLat(118.0670, 24.4470),
}


@pytest.mark.parametrize(
    "outside",
    [
        LonLat(-0.1276, 51.5072),
        LonLat(139.6917, 35.6895),
        LonLat(151.2093, -33.8688),
        *NEAR_BUT_NOT_MAINLAND.values(),
    ],
    ids=["London", "Tokyo", "Sydney", *NEAR_BUT_NOT_MAINLAND],
)
def test_points_outside_mainland_china_are_unchanged_both_ways(outside):
    assert not in_mainland_china(outside)
    assert to_wgs84(outside, GCJ02) == outside
    assert from_wgs84(outside, GCJ02) == outside


@pytest.mark.parametrize("inside", MAINLAND.values(), ids=list(MAINLAND))
def test_points_in_mainland_china_are_shifted_both_ways(inside):
    assert in_mainland_china(inside)
    assert metres_between(from_wgs84(inside, GCJ02), inside) > 100
    assert metres_between(to_wgs84(inside, GCJ02), inside) > 100


def test_the_mainland_test_takes_microseconds():
    points = [*MAINLAND.values(), *NEAR_BUT_NOT_MAINLAND.values()] * 200
    in_mainland_china(points[0])  # the outline is built once per process
    started = time.perf_counter()
    for point in points:
        in_mainland_china(point)
    assert (time.perf_counter() - started) / len(points) < 1e-4


def test_wgs84_input_is_stored_as_given():
    point = LonLat(121.47, 31.23)
    assert to_wgs84(point, WGS84) == point


def test_an_unknown_system_is_refused():
    with pytest.raises(UnknownCoordinateSystem):
        to_wgs84(LonLat(121.47, 31.23), "bd09")
