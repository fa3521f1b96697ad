"""Points on the map, in WGS 84 longitude/latitude (EPSG:4326), as the database stores them."""

import math
from dataclasses import dataclass

WGS84_SRID = 4326
# Mean Earth radius (IUGG), good to a few metres over the distances neighbours travel.
EARTH_RADIUS_M = 6_371_008.8


class InvalidCoordinates(ValueError):
    """Raised for a longitude or latitude outside the globe."""


@dataclass(frozen=True)
class LonLat:
    """A WGS 84 position. Construction fails for values off the globe."""

    lon: float
    lat: float

    def __post_init__(self):
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise InvalidCoordinates(f"longitude out of range: {self.lon}")
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise InvalidCoordinates(f"latitude out of range: {self.lat}")

    def to_ewkt(self) -> str:
        """Extended WKT with the SRID, the form GeoAlchemy2 binds into PostGIS."""
        return f"SRID={WGS84_SRID};POINT({self.lon!r} {self.lat!r})"

    def offset(self, east_m: float, north_m: float) -> "LonLat":
        """The point reached by moving east and north by the given metres (small distances).

        Uses a local equirectangular approximation, accurate to well under a metre per
        kilometre at the latitudes of Chinese cities.
        """
        lat = self.lat + math.degrees(north_m / EARTH_RADIUS_M)
        lon = self.lon + math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(self.lat))))
        return LonLat(lon, lat)


def great_circle_metres(a: LonLat, b: LonLat) -> float:
    """Distance over the Earth's surface (haversine on the mean sphere, within 0.5%)."""
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    half_chord = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(half_chord))
