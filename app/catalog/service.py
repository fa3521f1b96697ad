"""Loading catalog editions from data files and reading the current one."""

import functools
import os
import re
import unicodedata
from dataclasses import dataclass

import yaml
from sqlalchemy import String, case, func, or_, select, update

from app.catalog.models import CatalogEdition, Medicine
from app.extensions import db

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
RULES_PATH = os.path.join(DATA_DIR, "rules.yaml")
DEFAULT_EDITION_PATH = os.path.join(DATA_DIR, "cn-home-care-2022-12-08.yaml")
# What each entry of an edition file must give; "ingredients" may be left out (a test kit).
ENTRY_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "pinyin",
    "group",
    "category",
    "otc_class",
    "enabled",
    "forms",
    "units",
)
# Lower-case toneless syllables, one space apart: what search and pinyin_initials rely on.
PINYIN = re.compile(r"[a-z]+(?: [a-z]+)*")


@functools.cache
def catalog_rules() -> dict:
    """Prohibitions, unit names and group names from rules.yaml."""
    with open(RULES_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def prohibited_reason(entry: dict) -> str | None:
    """The reason code that makes a catalog entry unpostable, or None if no rule forbids it.

    Args:
        entry: one medicine as written in an edition file.
    """
    rules = catalog_rules()
    ingredients = entry.get("ingredients", [])
    for ingredient in ingredients:
        if ingredient in rules["prohibited_ingredients"]:
            return rules["prohibited_ingredients"][ingredient]["reason"]
    if len(ingredients) == 1 and ingredients[0] in rules["prohibited_single_ingredients"]:
        return rules["prohibited_single_ingredients"][ingredients[0]]["reason"]
    for form in entry.get("forms", []):
        if form in rules["prohibited_forms"]:
            return rules["prohibited_forms"][form]["reason"]
    if entry["otc_class"] in rules["prohibited_otc_classes"]:
        return rules["prohibited_otc_classes"][entry["otc_class"]]["reason"]
    return None


def pinyin_initials(pinyin: str) -> str:
    """The first letter of each syllable: "bu luo fen" -> "blf"."""
    return "".join(syllable[0] for syllable in pinyin.split())


class CatalogEntryInvalid(ValueError):
    """An edition file's entry lacks a field, writes pinyin wrongly, or names a unit, form or
    symptom group that rules.yaml does not define."""


def _check_entry(entry: dict) -> None:
    code = entry.get("code", "?")
    missing = [field for field in ENTRY_FIELDS if field not in entry]
    if missing:
        raise CatalogEntryInvalid(f"{code}: missing {', '.join(missing)}")
    if not PINYIN.fullmatch(entry["pinyin"]):
        raise CatalogEntryInvalid(
            f"{code}: pinyin must be lower-case toneless syllables one space apart"
        )
    rules = catalog_rules()
    unknown = [unit for unit in entry["units"] if unit not in rules["units"]]
    unknown += [form for form in entry["forms"] if form not in rules["forms"]]
    if entry["group"] not in rules["symptom_groups"]:
        unknown.append(entry["group"])
    if unknown:
        raise CatalogEntryInvalid(f"{code}: not defined in rules.yaml: {', '.join(unknown)}")


@dataclass(frozen=True)
class LoadReport:
    edition_code: str
    added: int
    updated: int


def load_edition(path: str = DEFAULT_EDITION_PATH) -> LoadReport:
    """Insert or refresh an edition from its data file and make it the current one.

    New entries start as the file's `enabled` says, if their OTC class is confirmed and no rule
    forbids them. An administrator's later choices survive reloading: enabling or disabling an
    entry, and confirming the OTC class of an entry the file leaves "unconfirmed" (until the file
    itself gives a class). An entry a rule forbids is always switched off.

    Raises:
        CatalogEntryInvalid: an entry is incomplete or names what rules.yaml does not define;
            nothing of the file is loaded.
    """
    with open(path, encoding="utf-8") as handle:
        # libyaml's loader when present: the pure-Python one takes a tenth of a second here.
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    edition_data = data["edition"]
    edition = db.session.scalar(select(CatalogEdition).filter_by(code=edition_data["code"]))
    if edition is None:
        edition = CatalogEdition(code=edition_data["code"])
        db.session.add(edition)
    edition.title_zh = edition_data["title_zh"]
    edition.title_en = edition_data["title_en"]
    edition.published_on = edition_data["published_on"]
    db.session.flush()

    existing = {medicine.code: medicine for medicine in edition.medicines}
    added = 0
    for entry in data["medicines"]:
        _check_entry(entry)
        medicine = existing.get(entry["code"])
        if medicine is None:
            medicine = Medicine(edition=edition, code=entry["code"], enabled=entry["enabled"])
            db.session.add(medicine)
            added += 1
        _refresh(medicine, entry)

    db.session.execute(
        update(CatalogEdition).where(CatalogEdition.id != edition.id).values(is_current=False)
    )
    db.session.flush()
    edition.is_current = True
    db.session.commit()
    return LoadReport(edition.code, added, len(data["medicines"]) - added)


def _refresh(medicine: Medicine, entry: dict) -> None:
    medicine.name_zh = entry["name_zh"]
    medicine.name_en = entry["name_en"]
    medicine.pinyin = entry["pinyin"]
    medicine.pinyin_initials = pinyin_initials(entry["pinyin"])
    medicine.symptom_group = entry["group"]
    medicine.category = entry["category"]
    medicine.forms = entry["forms"]
    medicine.unit_caps = entry["units"]
    if entry["otc_class"] != "unconfirmed" or medicine.otc_confirmed_at is None:
        # The file's own class wins over an administrator's confirmation, which the change
        # log still records.
        medicine.otc_class = entry["otc_class"]
        medicine.otc_confirmed_at = medicine.otc_confirmed_by = None
    medicine.prohibited_reason = prohibited_reason({**entry, "otc_class": medicine.otc_class})
    if not medicine.may_be_enabled:
        medicine.enabled = False


def current_edition() -> CatalogEdition | None:
    """The edition people post from now, or None before any was loaded."""
    return db.session.scalar(select(CatalogEdition).where(CatalogEdition.is_current))


def current_medicines(
    include_unpostable: bool = False, search: str | None = None
) -> list[Medicine]:
    """Entries of the current edition; only postable ones unless asked.

    Args:
        include_unpostable: also list entries that are disabled or never postable.
        search: what someone typed to find a medicine: part of its Chinese or English name
            (any case), its pinyin whole or in part, with or without spaces, or the start of its
            pinyin initials ("blf" or "bl" finds 布洛芬). Blank lists everything.

    Returns:
        Catalog order; when searching, only matches, exact ones first, then those that start
        with the search, then those that contain it, each group in catalog order.
    """
    query = select(Medicine).join(CatalogEdition).where(CatalogEdition.is_current)
    if not include_unpostable:
        query = query.where(Medicine.enabled)
    if search and search.strip():
        rank = _match_rank(search)
        query = query.where(rank.is_not(None)).order_by(rank)
    return list(db.session.scalars(query.order_by(Medicine.id)))


def _typed(search: str) -> str:
    """What was typed, as the catalog spells it: full-width letters made plain (ＢＬＦ), tone marks
    dropped (bùluòfēn), ü written v as pinyin input does, spaces collapsed, lower case."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", search).lower())
    text = "".join(char for char in text.replace("u\u0308", "v") if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _match_rank(search: str):
    """0 for an exact match, 1 for a prefix, 2 for a match inside a name; NULL for none."""
    text = _typed(search)
    compact = text.replace(" ", "")
    # Pinyin matches whatever spaces were typed; initials from their start, or inside them from
    # two letters on ("ky" finds 新冠抗原, "xgkyjcsj"); one letter inside would find everything.
    names = [
        (func.lower(Medicine.name_zh, type_=String), text),
        (func.lower(Medicine.name_en, type_=String), text),
        (func.replace(Medicine.pinyin, " ", "", type_=String), compact),
    ]
    starts = [(Medicine.pinyin_initials, compact), *names]
    inside = names + ([(Medicine.pinyin_initials, compact)] if len(compact) >= 2 else [])
    return case(
        (or_(*(column == value for column, value in starts)), 0),
        (or_(*(column.startswith(value, autoescape=True) for column, value in starts)), 1),
        (or_(*(column.contains(value, autoescape=True) for column, value in inside)), 2),
    )
