"""Registering partners and managing their keys (admins, from the CLI or the review page), and
telling which partner a key names (every API request that carries one).

Every change is written to partner_changes in the same transaction and logged to
"medshare.audit" with the key's public id, never its secret. A key's secret is returned once,
when it is made; only its SHA-256 is stored.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Row, func, or_, select, update

from app.areas.service import district_names
from app.errors import DomainError
from app.extensions import db
from app.partners import fields as partner_fields
from app.partners.keys import is_public_id, new_key, read_key, secret_matches
from app.partners.models import Partner, PartnerChange, PartnerKey
from app.staff.models import StaffAccount
from app.staff.service import StaffRoleRequired, has_role

audit_log = logging.getLogger("medshare.audit")
RECORDED = ("name", "contact", "origins", "tier", "region_codes", "status")


class PartnerNotFound(DomainError):
    code = "partner_not_found"


class PartnerKeyNotFound(DomainError):
    code = "partner_key_not_found"


class PartnerCodeTaken(DomainError):
    code = "partner_code_taken"


class PartnerKeyClosed(DomainError):
    """The key was revoked, or rotated already: nothing more can be done with it."""

    code = "partner_key_closed"


class ApiKeyInvalid(DomainError):
    """Not a key, not one of this deployment's, or no key has this secret: one answer for all."""

    code = "api_key_invalid"


class ApiKeyRevoked(DomainError):
    code = "api_key_revoked"


class ApiKeyExpired(DomainError):
    """A rotated key past its overlap window."""

    code = "api_key_expired"


class PartnerSuspended(DomainError):
    code = "partner_suspended"


class NoPartnerNamed(DomainError):
    code = "no_partner_named"


@dataclass(frozen=True)
class IssuedKey:
    """A key just made: `text` is shown to the admin once and stored nowhere."""

    key: PartnerKey
    text: str = field(repr=False)


@dataclass(frozen=True)
class CallingPartner:
    """The partner a request's key names, read once per request (no ORM object outlives it)."""

    partner_id: int
    code: str
    name: str
    tier: str
    origins: tuple[str, ...]
    region_codes: tuple[str, ...]
    key_public_id: str
    key_kind: str


def register_partner(code: str, values: dict, staff: StaffAccount | None = None) -> Partner:
    """Register a partner, active at once.

    Args:
        code: the channel's name, lower-case letters, digits and "-".
        values: name, contact, origins, tier and region_codes (see app.partners.fields).
        staff: the admin acting on the review page; None on the command line.

    Raises:
        FieldsInvalid: naming each field that is wrong.
        PartnerCodeTaken: another partner has this code.
        StaffRoleRequired: staff is not an admin.
    """
    _require_admin(staff)
    checked = partner_fields.checked({"code": code, **values}, required=True)
    if db.session.scalar(select(Partner.id).where(Partner.code == checked["code"])) is not None:
        raise PartnerCodeTaken(partner=checked["code"])
    partner = Partner(**checked, status="active")
    db.session.add(partner)
    db.session.flush()
    _record(partner, "register", staff, before=None, after=_snapshot(partner))
    db.session.commit()
    return partner


def update_partner(
    code: str, changes: dict, staff: StaffAccount | None = None, reason: str | None = None
) -> Partner:
    """Change any of a partner's name, contact, origins, tier, region_codes and status.

    A suspended partner's keys stop working at once; its origins leave CORS, and new origins
    join it, within CORS_ORIGINS_CACHE_SECONDS.

    Raises:
        PartnerNotFound, FieldsInvalid, StaffRoleRequired.
    """
    _require_admin(staff)
    partner = partner_by_code(code, lock=True)
    checked = partner_fields.checked(changes, required=False)
    before = _snapshot(partner)
    for name, value in checked.items():
        setattr(partner, name, value)
    _record(partner, "update", staff, before=before, after=_snapshot(partner), reason=reason)
    db.session.commit()
    return partner


def issue_key(code: str, kind: str, staff: StaffAccount | None = None) -> IssuedKey:
    """Make a public embed key or a secret server key for a partner.

    Raises:
        PartnerNotFound, FieldsInvalid (an unknown kind), StaffRoleRequired.
    """
    _require_admin(staff)
    partner = partner_by_code(code, lock=True)
    issued = _new_key(partner, partner_fields.checked_kind(kind))
    _record(partner, "issue_key", staff, key=issued.key, after=_key_snapshot(issued.key))
    db.session.commit()
    return issued


