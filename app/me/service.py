"""The caller's own account: real-name verification, consents, and deleting the account.

What verification keeps is the least that does the job: the level with its time and provider,
a keyed HMAC of the normalised document number (one identity, one account), and the masked
name. The full name, the number and the birth date are used in memory and forgotten.
"""

import functools
import math
import os
from datetime import UTC, datetime, timedelta

import yaml
from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.events import account_folded
from app.auth.identity import id_number_digest
from app.auth.models import DEFAULT_DISPLAY_NAME, SIGN_IN_COLUMNS, User, UserVerification
from app.auth.pseudonyms import forget_pseudonym
from app.auth.service import record_verification
from app.auth.tokens import end_all_sessions
from app.china_time import today_in_china
from app.errors import DomainError, FieldsInvalid, TryAgainLater
from app.extensions import db
from app.me.documents import DocumentRejected, check_document
from app.me.events import account_deleted, consent_withdrawn
from app.me.models import Consent, VerificationAttempt
from app.me.names import NAME_FIELD, NameRejected, mask_name, normalise_name
from app.me.providers import Outcome, ProviderUnavailable, identity_provider

POLICIES_PATH = os.path.join(os.path.dirname(__file__), "data", "policies.yaml")
IDENTITY_PURPOSE = "identity_verification"
ATTEMPT_WINDOW = timedelta(days=1)
# An outage tells nothing about a name or a number and is not the caller's doing: not counted.
UNCOUNTED_OUTCOME = "unavailable"

NAME_MISMATCH = "The name does not match the document number."
NUMBER_NOT_FOUND = "The identity service has no record of this number."
NUMBER_REFUSED = "The identity service does not accept this number."
NAME_REFUSED = "The identity service does not accept this name."
VERSION_NOT_CURRENT = "Not the current version of this policy; the current one is {version}."


class ConsentRequired(DomainError):
    """The action processes information the user has not (or no longer) consented to."""

    code = "consent_required"

    def __init__(self, purpose: str):
        # The policy's own title names the purpose to people, in each language.
        title = current_policy(purpose)["title"]
        super().__init__(purpose=purpose, purpose_zh=title["zh"], purpose_en=title["en"])


class AlreadyVerified(DomainError):
    code = "already_verified"


class IdentityInUse(DomainError):
    code = "identity_in_use"


class IdentityMismatch(DomainError):
    code = "identity_mismatch"


class IdentityNotFound(DomainError):
    code = "identity_not_found"


class AttemptsExhausted(TryAgainLater):
    code = "verification_attempts_exhausted"


class IdentityProviderUnavailable(DomainError):
    code = "identity_provider_unavailable"


class UnknownPurpose(DomainError):
    code = "not_found"


# What the provider's refusals answer, each naming the field to blame.
REFUSALS = {
    Outcome.MISMATCH: (IdentityMismatch, NAME_FIELD, NAME_MISMATCH),
    Outcome.NOT_FOUND: (IdentityNotFound, "document_number", NUMBER_NOT_FOUND),
    Outcome.NUMBER_REFUSED: (FieldsInvalid, "document_number", NUMBER_REFUSED),
    Outcome.NAME_REFUSED: (FieldsInvalid, NAME_FIELD, NAME_REFUSED),
}


