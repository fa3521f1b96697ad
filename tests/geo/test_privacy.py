"""Grid snapping and distance rounding: what the square may say about where a post is."""

import math
import random

import pytest
from sqlalchemy import func, select

from geo.mercator import from_mercator, planar_per_ground_metre, to_mercator
from geo.points import LonLat, great_circle_metres
from geo.privacy import METRES_PER_DEGREE_LATITUDE, public_distance, snap_to_grid

CELL_M = 500
CITIES = [LonLat(116.4074, 39.9042), LonLat(121.4737, 31.2304), LonLat(113.2644, 23.1291)]


@pytest.mark.parametrize("city", CITIES)
def test_a_spot_snaps_to_its_cell_centre_within_half_a_diagonal(city):
    rng = random.Random(7)
    for _ in range(200):
        spot = city.offset(rng.uniform(-5000, 5000), rng.uniform(-5000, 5000))
        centre = snap_to_grid(spot, CELL_M)
        assert great_circle_metres(spot, centre) <= CELL_M / math.sqrt(2) + 1


@pytest.mark.parametrize("city", CITIES)
def test_every_spot_in_a_cell_gets_the_same_point_so_answers_cannot_be_averaged(city):
    centre = snap_to_grid(city, CELL_M)
    rng = random.Random(3)
    for _ in range(200):
        inside = centre.offset(rng.uniform(-240, 240), rng.uniform(-240, 240))
        assert snap_to_grid(inside, CELL_M) == centre


@pytest.mark.parametrize("city", CITIES)
def test_cells_are_about_500_m_square_on_the_ground(city):
    centre = snap_to_grid(city, CELL_M)
    east = snap_to_grid(centre.offset(CELL_M, 0), CELL_M)
    north = snap_to_grid(centre.offset(0, CELL_M), CELL_M)
    assert great_circle_metres(centre, east) == pytest.approx(CELL_M, rel=0.01)
    # Each row is cut on its own, so the cell above is one row up but not straight above.
    assert (north.lat - centre.lat) * METRES_PER_DEGREE_LATITUDE == pytest.approx(CELL_M)


@pytest.mark.parametrize(
    ("metres", "shown", "nearby"),
    [
        (0, None, True),
        (499.9, None, True),
        (500, 500, False),
        (549, 500, False),
        (551, 600, False),
        (1249, 1200, False),
        (48_760, 48_800, False),
    ],
)
def test_distances_are_told_in_100_m_steps_and_only_nearby_below_500_m(metres, shown, nearby):
    assert public_distance(metres).metres == shown
    assert public_distance(metres).nearby is nearby


@pytest.mark.parametrize("city", CITIES)
def test_mercator_round_trips_and_measures_ground_distance(city):
    x, y = to_mercator(city)
    back = from_mercator(x, y)
    assert back.lon == pytest.approx(city.lon, abs=1e-9)
    assert back.lat == pytest.approx(city.lat, abs=1e-9)
    # The radius filter turns ground metres into planar ones at the asker's latitude.
    for east, north in [(3000, 0), (0, 3000), (-2000, 2000), (30_000, -40_000)]:
        other_x, other_y = to_mercator(city.offset(east, north))
        planar = math.hypot(other_x - x, other_y - y)
        measured = planar / planar_per_ground_metre(city.lat)
        assert measured == pytest.approx(math.hypot(east, north), rel=0.01)


def test_mercator_matches_postgis(db_session):
    point = CITIES[1]
    x, y = db_session.execute(
        select(
            func.ST_X(func.ST_Transform(func.ST_GeomFromEWKT(point.to_ewkt()), 3857)),
            func.ST_Y(func.ST_Transform(func.ST_GeomFromEWKT(point.to_ewkt()), 3857)),
        )
    ).one()
    assert to_mercator(point) == pytest.approx((x, y), abs=0.001)