def rotate_key(
    public_id: str, staff: StaffAccount | None = None, reason: str | None = None
) -> IssuedKey:
    """Replace a key: the new one works at once, the old one for PARTNER_KEY_OVERLAP_HOURS more,
    so a partner can deploy the new key without a moment of refusals.

    Raises:
        PartnerKeyNotFound, PartnerKeyClosed (revoked, expired or rotated already),
        StaffRoleRequired.
    """
    _require_admin(staff)
    old = _key_by_public_id(public_id)
    now = datetime.now(UTC)
    if old.revoked_at is not None or old.expires_at is not None:
        raise PartnerKeyClosed(public_id=public_id)
    before = _key_snapshot(old)
    old.expires_at = now + timedelta(hours=current_app.config["PARTNER_KEY_OVERLAP_HOURS"])
    issued = _new_key(old.partner, old.kind, replaces=old)
    _record(
        old.partner,
        "rotate_key",
        staff,
        key=old,
        before=before,
        after={**_key_snapshot(old), "successor": issued.key.public_id},
        reason=reason,
    )
    db.session.commit()
    return issued


def revoke_key(public_id: str, reason: str, staff: StaffAccount | None = None) -> PartnerKey:
    """Stop a key working, at once (a leak, a partner that left).

    Raises:
        PartnerKeyNotFound, PartnerKeyClosed (revoked already), FieldsInvalid (no reason),
        StaffRoleRequired.
    """
    _require_admin(staff)
    reason = partner_fields.checked_reason(reason)
    key = _key_by_public_id(public_id)
    if key.revoked_at is not None:
        raise PartnerKeyClosed(public_id=public_id)
    before = _key_snapshot(key)
    key.revoked_at = datetime.now(UTC)
    _record(
        key.partner,
        "revoke_key",
        staff,
        key=key,
        before=before,
        after=_key_snapshot(key),
        reason=reason,
    )
    db.session.commit()
    return key


def partners() -> list[Partner]:
    """Every partner, by code."""
    return list(db.session.scalars(select(Partner).order_by(Partner.code)))


def partner_by_code(code: str, *, lock: bool = False) -> Partner:
    """Raises: PartnerNotFound."""
    query = select(Partner).where(Partner.code == code)
    partner = db.session.scalar(query.with_for_update() if lock else query)
    if partner is None:
        raise PartnerNotFound(partner=code)
    return partner


def profile(code: str) -> dict:
    """A partner as PartnerSchema shows it to the partner itself: its tier's limits and its
    region's names with it.

    Raises:
        PartnerNotFound.
    """
    partner = partner_by_code(code)
    return {
        **{name: getattr(partner, name) for name in ("code", "name", "contact", "status")},
        "origins": partner.origins,
        "tier": partner.tier,
        "limits": current_app.config["RATE_LIMIT_TIERS"].get(partner.tier, {}),
        "region": _named_region(partner.region_codes),
        "keys": partner.keys,
    }


def public_profile(partner: CallingPartner | None) -> dict:
    """What a page may show of the partner its calls come through: its code, its name and its
    preset region with the regions' names (PartnerLinkSchema).

    Raises:
        NoPartnerNamed: the call names no partner.
    """
    if partner is None:
        raise NoPartnerNamed
    return {
        "code": partner.code,
        "name": partner.name,
        "region": _named_region(partner.region_codes),
    }


def _named_region(codes) -> list[dict]:
    """A preset region as RegionSchema shows it: each code with its division's name (None for a
    code the district data no longer has)."""
    names = district_names(set(codes))
    return [{"code": code, "name": names.get(code)} for code in codes]


def active_origins() -> set[str]:
    """Every origin an active partner registered."""
    return set(
        db.session.scalars(select(func.unnest(Partner.origins)).where(Partner.status == "active"))
    )


def linked_partner(public_id: str | None) -> CallingPartner | None:
    """The partner a public embed key's public id names (the H5 page's ?partner=, its X-Partner
    header), or None for anything else: no id, not one, no such key, a secret key's, or one
    revoked, expired or of a suspended partner. One answer for all: an id is no secret."""
    if not public_id or not is_public_id(public_id):
        return None
    found = _key_and_partner(public_id)
    if (
        found is None
        or found.PartnerKey.kind != "public"
        or found.PartnerKey.environment != current_app.config["PARTNER_KEY_ENVIRONMENT"]
    ):
        return None
    try:
        return _calling(*found, datetime.now(UTC))
    except DomainError:
        return None


def recent_changes(partner_id: int, limit: int) -> list[tuple[PartnerChange, str | None]]:
    """A partner's latest changes, newest first, with the acting admin's username (None: CLI)."""
    return list(
        db.session.execute(
            select(PartnerChange, StaffAccount.username)
            .outerjoin(StaffAccount, StaffAccount.id == PartnerChange.staff_id)
            .where(PartnerChange.partner_id == partner_id)
            .order_by(PartnerChange.changed_at.desc(), PartnerChange.id.desc())
            .limit(limit)
        )
    )


