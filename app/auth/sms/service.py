"""Sending one-time codes by SMS and signing in with them.

A code is six digits from `secrets`, kept only as an HMAC bound to its challenge. Every row of
sms_challenges is a code that was sent: a send that fails is rolled back whole, so it neither
counts against the limits nor replaces the code the number already had.
"""

import hmac
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.auth.linking import link_mobile
from app.auth.lookup import NotAMainlandMobile, lookup_digest, normalise_mainland_mobile
from app.auth.models import User
from app.auth.service import user_for_mobile
from app.auth.sms.models import SmsChallenge
from app.auth.sms.senders import SmsLimitReached, sender_for
from app.auth.tokens import TokenPair, replace_session, start_session
from app.errors import DomainError, FieldsInvalid
from app.extensions import db

CODE_DIGITS = 6
SIGN_IN_CLIENT = "h5"
# Sending limits: the column that says whose sends are counted, the setting that says how many
# may fall in the window, and the window.
SEND_LIMITS = (
    ("mobile_hmac", "SMS_MOBILE_SENDS_PER_MINUTE", timedelta(minutes=1)),
    ("mobile_hmac", "SMS_MOBILE_SENDS_PER_DAY", timedelta(days=1)),
    ("client_hmac", "SMS_CLIENT_SENDS_PER_HOUR", timedelta(hours=1)),
)


@dataclass(frozen=True)
class CodeSent:
    expires_in: int
    resend_after: int


class NotAMobile(FieldsInvalid):
    def __init__(self):
        super().__init__(errors={"mobile": ["Not a mainland China mobile number."]})


class CodeNotAccepted(DomainError):
    """The code was wrong; the field error says how many tries are left."""

    code = "sms_code_incorrect"

    def __init__(self, tries_left: int):
        message = (
            f"Wrong code; tries left: {tries_left}."
            if tries_left
            else "Wrong code; no tries left. Request a new code."
        )
        super().__init__(errors={"code": [message]}, tries_left=tries_left)


class CodeNotValid(DomainError):
    """No live code to check: none was sent, or it expired, was used or ran out of tries.

    One answer for all of these, and the same whether or not the number has an account.
    """

    code = "sms_code_invalid"

    def __init__(self):
        super().__init__(errors={"code": ["This code is no longer valid. Request a new code."]})


