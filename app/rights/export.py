"""A copy of everything MedShare holds about the caller (PIPL art. 45), a few times a day.

What is the caller's own is given as they gave it (their notes, contact number, exact spots);
what they never gave us in clear is given as it is held: the identity number is not stored,
only a keyed hash of it, so the copy says which levels the account reached and the masked name.
Other people appear only as the caller could already see them: who revealed the caller's number
by their masked name (as GET /posts/{id}/contact-reveals shows it), reporters and moderators
not at all.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.auth.daily_quota import refuse_past_daily_quota
from app.auth.models import User
from app.errors import TryAgainLater
from app.extensions import db
from app.me.events import account_deleted
from app.me.service import consents
from app.moderation.models import ModerationCase, Report
from app.posts.models import ContactReveal, Post
from app.posts.presenter import Reader
from app.posts.rows import owner_rows
from app.posts.views import shown_to_owner
from app.rights.models import DataExport


class ExportLimit(TryAgainLater):
    code = "export_limit"


@dataclass(frozen=True)
class Export:
    """What GET /me/export answers (ExportSchema)."""

    exported_at: datetime
    profile: User
    consents: list
    posts: list[dict]
    reveals_made: list[ContactReveal]
    reveals_received: list[ContactReveal]
    reports: list[Report]
    appeals: list[ModerationCase]
    decisions: list[ModerationCase]


def export_data(user: User) -> Export:
    """Everything held about the user, counted against EXPORTS_PER_DAY.

    Raises:
        ExportLimit: the user asked for EXPORTS_PER_DAY copies today (China time).
    """
    now = datetime.now(UTC)
    _count_export(user, now)
    own_posts = select(Post.id).where(Post.user_id == user.id)
    export = Export(
        exported_at=now,
        profile=user,
        consents=consents(user),
        posts=_posts(user),
        reveals_made=_reveals(ContactReveal.viewer_id == user.id),
        reveals_received=_reveals(ContactReveal.post_id.in_(own_posts)),
        reports=list(
            db.session.scalars(
                select(Report)
                .where(Report.reporter_id == user.id)
                .order_by(Report.created_at.desc(), Report.id.desc())
            )
        ),
        appeals=_cases(
            ModerationCase.post_id.in_(own_posts), ModerationCase.appeal_note.is_not(None)
        ),
        decisions=_cases(ModerationCase.post_id.in_(own_posts), ModerationCase.state == "closed"),
    )
    db.session.commit()
    return export


def _count_export(user: User, now: datetime) -> None:
    def exported_since(since: datetime) -> int:
        return db.session.scalar(
            select(func.count(DataExport.id)).where(
                DataExport.user_id == user.id, DataExport.exported_at >= since
            )
        )

    refuse_past_daily_quota(user.id, exported_since, "EXPORTS_PER_DAY", ExportLimit)
    db.session.add(DataExport(user_id=user.id, exported_at=now))


def _posts(user: User) -> list[dict]:
    """Every post of the user's, deleted ones too (what erasing left of them), as its owner
    sees it, in WGS 84."""
    query = owner_rows(user.id).order_by(Post.created_at.desc(), Post.id.desc())
    return [shown_to_owner(row, Reader()) for row in db.session.execute(query)]


def _reveals(condition) -> list[ContactReveal]:
    return list(
        db.session.scalars(
            select(ContactReveal)
            .options(joinedload(ContactReveal.viewer))
            .where(condition)
            .order_by(ContactReveal.revealed_at.desc(), ContactReveal.id.desc())
        )
    )


def _cases(*conditions) -> list[ModerationCase]:
    return list(
        db.session.scalars(
            select(ModerationCase)
            .where(*conditions)
            .order_by(ModerationCase.opened_at.desc(), ModerationCase.id.desc())
        )
    )


# The count of a deleted account's exports is about a person who asked to be forgotten.
@account_deleted.connect
def _account_deleted(user, **_kwargs) -> None:
    db.session.execute(delete(DataExport).where(DataExport.user_id == user.id))
