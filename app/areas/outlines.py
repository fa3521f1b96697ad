"""Districts for a small map: the outlines of the finest divisions inside a box, simplified and
cut to it, and one division's centre and extent (where a reader who shares no location starts).

Boundaries are stored in WGS 84; answers come in the reader's coordinate system, so outlines
and the square's points in GCJ-02 line up on the page.
"""

from dataclasses import dataclass

import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from app.areas.models import District
from app.errors import DomainError
from app.extensions import db
from geo.coordinates import WGS84, from_wgs84, shape_from_wgs84, to_wgs84
from geo.districts import CODE_PATTERN
from geo.points import WGS84_SRID, LonLat

# A map of what is near, never of a province or the country.
OUTLINE_MAX_DEGREES = 1.0
# Simplified to a 400th of the box's larger side: about a pixel of a phone-wide map.
SIMPLIFY_SHARE = 1 / 400
# Outlines are cut a little beyond the box, so their edges leave the map rather than end on it.
CLIP_MARGIN_SHARE = 0.05
# GCJ-02 moves points by up to about 700 m: the box asked in it is widened by that to find them.
GCJ02_SLACK_DEGREES = 0.01
# Coordinates to 5 decimals, about a metre: enough for any map, and a third of the bytes.
PRECISION_DEGREES = 1e-5


class DistrictNotFound(DomainError):
    code = "district_not_found"


@dataclass(frozen=True)
class Outline:
    code: str
    name_zh: str
    level: int
    geometry: shapely.Geometry


@dataclass(frozen=True)
class DistrictPlace:
    code: str
    name_zh: str
    level: int
    parent_code: str | None
    centre: LonLat
    bbox: tuple[float, float, float, float]
    coordinate_system: str


def outlines(bbox: list[float], system: str) -> list[Outline]:
    """The finest divisions (counties, or a prefecture with none, such as 东莞市) meeting a box,
    their outlines simplified and cut to it, in `system`.

    Args:
        bbox: min_lng, min_lat, max_lng, max_lat in `system`, at most OUTLINE_MAX_DEGREES a side.
    """
    min_lng, min_lat, max_lng, max_lat = bbox
    span = max(max_lng - min_lng, max_lat - min_lat)
    slack = 0.0 if system == WGS84 else GCJ02_SLACK_DEGREES
    south_west = to_wgs84(LonLat(min_lng, min_lat), system)
    north_east = to_wgs84(LonLat(max_lng, max_lat), system)
    margin = span * CLIP_MARGIN_SHARE + slack
    box = func.ST_MakeEnvelope(
        south_west.lon - margin,
        south_west.lat - margin,
        north_east.lon + margin,
        north_east.lat + margin,
        WGS84_SRID,
    )
    child = aliased(District)
    shape = func.ST_Intersection(
        func.ST_SimplifyPreserveTopology(District.boundary, span * SIMPLIFY_SHARE), box
    )
    rows = db.session.execute(
        select(District.code, District.name_zh, District.level, shape)
        .where(
            func.ST_Intersects(District.boundary, box),
            ~exists().where(child.parent_code == District.code),
        )
        .order_by(District.code)
    )
    return [
        Outline(code, name_zh, level, _rounded(shape_from_wgs84(to_shape(geometry), system)))
        for code, name_zh, level, geometry in rows
        if geometry is not None
    ]


def district_place(code: str, system: str) -> DistrictPlace:
    """A division with a point inside it (its centre, for distances) and its extent.

    Raises:
        DistrictNotFound: code is not 6 digits, or names no division.
    """
    if not CODE_PATTERN.fullmatch(code):
        raise DistrictNotFound
    row = db.session.execute(
        select(
            District.code,
            District.name_zh,
            District.level,
            District.parent_code,
            func.ST_X(func.ST_PointOnSurface(District.boundary)),
            func.ST_Y(func.ST_PointOnSurface(District.boundary)),
            func.ST_XMin(District.boundary),
            func.ST_YMin(District.boundary),
            func.ST_XMax(District.boundary),
            func.ST_YMax(District.boundary),
        ).where(District.code == code)
    ).one_or_none()
    if row is None:
        raise DistrictNotFound
    found, name_zh, level, parent_code, lon, lat, *extent = row
    south_west = from_wgs84(LonLat(extent[0], extent[1]), system)
    north_east = from_wgs84(LonLat(extent[2], extent[3]), system)
    return DistrictPlace(
        found,
        name_zh,
        level,
        parent_code,
        from_wgs84(LonLat(lon, lat), system),
        (south_west.lon, south_west.lat, north_east.lon, north_east.lat),
        system,
    )


def _rounded(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geometry, PRECISION_DEGREES, mode="pointwise")
