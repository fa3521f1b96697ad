"""Every model, imported once so that db.metadata (and Alembic autogenerate) sees every table."""

from app.areas.models import District
from app.auth.models import AuthSession, User, UserVerification
from app.auth.pseudonyms import AuditPseudonym
from app.auth.sms.models import SmsChallenge
from app.catalog.models import CatalogChange, CatalogEdition, Medicine
from app.me.models import Consent, VerificationAttempt
from app.moderation.models import AuditEntry, ModerationCase, Report
from app.partners.models import Partner, PartnerChange, PartnerKey
from app.posts.models import ContactReveal, IdempotencyKey, Post, PostItem
from app.rights.models import DataExport
from app.staff.models import StaffAccount
from app.stats.models import StatsCell, StatsMedicineCell, StatsSnapshot

__all__ = [
    "AuditEntry",
    "AuditPseudonym",
    "AuthSession",
    "CatalogChange",
    "CatalogEdition",
    "Consent",
    "ContactReveal",
    "DataExport",
    "District",
    "IdempotencyKey",
    "Medicine",
    "ModerationCase",
    "Partner",
    "PartnerChange",
    "PartnerKey",
    "Post",
    "PostItem",
    "Report",
    "SmsChallenge",
    "StaffAccount",
    "StatsCell",
    "StatsMedicineCell",
    "StatsSnapshot",
    "User",
    "UserVerification",
    "VerificationAttempt",
]
