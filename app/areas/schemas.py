import marshmallow as ma

from geo.districts import CODE_PATTERN

DISTRICT_CODE = ma.validate.Regexp(CODE_PATTERN, error="A district code is 6 digits.")
NAME_QUERY_MAX_LENGTH = 20


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
