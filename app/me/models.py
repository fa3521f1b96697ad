"""Consents to the processing of sensitive personal information, and verification attempts."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# PIPL: identity documents and whereabouts are sensitive personal information, and publishing a
# contact shares it; each needs its own explicit consent, which can be withdrawn at any time.
CONSENT_PURPOSES = ("identity_verification", "location", "contact")
# How a call to the identity provider ended (app.me.providers.Outcome, or "unavailable").
ATTEMPT_OUTCOMES = (
    "match",
    "mismatch",
    "not_found",
    "number_refused",
    "name_refused",
    "unavailable",
)


class Consent(db.Model):
    """One consent as given: to which policy version, when, and when it was withdrawn.

    Rows are never deleted, so the record of what a person agreed to outlives the withdrawal.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(24))
    policy_version: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"purpose IN {CONSENT_PURPOSES!r}", name="purpose_known"),
        CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= granted_at", name="withdrawn_after_granted"
        ),
        # At most one consent in force per person and purpose.
        Index(
            "uq_consents_active_user_id_purpose",
            "user_id",
            "purpose",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )


class VerificationAttempt(db.Model):
    """One call to the identity provider: who and when, to cap the calls per day. Nothing more."""

    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint(f"outcome IN {ATTEMPT_OUTCOMES!r}", name="outcome_known"),
        Index("ix_verification_attempts_user_id_attempted_at", "user_id", "attempted_at"),
    )
