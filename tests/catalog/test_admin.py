"""Admins enable, disable and confirm catalog entries; each change is recorded and audited."""

import pytest
from sqlalchemy import select, update

from app.catalog import admin as changes
from app.catalog.admin import (
    CatalogChangeUnneeded,
    MedicineNotFound,
    MedicineOtcAlreadyKnown,
    MedicineOtcUnconfirmed,
    MedicineProhibited,
)
from app.catalog.models import CatalogChange, CatalogEdition, Medicine
from app.errors import FieldsInvalid
from app.staff.service import StaffRoleRequired
from tests.catalog.conftest import PASSWORD

PHONE = "13812345678"


def medicine(session, code) -> Medicine:
    return session.scalar(select(Medicine).filter_by(code=code))


def recorded(session, code) -> list[CatalogChange]:
    return list(
        session.scalars(
            select(CatalogChange)
            .join(Medicine)
            .where(Medicine.code == code)
            .order_by(CatalogChange.id)
        )
    )


def audit_lines(log_records) -> list[dict]:
    return [line for line in log_records() if line["logger"] == "medshare.audit"]


def test_disabling_records_the_change_and_audits_it(catalog, admin, log_records):
    aspirin = medicine(catalog, "aspirin")
    change = changes.disable(aspirin.id, admin, "  a batch was recalled  ")

    assert not medicine(catalog, "aspirin").enabled
    [row] = recorded(catalog, "aspirin")
    assert row.id == change.id
    assert (row.action, row.staff_id, row.reason) == ("disable", admin.id, "a batch was recalled")
    assert row.before == {"enabled": True, "otc_class": "otc_a"}
    assert row.after == {"enabled": False, "otc_class": "otc_a"}
    assert row.changed_at is not None
    [line] = audit_lines(log_records)
    assert line["event"] == "catalog_change"
    assert (line["action"], line["outcome"], line["change_id"]) == ("disable", "changed", row.id)
    assert (line["medicine_id"], line["medicine_code"]) == (aspirin.id, "aspirin")
    assert (line["staff_id"], line["username"]) == (admin.id, "admin.wang")
    assert (line["before"], line["after"]) == (row.before, row.after)
    assert line["reason"] == "a batch was recalled"


def test_enabling_records_the_change_and_audits_it(catalog, admin, log_records):
    aspirin = medicine(catalog, "aspirin")
    changes.disable(aspirin.id, admin, "a batch was recalled")
    changes.enable(aspirin.id, admin, "the recall is over")

    assert medicine(catalog, "aspirin").enabled
    row = recorded(catalog, "aspirin")[-1]
    assert (row.action, row.reason) == ("enable", "the recall is over")
    assert (row.before["enabled"], row.after["enabled"]) == (False, True)
    line = audit_lines(log_records)[-1]
    assert (line["action"], line["outcome"], line["change_id"]) == ("enable", "changed", row.id)


def test_confirming_records_the_class_and_who_but_does_not_enable(catalog, admin, log_records):
    xylometazoline = medicine(catalog, "xylometazoline")
    changes.confirm_otc_class(xylometazoline.id, admin, "otc_a", "red mark on the pack")

    entry = medicine(catalog, "xylometazoline")
    assert (entry.otc_class, entry.enabled, entry.otc_confirmed_by) == ("otc_a", False, admin.id)
    assert entry.otc_confirmed_at is not None
    [row] = recorded(catalog, "xylometazoline")
    assert row.action == "confirm"
    assert row.before == {"enabled": False, "otc_class": "unconfirmed"}
    assert row.after == {"enabled": False, "otc_class": "otc_a"}
    [line] = audit_lines(log_records)
    assert (line["action"], line["outcome"], line["after"]) == ("confirm", "changed", row.after)


def test_an_unconfirmed_entry_can_be_enabled_only_once_confirmed(catalog, admin):
    xylometazoline = medicine(catalog, "xylometazoline")
    with pytest.raises(MedicineOtcUnconfirmed) as refused:
        changes.enable(xylometazoline.id, admin, "people ask for it")
    assert refused.value.params == {
        "medicine_zh": "赛洛唑啉滴鼻液",
        "medicine_en": "Xylometazoline nasal drops",
    }
    assert not medicine(catalog, "xylometazoline").enabled

    changes.confirm_otc_class(xylometazoline.id, admin, "otc_b", "green mark on the pack")
    changes.enable(xylometazoline.id, admin, "people ask for it")
    assert medicine(catalog, "xylometazoline").enabled
    assert [row.action for row in recorded(catalog, "xylometazoline")] == ["confirm", "enable"]


