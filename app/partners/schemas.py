import marshmallow as ma

from app.partners.models import KEY_ENVIRONMENTS, KEY_KINDS


class PartnerKeySchema(ma.Schema):
    public_id = ma.fields.String(
        metadata={"description": "The key's public part: what logs and admins name it by"}
    )
    kind = ma.fields.String(metadata={"enum": list(KEY_KINDS)})
    environment = ma.fields.String(metadata={"enum": list(KEY_ENVIRONMENTS)})
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Set when rotated: works until then"}
    )
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "To the minute, not to the request"}
    )


class TierLimitsSchema(ma.Schema):
    reads = ma.fields.String(metadata={"example": "3000 per minute"})
    writes = ma.fields.String(metadata={"example": "300 per minute"})


class RegionSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "440300"})
    name = ma.fields.String(allow_none=True, metadata={"example": "深圳市"})


def preset_region_field() -> ma.fields.List:
    return ma.fields.List(
        ma.fields.Nested(RegionSchema),
        metadata={"description": "The square's area for calls that name none"},
    )


class PartnerSchema(ma.Schema):
    """A partner as its own server sees it; the secret of no key is ever shown again."""

    code = ma.fields.String(metadata={"description": "The channel's name in statistics"})
    name = ma.fields.String()
    contact = ma.fields.String()
    status = ma.fields.String()
    origins = ma.fields.List(
        ma.fields.String(), metadata={"description": "Pages that may use the public key"}
    )
    tier = ma.fields.String()
    limits = ma.fields.Nested(
        TierLimitsSchema, metadata={"description": "The tier's limits, counted per partner"}
    )
    region = preset_region_field()
    keys = ma.fields.List(ma.fields.Nested(PartnerKeySchema))


class PartnerLinkSchema(ma.Schema):
    """What a page may show of the partner its calls come through."""

    code = ma.fields.String(metadata={"description": "The channel's name in statistics"})
    name = ma.fields.String(metadata={"example": "深圳健康服务号"})
    region = preset_region_field()
