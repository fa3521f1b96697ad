"""Accounts: found or made at sign-in, bound to a mobile number, verified, banned, deleted."""

import logging
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from app.auth.events import account_barred
from app.auth.lookup import lookup_digest, mask_mobile
from app.auth.models import VERIFICATION_LEVELS, User, UserVerification
from app.auth.pseudonyms import pseudonym_of
from app.auth.tokens import end_all_sessions
from app.auth.wechat import WeChatIdentity
from app.errors import DomainError
from app.extensions import db

audit_log = logging.getLogger("medshare.audit")
# VERIFICATION_LEVELS runs from the lowest level to the highest.
LEVEL_RANK = {level: rank for rank, level in enumerate(VERIFICATION_LEVELS)}
# What each gated action needs, by the setting that names the level.
REQUIRED_LEVEL_SETTINGS = {
    "post": "POSTING_VERIFICATION_LEVEL",
    "reveal_contact": "CONTACT_VERIFICATION_LEVEL",
    # A report is always recorded; only a report by an account this verified takes the post off
    # the square (counts toward REPORTS_TO_HOLD), so fresh accounts cannot hold any post.
    "hold_by_report": "REPORT_HOLD_VERIFICATION_LEVEL",
}


# Our WeChat apps, each with its own openids: the digest kind and the column each is kept in.
MINI_PROGRAM = "mini_program"
OFFICIAL_ACCOUNT = "official_account"
WECHAT_OPENIDS = {
    MINI_PROGRAM: ("openid", "wechat_openid_hmac"),
    OFFICIAL_ACCOUNT: ("oa-openid", "wechat_web_openid_hmac"),
}


class MobileInUse(DomainError):
    code = "mobile_in_use"


class AccountUnavailable(DomainError):
    """The account was banned or deleted; signing in again does not reopen it."""

    code = "account_unavailable"


class NotVerified(DomainError):
    """The action needs a real-name level the account has not reached; the code names it."""

    def __init__(self, level: str):
        super().__init__(level=level)
        self.code = f"{level}_verification_required"


def user_for_mobile(mobile: str, provider: str) -> User:
    """The account signed in by this mainland mobile number, made on first sign-in.

    Args:
        mobile: the normalised 11-digit number.
        provider: who proved the caller holds it ("sms", "wechat"), recorded with the level.

    Raises:
        AccountUnavailable: the number's account is banned.
    """
    digest = _digest("mobile", mobile)
    user = db.session.scalars(select(User).where(User.phone_hmac == digest)).one_or_none()
    if user is None:
        user = User(phone_hmac=digest, phone_masked=mask_mobile(mobile))
        db.session.add(user)
        db.session.flush()
    _refuse_unless_active(user)
    record_verification(user, "phone", provider)
    return user


def user_for_wechat(identity: WeChatIdentity, app: str) -> User:
    """The account of a WeChat user signing in from one of our apps, made on first sign-in.

    Accounts link on unionid: a person who signed in from the other app (with the same unionid)
    signs in to that account, which learns this app's openid. Only keyed hashes are kept.

    Args:
        app: MINI_PROGRAM or OFFICIAL_ACCOUNT, whose openid this is.

    Raises:
        AccountUnavailable: the account is banned.
    """
    digest_kind, column_name = WECHAT_OPENIDS[app]
    openid_digest = _digest(digest_kind, identity.openid)
    unionid_digest = _digest("unionid", identity.unionid) if identity.unionid else None
    try:
        with db.session.begin_nested():
            user = _wechat_account(column_name, openid_digest, unionid_digest)
            db.session.flush()
    except IntegrityError:
        # A first sign-in of the same person from another device made the account meanwhile.
        user = _wechat_account(column_name, openid_digest, unionid_digest)
    _refuse_unless_active(user)
    return user


