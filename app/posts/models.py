"""Posts on the information square: "I need medicine" and "I have surplus medicine"."""

from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.catalog.models import Medicine
from app.extensions import db

POST_KINDS = ("need", "offer")
# "withdrawn": taken off the square because its author withdrew a consent it relies on
# (location or contact) or deleted the account.
POST_STATUSES = ("open", "resolved", "removed", "withdrawn")
NOTE_MAX_LENGTH = 200


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    # The poster's exact spot (WGS 84). Never shown: the square shows a distance or a coarse area.
    location: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False, nullable=False)
    )
    # Administrative division code (GB/T 2260) of the area the post is in, for narrowing by area.
    area_code: Mapped[str] = mapped_column(String(6))
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), default="", server_default="")
    # Shown only to someone who asks to reveal it, and every reveal is logged.
    contact_phone: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    items: Mapped[list["PostItem"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostItem.medicine_id"
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {POST_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {POST_STATUSES!r}", name="status_known"),
        CheckConstraint(
            "(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved_has_time"
        ),
        # Nearest-first over open posts, optionally of one kind: KNN on geometry (see
        # shared/reference/performance-lab.md); btree_gist lets kind share the GiST index.
        Index(
            "ix_posts_open_kind_location",
            "kind",
            "location",
            postgresql_using="gist",
            postgresql_where=text("status = 'open'"),
        ),
        # Newest-first over open posts.
        Index(
            "ix_posts_open_created_at",
            text("created_at DESC"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_posts_area_code_created_at", "area_code", text("created_at DESC")),
    )


class PostItem(db.Model):
    """One medicine of a post, e.g. "ibuprofen, 4 tablets"."""

    __tablename__ = "post_items"

    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    medicine_id: Mapped[int] = mapped_column(
        ForeignKey("medicines.id"), primary_key=True, index=True
    )
    quantity: Mapped[int] = mapped_column(SmallInteger)
    unit: Mapped[str] = mapped_column(String(16))

    post: Mapped[Post] = relationship(back_populates="items")
    medicine: Mapped[Medicine] = relationship()

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
