"""The whitelist: what may be posted, what never may, and how the API lists it."""

import pytest
import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.catalog import admin as admin_changes
from app.catalog.models import Medicine
from app.catalog.service import (
    DEFAULT_EDITION_PATH,
    CatalogEntryInvalid,
    catalog_rules,
    current_medicines,
    load_edition,
    prohibited_reason,
)


def medicine(session, code) -> Medicine:
    return session.scalar(select(Medicine).filter_by(code=code))


def test_confirmed_otc_entries_and_test_kits_are_postable(catalog):
    postable = {m.code for m in current_medicines()}
    assert {"acetaminophen", "ibuprofen", "antigen-test"} <= postable


def test_prohibited_entries_are_disabled_with_their_reason(catalog):
    assert medicine(catalog, "dextromethorphan").prohibited_reason == "psychotropic"
    assert medicine(catalog, "pholcodine").prohibited_reason == "narcotic"
    assert not medicine(catalog, "dextromethorphan").enabled
    assert not medicine(catalog, "pholcodine").enabled


def test_unconfirmed_entries_stay_disabled(catalog):
    xylometazoline = medicine(catalog, "xylometazoline")
    assert xylometazoline.otc_class == "unconfirmed" and not xylometazoline.enabled


@pytest.mark.parametrize("code", ["dextromethorphan", "pholcodine", "xylometazoline"])
def test_database_refuses_to_enable_what_is_not_confirmed_otc(catalog, code):
    with pytest.raises(IntegrityError, match="only_confirmed_otc_enabled"):
        catalog.execute(update(Medicine).where(Medicine.code == code).values(enabled=True))
        catalog.flush()


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            {"otc_class": "otc_a", "ingredients": ["paracetamol", "pseudoephedrine"]},
            "precursor_chemical",
        ),
        ({"otc_class": "otc_b", "ingredients": ["ephedrine"]}, "precursor_chemical"),
        ({"otc_class": "otc_b", "ingredients": ["dextromethorphan"]}, "psychotropic"),
        (
            {"otc_class": "otc_a", "ingredients": ["ibuprofen"], "forms": ["tablet", "injection"]},
            "injectable",
        ),
        ({"otc_class": "prescription", "ingredients": ["azithromycin"]}, "prescription"),
        ({"otc_class": "otc_a", "ingredients": ["dextromethorphan", "guaifenesin"]}, None),
        ({"otc_class": "otc_a", "ingredients": ["ibuprofen"], "forms": ["tablet"]}, None),
    ],
)
def test_rules_forbid_precursors_narcotics_injectables_and_prescriptions(entry, reason):
    assert prohibited_reason(entry) == reason


def test_reloading_keeps_an_administrators_choice_and_adds_nothing(catalog):
    catalog.execute(update(Medicine).where(Medicine.code == "aspirin").values(enabled=False))
    report = load_edition()
    assert (report.added, report.updated) == (0, 25)
    assert not medicine(catalog, "aspirin").enabled


def test_api_lists_postable_medicines_with_units_and_caps(client, catalog):
    body = client.get("/api/v1/medicines").get_json()
    by_code = {entry["code"]: entry for entry in body}
    assert "dextromethorphan" not in by_code
    ibuprofen = by_code["ibuprofen"]
    assert ibuprofen["name"] == "布洛芬"
    assert ibuprofen["symptom_group_label"] == "发热"
    assert ibuprofen["units"][0] == {"code": "tablet", "label": "片", "max_per_post": 20}
    assert [unit["code"] for unit in ibuprofen["units"]] == ["tablet", "capsule", "bottle", "box"]
    assert by_code["antigen-test"]["otc_class"] == "test_kit"


def test_api_speaks_english_on_request(client, catalog):
    body = client.get("/api/v1/medicines", headers={"Accept-Language": "en-US,en;q=0.9"}).get_json()
    ibuprofen = next(entry for entry in body if entry["code"] == "ibuprofen")
    assert ibuprofen["name"] == "Ibuprofen"
    assert {"code": "tablet", "label": "tablet", "max_per_post": 20} in ibuprofen["units"]


def test_api_gives_each_medicine_its_pinyin_and_dosage_forms(client, catalog):
    body = client.get("/api/v1/medicines").get_json()
    ibuprofen = next(entry for entry in body if entry["code"] == "ibuprofen")
    assert ibuprofen["pinyin"] == "bu luo fen"
    assert ibuprofen["forms"] == [
        {"code": "tablet", "label": "片剂"},
        {"code": "capsule", "label": "胶囊"},
        {"code": "oral_liquid", "label": "口服液"},
    ]
    english = client.get("/api/v1/medicines", headers={"Accept-Language": "en"}).get_json()
    antigen = next(entry for entry in english if entry["code"] == "antigen-test")
    assert antigen["forms"] == [{"code": "test_kit", "label": "test kit"}]


def test_api_can_show_unpostable_entries_with_the_reason(client, catalog):
    body = client.get("/api/v1/medicines?include_unpostable=true").get_json()
    pholcodine = next(entry for entry in body if entry["code"] == "pholcodine")
    assert pholcodine["postable"] is False
    assert pholcodine["prohibited_reason"] == "属于麻醉药品"


