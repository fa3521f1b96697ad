"""Audit pseudonyms: what the append-only audit trail and the audit log name a user by.

The audit trail cannot be changed (migration 0009), and log lines cannot be called back, so
neither may hold anything that leads to a person once their account is deleted. Each carries
a random UUID instead of the account's id; this table alone ties the UUID to the account, and
erasing the account deletes its row. What was recorded stays, and names no one.

A random UUID rather than an HMAC of the id under a key: forgetting one person would mean
forgetting the key of everyone, and a key that leaks turns every entry back into an id. A
lookup table forgets one person at a time, and holds nothing a key could give back.
"""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Uuid, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class AuditPseudonym(db.Model):
    __tablename__ = "audit_pseudonyms"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pseudonym: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def pseudonym_of(user_id: int) -> uuid.UUID:
    """The user's audit pseudonym, made on first use in the caller's transaction."""
    db.session.execute(
        insert(AuditPseudonym)
        .values(user_id=user_id, pseudonym=uuid.uuid4())
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    return db.session.scalar(
        select(AuditPseudonym.pseudonym).where(AuditPseudonym.user_id == user_id)
    )


def forget_pseudonym(user_id: int) -> None:
    """Cut the tie between a deleted account and what the audit recorded of it."""
    db.session.execute(delete(AuditPseudonym).where(AuditPseudonym.user_id == user_id))
