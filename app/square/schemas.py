import hashlib
import json
from itertools import combinations
from typing import ClassVar

import marshmallow as ma
from shapely import Polygon
from webargs.fields import DelimitedList

from app.areas.service import CODE_MALFORMED
from app.place_fields import BoundingBoxField, CoordinateSystemField
from app.posts.models import MAX_ITEMS_PER_POST, POST_KINDS, URGENCY_TAGS
from app.posts.schemas import PublicPostSchema
from app.square.service import SORTS

MAX_RADIUS_M = 50_000
# Limits the schemas check, by name so the OpenAPI document says the same.
MEDICINE_CODE_MAX_LENGTH = 64
GROUP_CODE_MAX_LENGTH = 32
CURSOR_MAX_LENGTH = 500
PAGE_LIMIT_MAX = 50
MAX_POLYGON_VERTICES = 500
NEEDS_POINT_TO_SORT = "Sorting by distance needs lat and lng."
NEEDS_POINT_FOR_RADIUS = "A radius needs lat and lng to measure from."
ONE_AREA = "Give one area at most: radius_m, bbox, polygon or district."
NOT_A_POLYGON = "Not a valid GeoJSON Polygon."
TOO_MANY_VERTICES = "The polygon may have at most {max} vertices."
INVALID_POLYGON = "The polygon's edges cross or it has no area."
AREA_FIELDS = ("radius_m", "bbox", "polygon", "district")
# Paging fields are left out of a query's fingerprint: a cursor is valid for any page size.
PAGING_FIELDS = ("cursor", "limit")


