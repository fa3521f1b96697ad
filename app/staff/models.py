"""Staff accounts: an argon2id password hash, a TOTP secret and what lock-out needs."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# An admin can do whatever a moderator can, and manage staff.
STAFF_ROLES = ("moderator", "admin")


class StaffAccount(db.Model):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Base32, as authenticator apps scan it. Checking a code needs the secret itself.
    totp_secret: Mapped[str] = mapped_column(String(64))
    # The 30-second step of the last code accepted: that code, and older ones, never work again.
    last_totp_step: Mapped[int | None] = mapped_column(BigInteger)
    # Wrong passwords and wrong codes since the last full sign-in.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Carried in the session cookie; bumping it (sign-out, lock-out, disabling, a new TOTP
    # secret) ends every session the account has open.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"role IN {STAFF_ROLES!r}", name="role_known"),
        # A password can only ever be stored as an argon2id hash, never in clear.
        CheckConstraint("starts_with(password_hash, '$argon2id$')", name="password_hash_argon2id"),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins_not_negative"),
    )
