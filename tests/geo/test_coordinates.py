"""GCJ-02 conversion: agrees with an independent implementation's published points, inverts to
well under a metre, and leaves points outside mainland China alone."""

import pytest

from geo.coordinates import (
    GCJ02,
    WGS84,
    UnknownCoordinateSystem,
    from_wgs84,
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


@pytest.mark.parametrize(
    "outside",
    [LonLat(-0.1276, 51.5072), LonLat(139.6917, 35.6895), LonLat(151.2093, -33.8688)],
)
def test_points_outside_china_are_unchanged_both_ways(outside):
    assert to_wgs84(outside, GCJ02) == outside
    assert from_wgs84(outside, GCJ02) == outside


def test_wgs84_input_is_stored_as_given():
    point = LonLat(121.47, 31.23)
    assert to_wgs84(point, WGS84) == point


def test_an_unknown_system_is_refused():
    with pytest.raises(UnknownCoordinateSystem):
        to_wgs84(LonLat(121.47, 31.23), "bd09")
