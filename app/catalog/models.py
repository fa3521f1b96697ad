"""The medicine catalog: versioned editions of the whitelist and the entries people may post."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

OTC_CLASSES = ("otc_a", "otc_b", "test_kit", "unconfirmed", "prescription")
# Only these may ever be switched on; the database refuses the rest whatever an administrator does.
POSTABLE_OTC_CLASSES = ("otc_a", "otc_b", "test_kit")
# What an administrator may confirm an "unconfirmed" entry as, from the mark on its pack.
CONFIRMABLE_OTC_CLASSES = ("otc_a", "otc_b")
CATALOG_ACTIONS = ("enable", "disable", "confirm")
CHANGE_REASON_MAX_LENGTH = 500


class CatalogEdition(db.Model):
    """One published whitelist; a later edition or a city's own list replaces the current one."""

    __tablename__ = "catalog_editions"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    medicines: Mapped[list["Medicine"]] = relationship(back_populates="edition")

    __table_args__ = (
        Index(
            "uq_catalog_editions_one_current",
            "is_current",
            unique=True,
            postgresql_where=text("is_current"),
        ),
    )


class Medicine(db.Model):
    """A catalog entry of one edition. Posts point at the entry they were made with."""

    __tablename__ = "medicines"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("catalog_editions.id"))
    code: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    symptom_group: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(16))
    otc_class: Mapped[str] = mapped_column(String(16))
    # Why an entry can never be posted: a reason code from rules.yaml, or null.
    prohibited_reason: Mapped[str | None] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Unit code -> most of that unit one post may ask for or offer, e.g. {"tablet": 20, "box": 2}.
    unit_caps: Mapped[dict[str, int]] = mapped_column(JSONB)
    # name_zh in toneless syllables ("bu luo fen") and their first letters ("blf"): what people
    # type to search on a keyboard without a Chinese input method.
    pinyin: Mapped[str] = mapped_column(String(200))
    pinyin_initials: Mapped[str] = mapped_column(String(64))
    # Dosage form codes from rules.yaml, e.g. ["tablet", "capsule"].
    forms: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    # Set while otc_class is an administrator's confirmation of a class the edition left
    # "unconfirmed"; reloading keeps it until the edition itself gives a class.
    otc_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    otc_confirmed_by: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_accounts.id")
    )

    edition: Mapped[CatalogEdition] = relationship(back_populates="medicines")

    @property
    def may_be_enabled(self) -> bool:
        """Whether the rules let this entry be switched on (the database checks the same)."""
        return self.prohibited_reason is None and self.otc_class in POSTABLE_OTC_CLASSES

    __table_args__ = (
        UniqueConstraint("edition_id", "code", name="uq_medicines_edition_id_code"),
        CheckConstraint(f"otc_class IN {OTC_CLASSES!r}", name="otc_class_known"),
        CheckConstraint(
            "category IN ('chemical', 'chinese_patent', 'test_kit')", name="category_known"
        ),
        CheckConstraint(
            f"NOT enabled OR (prohibited_reason IS NULL AND otc_class IN {POSTABLE_OTC_CLASSES!r})",
            name="only_confirmed_otc_enabled",
        ),
        CheckConstraint(
            "(otc_confirmed_at IS NULL) = (otc_confirmed_by IS NULL)",
            name="otc_confirmation_complete",
        ),
        CheckConstraint(
            f"otc_confirmed_at IS NULL OR otc_class IN {CONFIRMABLE_OTC_CLASSES!r}",
            name="otc_confirmed_as_otc",
        ),
    )


class CatalogChange(db.Model):
    """An administrator's change to a catalog entry: its state before and after, and why."""

    __tablename__ = "catalog_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    staff_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("staff_accounts.id"))
    action: Mapped[str] = mapped_column(String(16))
    # {"enabled": ..., "otc_class": ...}: what the entry was and became.
    before: Mapped[dict] = mapped_column(JSONB)
    after: Mapped[dict] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(String(CHANGE_REASON_MAX_LENGTH))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    medicine: Mapped[Medicine] = relationship()

    __table_args__ = (
        CheckConstraint(f"action IN {CATALOG_ACTIONS!r}", name="action_known"),
        CheckConstraint("btrim(reason) <> ''", name="reason_given"),
        Index("ix_catalog_changes_medicine_id_changed_at", "medicine_id", "changed_at"),
    )
