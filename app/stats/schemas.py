import marshmallow as ma

from app.areas.schemas import DISTRICT_CODE
from app.partners.models import CODE_MAX_LENGTH

COUNT_DOC = {
    "oneOf": [
        {"type": "integer", "description": "Rounded to STATS_ROUND_TO (5)"},
        {"type": "string", "enum": ["<10"], "description": "Under STATS_SUPPRESS_BELOW (10)"},
    ]
}


class Count(ma.fields.Raw):
    """A published count: a multiple of 5 from 10 up, or "<10"."""

    def __init__(self, **kwargs):
        super().__init__(metadata=COUNT_DOC, **kwargs)


class PartnerStatsQuerySchema(ma.Schema):
    district = ma.fields.String(
        validate=DISTRICT_CODE,
        metadata={
            "description": "A province, city or county (GET /api/v1/districts); all China "
            "without it",
            "example": "440300",
        },
    )
    from_ = ma.fields.Date(
        data_key="from", metadata={"description": "First day (China), default 30 days back"}
    )
    to = ma.fields.Date(metadata={"description": "Last day (China), default the snapshot's"})


class StatsQuerySchema(PartnerStatsQuerySchema):
    channel = ma.fields.String(
        validate=ma.validate.Length(min=1, max=CODE_MAX_LENGTH),
        metadata={"description": 'A partner\'s code, or "direct"; every channel without it'},
    )


class DayCountsSchema(ma.Schema):
    date = ma.fields.Date()
    need = Count()
    offer = Count()


class TotalsSchema(ma.Schema):
    need = Count()
    offer = Count()
    resolved = Count()


class RankedSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    posts = ma.fields.Integer(metadata={"description": "A published sum: 10 or more"})


class TopAreasSchema(ma.Schema):
    level = ma.fields.String(
        allow_none=True, metadata={"description": "city or district; null below a district"}
    )
    need = ma.fields.List(ma.fields.Nested(RankedSchema))
    offer = ma.fields.List(ma.fields.Nested(RankedSchema))


class TopMedicinesSchema(ma.Schema):
    need = ma.fields.List(ma.fields.Nested(RankedSchema))
    offer = ma.fields.List(ma.fields.Nested(RankedSchema))


class DistrictRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String(metadata={"description": "province, city or district"})


class ChannelCountsSchema(ma.Schema):
    channel = ma.fields.String(metadata={"description": 'A partner\'s code, or "direct"'})
    need = Count()
    offer = Count()


class PartnerStatsSchema(ma.Schema):
    """Figures from the latest daily snapshot: each count under 10 is "<10", every other is
    rounded to 5, and totals and top lists add up published figures only."""

    as_of = ma.fields.Date(metadata={"description": "The last day the snapshot counts"})
    taken_at = ma.fields.DateTime()
    from_ = ma.fields.Date(data_key="from", attribute="from")
    to = ma.fields.Date()
    suppressed_below = ma.fields.Integer()
    rounded_to = ma.fields.Integer()
    district = ma.fields.Nested(DistrictRefSchema, allow_none=True)
    days = ma.fields.List(ma.fields.Nested(DayCountsSchema))
    totals = ma.fields.Nested(TotalsSchema)
    resolved_share = ma.fields.Float(
        allow_none=True, metadata={"description": "Resolved posts of the posts counted, 0 to 1"}
    )
    median_hours_to_resolution = ma.fields.Float(allow_none=True)
    top_areas = ma.fields.Nested(TopAreasSchema)
    top_medicines = ma.fields.Nested(TopMedicinesSchema)


class StatsSchema(PartnerStatsSchema):
    channels = ma.fields.List(
        ma.fields.Nested(ChannelCountsSchema),
        metadata={"description": "Channels with at least one figure of 10 or more"},
    )
