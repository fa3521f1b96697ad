"""Administrators' changes to catalog entries: enable, disable, confirm an OTC class.

Each change is checked against the rules here first (the database's check constraints are the
last guard, not the only one), written to catalog_changes with the entry's state before and after
and the reason, in the same transaction, and logged to "medshare.audit". Refusals are logged too.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.catalog.models import (
    CHANGE_REASON_MAX_LENGTH,
    CONFIRMABLE_OTC_CLASSES,
    CatalogChange,
    CatalogEdition,
    Medicine,
)
from app.errors import DomainError, FieldsInvalid
from app.extensions import db
from app.staff.models import StaffAccount
from app.staff.service import StaffRoleRequired, has_role

audit_log = logging.getLogger("medshare.audit")


class MedicineNotFound(DomainError):
    """No entry of the current edition has this id."""

    code = "not_found"


class CatalogChangeRefused(DomainError):
    """The rules do not allow this change; nothing was changed."""


class MedicineProhibited(CatalogChangeRefused):
    code = "medicine_prohibited"


class MedicineOtcUnconfirmed(CatalogChangeRefused):
    code = "medicine_otc_unconfirmed"


class MedicineOtcAlreadyKnown(CatalogChangeRefused):
    code = "medicine_otc_already_known"


class CatalogChangeUnneeded(CatalogChangeRefused):
    code = "catalog_change_unneeded"


def enable(medicine_id: int, staff: StaffAccount, reason: str) -> CatalogChange:
    """Let people post an entry of the current edition.

    Raises:
        MedicineProhibited: a rule in rules.yaml forbids the entry; nobody can enable it.
        MedicineOtcUnconfirmed: its OTC class is not confirmed yet (see confirm_otc_class).
        CatalogChangeUnneeded: it is enabled already.
        MedicineNotFound, FieldsInvalid, StaffRoleRequired: see _change.
    """

    def switch_on(medicine: Medicine) -> None:
        if medicine.prohibited_reason is not None:
            raise MedicineProhibited(medicine_zh=medicine.name_zh, medicine_en=medicine.name_en)
        if not medicine.may_be_enabled:
            raise MedicineOtcUnconfirmed(medicine_zh=medicine.name_zh, medicine_en=medicine.name_en)
        if medicine.enabled:
            raise CatalogChangeUnneeded(medicine_zh=medicine.name_zh, medicine_en=medicine.name_en)
        medicine.enabled = True

    return _change(medicine_id, staff, "enable", reason, switch_on)


def disable(medicine_id: int, staff: StaffAccount, reason: str) -> CatalogChange:
    """Stop people posting an entry of the current edition; posts made with it keep it.

    Raises:
        CatalogChangeUnneeded: it is disabled already.
        MedicineNotFound, FieldsInvalid, StaffRoleRequired: see _change.
    """

    def switch_off(medicine: Medicine) -> None:
        if not medicine.enabled:
            raise CatalogChangeUnneeded(medicine_zh=medicine.name_zh, medicine_en=medicine.name_en)
        medicine.enabled = False

    return _change(medicine_id, staff, "disable", reason, switch_off)


def confirm_otc_class(
    medicine_id: int, staff: StaffAccount, otc_class: str, reason: str
) -> CatalogChange:
    """Record the OTC class on the entry's pack, for an entry the edition left "unconfirmed".

    Confirming does not enable the entry: that is a change of its own.

    Args:
        otc_class: "otc_a" (red mark, 甲类) or "otc_b" (green mark, 乙类).

    Raises:
        MedicineOtcAlreadyKnown: the entry's class is not "unconfirmed".
        FieldsInvalid: names otc_class when it is not one of CONFIRMABLE_OTC_CLASSES.
        MedicineNotFound, StaffRoleRequired: see _change.
    """
    if otc_class not in CONFIRMABLE_OTC_CLASSES:
        raise FieldsInvalid(
            errors={"otc_class": [f"Must be one of: {', '.join(CONFIRMABLE_OTC_CLASSES)}."]}
        )

    def confirm(medicine: Medicine) -> None:
        if medicine.otc_class != "unconfirmed":
            raise MedicineOtcAlreadyKnown(
                medicine_zh=medicine.name_zh, medicine_en=medicine.name_en
            )
        medicine.otc_class = otc_class
        medicine.otc_confirmed_at = datetime.now(UTC)
        medicine.otc_confirmed_by = staff.id

    return _change(medicine_id, staff, "confirm", reason, confirm)


def recent_changes(edition_id: int, per_entry: int) -> dict[int, list[tuple[CatalogChange, str]]]:
    """The latest changes to each entry of an edition, newest first, with who made them.

    Returns:
        medicine id -> up to per_entry (change, staff username) pairs; entries never changed
        are left out.
    """
    recency = (
        func.row_number()
        .over(
            partition_by=CatalogChange.medicine_id,
            order_by=(CatalogChange.changed_at.desc(), CatalogChange.id.desc()),
        )
        .label("recency")
    )
    ranked = (
        select(CatalogChange.id, recency)
        .join(Medicine)
        .where(Medicine.edition_id == edition_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CatalogChange, StaffAccount.username)
        .join(ranked, ranked.c.id == CatalogChange.id)
        .join(StaffAccount, StaffAccount.id == CatalogChange.staff_id)
        .where(ranked.c.recency <= per_entry)
        .order_by(CatalogChange.medicine_id, ranked.c.recency)
    )
    history: dict[int, list[tuple[CatalogChange, str]]] = {}
    for change, username in rows:
        history.setdefault(change.medicine_id, []).append((change, username))
    return history


def _change(
    medicine_id: int,
    staff: StaffAccount,
    action: str,
    reason: str,
    apply: Callable[[Medicine], None],
) -> CatalogChange:
    """Apply one change to an entry of the current edition, record it and log it, or refuse.

    Raises:
        StaffRoleRequired: the staff member is not an admin.
        FieldsInvalid: names reason when it is blank or too long.
        MedicineNotFound: no entry of the current edition has this id.
        CatalogChangeRefused: whatever apply refuses, before it changes anything; nothing is
            recorded (the row lock lasts until the caller's transaction ends).
    """
    if not has_role(staff, "admin"):
        raise StaffRoleRequired
    reason = _checked_reason(reason)
    medicine = db.session.scalars(
        select(Medicine)
        .join(CatalogEdition)
        .where(Medicine.id == medicine_id, CatalogEdition.is_current)
        # Two admins at once: the second sees the first's change, and before/after stay true.
        .with_for_update(of=Medicine)
    ).one_or_none()
    if medicine is None:
        raise MedicineNotFound
    before = _state(medicine)
    try:
        apply(medicine)
    except CatalogChangeRefused as refusal:
        _audit(action, "refused", medicine, staff, refused=refusal.code)
        raise
    after = _state(medicine)
    change = CatalogChange(
        medicine_id=medicine.id,
        staff_id=staff.id,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(change)
    db.session.flush()
    fields = {"change_id": change.id, "before": before, "after": after, "reason": reason}
    db.session.commit()
    # Logged once committed: a line never tells of a change the database did not keep.
    _audit(action, "changed", medicine, staff, **fields)
    return change


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldsInvalid(errors={"reason": ["Missing data for required field."]})
    if len(reason) > CHANGE_REASON_MAX_LENGTH:
        raise FieldsInvalid(
            errors={"reason": [f"Longer than maximum length {CHANGE_REASON_MAX_LENGTH}."]}
        )
    return reason


def _state(medicine: Medicine) -> dict:
    return {"enabled": medicine.enabled, "otc_class": medicine.otc_class}


def _audit(action: str, outcome: str, medicine: Medicine, staff: StaffAccount, **fields) -> None:
    audit_log.info(
        "catalog_change",
        extra={
            "fields": {
                "event": "catalog_change",
                "action": action,
                "outcome": outcome,
                "medicine_id": medicine.id,
                "medicine_code": medicine.code,
                "staff_id": staff.id,
                "username": staff.username,
                **fields,
            }
        },
    )
