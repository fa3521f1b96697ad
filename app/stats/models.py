"""The daily snapshot the statistics are published from.

Cells hold counts at the finest cut anyone may see, district x day (and channel, kind, and for
medicines the medicine), exactly as counted; they are read only through app.stats.publish, which
suppresses and rounds every figure before it leaves the service.
"""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class StatsSnapshot(db.Model):
    """One day's snapshot: posts made from first_day to as_of (days in China), as they stood
    when it was taken. One per as_of, which makes taking it again a no-op."""

    __tablename__ = "stats_snapshots"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, unique=True)
    first_day: Mapped[date] = mapped_column(Date)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class _Cell:
    """Where and when a cell's posts were made, through which channel, of which kind."""

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("stats_snapshots.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    # The post's county-level code and its city's and province's; None outside every division.
    area_code: Mapped[str | None] = mapped_column(String(6))
    city_code: Mapped[str | None] = mapped_column(String(6))
    province_code: Mapped[str | None] = mapped_column(String(6))
    # The partner the posts came through; None: directly.
    partner_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("partners.id"))
    kind: Mapped[str] = mapped_column(String(8))
    posts: Mapped[int] = mapped_column(Integer)


class StatsCell(_Cell, db.Model):
    __tablename__ = "stats_cells"

    resolved: Mapped[int] = mapped_column(Integer)
    # Minutes from posting to resolution, one per resolved post, for medians over any range.
    resolution_minutes: Mapped[list[int]] = mapped_column(ARRAY(Integer))

    __table_args__ = (Index("ix_stats_cells_snapshot_id_day", "snapshot_id", "day"),)


class StatsMedicineCell(_Cell, db.Model):
    """Posts that listed one medicine."""

    __tablename__ = "stats_medicine_cells"

    medicine_code: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_stats_medicine_cells_snapshot_id_day", "snapshot_id", "day"),)
