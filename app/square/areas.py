"""The square's area filters, as conditions on a Web Mercator public position.

Each condition can be served by the GiST index the query walks: ST_DWithin and ST_Intersects
carry a bounding-box (&&) test the index answers before the exact check.
"""

from dataclasses import dataclass

from shapely import Polygon
from sqlalchemy import ColumnElement, func, literal

from app.areas.service import district_area, district_envelope
from app.posts.models import PUBLIC_SRID
from geo.districts import code_prefix
from geo.mercator import planar_per_ground_metre, to_mercator
from geo.points import LonLat


def _mercator_point(point: LonLat):
    x, y = to_mercator(point)
    return func.ST_SetSRID(func.ST_MakePoint(literal(x), literal(y)), PUBLIC_SRID)


def _planar_ring(coords) -> list[tuple[float, float]]:
    return [to_mercator(LonLat(lon, lat)) for lon, lat, *_ in coords]


def unshifted(geometry):
    return geometry


class AreaFilter:
    # True when the filter needs a column only the posts row has (area_code).
    needs_post_row = False

    def conditions(self, position, area_code, shift=unshifted) -> list[ColumnElement]:
        """Conditions on position (and area_code, when needs_post_row).

        Args:
            shift: moves the filter's own geometry into position's frame (a medicine's band,
                see app/square/service.py), so the index that serves position serves the
                filter too.
        """
        raise NotImplementedError

    def confirm_empty(self) -> None:
        """Called when a page under this filter came back empty: raises if the filter itself
        was wrong (so an empty page never hides a mistaken request)."""


@dataclass(frozen=True)
class Radius(AreaFilter):
    centre: LonLat
    metres: int

    def conditions(self, position, area_code, shift=unshifted):
        planar = self.metres * planar_per_ground_metre(self.centre.lat)
        return [func.ST_DWithin(position, shift(_mercator_point(self.centre)), planar)]


@dataclass(frozen=True)
class Box(AreaFilter):
    south_west: LonLat
    north_east: LonLat

    def conditions(self, position, area_code, shift=unshifted):
        (x1, y1), (x2, y2) = to_mercator(self.south_west), to_mercator(self.north_east)
        return [position.op("&&")(shift(func.ST_MakeEnvelope(x1, y1, x2, y2, PUBLIC_SRID)))]


@dataclass(frozen=True)
class Shape(AreaFilter):
    """A polygon the reader drew, in WGS 84."""

    polygon: Polygon

    def conditions(self, position, area_code, shift=unshifted):
        planar = Polygon(
            _planar_ring(self.polygon.exterior.coords),
            [_planar_ring(ring.coords) for ring in self.polygon.interiors],
        )
        return [func.ST_Intersects(position, shift(func.ST_GeomFromText(planar.wkt, PUBLIC_SRID)))]


@dataclass(frozen=True)
class District(AreaFilter):
    """A GB/T 2260 area: posts whose county code starts with its prefix, inside its envelope
    (the envelope lets the position index skip everything far away).

    The envelope is read by the page's own statement (an InitPlan the index scan takes as its
    key), so a district page is one round trip; whether the code names a division at all is
    asked only when the page is empty (confirm_empty).

    Raises:
        MalformedCode: code is not six digits.
    """

    code: str
    needs_post_row = True

    def __post_init__(self):
        code_prefix(self.code)

    def conditions(self, position, area_code, shift=unshifted):
        envelope = func.ST_Transform(district_envelope(self.code), PUBLIC_SRID)
        return [
            position.op("&&")(shift(envelope)),
            area_code.startswith(code_prefix(self.code), autoescape=True),
        ]

    def confirm_empty(self) -> None:
        """Raises UnknownDistrict when no division has the code."""
        district_area(self.code)
