import marshmallow as ma

from app.auth.lookup import MAINLAND_MOBILE_PATTERN
from app.catalog.schemas import catalog_label, localized_name
from app.place_fields import CoordinateSystemField, PointSchema
from app.posts.models import (
    ADDRESS_HINT_MAX_LENGTH,
    MAX_ITEMS_PER_POST,
    NOTE_MAX_LENGTH,
    POST_KINDS,
    POST_STATUSES,
    URGENCY_TAGS,
)

OFFER_ONLY = "Only offers carry this."
NEED_ONLY = "Only needs carry this."


class LocationSchema(ma.Schema):
    lat = ma.fields.Float(
        required=True, validate=ma.validate.Range(-90, 90), metadata={"example": 31.2304}
    )
    lng = ma.fields.Float(
        required=True, validate=ma.validate.Range(-180, 180), metadata={"example": 121.4737}
    )
    coordinate_system = CoordinateSystemField()


class PostItemInputSchema(ma.Schema):
    medicine = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=64),
        metadata={"description": "Catalog code from GET /api/v1/medicines", "example": "ibuprofen"},
    )
    # Strict: 2.5 tablets is a mistake to point out, not 2 tablets.
    quantity = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=1000)
    )
    unit = ma.fields.String(
        required=True, validate=ma.validate.Length(max=16), metadata={"example": "tablet"}
    )
    pack_expires_on = ma.fields.Date(
        metadata={"description": "Offers: the pack's expiry date; at least 7 days away"}
    )
    sealed = ma.fields.Boolean(metadata={"description": "Offers: whether the pack is unopened"})


class PostCreateSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(POST_KINDS))
    items = ma.fields.List(
        ma.fields.Nested(PostItemInputSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_ITEMS_PER_POST),
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=NOTE_MAX_LENGTH))
    # The pattern bounds it (11 digits, a prefix, separators), and only its digits are kept.
    contact_phone = ma.fields.String(
        required=True,
        metadata={
            "description": "Mainland mobile number; revealed only through /contact",
            "pattern": MAINLAND_MOBILE_PATTERN,
            "example": "13912345678",
        },
    )
    location = ma.fields.Nested(LocationSchema, required=True)
    address_hint = ma.fields.String(
        validate=ma.validate.Length(max=ADDRESS_HINT_MAX_LENGTH),
        metadata={"description": "For people meeting up; shown with the contact, never publicly"},
    )
    urgency = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(URGENCY_TAGS)),
        load_default=list,
        validate=ma.validate.Length(max=len(URGENCY_TAGS)),
        metadata={"description": "Needs only: who the medicine is for"},
    )

    @ma.validates_schema
    def fields_of_the_other_kind(self, data, **_kwargs):
        errors = {}
        if data.get("kind") == "need" and data.get("items"):
            for index, item in enumerate(data["items"]):
                for field in ("pack_expires_on", "sealed"):
                    if field in item:
                        errors.setdefault("items", {}).setdefault(index, {})[field] = [OFFER_ONLY]
        if data.get("kind") == "offer" and data.get("urgency"):
            errors["urgency"] = [NEED_ONLY]
        if errors:
            raise ma.ValidationError(errors)


class NoteEditSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=ma.validate.Length(max=NOTE_MAX_LENGTH))


class AnswerSystemSchema(ma.Schema):
    """The coordinate system answers should use."""

    coordinate_system = CoordinateSystemField()


class ViewQuerySchema(ma.Schema):
    """Where the reader is, to show distances; optional on a post's page."""

    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90))
    lng = ma.fields.Float(validate=ma.validate.Range(-180, 180))
    coordinate_system = CoordinateSystemField()

    @ma.validates_schema
    def both_or_neither(self, data, **_kwargs):
        if ("lat" in data) != ("lng" in data):
            missing = "lng" if "lat" in data else "lat"
            raise ma.ValidationError({missing: ["Missing data for required field."]})


class MedicineRefSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "ibuprofen"})
    name = ma.fields.Function(
        localized_name,
        metadata={"type": "string", "example": "布洛芬"},
    )


class PostItemSchema(ma.Schema):
    medicine = ma.fields.Nested(MedicineRefSchema)
    quantity = ma.fields.Integer()
    unit = ma.fields.String(metadata={"example": "tablet"})
    unit_label = ma.fields.Function(
        lambda item: catalog_label("units", item.unit),
        metadata={"type": "string", "example": "片"},
    )
    pack_expires_on = ma.fields.Date(allow_none=True)
    sealed = ma.fields.Boolean(allow_none=True)


class DistanceSchema(ma.Schema):
    metres = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "Rounded to 100 m; null below 500 m (then nearby is true)"},
    )
    nearby = ma.fields.Boolean()
    text = ma.fields.String(metadata={"example": "1.2 公里"})


class PublicPostSchema(ma.Schema):
    """What anyone may see: no phone number, no exact place."""

    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": list(POST_KINDS)})
    status = ma.fields.String(metadata={"enum": list(POST_STATUSES)})
    items = ma.fields.List(ma.fields.Nested(PostItemSchema))
    note = ma.fields.String(
        metadata={"description": "Personal data in it is masked, except in the owner's view"}
    )
    urgency = ma.fields.List(ma.fields.String(metadata={"enum": list(URGENCY_TAGS)}))
    area_code = ma.fields.String(
        allow_none=True, metadata={"description": "GB/T 2260 county-level code of the area"}
    )
    area_name = ma.fields.String(allow_none=True, metadata={"example": "黄浦区"})
    approximate_location = ma.fields.Nested(
        PointSchema,
        metadata={"description": "Centre of the ~500 m grid cell the post is in, never the spot"},
    )
    distance = ma.fields.Nested(
        DistanceSchema,
        metadata={"description": "From lat/lng asked with; absent when none was given"},
    )
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
    resolved_at = ma.fields.DateTime(allow_none=True)


OWNER_ONLY = "Only in the owner's view. "


class PostSchema(PublicPostSchema):
    """A post by its link: the public view, plus everything they gave for its owner."""

    is_own = ma.fields.Boolean(metadata={"description": "Whether the reader posted it"})
    location = ma.fields.Nested(
        PointSchema, metadata={"description": OWNER_ONLY + "The exact spot given"}
    )
    contact_phone = ma.fields.String(
        allow_none=True, metadata={"description": OWNER_ONLY + "Null once deleted"}
    )
    address_hint = ma.fields.String(allow_none=True, metadata={"description": OWNER_ONLY})
    catalog_edition = ma.fields.String(metadata={"description": OWNER_ONLY})
    renewed_at = ma.fields.DateTime(allow_none=True, metadata={"description": OWNER_ONLY})
    updated_at = ma.fields.DateTime(metadata={"description": OWNER_ONLY})
    # By name: the schema is moderation's (app/moderation/api/schemas.py), which sits above
    # posts; marshmallow's registry resolves it once the app has imported both.
    moderation = ma.fields.Nested(
        "ModerationOutcomeSchema",
        metadata={"description": OWNER_ONLY + "Reviews and decisions"},
    )


class ContactSchema(ma.Schema):
    post_id = ma.fields.Integer()
    phone = ma.fields.String(metadata={"example": "13800138000"})
    address_hint = ma.fields.String(allow_none=True)
    poster_name = ma.fields.String(metadata={"description": "Masked, e.g. 刘*"})
    revealed_at = ma.fields.DateTime()


class ContactRevealSchema(ma.Schema):
    viewer_name = ma.fields.String(
        attribute="viewer.display_name", metadata={"description": "Masked, e.g. 刘*"}
    )
    revealed_at = ma.fields.DateTime()


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "Any unique string (a UUID); a retry with it creates nothing"},
    )
