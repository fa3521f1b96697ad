import marshmallow as ma
from shapely.geometry import mapping

from app.areas.outlines import OUTLINE_MAX_DEGREES
from app.place_fields import BoundingBoxField, CoordinateSystemField, PointSchema
from geo.districts import CODE_PATTERN

DISTRICT_CODE = ma.validate.Regexp(CODE_PATTERN, error="A district code is 6 digits.")
NAME_QUERY_MAX_LENGTH = 20
BOX_TOO_LARGE = "The box may be at most {max} degree on each side."


class DistrictQuerySchema(ma.Schema):
    parent = ma.fields.String(
        validate=DISTRICT_CODE,
        metadata={
            "description": "List this division's children; without it, the provinces",
            "example": "440300",
        },
    )
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=NAME_QUERY_MAX_LENGTH),
        metadata={
            "description": "Only divisions whose Chinese name contains this; without parent, "
            "divisions of every level",
            "example": "南山",
        },
    )


class DistrictSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "GB/T 2260 code", "example": "440305"})
    name = ma.fields.String(
        attribute="name_zh",
        metadata={"description": "Chinese name (the data has no other)", "example": "南山区"},
    )
    level = ma.fields.Integer(
        metadata={"description": "1 province, 2 prefecture, 3 county-level", "example": 3}
    )
    parent_code = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The division it belongs to; a municipality's districts and a "
            "county directly under a province name the province",
            "example": "440300",
        },
    )


class PlaceQuerySchema(ma.Schema):
    coordinate_system = CoordinateSystemField()


class OutlineQuerySchema(PlaceQuerySchema):
    bbox = BoundingBoxField(
        required=True,
        metadata={
            "type": "string",
            "description": "min_lng,min_lat,max_lng,max_lat in coordinate_system, at most "
            f"{OUTLINE_MAX_DEGREES:g} degree a side: a map of what is near",
            "example": "113.90,22.50,113.98,22.56",
        },
    )

    @ma.validates_schema
    def small_enough(self, data, **_kwargs):
        min_lng, min_lat, max_lng, max_lat = data.get("bbox", (0, 0, 0, 0))
        if max(max_lng - min_lng, max_lat - min_lat) > OUTLINE_MAX_DEGREES:
            raise ma.ValidationError(BOX_TOO_LARGE.format(max=f"{OUTLINE_MAX_DEGREES:g}"), "bbox")


class DistrictPlaceSchema(DistrictSchema):
    centre = ma.fields.Method(
        "dump_centre",
        metadata={"type": "object", "description": "A point inside the division"},
    )
    bbox = ma.fields.List(
        ma.fields.Float(),
        metadata={"description": "min_lng, min_lat, max_lng, max_lat of the division"},
    )

    def dump_centre(self, place):
        point = {"lng": place.centre.lon, "lat": place.centre.lat}
        return PointSchema().dump({**point, "coordinate_system": place.coordinate_system})


class OutlinePropertiesSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "440305"})
    name = ma.fields.String(attribute="name_zh", metadata={"example": "南山区"})
    level = ma.fields.Integer(metadata={"example": 3})


class OutlineFeatureSchema(ma.Schema):
    type = ma.fields.Constant("Feature", metadata={"type": "string"})
    id = ma.fields.String(attribute="code")
    properties = ma.fields.Function(
        lambda outline: OutlinePropertiesSchema().dump(outline),
        metadata={"type": "object"},
    )
    geometry = ma.fields.Function(
        lambda outline: mapping(outline.geometry),
        metadata={"type": "object", "description": "GeoJSON (Multi)Polygon, cut to the box"},
    )


class OutlineCollectionSchema(ma.Schema):
    type = ma.fields.Constant("FeatureCollection", metadata={"type": "string"})
    features = ma.fields.List(ma.fields.Nested(OutlineFeatureSchema), attribute="outlines")
