"""From the square's validated request arguments to a SquareQuery in WGS 84."""

from flask import current_app
from shapely import Polygon

from app.areas.service import UnknownDistrict
from app.posts.presenter import Reader
from app.square.areas import AreaFilter, Box, District, Radius, Shape
from app.square.cursor import Cursor
from app.square.region import preset_region
from app.square.service import SquareQuery
from geo.coordinates import to_wgs84
from geo.districts import MalformedCode
from geo.points import LonLat


def square_query(args: dict) -> SquareQuery:
    """Build the query a reader asked for; coordinates arrive in args["coordinate_system"].

    Raises:
        CursorInvalid: the cursor is forged or was given for another query.
        UnknownDistrict: the district code names no division.
    """
    system = args["coordinate_system"]
    point = None
    if "lat" in args:
        point = to_wgs84(LonLat(args["lng"], args["lat"]), system)
    sort = args.get("sort") or ("distance" if point is not None else "time")
    area = _area(args, point, system)
    fingerprint = args["fingerprint"]
    if area is None:
        # A partner's calls that name no area see the partner's preset region, if it has one.
        area, fingerprint = preset_region(fingerprint)
    cursor = None
    if "cursor" in args:
        cursor = Cursor.read(args["cursor"], fingerprint, sort)
    return SquareQuery(
        sort=sort,
        reader=Reader(point, system),
        limit=args.get("limit", current_app.config["SQUARE_DEFAULT_LIMIT"]),
        kind=args.get("kind"),
        medicines=tuple(args.get("medicine", ())),
        group=args.get("group"),
        urgency=tuple(args.get("urgency", ())),
        area=area,
        cursor=cursor,
        fingerprint=fingerprint,
    )


def _area(args: dict, point: LonLat | None, system: str) -> AreaFilter | None:
    if "district" in args:
        try:
            return District(args["district"])
        except MalformedCode:
            raise UnknownDistrict(malformed=True) from None
    if "radius_m" in args:
        return Radius(point, args["radius_m"])
    if "bbox" in args:
        min_lng, min_lat, max_lng, max_lat = args["bbox"]
        return Box(
            to_wgs84(LonLat(min_lng, min_lat), system), to_wgs84(LonLat(max_lng, max_lat), system)
        )
    if "polygon" in args:
        polygon = args["polygon"]
        return Shape(
            Polygon(
                _wgs84_ring(polygon.exterior.coords, system),
                [_wgs84_ring(ring.coords, system) for ring in polygon.interiors],
            )
        )
    return None


def _wgs84_ring(coords, system: str) -> list[tuple[float, float]]:
    points = (to_wgs84(LonLat(lng, lat), system) for lng, lat, *_ in coords)
    return [(point.lon, point.lat) for point in points]