def test_an_edition_naming_an_undefined_unit_is_refused_whole(catalog, tmp_path):
    edition = tmp_path / "edition.yaml"
    edition.write_text(
        """
edition: {code: test-edition, title_zh: 测试, title_en: Test, published_on: 2023-01-01}
medicines:
  - {code: ibuprofen, name_zh: 布洛芬, name_en: Ibuprofen, pinyin: bu luo fen, group: fever,
     category: chemical, otc_class: otc_a, enabled: true, forms: [tablet], units: {tablet: 20}}
  - {code: aspirin, name_zh: 阿司匹林, name_en: Aspirin, pinyin: a si pi lin, group: fever,
     category: chemical, otc_class: otc_a, enabled: true, forms: [tablet], units: {crate: 2}}
""",
        encoding="utf-8",
    )
    with pytest.raises(CatalogEntryInvalid, match=r"aspirin.*crate"):
        load_edition(str(edition))
    catalog.rollback()
    assert "ibuprofen" in {m.code for m in current_medicines()}
    assert all(m.edition.code != "test-edition" for m in current_medicines(include_unpostable=True))


def test_loading_stores_pinyin_its_initials_and_dosage_forms(catalog):
    ibuprofen = medicine(catalog, "ibuprofen")
    assert (ibuprofen.pinyin, ibuprofen.pinyin_initials) == ("bu luo fen", "blf")
    assert ibuprofen.forms == ["tablet", "capsule", "oral_liquid"]
    assert medicine(catalog, "lianhua-qingwen").pinyin_initials == "lhqwkljn"


def test_an_entry_the_file_starts_disabled_stays_off_until_an_admin_enables_it(catalog, tmp_path):
    data = edition_data()
    aspirin = next(entry for entry in data["medicines"] if entry["code"] == "aspirin")
    aspirin["code"] = "aspirin-new"
    aspirin["enabled"] = False
    load_edition(write_edition(tmp_path, data))
    assert not medicine(catalog, "aspirin-new").enabled
    assert medicine(catalog, "aspirin-new").may_be_enabled


def test_reloading_keeps_an_admins_disabling(catalog, admin):
    admin_changes.disable(medicine(catalog, "aspirin").id, admin, "a batch was recalled")
    load_edition()
    assert not medicine(catalog, "aspirin").enabled


def test_reloading_keeps_an_admins_confirmation_and_enabling(catalog, admin):
    entry = medicine(catalog, "xylometazoline")
    admin_changes.confirm_otc_class(entry.id, admin, "otc_b", "green mark on the common pack")
    admin_changes.enable(entry.id, admin, "confirmed OTC")
    load_edition()
    entry = medicine(catalog, "xylometazoline")
    assert (entry.otc_class, entry.enabled, entry.otc_confirmed_by) == ("otc_b", True, admin.id)
    assert entry.otc_confirmed_at is not None


def test_a_class_the_file_gives_later_replaces_an_admins_confirmation(catalog, admin, tmp_path):
    entry = medicine(catalog, "xylometazoline")
    admin_changes.confirm_otc_class(entry.id, admin, "otc_b", "green mark on the common pack")
    admin_changes.enable(entry.id, admin, "confirmed OTC")
    data = edition_data()
    listed = next(entry for entry in data["medicines"] if entry["code"] == "xylometazoline")
    listed["otc_class"] = "prescription"
    load_edition(write_edition(tmp_path, data))
    entry = medicine(catalog, "xylometazoline")
    assert (entry.otc_class, entry.otc_confirmed_at, entry.otc_confirmed_by) == (
        "prescription",
        None,
        None,
    )
    assert not entry.enabled and entry.prohibited_reason == "prescription"


def test_a_rule_that_forbids_an_entry_wins_over_an_admins_choices(catalog, admin, monkeypatch):
    entry = medicine(catalog, "xylometazoline")
    admin_changes.confirm_otc_class(entry.id, admin, "otc_b", "green mark on the common pack")
    admin_changes.enable(entry.id, admin, "confirmed OTC")
    rules = catalog_rules()
    monkeypatch.setitem(rules["prohibited_ingredients"], "xylometazoline", {"reason": "narcotic"})
    monkeypatch.setitem(rules["prohibited_ingredients"], "ibuprofen", {"reason": "narcotic"})
    load_edition()
    for code in ("xylometazoline", "ibuprofen"):
        entry = medicine(catalog, code)
        assert (entry.enabled, entry.prohibited_reason) == (False, "narcotic"), code
    assert medicine(catalog, "xylometazoline").otc_class == "otc_b"


@pytest.mark.parametrize(
    ("otc_class", "by_admin"),
    [("otc_a", False), ("test_kit", True)],
    ids=["confirmed by nobody", "confirmed as a class that is not OTC"],
)
def test_database_refuses_a_confirmation_that_does_not_add_up(catalog, admin, otc_class, by_admin):
    values = {
        "otc_class": otc_class,
        "otc_confirmed_at": func.now(),
        "otc_confirmed_by": admin.id if by_admin else None,
    }
    with pytest.raises(IntegrityError, match="ck_medicines_otc_confirm"):
        catalog.execute(update(Medicine).where(Medicine.code == "xylometazoline").values(**values))
        catalog.flush()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pinyin": None}, "ibuprofen: missing pinyin"),
        ({"pinyin": "bù luò fēn"}, "ibuprofen: pinyin must be"),
        ({"pinyin": "bu  luo fen"}, "ibuprofen: pinyin must be"),
        ({"forms": ["tablet", "powder"]}, "ibuprofen: not defined in rules.yaml: powder"),
        ({"enabled": None}, "ibuprofen: missing enabled"),
    ],
)
def test_an_entry_without_good_pinyin_forms_or_state_is_refused(catalog, tmp_path, change, message):
    data = edition_data()
    ibuprofen = next(entry for entry in data["medicines"] if entry["code"] == "ibuprofen")
    for field, value in change.items():
        if value is None:
            del ibuprofen[field]
        else:
            ibuprofen[field] = value
    with pytest.raises(CatalogEntryInvalid, match=message):
        load_edition(write_edition(tmp_path, data))


def edition_data() -> dict:
    with open(DEFAULT_EDITION_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def write_edition(tmp_path, data: dict) -> str:
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)
