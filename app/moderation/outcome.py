"""What a poster sees of moderation on their own post: under review, or the decision and why.

Read in the statement that reads the owner's post (outcome_column, through
app.posts.moderation_hook), and turned into the answer's `moderation` by `outcome`.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select

from app.moderation.models import ModerationCase

# Decisions a poster may appeal: each took their post down or changed what others see of it.
APPEALABLE_DECISIONS = ("hide", "remove", "edit_masking", "mark_resolved", "warn")


def outcome_column(post_id: ColumnElement) -> ColumnElement:
    """JSON of the post's open case kind, latest decision and whether it was appealed."""
    cases = ModerationCase.post_id == post_id
    last = (
        select(
            func.json_build_object(
                "decision",
                ModerationCase.decision,
                "reason",
                ModerationCase.decision_reason,
                "closed_at",
                ModerationCase.closed_at,
            )
        )
        .where(cases, ModerationCase.state == "closed")
        .order_by(ModerationCase.closed_at.desc(), ModerationCase.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    open_kind = (
        select(ModerationCase.kind).where(cases, ModerationCase.state == "open").scalar_subquery()
    )
    appealed = exists().where(cases, ModerationCase.kind == "appeal")
    return func.json_build_object("open_kind", open_kind, "last", last, "appealed", appealed)


def outcome(value: dict | None, status: str, public_note: str) -> dict:
    """Moderation as the post's owner sees it: reporters and moderators stay unnamed.

    Args:
        value: outcome_column's JSON for the post (None: it has no cases).
        status: the post's status.
        public_note: the note as everyone but the owner sees it, so the owner knows what a
            masking decision left showing.
    """
    value = value or {}
    open_kind = value.get("open_kind")
    last = value.get("last")
    appealed = bool(value.get("appealed"))
    # Reports alone do not tell the owner anything until they hold the post: the owner learns
    # that a moderator is looking, never that someone reported them.
    under_review = open_kind is not None and (status == "held" or open_kind == "appeal")
    decision = last["decision"] if last else None
    return {
        "under_review": under_review,
        "decision": decision,
        "reason": last["reason"] if last else None,
        "decided_at": datetime.fromisoformat(last["closed_at"]) if last else None,
        "appealed": appealed,
        "can_appeal": open_kind is None and not appealed and decision in APPEALABLE_DECISIONS,
        "public_note": public_note,
    }
