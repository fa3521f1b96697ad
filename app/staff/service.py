"""Staff accounts: made from the command line, signed in with a password and then a TOTP code.

Every sign-in attempt and its outcome goes to the "medshare.audit" log as structured fields;
passwords and codes never do.
"""

import functools
import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import VerifyMismatchError
from flask import current_app
from sqlalchemy import select, update

from app.errors import DomainError, FieldsInvalid, TryAgainLater
from app.extensions import db
from app.staff.models import STAFF_ROLES, StaffAccount

audit_log = logging.getLogger("medshare.audit")

USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,39}")
# One 30-second step either side of now, for authenticator clocks a little off.
TOTP_VALID_WINDOW = 1
GENERATED_PASSWORD_BYTES = 18
ROLE_RANK = {"moderator": 1, "admin": 2}


@dataclass(frozen=True)
class StaffCredentials:
    """What a new staff member (or a TOTP reset) needs, shown once and never stored in clear.

    password is None when the caller chose the password.
    """

    username: str
    role: str
    totp_secret: str
    totp_uri: str
    password: str | None = None


class StaffSignInFailed(DomainError):
    """Unknown user, wrong password, wrong or replayed code: one answer for all of them."""

    code = "staff_sign_in_failed"


class StaffLockedOut(TryAgainLater):
    code = "staff_locked_out"


class StaffSignInRequired(DomainError):
    code = "staff_sign_in_required"


class StaffRoleRequired(DomainError):
    code = "forbidden"


class StaffUsernameTaken(DomainError):
    code = "staff_username_taken"


class StaffNotFound(DomainError):
    code = "not_found"


def create_staff(username: str, role: str, password: str | None = None) -> StaffCredentials:
    """Make a staff account with a fresh TOTP secret.

    Args:
        username: letters, digits, "_", "." or "-", 3 to 40 of them; kept in lower case.
        role: "moderator" or "admin".
        password: the password to set; None generates one, returned in the credentials.

    Raises:
        FieldsInvalid: naming each field that is wrong.
        StaffUsernameTaken: another staff account has this username.
    """
    username = normalise_username(username)
    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    _check_new_account(username, role, password)
    totp_secret = pyotp.random_base32()
    staff = StaffAccount(
        username=username,
        role=role,
        password_hash=_hasher().hash(password),
        totp_secret=totp_secret,
    )
    db.session.add(staff)
    db.session.flush()
    _audit("staff_created", "created", staff)
    db.session.commit()
    return _credentials(staff, password=generated)


def reset_totp(username: str) -> StaffCredentials:
    """Give a staff member a new TOTP secret (a lost phone); their open sessions end.

    Raises:
        StaffNotFound: no staff account has this username.
    """
    staff = _by_username(username)
    staff.totp_secret = pyotp.random_base32()
    staff.last_totp_step = None
    staff.session_version += 1
    _audit("staff_totp_reset", "reset", staff)
    db.session.commit()
    return _credentials(staff)


def credentials_of(username: str) -> StaffCredentials:
    """An existing account's TOTP secret and URI, never its password (only a hash is kept).

    For the development demo moderator, whose password is known from config.

    Raises:
        StaffNotFound: no staff account has this username.
    """
    return _credentials(_by_username(username))


def unlock_staff(username: str) -> None:
    """Lift a lock-out before its time and forget the failures that caused it.

    Raises:
        StaffNotFound: no staff account has this username.
    """
    staff = _by_username(username)
    staff.failed_sign_ins = 0
    staff.locked_until = None
    _audit("staff_unlocked", "unlocked", staff)
    db.session.commit()


def disable_staff(username: str) -> None:
    """Stop a staff member signing in; every session they have open ends at once.

    Raises:
        StaffNotFound: no staff account has this username.
    """
    staff = _by_username(username)
    staff.disabled_at = datetime.now(UTC)
    staff.session_version += 1
    _audit("staff_disabled", "disabled", staff)
    db.session.commit()


def check_password(username: str, password: str, *, client_address: str | None) -> int:
    """First step of signing in: the password. The TOTP code comes next.

    Failures are counted here but only a full sign-in clears them, so a known password
    does not buy more guesses at the code.

    Returns:
        The id of the staff account, for check_totp.

    Raises:
        StaffSignInFailed: unknown or disabled user, or wrong password (one answer for all).
        StaffLockedOut: too many failures; Retry-After says when to try again.
    """
    now = datetime.now(UTC)
    attempt = {"step": "password", "client_address": client_address}
    staff = db.session.scalars(
        select(StaffAccount)
        .where(StaffAccount.username == normalise_username(username))
        .with_for_update()
    ).one_or_none()
    if staff is None or staff.disabled_at is not None:
        # Unknown names cost the same argon2 work, so timing does not tell which names exist.
        _password_matches(_decoy_hash(current_app.config["STAFF_ARGON2_PROFILE"]), password)
        # An unknown name is not logged: it may be a password typed into the wrong box.
        _audit("staff_sign_in", "unknown_user" if staff is None else "disabled", staff, **attempt)
        raise StaffSignInFailed
    _refuse_while_locked(staff, now, attempt)
    if not _password_matches(staff.password_hash, password):
        _record_failure(staff, now, "wrong_password", attempt)
        raise StaffSignInFailed
    if _hasher().check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher().hash(password)
    _audit("staff_sign_in", "password_accepted", staff, **attempt)
    db.session.commit()
    return staff.id


