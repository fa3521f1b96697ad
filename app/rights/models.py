"""What the rights area keeps: when each user asked for a copy of their data, to limit it."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DataExport(db.Model):
    """One GET /me/export: who and when. Nothing of what it answered is kept."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    exported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # The daily limit counts a user's exports since midnight.
    __table_args__ = (Index("ix_data_exports_user_id_exported_at", "user_id", "exported_at"),)
