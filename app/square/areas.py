"""The square's area filters, as conditions on a Web Mercator public position.

Each condition can be served by the GiST index the query walks: ST_DWithin and ST_Intersects
carry a bounding-box (&&) test the index answers before the exact check.
"""

from dataclasses import dataclass

from geoalchemy2 import WKBElement
from shapely import Polygon
from sqlalchemy import ColumnElement, func, literal

from app.posts.models import PUBLIC_SRID
from geo.mercator import planar_per_ground_metre, to_mercator
from geo.points import LonLat


def _mercator_point(point: LonLat):
    x, y = to_mercator(point)
    return func.ST_SetSRID(func.ST_MakePoint(literal(x), literal(y)), PUBLIC_SRID)


def _planar_ring(coords) -> list[tuple[float, float]]:
    return [to_mercator(LonLat(lon, lat)) for lon, lat, *_ in coords]


class AreaFilter:
    # True when the filter needs a column only the posts row has (area_code).
    needs_post_row = False

    def conditions(self, position, area_code) -> list[ColumnElement]:
        raise NotImplementedError


@dataclass(frozen=True)
class Radius(AreaFilter):
    centre: LonLat
    metres: int

    def conditions(self, position, area_code):
        planar = self.metres * planar_per_ground_metre(self.centre.lat)
        return [func.ST_DWithin(position, _mercator_point(self.centre), planar)]


@dataclass(frozen=True)
class Box(AreaFilter):
    south_west: LonLat
    north_east: LonLat

    def conditions(self, position, area_code):
        (x1, y1), (x2, y2) = to_mercator(self.south_west), to_mercator(self.north_east)
        return [position.op("&&")(func.ST_MakeEnvelope(x1, y1, x2, y2, PUBLIC_SRID))]


@dataclass(frozen=True)
class Shape(AreaFilter):
    """A polygon the reader drew, in WGS 84."""

    polygon: Polygon

    def conditions(self, position, area_code):
        planar = Polygon(
            _planar_ring(self.polygon.exterior.coords),
            [_planar_ring(ring.coords) for ring in self.polygon.interiors],
        )
        return [func.ST_Intersects(position, func.ST_GeomFromText(planar.wkt, PUBLIC_SRID))]


@dataclass(frozen=True)
class District(AreaFilter):
    """A GB/T 2260 area: posts whose county code starts with its prefix, inside its envelope
    (the envelope lets the position index skip everything far away)."""

    prefix: str
    envelope: WKBElement
    needs_post_row = True

    def conditions(self, position, area_code):
        return [
            position.op("&&")(func.ST_Transform(self.envelope, PUBLIC_SRID)),
            area_code.startswith(self.prefix, autoescape=True),
        ]