@pytest.mark.parametrize("code", ["dextromethorphan", "pholcodine"])
def test_a_prohibited_entry_can_never_be_enabled(catalog, admin, log_records, code):
    entry = medicine(catalog, code)
    with pytest.raises(MedicineProhibited):
        changes.enable(entry.id, admin, "people ask for it")
    assert not medicine(catalog, code).enabled
    assert recorded(catalog, code) == []
    [line] = audit_lines(log_records)
    assert (line["action"], line["outcome"], line["refused"]) == (
        "enable",
        "refused",
        "medicine_prohibited",
    )
    assert "change_id" not in line


def test_a_prohibited_unconfirmed_entry_stays_off_even_once_confirmed(catalog, admin):
    entry = medicine(catalog, "xylometazoline")
    catalog.execute(
        update(Medicine).where(Medicine.id == entry.id).values(prohibited_reason="injectable")
    )
    with pytest.raises(MedicineProhibited):
        changes.enable(entry.id, admin, "people ask for it")
    changes.confirm_otc_class(entry.id, admin, "otc_a", "red mark on the pack")
    with pytest.raises(MedicineProhibited):
        changes.enable(entry.id, admin, "people ask for it")


def test_a_class_already_known_cannot_be_confirmed(catalog, admin):
    with pytest.raises(MedicineOtcAlreadyKnown):
        changes.confirm_otc_class(medicine(catalog, "ibuprofen").id, admin, "otc_b", "wrong")
    assert medicine(catalog, "ibuprofen").otc_class == "otc_a"
    assert recorded(catalog, "ibuprofen") == []


@pytest.mark.parametrize("otc_class", ["test_kit", "prescription", "unconfirmed", "otc_c"])
def test_only_otc_a_or_b_can_be_confirmed(catalog, admin, otc_class):
    with pytest.raises(FieldsInvalid) as refused:
        changes.confirm_otc_class(medicine(catalog, "xylometazoline").id, admin, otc_class, "x")
    assert list(refused.value.errors) == ["otc_class"]
    assert medicine(catalog, "xylometazoline").otc_class == "unconfirmed"


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_every_change_needs_a_reason_of_at_most_500_characters(catalog, admin, reason):
    with pytest.raises(FieldsInvalid) as refused:
        changes.disable(medicine(catalog, "aspirin").id, admin, reason)
    assert list(refused.value.errors) == ["reason"]
    assert medicine(catalog, "aspirin").enabled


def test_asking_for_the_state_an_entry_is_in_changes_nothing(catalog, admin):
    aspirin = medicine(catalog, "aspirin").id
    with pytest.raises(CatalogChangeUnneeded):
        changes.enable(aspirin, admin, "again")
    changes.disable(aspirin, admin, "recalled")
    with pytest.raises(CatalogChangeUnneeded):
        changes.disable(aspirin, admin, "recalled, form sent twice")
    assert [row.action for row in recorded(catalog, "aspirin")] == ["disable"]


def test_a_moderator_cannot_change_the_catalog(catalog, moderator):
    with pytest.raises(StaffRoleRequired):
        changes.disable(medicine(catalog, "aspirin").id, moderator, "recalled")
    assert medicine(catalog, "aspirin").enabled


def test_only_entries_of_the_current_edition_can_be_changed(catalog, admin):
    with pytest.raises(MedicineNotFound):
        changes.disable(0, admin, "recalled")
    aspirin = medicine(catalog, "aspirin")
    catalog.execute(update(CatalogEdition).values(is_current=False))
    with pytest.raises(MedicineNotFound):
        changes.disable(aspirin.id, admin, "recalled")


def test_the_audit_line_keeps_no_personal_data_or_secrets(catalog, admin, log_records):
    changes.disable(medicine(catalog, "aspirin").id, admin, f"reported by {PHONE}")
    logged = str(log_records())
    assert PHONE not in logged and PASSWORD not in logged
    assert admin.totp_secret not in logged and admin.password_hash not in logged


def test_recent_changes_are_the_newest_few_per_entry_with_who_made_them(catalog, admin):
    aspirin = medicine(catalog, "aspirin")
    for turn in range(3):
        changes.disable(aspirin.id, admin, f"off {turn}")
        changes.enable(aspirin.id, admin, f"on {turn}")
    changes.disable(medicine(catalog, "ibuprofen").id, admin, "recalled")

    history = changes.recent_changes(aspirin.edition_id, per_entry=4)
    assert [change.reason for change, _ in history[aspirin.id]] == [
        "on 2",
        "off 2",
        "on 1",
        "off 1",
    ]
    assert {username for _, username in history[aspirin.id]} == {"admin.wang"}
    assert [change.reason for change, _ in history[medicine(catalog, "ibuprofen").id]] == [
        "recalled"
    ]
    assert medicine(catalog, "acetaminophen").id not in history
