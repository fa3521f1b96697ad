"""The moderators' queue: what is waiting, claiming an item under a lease, and reading it.

A claim is a lease: MODERATION_LEASE_MINUTES during which only its holder may decide the item.
A lease nobody renews lapses, so an item a moderator walked away from goes back to the queue.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.errors import DomainError
from app.extensions import db
from app.moderation import audit
from app.moderation.models import CASE_KINDS, AuditEntry, ModerationCase, Report
from app.posts.models import Post
from app.staff.models import StaffAccount
from moderation.masking import Finding, find_personal_data

HISTORY_LIMIT = 20


class CaseNotFound(DomainError):
    code = "case_not_found"


class CaseClaimed(DomainError):
    """Someone else holds the item's lease."""

    code = "case_claimed"


class QueueEmpty(DomainError):
    code = "queue_empty"


class CaseClosed(DomainError):
    code = "case_closed"


@dataclass(frozen=True)
class QueueFilter:
    """Which items a moderator lists: by kind, and only those nobody holds (or all)."""

    kind: str | None = None
    unclaimed_only: bool = False
    state: str = "open"


@dataclass(frozen=True)
class PosterHistory:
    """What the poster did before, masked: their other posts and how earlier cases ended."""

    posts: list[Post]
    decisions: list[ModerationCase]
    warnings: int
    reports_against: int


@dataclass(frozen=True)
class CaseReview:
    """Everything a moderator needs to decide an item; reading it logs a view of the original."""

    case: ModerationCase
    post: Post
    original_note: str
    note_findings: list[Finding]
    masked_note: str
    reports: list[Report]
    history: PosterHistory
    trail: list[AuditEntry]


def list_cases(queue_filter: QueueFilter, limit: int = 50, offset: int = 0) -> list:
    """Items in queue order: highest priority first, then the longest waiting."""
    query = (
        select(ModerationCase)
        .where(ModerationCase.state == queue_filter.state)
        # Each row shows its reports and holder: two queries for the page, not two per row.
        .options(selectinload(ModerationCase.reports), selectinload(ModerationCase.claimer))
    )
    if queue_filter.kind is not None:
        query = query.where(ModerationCase.kind == queue_filter.kind)
    if queue_filter.unclaimed_only:
        query = query.where(_unclaimed())
    if queue_filter.state == "open":
        query = query.order_by(
            ModerationCase.priority.desc(), ModerationCase.opened_at, ModerationCase.id
        )
    else:
        query = query.order_by(ModerationCase.closed_at.desc(), ModerationCase.id.desc())
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def queue_counts() -> dict[str, int]:
    """Open items by kind, plus how many are claimed right now and the total."""
    by_kind = dict(
        db.session.execute(
            select(ModerationCase.kind, func.count())
            .where(ModerationCase.state == "open")
            .group_by(ModerationCase.kind)
        ).all()
    )
    counts = {kind: by_kind.get(kind, 0) for kind in CASE_KINDS}
    counts["total"] = sum(by_kind.values())
    counts["claimed"] = db.session.scalar(
        select(func.count()).where(ModerationCase.state == "open", ~_unclaimed())
    )
    return counts


def claim_next(staff: StaffAccount, kind: str | None = None) -> ModerationCase:
    """Claim the first item nobody holds, in queue order.

    Raises:
        QueueEmpty: every open item is held by someone, or there are none.
    """
    query = (
        select(ModerationCase)
        .where(ModerationCase.state == "open", _unclaimed())
        .order_by(ModerationCase.priority.desc(), ModerationCase.opened_at, ModerationCase.id)
        .limit(1)
        # Two moderators asking at once get two different items, never wait on each other.
        .with_for_update(skip_locked=True)
    )
    if kind is not None:
        query = query.where(ModerationCase.kind == kind)
    case = db.session.scalar(query)
    if case is None:
        raise QueueEmpty
    return _lease(case, staff)


