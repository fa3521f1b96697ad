"""What GET /me/export answers: the caller's data, each part in the shape its own view has."""

import marshmallow as ma

from app.me.schemas import ConsentSchema, MeSchema
from app.moderation.api.schemas import ReportSchema
from app.moderation.models import DECISIONS
from app.posts.schemas import ContactRevealSchema, PostSchema


class ExportedProfileSchema(MeSchema):
    status = ma.fields.String(metadata={"enum": ["active", "banned", "deleted"]})
    identity_number = ma.fields.Constant(
        None,
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "Always null: the number is never stored, only a keyed hash of it, "
            "which tells no one the number; `levels` says whether it was checked",
        },
    )


class RevealMadeSchema(ma.Schema):
    post_id = ma.fields.Integer()
    revealed_at = ma.fields.DateTime()


class RevealReceivedSchema(ContactRevealSchema):
    post_id = ma.fields.Integer()


class ExportedAppealSchema(ma.Schema):
    post_id = ma.fields.Integer()
    note = ma.fields.String(attribute="appeal_note")
    opened_at = ma.fields.DateTime()


class ExportedDecisionSchema(ma.Schema):
    """A moderator's decision on one of the caller's posts, as its owner is shown it."""

    post_id = ma.fields.Integer()
    decision = ma.fields.String(metadata={"enum": list(DECISIONS)})
    reason = ma.fields.String(attribute="decision_reason")
    decided_at = ma.fields.DateTime(attribute="closed_at")


class ExportSchema(ma.Schema):
    exported_at = ma.fields.DateTime()
    profile = ma.fields.Nested(ExportedProfileSchema)
    consents = ma.fields.List(ma.fields.Nested(ConsentSchema))
    posts = ma.fields.List(
        ma.fields.Nested(PostSchema),
        metadata={"description": "Every post, deleted ones as erasing left them, in WGS 84"},
    )
    reveals_made = ma.fields.List(
        ma.fields.Nested(RevealMadeSchema),
        metadata={"description": "Whose numbers the caller saw: the posts, not the numbers"},
    )
    reveals_received = ma.fields.List(
        ma.fields.Nested(RevealReceivedSchema),
        metadata={"description": "Who saw the caller's numbers, by masked name"},
    )
    reports = ma.fields.List(ma.fields.Nested(ReportSchema))
    appeals = ma.fields.List(ma.fields.Nested(ExportedAppealSchema))
    decisions = ma.fields.List(ma.fields.Nested(ExportedDecisionSchema))
