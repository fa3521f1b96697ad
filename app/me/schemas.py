"""What the caller's own account routes read and answer with."""

import marshmallow as ma

from app.auth.schemas import VerificationLevelSchema
from app.i18n import negotiate_locale
from app.me.documents import DOCUMENT_TYPES
from app.me.models import CONSENT_PURPOSES


class VerificationSchema(ma.Schema):
    name = ma.fields.String(
        required=True,
        metadata={"description": "Full name as on the document; only its masked form is kept"},
    )
    document_type = ma.fields.String(required=True, validate=ma.validate.OneOf(DOCUMENT_TYPES))
    document_number = ma.fields.String(
        required=True,
        metadata={"description": "18 characters; spaces are ignored, x may be lower-case"},
    )


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String(
        metadata={"description": "Masked real name once verified (刘*), else a default"}
    )
    mobile = ma.fields.String(
        attribute="phone_masked", allow_none=True, metadata={"example": "138****8000"}
    )
    levels = ma.fields.List(ma.fields.Nested(VerificationLevelSchema), attribute="verifications")
    wechat_bound = ma.fields.Boolean(
        metadata={"description": "Signs in with WeChat (the mini program or the H5 page)"}
    )
    created_at = ma.fields.DateTime()


class ConsentGrantSchema(ma.Schema):
    purpose = ma.fields.String(required=True, validate=ma.validate.OneOf(CONSENT_PURPOSES))
    policy_version = ma.fields.String(
        required=True, metadata={"description": "The current version, from GET /me/policies"}
    )


class ConsentSchema(ma.Schema):
    purpose = ma.fields.String(metadata={"example": "location"})
    policy_version = ma.fields.String(metadata={"example": "2026-11-01"})
    granted_at = ma.fields.DateTime()
    withdrawn_at = ma.fields.DateTime(allow_none=True)
    active = ma.fields.Function(
        lambda consent: consent.withdrawn_at is None, metadata={"type": "boolean"}
    )


class PolicySchema(ma.Schema):
    purpose = ma.fields.String(metadata={"example": "identity_verification"})
    version = ma.fields.String(metadata={"example": "2026-11-01"})
    title = ma.fields.Function(
        lambda policy: policy["title"][negotiate_locale()], metadata={"type": "string"}
    )
    text = ma.fields.Function(
        lambda policy: policy["text"][negotiate_locale()],
        metadata={
            "type": "string",
            "description": "What the user consents to, in the negotiated language",
        },
    )