def authenticate(text: str, now: datetime | None = None) -> CallingPartner:
    """The partner whose key this is, and when it was last used kept to the minute.

    Raises:
        ApiKeyInvalid: not a key, another deployment's (live against test), or a wrong secret.
        ApiKeyRevoked, ApiKeyExpired: a key that worked once; told apart only once the secret
            matched, so guessing learns nothing.
        PartnerSuspended: the partner's keys are all paused.
    """
    now = now or datetime.now(UTC)
    parsed = read_key(text)
    if parsed is None or parsed.environment != current_app.config["PARTNER_KEY_ENVIRONMENT"]:
        raise ApiKeyInvalid
    found = _key_and_partner(parsed.public_id)
    if found is None or not secret_matches(parsed.secret, found.PartnerKey.secret_sha256):
        raise ApiKeyInvalid
    return _calling(*found, now)


def _key_and_partner(public_id: str) -> Row[tuple[PartnerKey, Partner]] | None:
    """The key of this public id and its partner (a row of both), or None."""
    return db.session.execute(
        select(PartnerKey, Partner)
        .join(Partner, Partner.id == PartnerKey.partner_id)
        .where(PartnerKey.public_id == public_id)
    ).one_or_none()


def _calling(key: PartnerKey, partner: Partner, now: datetime) -> CallingPartner:
    """The partner of a key found, if the key still works; its use is kept (_touch).

    Raises:
        ApiKeyRevoked, ApiKeyExpired, PartnerSuspended.
    """
    if key.revoked_at is not None:
        raise ApiKeyRevoked
    if key.expires_at is not None and key.expires_at <= now:
        raise ApiKeyExpired
    if partner.status != "active":
        raise PartnerSuspended
    calling = CallingPartner(
        partner_id=partner.id,
        code=partner.code,
        name=partner.name,
        tier=partner.tier,
        origins=tuple(partner.origins),
        region_codes=tuple(partner.region_codes),
        key_public_id=key.public_id,
        key_kind=key.kind,
    )
    _touch(key, now)
    return calling


def _touch(key: PartnerKey, now: datetime) -> None:
    """Keep last_used_at, writing at most once per PARTNER_KEY_TOUCH_SECONDS per key.

    Committed here, before the view runs: reads commit nothing of their own, and a write that
    fails must not lose the fact that its key was used.
    """
    stale = now - timedelta(seconds=current_app.config["PARTNER_KEY_TOUCH_SECONDS"])
    if key.last_used_at is not None and key.last_used_at > stale:
        return
    db.session.execute(
        update(PartnerKey)
        .where(
            PartnerKey.id == key.id,
            or_(PartnerKey.last_used_at.is_(None), PartnerKey.last_used_at <= stale),
        )
        .values(last_used_at=now)
    )
    db.session.commit()


def _new_key(partner: Partner, kind: str, replaces: PartnerKey | None = None) -> IssuedKey:
    text = new_key(current_app.config["PARTNER_KEY_ENVIRONMENT"])
    key = PartnerKey(
        partner=partner,
        kind=kind,
        environment=text.environment,
        public_id=text.public_id,
        secret_sha256=text.secret_sha256,
        replaces=replaces,
    )
    db.session.add(key)
    db.session.flush()
    return IssuedKey(key, str(text))


def _key_by_public_id(public_id: str) -> PartnerKey:
    key = db.session.scalar(
        select(PartnerKey).where(PartnerKey.public_id == public_id).with_for_update()
    )
    if key is None:
        raise PartnerKeyNotFound(public_id=public_id)
    return key


def _require_admin(staff: StaffAccount | None) -> None:
    if staff is not None and not has_role(staff, "admin"):
        raise StaffRoleRequired


def _snapshot(partner: Partner) -> dict:
    return {name: getattr(partner, name) for name in RECORDED}


def _key_snapshot(key: PartnerKey) -> dict:
    return {
        "kind": key.kind,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def _record(
    partner: Partner,
    action: str,
    staff: StaffAccount | None,
    *,
    key: PartnerKey | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
) -> None:
    db.session.add(
        PartnerChange(
            partner_id=partner.id,
            staff_id=staff.id if staff is not None else None,
            action=action,
            key_public_id=key.public_id if key is not None else None,
            before=before,
            after=after,
            reason=reason,
        )
    )
    audit_log.info(
        "partner",
        extra={
            "fields": {
                "event": f"partner.{action}",
                "partner": partner.code,
                "staff_id": staff.id if staff is not None else None,
                "key_public_id": key.public_id if key is not None else None,
            }
        },
    )