def claim(case_id: int, staff: StaffAccount) -> ModerationCase:
    """Claim one item, or renew one's own lease on it.

    Raises:
        CaseNotFound, CaseClosed, CaseClaimed: another moderator's lease is still running.
    """
    case = locked_case(case_id)
    if case.state != "open":
        raise CaseClosed
    if holds_lease(case, None) and case.claimed_by != staff.id:
        raise CaseClaimed(until=case.lease_expires_at.isoformat(timespec="seconds"))
    return _lease(case, staff)


def release(case_id: int, staff: StaffAccount) -> ModerationCase:
    """Give an item back to the queue before the lease runs out. Releasing twice is a no-op.

    Raises:
        CaseNotFound, CaseClaimed: the lease is someone else's.
    """
    case = locked_case(case_id)
    if case.claimed_by is None:
        return case
    if case.claimed_by != staff.id and holds_lease(case, None):
        raise CaseClaimed(until=case.lease_expires_at.isoformat(timespec="seconds"))
    case.claimed_by = None
    case.lease_expires_at = None
    audit.record("release", staff=staff, case_id=case.id, post_id=case.post_id)
    db.session.commit()
    return case


def holds_lease(case: ModerationCase, staff: StaffAccount | None) -> bool:
    """Whether a lease on the case is running (held by staff, when given)."""
    running = case.lease_expires_at is not None and case.lease_expires_at > _now()
    return running and (staff is None or case.claimed_by == staff.id)


def review(case_id: int, staff: StaffAccount) -> CaseReview:
    """The item with its post's original text, for a moderator; the view is audited.

    Raises:
        CaseNotFound.
    """
    case = case_by_id(case_id)
    post = case.post
    audit.record("view_original", staff=staff, case_id=case.id, post_id=post.id)
    db.session.commit()
    return CaseReview(
        case=case,
        post=post,
        original_note=post.note,
        note_findings=find_personal_data(post.note),
        masked_note=post.public_note,
        reports=list(case.reports),
        history=poster_history(post),
        trail=audit.trail(case_id=case.id),
    )


def poster_history(post: Post) -> PosterHistory:
    """The poster's other recent posts and earlier decisions; notes are shown masked."""
    others = list(
        db.session.scalars(
            select(Post)
            .where(Post.user_id == post.user_id, Post.id != post.id)
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )
    decided = list(
        db.session.scalars(
            select(ModerationCase)
            .join(Post, Post.id == ModerationCase.post_id)
            .where(Post.user_id == post.user_id, ModerationCase.state == "closed")
            .order_by(ModerationCase.closed_at.desc())
            .limit(HISTORY_LIMIT)
        )
    )
    warnings = db.session.scalar(
        select(func.count())
        .select_from(ModerationCase)
        .join(Post, Post.id == ModerationCase.post_id)
        .where(Post.user_id == post.user_id, ModerationCase.decision == "warn")
    )
    reports_against = db.session.scalar(
        select(func.count())
        .select_from(Report)
        .join(Post, Post.id == Report.post_id)
        .where(Post.user_id == post.user_id)
    )
    return PosterHistory(others, decided, warnings, reports_against)


def case_by_id(case_id: int) -> ModerationCase:
    """Raises: CaseNotFound."""
    case = db.session.get(ModerationCase, case_id)
    if case is None:
        raise CaseNotFound
    return case


def locked_case(case_id: int) -> ModerationCase:
    case = db.session.scalar(
        select(ModerationCase).where(ModerationCase.id == case_id).with_for_update()
    )
    if case is None:
        raise CaseNotFound
    return case


def _lease(case: ModerationCase, staff: StaffAccount) -> ModerationCase:
    case.claimed_by = staff.id
    case.lease_expires_at = _now() + timedelta(
        minutes=current_app.config["MODERATION_LEASE_MINUTES"]
    )
    audit.record(
        "claim",
        staff=staff,
        case_id=case.id,
        post_id=case.post_id,
        after={"lease_expires_at": case.lease_expires_at.isoformat()},
    )
    db.session.commit()
    return case


def _unclaimed():
    return or_(ModerationCase.claimed_by.is_(None), ModerationCase.lease_expires_at <= func.now())


def _now() -> datetime:
    return datetime.now(UTC)
