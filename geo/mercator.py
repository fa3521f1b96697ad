"""Web Mercator (EPSG:3857), the plane the square ranks posts in.

Mercator is conformal: near any point, a planar distance is the ground distance times
sec(latitude), the same in every direction. Ranking by planar distance from the asker therefore
ranks by ground distance (to within the change of sec(latitude) across the area, under 1% over
50 km in China), and ground metres are planar metres times cos(latitude of the asker).
"""

import math

from geo.points import LonLat

MERCATOR_SRID = 3857
# WGS 84 semi-major axis, which EPSG:3857 uses as a sphere's radius.
MERCATOR_RADIUS_M = 6_378_137.0
# EPSG:3857's edge: the latitude where the square map ends (y = ±pi R). The poles themselves are
# infinitely far; a point beyond the edge (a reader at lat=-90) is placed on it.
MERCATOR_MAX_LATITUDE = math.degrees(2 * math.atan(math.exp(math.pi)) - math.pi / 2)


def to_mercator(point: LonLat) -> tuple[float, float]:
    """The (x, y) metres of a WGS 84 point in EPSG:3857, as PostGIS's ST_Transform gives them;
    latitudes beyond the projection's edge (±85.05°) on that edge."""
    lat = max(-MERCATOR_MAX_LATITUDE, min(MERCATOR_MAX_LATITUDE, point.lat))
    x = MERCATOR_RADIUS_M * math.radians(point.lon)
    y = MERCATOR_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def from_mercator(x: float, y: float) -> LonLat:
    """The WGS 84 point at EPSG:3857 metres (x, y)."""
    lon = math.degrees(x / MERCATOR_RADIUS_M)
    lat = math.degrees(2 * math.atan(math.exp(y / MERCATOR_RADIUS_M)) - math.pi / 2)
    return LonLat(lon, lat)


def planar_per_ground_metre(latitude: float) -> float:
    """How many EPSG:3857 metres one metre on the ground spans at this latitude."""
    return 1 / math.cos(math.radians(latitude))