@functools.cache
def policies() -> dict:
    """Each purpose's policy: its `current` version and the texts of every version."""
    with open(POLICIES_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def current_policy(purpose: str) -> dict:
    """The current version of one purpose's policy, with its title and text in each language."""
    policy = policies()[purpose]
    return {
        "purpose": purpose,
        "version": policy["current"],
        **policy["versions"][policy["current"]],
    }


def current_policies() -> list[dict]:
    """The current version of each purpose's policy."""
    return [current_policy(purpose) for purpose in policies()]


def verify_identity(user: User, name: str, document_type: str, document_number: str) -> User:
    """Check a person's name and document, and on a match raise the account to "identity".

    Raises:
        ConsentRequired: no identity_verification consent in force.
        AlreadyVerified: the account already holds the identity level.
        AttemptsExhausted: the account used up its calls to the provider for the last 24 hours.
        FieldsInvalid: the name or number breaks a rule (field errors name which).
        IdentityMismatch, IdentityNotFound: the provider said no.
        IdentityProviderUnavailable: the provider could not answer.
        IdentityInUse: another account is verified with the same document.
    """
    require_consent(user, IDENTITY_PURPOSE)
    # One verification at a time per account, so that two requests can neither both take the
    # last attempt nor both verify it; the reloaded account shows what an earlier one did.
    db.session.refresh(user, with_for_update={"of": User})
    if user.verification("identity") is not None:
        raise AlreadyVerified
    config = current_app.config
    now = datetime.now(UTC)
    _refuse_when_attempts_used_up(user, now, config["VERIFICATION_ATTEMPTS_PER_DAY"])
    try:
        name = normalise_name(name)
        document = check_document(
            document_type,
            document_number,
            today=today_in_china(now),
            minimum_age=config["MINIMUM_AGE"],
        )
    except (NameRejected, DocumentRejected) as rejected:
        raise FieldsInvalid(errors={rejected.field: [rejected.message]}) from None

    provider = identity_provider(config)
    try:
        outcome = provider.verify(name, document)
    except ProviderUnavailable:
        _record_attempt(user, now, UNCOUNTED_OUTCOME)
        raise IdentityProviderUnavailable from None
    _record_attempt(user, now, outcome.value)
    if outcome in REFUSALS:
        error, field, message = REFUSALS[outcome]
        raise error(errors={field: [message]})
    _store_identity(user, name, id_number_digest(document.number, config["ID_NUMBER_HMAC_KEY"]))
    record_verification(user, "identity", provider.name)
    db.session.commit()
    return user


def consents_in_force(user_id) -> ColumnElement:
    """An array of the purposes a user's consents in force are for (user_id: a value or a
    column), for statements that check them along with other things."""
    return (
        select(func.array_agg(Consent.purpose))
        .where(Consent.user_id == user_id, Consent.withdrawn_at.is_(None))
        .scalar_subquery()
    )


def require_consents_among(given, *purposes: str) -> None:
    """require_consent for each purpose, in order, against what consents_in_force gave.

    Raises:
        ConsentRequired: naming the first purpose given lacks.
    """
    for purpose in purposes:
        if purpose not in (given or ()):
            raise ConsentRequired(purpose)


def require_consent(user: User, purpose: str) -> None:
    """Stop processing that needs a consent the user has not given or has withdrawn.

    Raises:
        ConsentRequired: naming the purpose ("identity_verification", "location", "contact").
    """
    if _active_consent(user, purpose) is None:
        raise ConsentRequired(purpose)


def consents(user: User) -> list[Consent]:
    """Every consent the user gave, in force or withdrawn, newest first."""
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.user_id == user.id)
            .order_by(Consent.granted_at.desc(), Consent.id.desc())
        )
    )


def grant_consent(user: User, purpose: str, policy_version: str) -> tuple[Consent, bool]:
    """Record the user's consent to the current version of a purpose's policy.

    A consent to an older version still in force ends, replaced by this one.

    Returns:
        The consent in force, and whether it was created now (False: it already was).

    Raises:
        FieldsInvalid: policy_version is not the current version.
    """
    current = policies()[purpose]["current"]
    if policy_version != current:
        raise FieldsInvalid(
            errors={"policy_version": [VERSION_NOT_CURRENT.format(version=current)]}
        )
    active = _active_consent(user, purpose)
    if active is not None and active.policy_version == current:
        return active, False
    now = datetime.now(UTC)
    if active is not None:
        active.withdrawn_at = now
    consent = Consent(user_id=user.id, purpose=purpose, policy_version=current, granted_at=now)
    db.session.add(consent)
    try:
        db.session.commit()
    except IntegrityError:
        # A second tap raced this one and its consent is in force; that is the answer.
        db.session.rollback()
        return _active_consent(user, purpose), False
    return consent, True


