"""Schemas of the moderation API: what users send with reports and appeals, what staff see."""

import marshmallow as ma

from app.moderation.models import (
    APPEAL_NOTE_MAX_LENGTH,
    CASE_KINDS,
    CASE_STATES,
    DECISIONS,
    REASON_MAX_LENGTH,
    REPORT_NOTE_MAX_LENGTH,
    REPORT_REASONS,
    REPORT_STATES,
)
from app.moderation.queue import holds_lease

# The poster is shown the reason: spaces alone explain nothing.
NOT_BLANK = ma.validate.Regexp(r"\s*\S", error="Must not be blank.")


class ReportCreateSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(REPORT_REASONS))
    note = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=REPORT_NOTE_MAX_LENGTH)
    )


class ReportSchema(ma.Schema):
    """A report as its reporter sees it."""

    id = ma.fields.Integer()
    post_id = ma.fields.Integer()
    reason = ma.fields.String(metadata={"enum": list(REPORT_REASONS)})
    note = ma.fields.String()
    state = ma.fields.String(metadata={"enum": list(REPORT_STATES)})
    created_at = ma.fields.DateTime()


class AppealCreateSchema(ma.Schema):
    note = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=APPEAL_NOTE_MAX_LENGTH),
        metadata={"description": "Why the decision should be looked at again"},
    )


class StaffSessionSchema(ma.Schema):
    username = ma.fields.String()
    role = ma.fields.String(metadata={"enum": ["moderator", "admin"]})
    csrf_token = ma.fields.String(
        metadata={"description": "Send it back as X-CSRFToken on every POST"}
    )


class QueueQuerySchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(CASE_KINDS))
    state = ma.fields.String(load_default="open", validate=ma.validate.OneOf(CASE_STATES))
    unclaimed_only = ma.fields.Boolean(load_default=False)
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=100))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=10_000))


class ClaimNextSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(CASE_KINDS))


class RuleHitSchema(ma.Schema):
    field = ma.fields.String(metadata={"enum": ["note", "address_hint"]})
    rule_id = ma.fields.String()
    kind = ma.fields.String()
    severity = ma.fields.Integer()
    start = ma.fields.Integer()
    end = ma.fields.Integer()


class CaseSchema(ma.Schema):
    """A queue item; `version` goes back with the decision."""

    id = ma.fields.Integer()
    post_id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": list(CASE_KINDS)})
    state = ma.fields.String(metadata={"enum": list(CASE_STATES)})
    priority = ma.fields.Integer()
    version = ma.fields.Integer()
    # A Method, not attribute="claimer.username", which leaves the key out instead of null.
    claimed_by = ma.fields.Method(
        "_claimed_by",
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "Username"},
    )
    lease_expires_at = ma.fields.DateTime(allow_none=True)
    opened_at = ma.fields.DateTime()
    closed_at = ma.fields.DateTime(allow_none=True)
    decision = ma.fields.String(allow_none=True, metadata={"enum": list(DECISIONS)})
    decision_reason = ma.fields.String(allow_none=True)
    rule_hits = ma.fields.List(ma.fields.Nested(RuleHitSchema))
    report_count = ma.fields.Method("_report_count", metadata={"type": "integer"})

    def _claimed_by(self, case) -> str | None:
        # A lapsed lease holds nothing: the queue counts and claim_next treat the item as free.
        return case.claimer.username if holds_lease(case, None) else None

    def _report_count(self, case) -> int:
        return len(case.reports)


class QueueCountsSchema(ma.Schema):
    total = ma.fields.Integer()
    claimed = ma.fields.Integer()
    screening = ma.fields.Integer()
    report = ma.fields.Integer()
    resolved_report = ma.fields.Integer()
    appeal = ma.fields.Integer()


class QueueSchema(ma.Schema):
    counts = ma.fields.Nested(QueueCountsSchema)
    items = ma.fields.List(ma.fields.Nested(CaseSchema))


class FindingSchema(ma.Schema):
    kind = ma.fields.String(metadata={"example": "mobile"})
    start = ma.fields.Integer()
    end = ma.fields.Integer()


class StaffReportSchema(ReportSchema):
    """A report as moderators see it: the reporter stays a number."""

    reporter_id = ma.fields.Integer()


class ReviewedPostSchema(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String()
    urgency = ma.fields.List(ma.fields.String())
    area_code = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()


class HistoryPostSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    note = ma.fields.Method("_masked_note", metadata={"type": "string", "description": "Masked"})

    def _masked_note(self, post) -> str:
        return post.public_note


class PastDecisionSchema(ma.Schema):
    id = ma.fields.Integer()
    post_id = ma.fields.Integer()
    decision = ma.fields.String(metadata={"enum": list(DECISIONS)})
    closed_at = ma.fields.DateTime()


class PosterHistorySchema(ma.Schema):
    posts = ma.fields.List(ma.fields.Nested(HistoryPostSchema))
    decisions = ma.fields.List(ma.fields.Nested(PastDecisionSchema))
    warnings = ma.fields.Integer()
    reports_against = ma.fields.Integer()


class CaseReviewSchema(ma.Schema):
    """An item for deciding; reading it is recorded in the audit trail."""

    case = ma.fields.Nested(CaseSchema)
    post = ma.fields.Nested(ReviewedPostSchema)
    original_note = ma.fields.String(metadata={"description": "As written: moderators only"})
    appeal_note = ma.fields.String(
        attribute="case.appeal_note",
        allow_none=True,
        metadata={"description": "An appeal's: the poster's words, as written"},
    )
    note_findings = ma.fields.List(ma.fields.Nested(FindingSchema))
    masked_note = ma.fields.String(metadata={"description": "What everyone else sees"})
    reports = ma.fields.List(ma.fields.Nested(StaffReportSchema))
    history = ma.fields.Nested(PosterHistorySchema)


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(DECISIONS))
    reason = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=REASON_MAX_LENGTH), NOT_BLANK],
        metadata={"description": "Shown to the poster with the outcome: no personal data"},
    )
    version = ma.fields.Integer(required=True, metadata={"description": "The item's version"})
    public_note = ma.fields.String(
        metadata={"description": "edit_masking only: the note with what to hide replaced by *"}
    )


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_kind = ma.fields.String(metadata={"enum": ["staff", "user", "system"]})
    staff = ma.fields.String(attribute="staff.username", allow_none=True)
    action = ma.fields.String()
    case_id = ma.fields.Integer(allow_none=True)
    post_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)


class ModerationOutcomeSchema(ma.Schema):
    """Moderation of the post as its owner sees it; reporters and moderators stay unnamed."""

    under_review = ma.fields.Boolean(
        metadata={"description": "In the moderators' queue now (a held post waits on this)"}
    )
    decision = ma.fields.String(
        allow_none=True,
        metadata={"enum": list(DECISIONS), "description": "The latest decision, if any"},
    )
    reason = ma.fields.String(allow_none=True, metadata={"description": "The moderator's reason"})
    decided_at = ma.fields.DateTime(allow_none=True)
    appealed = ma.fields.Boolean(metadata={"description": "A post may be appealed once"})
    can_appeal = ma.fields.Boolean()
    public_note = ma.fields.String(
        metadata={"description": "The note as everyone else sees it: masked, by rule or by hand"}
    )
