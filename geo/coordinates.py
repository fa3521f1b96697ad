"""Coordinate systems clients send: WGS 84 (GPS) and GCJ-02 (China's obfuscated datum, which
Tencent Maps, AMap and `wx.getLocation({type: 'gcj02'})` give). Everything is stored in WGS 84.

GCJ-02 is defined only inside mainland China; maps outside it (Hong Kong, Macao, Taiwan and
abroad) use WGS 84, so points there pass through unchanged.
"""

import prcoords
import shapely

from geo.districts import mainland_outline
from geo.points import LonLat

WGS84 = "wgs84"
GCJ02 = "gcj02"
COORDINATE_SYSTEMS = (WGS84, GCJ02)


class UnknownCoordinateSystem(ValueError):
    """Raised for a coordinate system name that is not in COORDINATE_SYSTEMS."""


def in_mainland_china(point: LonLat) -> bool:
    """Whether GCJ-02's shift applies at this point: inside mainland China's outline.

    The published implementations test a bounding box, which also shifts Hong Kong, Macao,
    Taiwan, Seoul or Hanoi, whose maps are WGS 84. Points within the outline's ~60 m
    simplification of a border (or offshore) may fall either side.
    """
    return bool(shapely.intersects_xy(mainland_outline(), point.lon, point.lat))


def to_wgs84(point: LonLat, system: str) -> LonLat:
    """The WGS 84 position of a point given in `system`.

    GCJ-02 has no closed-form inverse; prcoords iterates the forward transform to a fixed point,
    which lands within millimetres of the original WGS 84 position.

    Raises:
        UnknownCoordinateSystem: system is not one of COORDINATE_SYSTEMS.
    """
    return _converted(point, system, prcoords.gcj_wgs_bored)


def from_wgs84(point: LonLat, system: str) -> LonLat:
    """The position of a WGS 84 point in `system`, for answering in the client's own system.

    Raises:
        UnknownCoordinateSystem: system is not one of COORDINATE_SYSTEMS.
    """
    return _converted(point, system, prcoords.wgs_gcj)


def _converted(point: LonLat, system: str, gcj02_transform) -> LonLat:
    if system == WGS84 or (system == GCJ02 and not in_mainland_china(point)):
        return point
    if system != GCJ02:
        raise UnknownCoordinateSystem(system)
    moved = gcj02_transform(prcoords.Coords(point.lat, point.lon), check_china=False)
    return LonLat(moved.lon, moved.lat)


def shape_from_wgs84(geometry: shapely.Geometry, system: str) -> shapely.Geometry:
    """A WGS 84 geometry (a district's outline) with every vertex in `system`, as from_wgs84
    moves a point: vertices outside mainland China stay put.

    Raises:
        UnknownCoordinateSystem: system is not one of COORDINATE_SYSTEMS.
    """
    if system == WGS84:
        return geometry
    if system != GCJ02:
        raise UnknownCoordinateSystem(system)

    def move(lon_lats):
        moved = lon_lats.copy()
        inside = shapely.intersects_xy(mainland_outline(), lon_lats[:, 0], lon_lats[:, 1])
        for index in inside.nonzero()[0]:
            lon, lat = lon_lats[index]
            shifted = prcoords.wgs_gcj(prcoords.Coords(lat, lon), check_china=False)
            moved[index] = (shifted.lon, shifted.lat)
        return moved

    return shapely.transform(geometry, move)