def withdraw_consent(user: User, purpose: str) -> None:
    """Withdraw a consent; what relied on it stops at once.

    identity_verification: the identity level, the number's HMAC and the masked name go.
    Each purpose also withdraws the user's posts that are or could again be on the square
    (posting needs all three), and location and contact erase every post's exact spot, or
    number and meeting hint (app.posts.lifecycle answers consent_withdrawn).
    Withdrawing what is not in force still undoes its effects (accounts verified before
    consents were recorded have none to withdraw).

    Raises:
        UnknownPurpose: purpose is not one that consent is asked for.
    """
    if purpose not in policies():
        raise UnknownPurpose
    _end_consents(user, Consent.purpose == purpose)
    if purpose == IDENTITY_PURPOSE:
        _forget_identity(user)
    consent_withdrawn.send(user, purpose=purpose)
    db.session.commit()


def delete_account(user: User) -> None:
    """Delete the caller's account (see erase_account) and commit."""
    erase_account(user)
    db.session.commit()


@account_folded.connect
def _erase_folded_account(user: User, **_kwargs) -> None:
    erase_account(user)


def erase_account(user: User) -> None:
    """Delete an account in the caller's transaction: personal data cleared, posts withdrawn and
    erased as a deleted post is (app.posts.lifecycle answers account_deleted), every token
    revoked.

    The row stays, marked "deleted", so the posts and reports that point at it keep their
    history; nothing in it can be traced back to a person. The audit pseudonym is forgotten,
    so the moderators' audit trail and the audit log, which cannot change, name no one.
    """
    _forget_identity(user)
    for column in SIGN_IN_COLUMNS:
        setattr(user, column, None)
    user.phone_masked = None
    user.status = "deleted"
    db.session.execute(delete(UserVerification).where(UserVerification.user_id == user.id))
    db.session.execute(delete(VerificationAttempt).where(VerificationAttempt.user_id == user.id))
    _end_consents(user)
    account_deleted.send(user)
    end_all_sessions(user.id)
    forget_pseudonym(user.id)


def _active_consent(user: User, purpose: str) -> Consent | None:
    return db.session.scalars(
        select(Consent).where(
            Consent.user_id == user.id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
        )
    ).one_or_none()


def _store_identity(user: User, name: str, digest: bytes) -> None:
    """Keep what verification may keep: the number's HMAC and the masked name. Nothing else."""
    if _holder_of(digest) is not None:
        raise IdentityInUse
    user.id_number_hmac = digest
    user.display_name = mask_name(name)
    try:
        db.session.flush()
    except IntegrityError:
        # Another account took the same document between the check above and this write.
        db.session.rollback()
        raise IdentityInUse from None


def _holder_of(digest: bytes) -> int | None:
    """The account verified with the document of this HMAC, if any."""
    return db.session.scalar(select(User.id).where(User.id_number_hmac == digest))


def _end_consents(user: User, *conditions) -> None:
    db.session.execute(
        update(Consent)
        .where(Consent.user_id == user.id, Consent.withdrawn_at.is_(None), *conditions)
        .values(withdrawn_at=datetime.now(UTC))
    )


def _refuse_when_attempts_used_up(user: User, now: datetime, allowed: int) -> None:
    counted = db.session.scalars(
        select(VerificationAttempt.attempted_at)
        .where(
            VerificationAttempt.user_id == user.id,
            VerificationAttempt.attempted_at > now - ATTEMPT_WINDOW,
            VerificationAttempt.outcome != UNCOUNTED_OUTCOME,
        )
        .order_by(VerificationAttempt.attempted_at)
    ).all()
    if len(counted) < allowed:
        return
    # The next attempt is allowed once enough of these have left the window to be under the cap.
    frees_at = counted[len(counted) - allowed] + ATTEMPT_WINDOW
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    raise AttemptsExhausted(retry_after, limit=allowed)


def _record_attempt(user: User, now: datetime, outcome: str) -> None:
    """Count the call to the provider, committed at once so a failed verification keeps it."""
    db.session.add(VerificationAttempt(user_id=user.id, attempted_at=now, outcome=outcome))
    db.session.commit()


def _forget_identity(user: User) -> None:
    user.id_number_hmac = None
    user.display_name = DEFAULT_DISPLAY_NAME
    db.session.execute(
        delete(UserVerification).where(
            UserVerification.user_id == user.id, UserVerification.level == "identity"
        )
    )
    db.session.expire(user, ["verifications"])
