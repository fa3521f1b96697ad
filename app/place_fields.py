"""Marshmallow fields for places, which the schemas of several areas (posts, the square, areas)
share: a coordinate system, a point as answers give it, a bounding box."""

import re

import marshmallow as ma

from geo.coordinates import COORDINATE_SYSTEMS, WGS84

COORDINATE_SYSTEM_DOC = (
    "wgs84 (GPS, the default) or gcj02 (Tencent Maps, AMap, wx.getLocation({type: 'gcj02'}))"
)
BBOX_FORM = "Give four numbers: min_lng,min_lat,max_lng,max_lat."
# Four decimal numbers, as the OpenAPI document states them; Python's float() would take more
# ("1e3", "inf", " 1 ") than the document says.
NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
BBOX_PATTERN = f"^{NUMBER}(?:,{NUMBER}){{3}}$"


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

    def __init__(self, *, metadata: dict, **kwargs):
        super().__init__(metadata={"type": "string", "pattern": BBOX_PATTERN, **metadata}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(BBOX_PATTERN, value):
            raise ma.ValidationError(BBOX_FORM)
        min_lng, min_lat, max_lng, max_lat = numbers = [float(part) for part in value.split(",")]
        if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
            raise ma.ValidationError(BBOX_FORM)
        return numbers
