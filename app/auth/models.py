"""Accounts, their sign-in sessions and their real-name verifications.

Nothing here can be read back into a person's number: mobile numbers, WeChat openids and
identity numbers are kept only as keyed hashes, which is all that looking an account up needs.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

USER_STATUSES = ("active", "banned", "deleted")
# Lowest first. "phone": a bound mainland mobile number, itself registered to a real name by the
# carrier.
# "identity": an identity document checked by the identity provider.
VERIFICATION_LEVELS = ("phone", "identity")
SIGN_IN_CLIENTS = ("wechat", "h5")
DEFAULT_DISPLAY_NAME = "邻居"
# What an account is found by at sign-in: the mobile number, and who it is to WeChat.
SIGN_IN_COLUMNS = (
    "phone_hmac",
    "wechat_openid_hmac",
    "wechat_web_openid_hmac",
    "wechat_unionid_hmac",
)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The only thing about a user anyone else sees: the masked real name (刘*) once verified.
    display_name: Mapped[str] = mapped_column(
        String(40), default=DEFAULT_DISPLAY_NAME, server_default=DEFAULT_DISPLAY_NAME
    )
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    # HMAC-SHA256 of the identity number under ID_NUMBER_HMAC_KEY: enough to stop one person
    # verifying many accounts, useless to anyone who reads the table without the key.
    id_number_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    # HMAC-SHA256 under LOOKUP_HMAC_KEY, to find the account at sign-in.
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    # The mini program's openid, the official account's (H5 page's) openid, and the unionid both
    # share: one person signing in from either app is one account.
    wechat_openid_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    wechat_web_openid_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    wechat_unionid_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    # 138****8000: what the owner sees of their own number on their profile.
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    verifications: Mapped[list["UserVerification"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserVerification.level"
    )

    __table_args__ = (CheckConstraint(f"status IN {USER_STATUSES!r}", name="status_known"),)

    def verification(self, level: str) -> "UserVerification | None":
        return next((found for found in self.verifications if found.level == level), None)

    @property
    def wechat_bound(self) -> bool:
        """Whether the account signs in with WeChat, from the mini program or the H5 page."""
        return any(
            digest is not None for digest in (self.wechat_openid_hmac, self.wechat_web_openid_hmac)
        )


class UserVerification(db.Model):
    """One real-name level an account reached: when, and which provider vouched for it."""

    __tablename__ = "user_verifications"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    verified_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    user: Mapped[User] = relationship(back_populates="verifications")

    __table_args__ = (CheckConstraint(f"level IN {VERIFICATION_LEVELS!r}", name="level_known"),)


class AuthSession(db.Model):
    """One signed-in device. Its tokens carry its id and generation; both must still match.

    Refreshing bumps the generation, so the tokens it replaced stop working; a refresh token
    from an older generation means it was copied, and revokes the whole session.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    client: Mapped[str] = mapped_column(String(10))
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint(f"client IN {SIGN_IN_CLIENTS!r}", name="client_known"),)


class WeChatWebState(db.Model):
    """A WeChat web authorisation under way: the random state sent with the browser to WeChat,
    kept as a keyed hash until the browser brings it back (once) or it expires."""

    __tablename__ = "wechat_web_states"

    state_hmac: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Expired states are cleared by the next authorisation, through this index.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_created"),)
