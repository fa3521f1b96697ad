"""Posts on the information square: "I need medicine" and "I have surplus medicine"."""

from datetime import UTC, date, datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.areas.models import AREA_NAME_MAX_LENGTH
from app.auth.models import User
from app.catalog.models import CatalogEdition, Medicine
from app.extensions import db

POST_KINDS = ("need", "offer")
# Moving between them is app/posts/lifecycle.py's alone. open: on the square until expires_at.
# expired: its time ran out (a sweep marks it; the square also checks expires_at, so a late
# sweep shows nothing stale). withdrawn: its author withdrew a consent it relies on or deleted
# the account. deleted: by its owner.
# held: off the square until a moderator decides (screening found trading words, or enough
# people reported it). hidden and removed: a moderator's decision; the owner may appeal once.
POST_STATUSES = (
    "open",
    "resolved",
    "expired",
    "held",
    "hidden",
    "removed",
    "withdrawn",
    "deleted",
)
URGENCY_TAGS = ("infant", "child", "elderly", "pregnant", "chronic_illness")
NOTE_MAX_LENGTH = 500
ADDRESS_HINT_MAX_LENGTH = 100
MAX_ITEMS_PER_POST = 10
# Web Mercator: planar distances there are true distances times sec(latitude), the same in every
# direction, so KNN over it ranks posts as the ground does (WGS 84 degrees would rank a post 1 km
# east of a Beijing user behind one 1.3 km north).
PUBLIC_SRID = 3857
OPEN = text("status = 'open'")


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    # The catalog edition the post was made with: its items point at that edition's entries.
    catalog_edition_id: Mapped[int] = mapped_column(ForeignKey("catalog_editions.id"))
    # The poster's exact spot (WGS 84). Only its owner ever sees it.
    location: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False, nullable=False)
    )
    # The centre of the grid cell the spot lies in: what the square sorts by and measures from.
    # Fixed when the post is made, so asking from many points cannot average it back to the spot.
    public_position: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=PUBLIC_SRID, spatial_index=False, nullable=False)
    )
    # County-level GB/T 2260 code of the exact spot, for narrowing by area; None outside any.
    area_code: Mapped[str | None] = mapped_column(String(6))
    # Its division's name, stored with the code so the square reads it without a join
    # (load-districts rewrites it when a name changes).
    area_name: Mapped[str | None] = mapped_column(String(AREA_NAME_MAX_LENGTH))
    # The partner whose key the post was made through: its channel in statistics. None: direct.
    partner_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("partners.id"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), default="", server_default="")
    # The note as a moderator masked it by hand, shown to everyone but the owner instead of the
    # automatic masking; None until a moderator edits the masking, and again after an owner's edit.
    hand_masked_note: Mapped[str | None] = mapped_column(String(NOTE_MAX_LENGTH))
    # What everyone but the owner reads, written with the note (app/posts/public.py) under the
    # masking rules of masking_version; empty until then, so an unmasked note never shows.
    public_note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), server_default="")
    masking_version: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    # For people meeting up ("north gate of the compound"): shown with the contact, not publicly.
    address_hint: Mapped[str | None] = mapped_column(String(ADDRESS_HINT_MAX_LENGTH))
    # PostgreSQL's ARRAY, not the generic one: the square filters with its overlap (&&).
    urgency: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list, server_default="{}")
    # Fernet token of the contact number; erased (None) when the post or its account is deleted.
    contact_phone_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_phone_masked: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    renewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def on_the_square(self) -> bool:
        """Open and within its time: what the square shows (the sweep may not have run yet)."""
        return self.status == "open" and self.expires_at > datetime.now(UTC)

    user: Mapped[User] = relationship()
    catalog_edition: Mapped[CatalogEdition] = relationship()
    items: Mapped[list["PostItem"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostItem.position"
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {POST_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {POST_STATUSES!r}", name="status_known"),
        CheckConstraint(
            "(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved_has_time"
        ),
        # Nearest first, unfiltered or by kind: KNN (<->) over open posts, kind in the index by
        # btree_gist. Measured at 1M posts (pgbench, 2 clients): as fast as a position-only GiST
        # unfiltered (~8,800 tps), faster by kind (~7,000 against ~6,200). Medicines live in
        # post_items' own index, so no (medicine, kind, position) index here can capture the
        # unfiltered query, which performance-lab.md measured 7x slower.
        # Its created_at serves newest first inside an area: a KNN on created_at (btree_gist's
        # <-> from a far future) walks only the pages inside the area, where the btree below
        # would read every newer post elsewhere, or a bitmap every post inside (250 ms for
        # 5 km of Shenzhen at 1M posts, against 2 ms).
        Index(
            "ix_posts_open_kind_position_created",
            "kind",
            "public_position",
            "created_at",
            postgresql_using="gist",
            postgresql_where=OPEN,
        ),
        # Newest first over open posts, with id as the cursor's tie-breaker.
        Index(
            "ix_posts_open_created_at_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=OPEN,
        ),
        # A user's open posts, counted against OPEN_POSTS_PER_USER on every create.
        Index("ix_posts_user_id_status", "user_id", "status"),
        # The expiry sweep finds open posts past their time.
        Index("ix_posts_open_expires_at", "expires_at", postgresql_where=OPEN),
    )


# Each medicine's public points, shifted north by medicine_id bands of MEDICINE_BAND_METRES, so
# that one GiST keeps every medicine's points apart: a nearest-first walk for one medicine, held
# inside its band by an index condition, visits that medicine's entries only. The btree_gist
# GiST on (medicine_id, kind, position) it replaces mixed medicines in its pages (a range of ids
# costs nothing to widen), so a medicine with no open posts walked the whole index: 40 ms at 1M
# posts, against 0.02 ms here. Mainland China's Web Mercator y lies within 2.0-7.2 million
# metres, inside one band. Distances within a band are those of the unshifted points.
MEDICINE_BAND_METRES = 10_000_000
MEDICINE_BAND_SQL = (
    f"ST_Translate(public_position, 0, medicine_id * {MEDICINE_BAND_METRES}::float8)"
)


class PostItem(db.Model):
    """One medicine of a post, e.g. "ibuprofen, 4 tablets".

    It also carries copies of its post's kind, status, times and public position (kept by
    triggers, see migration 0006), so one index row per item lets the square find a post by any
    of its medicines, nearest first, without touching the posts table.
    """

    __tablename__ = "post_items"

    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"), primary_key=True)
    # Order the poster listed the items in.
    position: Mapped[int] = mapped_column(SmallInteger)
    quantity: Mapped[int] = mapped_column(SmallInteger)
    unit: Mapped[str] = mapped_column(String(16))
    # Offers only: the pack's expiry date and whether it is still sealed.
    pack_expires_on: Mapped[date | None] = mapped_column(Date)
    sealed: Mapped[bool | None] = mapped_column(Boolean)

    kind: Mapped[str] = mapped_column(String(8), server_default=FetchedValue())
    post_status: Mapped[str] = mapped_column(String(10), server_default=FetchedValue())
    post_created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=FetchedValue()
    )
    post_expires_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=FetchedValue()
    )
    public_position: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=PUBLIC_SRID, spatial_index=False, nullable=False),
        server_default=FetchedValue(),
    )

    post: Mapped[Post] = relationship(back_populates="items")
    medicine: Mapped[Medicine] = relationship()

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("post_id", "position", name="uq_post_items_post_id_position"),
        # Nearest first for one medicine, optionally one kind: each medicine's points in a band
        # of their own (see medicine_band_position), kind by btree_gist.
        Index(
            "ix_post_items_open_kind_medicine_band",
            "kind",
            text(MEDICINE_BAND_SQL),
            postgresql_using="gist",
            postgresql_where=text("post_status = 'open'"),
        ),
        # Newest first for one medicine.
        Index(
            "ix_post_items_open_medicine_created",
            "medicine_id",
            text("post_created_at DESC"),
            text("post_id DESC"),
            postgresql_where=text("post_status = 'open'"),
        ),
    )


class ContactReveal(db.Model):
    """Who saw whose contact number, and when. Kept for the poster and for moderators."""

    __tablename__ = "contact_reveals"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id"))
    viewer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    revealed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    viewer: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_contact_reveals_post_id_revealed_at", "post_id", "revealed_at"),
        # The daily limit counts a viewer's reveals since midnight.
        Index("ix_contact_reveals_viewer_id_revealed_at", "viewer_id", "revealed_at"),
    )


class IdempotencyKey(db.Model):
    """A create that carried an Idempotency-Key: a retry with the same key gets the same post."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # SHA-256 of the request body as loaded, so the same key with another body is caught.
    fingerprint: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