class GeoJsonPolygonField(ma.fields.Field):
    """A GeoJSON Polygon, as an object (JSON body) or a JSON string (query string)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise ma.ValidationError(NOT_A_POLYGON) from error
        try:
            if value.get("type") != "Polygon":
                raise ma.ValidationError(NOT_A_POLYGON)
            rings = [
                [(float(lng), float(lat)) for lng, lat, *_ in ring] for ring in value["coordinates"]
            ]
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ma.ValidationError(NOT_A_POLYGON) from error
        if not rings or any(len(ring) < 4 for ring in rings):
            raise ma.ValidationError(NOT_A_POLYGON)
        if sum(len(ring) - 1 for ring in rings) > MAX_POLYGON_VERTICES:
            raise ma.ValidationError(TOO_MANY_VERTICES.format(max=MAX_POLYGON_VERTICES))
        if any(
            not (-180 <= lng <= 180 and -90 <= lat <= 90) for ring in rings for lng, lat in ring
        ):
            raise ma.ValidationError(NOT_A_POLYGON)
        polygon = Polygon(rings[0], rings[1:])
        if not polygon.is_valid or polygon.area == 0:
            raise ma.ValidationError(INVALID_POLYGON)
        return polygon


POINT_FIELDS = ("lat", "lng")
# What needs the asking point: a field, the value of it that does (None: any), and the error.
NEEDS_POINT = (
    ("sort", "distance", NEEDS_POINT_TO_SORT),
    ("radius_m", None, NEEDS_POINT_FOR_RADIUS),
)


def _given(field: str, value=None) -> dict:
    if value is None:
        return {"required": [field]}
    return {"required": [field], "properties": {field: {"enum": [value]}}}


# The rules consistent() below checks, from the same data, in JSON Schema: lat and lng come
# together, and NEEDS_POINT needs them; at most one area.
SQUARE_RULES = {
    "allOf": [
        {
            "anyOf": [
                {"required": list(POINT_FIELDS)},
                {
                    "not": {
                        "anyOf": [
                            *(_given(field) for field in POINT_FIELDS),
                            *(_given(field, value) for field, value, _ in NEEDS_POINT),
                        ]
                    }
                },
            ]
        },
        {"not": {"anyOf": [{"required": list(pair)} for pair in combinations(AREA_FIELDS, 2)]}},
    ]
}
# The same, in words, for the operations taking them as query parameters (which JSON Schema
# cannot relate to each other).
SQUARE_RULES_IN_WORDS = (
    "lat and lng come together; radius_m and sort=distance need them. At most one area: "
    "radius_m, bbox, polygon or district. A bbox's minimums are below its maximums; a polygon "
    "is a valid GeoJSON Polygon (closed rings of at least 4 positions, edges not crossing, "
    f"some area, at most {MAX_POLYGON_VERTICES} vertices). Otherwise 422 names the field."
)


POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
POLYGON_SCHEMA = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Polygon"]},
        "coordinates": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "array",
                "minItems": 4,
                "maxItems": MAX_POLYGON_VERTICES + 1,
                "items": POSITION,
            },
        },
    },
    "example": {
        "type": "Polygon",
        "coordinates": [
            [[121.40, 31.18], [121.55, 31.18], [121.55, 31.28], [121.40, 31.28], [121.40, 31.18]]
        ],
    },
}


class SquareQuerySchema(ma.Schema):
    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90), metadata={"example": 31.2304})
    lng = ma.fields.Float(validate=ma.validate.Range(-180, 180), metadata={"example": 121.4737})
    coordinate_system = CoordinateSystemField()
    sort = ma.fields.String(
        validate=ma.validate.OneOf(SORTS),
        metadata={"description": "distance (nearest first; the default with lat/lng) or time"},
    )
    kind = ma.fields.String(validate=ma.validate.OneOf(POST_KINDS))
    medicine = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(max=MEDICINE_CODE_MAX_LENGTH)),
        validate=ma.validate.Length(max=MAX_ITEMS_PER_POST),
        metadata={"description": "Catalog codes, comma-separated; a post with any of them"},
    )
    group = ma.fields.String(
        validate=ma.validate.Length(max=GROUP_CODE_MAX_LENGTH),
        metadata={"description": "Symptom group code"},
    )
    urgency = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(URGENCY_TAGS)),
        metadata={"description": "Needs carrying any of these tags"},
    )
    radius_m = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_RADIUS_M),
        metadata={"description": "Only posts within this many metres of lat/lng"},
    )
    bbox = BoundingBoxField(
        metadata={
            "type": "string",
            "example": "121.40,31.18,121.55,31.28",
            "description": "min_lng,min_lat,max_lng,max_lat in coordinate_system",
        },
    )
    polygon = GeoJsonPolygonField(
        metadata={
            "type": "string",
            "description": "GeoJSON Polygon in coordinate_system, "
            f"at most {MAX_POLYGON_VERTICES} vertices; longer ones via POST /posts/search",
        },
    )
    district = ma.fields.String(
        validate=ma.validate.Regexp(r"^\d{6}$", error=CODE_MALFORMED),
        metadata={
            "description": "GB/T 2260 code of a province, city or county (GET /api/v1/districts)",
            "example": "440305",
        },
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=CURSOR_MAX_LENGTH),
        metadata={"description": "next_cursor of the page before"},
    )
    limit = ma.fields.Integer(validate=ma.validate.Range(min=1, max=PAGE_LIMIT_MAX))

    @ma.validates_schema
    def consistent(self, data, **_kwargs):
        errors = {}
        if ("lat" in data) != ("lng" in data):
            errors["lng" if "lat" in data else "lat"] = ["Missing data for required field."]
        has_point = all(field in data for field in POINT_FIELDS)
        for field, value, error in NEEDS_POINT:
            if field in data and value in (None, data[field]) and not has_point:
                errors[field] = [error]
        areas = [name for name in AREA_FIELDS if name in data]
        if len(areas) > 1:
            for name in areas:
                errors.setdefault(name, []).append(ONE_AREA)
        if errors:
            raise ma.ValidationError(errors)

    @ma.post_load
    def with_fingerprint(self, data, **_kwargs):
        asked = {key: value for key, value in data.items() if key not in PAGING_FIELDS}
        canonical = json.dumps(asked, sort_keys=True, default=str)
        data["fingerprint"] = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        return data


class SquareSearchSchema(SquareQuerySchema):
    """The square's filters as a JSON body, for polygons too long for a URL."""

    JSON_SCHEMA_RULES: ClassVar[dict] = SQUARE_RULES

    medicine = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=MEDICINE_CODE_MAX_LENGTH)),
        validate=ma.validate.Length(max=MAX_ITEMS_PER_POST),
    )
    urgency = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(URGENCY_TAGS)))
    polygon = GeoJsonPolygonField(
        metadata={
            "description": "GeoJSON Polygon in coordinate_system: positions are [lng, lat], "
            "lng within ±180 and lat within ±90; rings closed, edges not crossing",
            **POLYGON_SCHEMA,
        }
    )


class SquarePageSchema(ma.Schema):
    posts = ma.fields.List(ma.fields.Nested(PublicPostSchema))
    next_cursor = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Pass as cursor for the next page; null on the last page, or "
            "once SQUARE_MAX_DEPTH (500) posts were shown: narrow the area to go further"
        },
    )
    sort = ma.fields.String()