def check_totp(staff_id: int, code: str, *, client_address: str | None) -> StaffAccount:
    """Second step of signing in: a TOTP code not used before. Success clears the failures.

    Raises:
        StaffSignInFailed: wrong, expired or already used code, or the account was disabled.
        StaffLockedOut: too many failures; Retry-After says when to try again.
    """
    now = datetime.now(UTC)
    attempt = {"step": "totp", "client_address": client_address}
    staff = db.session.scalars(
        select(StaffAccount).where(StaffAccount.id == staff_id).with_for_update()
    ).one_or_none()
    if staff is None or staff.disabled_at is not None:
        _audit("staff_sign_in", "disabled", staff, **attempt)
        raise StaffSignInFailed
    _refuse_while_locked(staff, now, attempt)
    step = _totp_step(staff.totp_secret, code, now)
    if step is None or (staff.last_totp_step is not None and step <= staff.last_totp_step):
        _record_failure(staff, now, "wrong_code" if step is None else "replayed_code", attempt)
        raise StaffSignInFailed
    staff.last_totp_step = step
    staff.failed_sign_ins = 0
    staff.locked_until = None
    _audit("staff_sign_in", "signed_in", staff, **attempt)
    db.session.commit()
    return staff


def staff_for_session(staff_id: int, session_version: int) -> StaffAccount | None:
    """The staff account a session cookie names, while that session is still valid."""
    staff = db.session.get(StaffAccount, staff_id)
    if staff is None or staff.disabled_at is not None or staff.session_version != session_version:
        return None
    return staff


def sign_out(staff_id: int) -> None:
    """End the staff member's sessions: a copy of the cookie is worthless from now on."""
    db.session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == staff_id)
        .values(session_version=StaffAccount.session_version + 1)
    )
    _audit("staff_sign_out", "signed_out", staff_id=staff_id)
    db.session.commit()


def has_role(staff: StaffAccount, role: str) -> bool:
    """Whether the staff member holds this role or a higher one."""
    return ROLE_RANK[staff.role] >= ROLE_RANK[role]


def normalise_username(username: str) -> str:
    return username.strip().lower()


def _check_new_account(username: str, role: str, password: str) -> None:
    errors = {}
    if not USERNAME.fullmatch(username):
        errors["username"] = ["Use 3 to 40 letters, digits, '_', '.' or '-'."]
    if role not in STAFF_ROLES:
        errors["role"] = [f"Must be one of: {', '.join(STAFF_ROLES)}."]
    minimum = current_app.config["STAFF_MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        errors["password"] = [f"Shorter than minimum length {minimum}."]
    if errors:
        raise FieldsInvalid(errors=errors)
    if db.session.scalars(select(StaffAccount.id).where(StaffAccount.username == username)).first():
        raise StaffUsernameTaken(username=username)


def _by_username(username: str) -> StaffAccount:
    staff = db.session.scalars(
        select(StaffAccount).where(StaffAccount.username == normalise_username(username))
    ).one_or_none()
    if staff is None:
        raise StaffNotFound
    return staff


def _credentials(staff: StaffAccount, password: str | None = None) -> StaffCredentials:
    uri = pyotp.TOTP(staff.totp_secret).provisioning_uri(
        name=staff.username, issuer_name=current_app.config["STAFF_TOTP_ISSUER"]
    )
    return StaffCredentials(staff.username, staff.role, staff.totp_secret, uri, password)


def _refuse_while_locked(staff: StaffAccount, now: datetime, attempt: dict) -> None:
    if staff.locked_until is None:
        return
    if staff.locked_until <= now:
        # The lock-out has run its course: a fresh count of tries.
        staff.locked_until = None
        staff.failed_sign_ins = 0
        return
    _audit("staff_sign_in", "locked_out", staff, **attempt)
    db.session.commit()
    seconds = math.ceil((staff.locked_until - now).total_seconds())
    raise StaffLockedOut(seconds)


def _record_failure(staff: StaffAccount, now: datetime, outcome: str, attempt: dict) -> None:
    staff.failed_sign_ins += 1
    locks = staff.failed_sign_ins >= current_app.config["STAFF_MAX_FAILED_SIGN_INS"]
    if locks:
        staff.locked_until = now + timedelta(minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])
        # Whoever is guessing may already hold a session; locking ends it.
        staff.session_version += 1
    _audit("staff_sign_in", outcome, staff, locks_account=locks, **attempt)
    db.session.commit()


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is, within the window around now, or None.

    pyotp's verify says only yes or no; replay refusal needs to know which step matched.
    """
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if totp.verify(code, for_time=step * totp.interval):
            return step
    return None


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except VerifyMismatchError:
        return False


def _hasher() -> PasswordHasher:
    return _hasher_for(current_app.config["STAFF_ARGON2_PROFILE"])


@functools.cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


@functools.cache
def _decoy_hash(profile: str) -> str:
    return _hasher_for(profile).hash(secrets.token_urlsafe())


def _audit(event: str, outcome: str, staff: StaffAccount | None = None, **fields) -> None:
    if staff is not None:
        fields.update(
            staff_id=staff.id, username=staff.username, failed_sign_ins=staff.failed_sign_ins
        )
    audit_log.info(event, extra={"fields": {"event": event, "outcome": outcome, **fields}})
