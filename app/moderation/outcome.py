"""What a poster sees of moderation on their own post: under review, or the decision and why."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.moderation.models import ModerationCase
from app.posts.models import Post

# Decisions a poster may appeal: each took their post down or changed what others see of it.
APPEALABLE_DECISIONS = ("hide", "remove", "edit_masking", "mark_resolved", "warn")


@dataclass(frozen=True)
class Outcome:
    under_review: bool
    decision: str | None
    reason: str | None
    decided_at: datetime | None
    appealed: bool
    can_appeal: bool
    # The note as everyone else sees it, so the owner knows what a masking decision left showing.
    public_note: str


def outcome_of(post: Post, public_note: str) -> Outcome:
    """Moderation as the post's owner sees it: reporters and moderators stay unnamed.

    Args:
        public_note: the note as everyone but the owner sees it.
    """
    cases = list(
        db.session.scalars(
            select(ModerationCase)
            .where(ModerationCase.post_id == post.id)
            .order_by(ModerationCase.opened_at, ModerationCase.id)
        )
    )
    open_case = next((case for case in cases if case.state == "open"), None)
    # Reports alone do not tell the owner anything until they hold the post: the owner learns
    # that a moderator is looking, never that someone reported them.
    under_review = open_case is not None and (post.status == "held" or open_case.kind == "appeal")
    decided = [case for case in cases if case.state == "closed"]
    last = max(decided, key=lambda case: case.closed_at, default=None)
    appealed = any(case.kind == "appeal" for case in cases)
    return Outcome(
        under_review=under_review,
        decision=last.decision if last else None,
        reason=last.decision_reason if last else None,
        decided_at=last.closed_at if last else None,
        appealed=appealed,
        can_appeal=(
            open_case is None
            and not appealed
            and last is not None
            and last.decision in APPEALABLE_DECISIONS
        ),
        public_note=public_note,
    )
