"""What a poster sees of moderation on their own post: under review, or the decision and why."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.posts.models import Post
from moderation.models import ModerationCase

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


def outcome_of(post: Post) -> Outcome:
    """Moderation as the post's owner sees it: reporters and moderators stay unnamed."""
    cases = list(
        db.session.scalars(
            select(ModerationCase)
            .where(ModerationCase.post_id == post.id)
            .order_by(ModerationCase.opened_at, ModerationCase.id)
        )
    )
    under_review = any(case.state == "open" for case in cases)
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
            not under_review
            and not appealed
            and last is not None
            and last.decision in APPEALABLE_DECISIONS
        ),
    )
