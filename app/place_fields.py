"""Marshmallow fields for places, which the schemas of several areas (posts, the square, areas)
share: a coordinate system, a point as answers give it, a bounding box."""

import marshmallow as ma

from geo.coordinates import COORDINATE_SYSTEMS, WGS84

COORDINATE_SYSTEM_DOC = (
    "wgs84 (GPS, the default) or gcj02 (Tencent Maps, AMap, wx.getLocation({type: 'gcj02'}))"
)
BBOX_FORM = "Give four numbers: min_lng,min_lat,max_lng,max_lat."


class CoordinateSystemField(ma.fields.String):
    def __init__(self, **kwargs):
        super().__init__(
            load_default=WGS84,
            validate=ma.validate.OneOf(COORDINATE_SYSTEMS),
            metadata={"description": COORDINATE_SYSTEM_DOC},
            **kwargs,
        )


class PointSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()
    coordinate_system = ma.fields.String(metadata={"description": COORDINATE_SYSTEM_DOC})


class BoundingBoxField(ma.fields.Field):
    """ "min_lng,min_lat,max_lng,max_lat" -> four floats, south-west corner first."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            numbers = [float(part) for part in str(value).split(",")]
        except ValueError as error:
            raise ma.ValidationError(BBOX_FORM) from error
        if len(numbers) != 4:
            raise ma.ValidationError(BBOX_FORM)
        min_lng, min_lat, max_lng, max_lat = numbers
        if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
            raise ma.ValidationError(BBOX_FORM)
        return numbers