def request_code(mobile: str, client_address: str, now: datetime | None = None) -> CodeSent:
    """Send a new code to a mainland mobile number; it replaces any code the number had.

    Args:
        mobile: the number as the caller wrote it (spaces, dashes and +86 allowed).
        client_address: the caller's IP address, counted by the per-address limit.
        now: the current time; tests pass their own.

    Raises:
        NotAMobile: a field error on `mobile`.
        SmsLimitReached: the number or the address has had its codes for now; Retry-After says
            when the earliest counted send leaves its window.
        SmsUnavailable: the provider could not send; nothing was recorded.
    """
    config = current_app.config
    mobile = _normalise(mobile)
    owners = {
        "mobile_hmac": _digest("mobile", mobile),
        "client_hmac": _digest("client", client_address),
    }
    _lock(*owners.values())
    # Read after the lock: a request that waited for another must count from when it got in.
    now = now or datetime.now(UTC)
    wait = _wait_before_sending(owners, now)
    if wait:
        db.session.rollback()
        raise SmsLimitReached(wait)

    db.session.execute(
        update(SmsChallenge)
        .where(SmsChallenge.mobile_hmac == owners["mobile_hmac"], _is_open())
        .values(consumed_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    lifetime = timedelta(seconds=config["SMS_CODE_TTL_SECONDS"])
    challenge = SmsChallenge(id=uuid.uuid4(), created_at=now, expires_at=now + lifetime, **owners)
    challenge.code_hmac = _code_digest(challenge, code)
    db.session.add(challenge)
    db.session.flush()
    try:
        sender_for(config)(mobile, code, math.ceil(lifetime.total_seconds() / 60))
    except Exception:
        db.session.rollback()
        raise
    resend_after = _wait_before_sending(owners, now)
    db.session.commit()
    return CodeSent(expires_in=int(lifetime.total_seconds()), resend_after=resend_after)


def sign_in(mobile: str, code: str, now: datetime | None = None) -> TokenPair:
    """Sign in (or sign up) the holder of a mobile number with the code sent to it.

    The account reaches the "phone" real-name level, recorded as proven by "sms".

    Raises:
        NotAMobile: a field error on `mobile`.
        CodeNotAccepted: the code is wrong; each wrong try uses one up, the last ends the code.
        CodeNotValid: there is no live code for this number.
    """
    mobile = _use_code(mobile, code, now or datetime.now(UTC))
    pair = start_session(user_for_mobile(mobile, provider="sms"), SIGN_IN_CLIENT)
    db.session.commit()
    return pair


def link(caller: User, claims: dict, mobile: str, code: str) -> TokenPair:
    """Prove a mobile number with the code sent to it and give it to the caller's account,
    linking it with the account that already signs in with the number (app.auth.linking).

    Returns:
        A token pair for the account the caller is now; the tokens they called with stop.

    Raises:
        NotAMobile, CodeNotAccepted, CodeNotValid: as sign_in.
        MobileInUse, AccountsBothInUse, LinkConflict: see app.auth.linking.link_mobile.
    """
    mobile = _use_code(mobile, code, datetime.now(UTC))
    try:
        kept = link_mobile(caller, mobile)
    except DomainError:
        # Refused: the code stays usable, for a try once the reason is dealt with.
        db.session.rollback()
        raise
    pair = replace_session(claims, kept)
    db.session.commit()
    return pair


def _use_code(mobile: str, code: str, now: datetime) -> str:
    """Use up the number's live code if it is this one; the normalised number. A wrong try is
    committed; the right one is used up in the caller's transaction."""
    mobile = _normalise(mobile)
    # The row lock makes concurrent tries queue, so none is lost from the count.
    challenge = db.session.scalars(
        select(SmsChallenge)
        .where(SmsChallenge.mobile_hmac == _digest("mobile", mobile), _is_open())
        .with_for_update()
    ).one_or_none()
    if challenge is None or challenge.expires_at <= now:
        db.session.rollback()
        raise CodeNotValid
    if not hmac.compare_digest(challenge.code_hmac, _code_digest(challenge, code)):
        challenge.tries += 1
        tries_left = max(current_app.config["SMS_CODE_MAX_TRIES"] - challenge.tries, 0)
        if not tries_left:
            challenge.consumed_at = now
        db.session.commit()
        raise CodeNotAccepted(tries_left)
    challenge.consumed_at = now
    return mobile


def _normalise(mobile: str) -> str:
    try:
        return normalise_mainland_mobile(mobile)
    except NotAMainlandMobile:
        raise NotAMobile from None


def _is_open():
    return SmsChallenge.consumed_at.is_(None)


def _lock(*digests: bytes) -> None:
    """Queue concurrent sends to the same number or from the same address until commit.

    Without it two requests could both count the sends, both find room, and both send. Locks
    are taken in one order so two requests holding one each cannot wait on each other.
    """
    for key in sorted(int.from_bytes(digest[:8], "big", signed=True) for digest in digests):
        db.session.execute(select(func.pg_advisory_xact_lock(key)))


def _wait_before_sending(owners: dict[str, bytes], now: datetime) -> int:
    """Seconds until every limit has room for one more send; 0 when all have room now."""
    config = current_app.config
    wait = 0.0
    for column_name, setting, window in SEND_LIMITS:
        allowed = config[setting]
        column = getattr(SmsChallenge, column_name)
        counted = db.session.scalars(
            select(SmsChallenge.created_at)
            .where(column == owners[column_name], SmsChallenge.created_at > now - window)
            .order_by(SmsChallenge.created_at.desc())
            .limit(allowed)
        ).all()
        if len(counted) >= allowed:
            # Room comes back when the oldest of the last `allowed` sends leaves the window.
            wait = max(wait, (counted[-1] + window - now).total_seconds())
    return math.ceil(wait)


def _code_digest(challenge: SmsChallenge, code: str) -> bytes:
    return _digest("sms-code", f"{challenge.id}:{code}")


def _digest(kind: str, value: str) -> bytes:
    return lookup_digest(kind, value, current_app.config["LOOKUP_HMAC_KEY"])
