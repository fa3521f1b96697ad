"""The moderators' queue: cases, the reports that open them, and the append-only audit trail."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.posts.models import Post
from app.staff.models import StaffAccount

# What put a post in front of a moderator. A post has at most one open case; what arrives while
# it is open (another report, an edited note) joins that case.
CASE_KINDS = ("screening", "report", "resolved_report", "appeal")
CASE_STATES = ("open", "closed")
DECISIONS = (
    "approve",
    "hide",
    "remove",
    "edit_masking",
    "mark_resolved",
    "warn",
    "ban",
    "dismiss_reports",
)
REPORT_REASONS = ("trading", "fake", "privacy_leak", "abusive", "already_resolved", "other")
REPORT_STATES = ("open", "upheld", "dismissed")
REPORT_NOTE_MAX_LENGTH = 300
APPEAL_NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500
OPEN_CASE = text("state = 'open'")


class ModerationCase(db.Model):
    """One item of the queue: a post a moderator has to look at, and what they decided."""

    __tablename__ = "moderation_cases"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id"))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8), default="open", server_default="open")
    # Higher first; see app.moderation.queue.priority_of. Stored, so the queue's order is an index.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Bumped by every change to what the moderator reads (a report, a new screening, an appeal,
    # a decision), not by claims: a decision made on an older version was made without seeing
    # something, and is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Screening's hits on the note: [{rule_id, kind, severity, start, end}], and the rules' version.
    rule_hits: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")
    rules_version: Mapped[str | None] = mapped_column(String(32))
    # The poster's words, for an appeal.
    appeal_note: Mapped[str | None] = mapped_column(String(APPEAL_NOTE_MAX_LENGTH))
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_accounts.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(16))
    # Shown to the poster with the outcome, so it must explain without quoting personal data.
    decision_reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    decided_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_accounts.id"))

    post: Mapped[Post] = relationship()
    claimer: Mapped[StaffAccount | None] = relationship(foreign_keys=[claimed_by])
    reports: Mapped[list["Report"]] = relationship(
        back_populates="case", order_by="Report.created_at"
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {CASE_KINDS!r}", name="kind_known"),
        CheckConstraint(f"state IN {CASE_STATES!r}", name="state_known"),
        CheckConstraint(f"decision IN {DECISIONS!r}", name="decision_known"),
        CheckConstraint(
            "(state = 'closed') = (closed_at IS NOT NULL AND decision IS NOT NULL "
            "AND decision_reason IS NOT NULL AND decided_by IS NOT NULL)",
            name="closed_has_decision",
        ),
        CheckConstraint("(claimed_by IS NULL) = (lease_expires_at IS NULL)", name="lease_whole"),
        CheckConstraint("(kind = 'appeal') = (appeal_note IS NOT NULL)", name="appeal_has_note"),
        # One open case per post: everything about it is decided together.
        Index("uq_moderation_cases_open_post", "post_id", unique=True, postgresql_where=OPEN_CASE),
        # A post is appealed at most once, ever.
        Index(
            "uq_moderation_cases_one_appeal",
            "post_id",
            unique=True,
            postgresql_where=text("kind = 'appeal'"),
        ),
        # The queue: open cases, highest priority first, then oldest.
        Index(
            "ix_moderation_cases_open_queue",
            text("priority DESC"),
            "opened_at",
            "id",
            postgresql_where=OPEN_CASE,
        ),
        Index("ix_moderation_cases_post_id", "post_id"),
    )


class Report(db.Model):
    """A signed-in user's report that a post breaks the rules or is already resolved."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id"))
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("moderation_cases.id"))
    reporter_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(REPORT_NOTE_MAX_LENGTH), default="", server_default="")
    state: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[ModerationCase] = relationship(back_populates="reports")
    reporter: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(f"reason IN {REPORT_REASONS!r}", name="reason_known"),
        CheckConstraint(f"state IN {REPORT_STATES!r}", name="state_known"),
        CheckConstraint("(state = 'open') = (closed_at IS NULL)", name="closed_has_time"),
        # One open report per user per post; once decided, the user may report it again.
        Index(
            "uq_reports_open_post_reporter",
            "post_id",
            "reporter_id",
            unique=True,
            postgresql_where=text("state = 'open'"),
        ),
        Index("ix_reports_case_id", "case_id"),
    )


class AuditEntry(db.Model):
    """Who did what to which case or post, and the state before and after.

    Append-only: migration 0009 takes UPDATE, DELETE and TRUNCATE away from the runtime role,
    and a trigger refuses them to everyone else, so history cannot be rewritten from the app.
    """

    __tablename__ = "moderation_audit"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # staff: a moderator or admin; user: the poster (an appeal) or a reporter; system: rules.
    actor_kind: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_accounts.id"))
    # The acting user's audit pseudonym (app/auth/pseudonyms.py), never their id: erasing the
    # account forgets which account it was, and the entry, which cannot change, names no one.
    user_pseudonym: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("moderation_cases.id"))
    post_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("posts.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)

    staff: Mapped[StaffAccount | None] = relationship()

    __table_args__ = (
        CheckConstraint("actor_kind IN ('staff', 'user', 'system')", name="actor_kind_known"),
        CheckConstraint(
            "(actor_kind = 'staff') = (staff_id IS NOT NULL)", name="staff_actor_named"
        ),
        Index("ix_moderation_audit_case_id", "case_id"),
        Index("ix_moderation_audit_post_id", "post_id"),
    )
