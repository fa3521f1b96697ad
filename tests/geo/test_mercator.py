"""Web Mercator: the poles, which the square's readers may give, have a place on its edge."""

import math

import pytest

from geo.mercator import MERCATOR_RADIUS_M, from_mercator, to_mercator
from geo.points import LonLat


@pytest.mark.parametrize("lat", [90.0, -90.0, 89.9999])
def test_a_point_at_or_near_a_pole_lies_on_the_maps_edge(lat):
    _x, y = to_mercator(LonLat(121.47, lat))
    assert abs(y) == pytest.approx(math.pi * MERCATOR_RADIUS_M)


def test_a_point_inside_the_map_goes_there_and_back():
    there = to_mercator(LonLat(121.4737, 31.2304))
    back = from_mercator(*there)
    assert (back.lon, back.lat) == pytest.approx((121.4737, 31.2304))
