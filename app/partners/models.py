"""Public-service partners who embed MedShare, their keys, and the record of admins' changes."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

PARTNER_STATUSES = ("active", "suspended")
# public: may sit in a web page, valid only from the partner's origins, for reads (and the H5
# page's own calls). secret: for the partner's back end, never from a browser.
KEY_KINDS = ("public", "secret")
# live keys are made by production, test keys by every other deployment; each refuses the other.
KEY_ENVIRONMENTS = ("live", "test")
PARTNER_ACTIONS = ("register", "update", "issue_key", "rotate_key", "revoke_key")
CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 100
CONTACT_MAX_LENGTH = 200
ORIGIN_MAX_LENGTH = 200
PUBLIC_ID_LENGTH = 16
REASON_MAX_LENGTH = 500


class Partner(db.Model):
    """An organisation whose pages, mini programs and apps embed MedShare free of charge."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # Lower-case letters, digits and "-": the channel's name in statistics and URLs.
    code: Mapped[str] = mapped_column(String(CODE_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    # Who to call about the integration: shown to admins only.
    contact: Mapped[str] = mapped_column(String(CONTACT_MAX_LENGTH))
    # Web origins ("https://host[:port]") whose pages may call the API and may frame the H5 page.
    origins: Mapped[list[str]] = mapped_column(
        ARRAY(String(ORIGIN_MAX_LENGTH)), default=list, server_default="{}"
    )
    # A name from RATE_LIMIT_TIERS.
    tier: Mapped[str] = mapped_column(String(20))
    # GB/T 2260 codes: the square's area for the partner's calls that name none.
    region_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(6)), default=list, server_default="{}"
    )
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    keys: Mapped[list["PartnerKey"]] = relationship(
        back_populates="partner", order_by="PartnerKey.id"
    )

    __table_args__ = (
        CheckConstraint(f"status IN {PARTNER_STATUSES!r}", name="status_known"),
        CheckConstraint(r"code ~ '^[a-z0-9][a-z0-9-]*$'", name="code_form"),
    )


class PartnerKey(db.Model):
    """One key, `msk_<environment>_<public_id>_<secret>`: only a SHA-256 of the secret is kept.

    The secret is random (32 characters of 62), so a fast hash is enough: nobody can guess it
    from its digest, and checking costs a request nothing.
    """

    __tablename__ = "partner_keys"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    partner_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("partners.id"))
    kind: Mapped[str] = mapped_column(String(6))
    environment: Mapped[str] = mapped_column(String(4))
    public_id: Mapped[str] = mapped_column(String(PUBLIC_ID_LENGTH), unique=True)
    # Hex SHA-256 of the secret part.
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Set when the key is rotated: it keeps working until then, beside its successor.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Kept to the minute (PARTNER_KEY_TOUCH_SECONDS), not written on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The key this one replaced, for the admins' history.
    replaces_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("partner_keys.id"))

    partner: Mapped[Partner] = relationship(back_populates="keys")
    replaces: Mapped["PartnerKey | None"] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint(f"kind IN {KEY_KINDS!r}", name="kind_known"),
        CheckConstraint(f"environment IN {KEY_ENVIRONMENTS!r}", name="environment_known"),
        CheckConstraint("secret_sha256 ~ '^[0-9a-f]{64}$'", name="secret_sha256_hex"),
        Index("ix_partner_keys_partner_id", "partner_id"),
    )


class PartnerChange(db.Model):
    """An admin's change to a partner or its keys: what it was and became, who, when, why.

    staff_id is None for changes made on the command line, where the operator is the audit.
    """

    __tablename__ = "partner_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    partner_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("partners.id"))
    staff_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_accounts.id"))
    action: Mapped[str] = mapped_column(String(12))
    # The key acted on (issue, rotate, revoke): its public id, never its secret.
    key_public_id: Mapped[str | None] = mapped_column(String(PUBLIC_ID_LENGTH))
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint(f"action IN {PARTNER_ACTIONS!r}", name="action_known"),
        Index("ix_partner_changes_partner_id_changed_at", "partner_id", "changed_at"),
    )
