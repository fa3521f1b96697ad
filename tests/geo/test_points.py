"""WGS 84 points: validation, and offsets that PostGIS agrees with."""

import math

import pytest
from sqlalchemy import func, select

from geo.points import InvalidCoordinates, LonLat


@pytest.mark.parametrize(
    ("lon", "lat"), [(181, 0), (-180.5, 0), (0, 90.01), (0, -91), (math.nan, 0), (0, math.inf)]
)
def test_points_off_the_globe_are_refused(lon, lat):
    with pytest.raises(InvalidCoordinates):
        LonLat(lon, lat)


@pytest.mark.parametrize(
    ("center", "east_m", "north_m"),
    [
        (LonLat(114.0579, 22.5431), 3000, -4000),
        (LonLat(116.4074, 39.9042), -12000, 5000),
        (LonLat(121.47, 31.23), 0, 800),
    ],
)
def test_offset_moves_the_distance_postgis_measures(db_session, center, east_m, north_m):
    moved = center.offset(east_m, north_m)
    measured = db_session.scalar(
        select(
            func.ST_Distance(
                func.ST_GeogFromText(center.to_ewkt()), func.ST_GeogFromText(moved.to_ewkt())
            )
        )
    )
    assert measured == pytest.approx(math.hypot(east_m, north_m), rel=0.005)
