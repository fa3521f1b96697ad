"""One-time SMS codes: nothing in a row gives back the number, the code or the caller."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, LargeBinary, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SmsChallenge(db.Model):
    """One code sent to one number. Every row is a send, so the sending limits count rows.

    The id is made before the insert because the code's hash is bound to it: the same code
    sent twice hashes differently, and a hash copied onto another row never matches.
    """

    __tablename__ = "sms_challenges"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # HMAC-SHA256 under LOOKUP_HMAC_KEY of the number, of the client address, and of the code.
    mobile_hmac: Mapped[bytes] = mapped_column(LargeBinary(32))
    client_hmac: Mapped[bytes] = mapped_column(LargeBinary(32))
    code_hmac: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the code signs in, is replaced by a newer one, or uses up its tries.
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("tries >= 0", name="tries_not_negative"),
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        # What the sending limits count: a number's or an address's sends in a recent window.
        Index("ix_sms_challenges_mobile_hmac_created_at", "mobile_hmac", "created_at"),
        Index("ix_sms_challenges_client_hmac_created_at", "client_hmac", "created_at"),
        # A new code replaces the old, so a number has at most one open challenge to check.
        Index(
            "uq_sms_challenges_open_mobile_hmac",
            "mobile_hmac",
            unique=True,
            postgresql_where=text("consumed_at IS NULL"),
        ),
    )