def _wechat_account(column_name: str, openid_digest: bytes, unionid_digest: bytes | None) -> User:
    """The account with this openid, else the one with this unionid, else a new one; each
    learns whichever of the two it did not have yet."""
    openid_column = getattr(User, column_name)
    user = db.session.scalars(select(User).where(openid_column == openid_digest)).one_or_none()
    if user is None and unionid_digest is not None:
        user = db.session.scalars(
            select(User).where(User.wechat_unionid_hmac == unionid_digest)
        ).one_or_none()
    if user is None:
        user = User()
        db.session.add(user)
    if getattr(user, column_name) is None:
        setattr(user, column_name, openid_digest)
    if (
        user.wechat_unionid_hmac is None
        and unionid_digest is not None
        and _holder(User.wechat_unionid_hmac, unionid_digest) is None
    ):
        # An account made before WeChat sent unionids keeps its own: two accounts of one
        # person are not merged behind their back (proving a number links them, see link).
        user.wechat_unionid_hmac = unionid_digest
    return user


def bind_mobile(user: User, mobile: str, provider: str) -> None:
    """Bind a proven mobile number to an account, which reaches the "phone" level.

    Raises:
        MobileInUse: another account already signs in with this number.
    """
    digest = _digest("mobile", mobile)
    holder = _holder_of_mobile(digest)
    if holder is not None and holder != user.id:
        raise MobileInUse
    try:
        # Two binds of one number can both pass the check above; the unique index decides.
        with db.session.begin_nested():
            user.phone_hmac = digest
            user.phone_masked = mask_mobile(mobile)
            db.session.flush()
    except IntegrityError:
        raise MobileInUse from None
    record_verification(user, "phone", provider)


def record_verification(user: User, level: str, provider: str) -> None:
    """Record that the account reached a level now, through this provider."""
    now = datetime.now(UTC)
    db.session.execute(
        insert(UserVerification)
        .values(user_id=user.id, level=level, provider=provider, verified_at=now)
        .on_conflict_do_update(
            index_elements=["user_id", "level"], set_={"provider": provider, "verified_at": now}
        )
    )
    db.session.expire(user, ["verifications"])


def has_level(user: User, level: str) -> bool:
    """Whether the account reached this level or a higher one."""
    return any(LEVEL_RANK[found.level] >= LEVEL_RANK[level] for found in user.verifications)


def levels_for(action: str) -> tuple[str, ...]:
    """The levels that satisfy an action's setting: the one it names and every higher one."""
    required = LEVEL_RANK[current_app.config[REQUIRED_LEVEL_SETTINGS[action]]]
    return VERIFICATION_LEVELS[required:]


def require_level(user: User, action: str) -> None:
    """Stop an action the account is not verified enough for.

    Raises:
        NotVerified: naming the level the action needs ("phone" or "identity").
    """
    level = current_app.config[REQUIRED_LEVEL_SETTINGS[action]]
    if not has_level(user, level):
        raise NotVerified(level)


def ban_user(user: User, reason: str) -> None:
    """Bar an account (see bar_user) and commit.

    Args:
        reason: why, for the audit log; it must not quote personal data.
    """
    bar_user(user)
    pseudonym = str(pseudonym_of(user.id))
    db.session.commit()
    audit_log.info(
        "user_banned",
        extra={"fields": {"event": "user_banned", "user": pseudonym, "reason": reason}},
    )


def bar_user(user: User) -> None:
    """Bar an account in the caller's transaction: every token it holds stops working on its
    next request, and its posts that are, or could again be, on the square are removed."""
    user.status = "banned"
    end_all_sessions(user.id)
    account_barred.send(user)


def _holder_of_mobile(digest: bytes) -> int | None:
    return _holder(User.phone_hmac, digest)


def _holder(column, digest: bytes) -> int | None:
    return db.session.scalars(select(User.id).where(column == digest)).one_or_none()


def _refuse_unless_active(user: User) -> None:
    # A deleted account has no hashes left to be found by, so this is in practice a ban.
    if user.status != "active":
        raise AccountUnavailable


def _digest(kind: str, value: str) -> bytes:
    return lookup_digest(kind, value, current_app.config["LOOKUP_HMAC_KEY"])
