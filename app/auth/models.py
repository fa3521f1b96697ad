"""People who post. Identity numbers exist here only as a keyed hash."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(40))
    # HMAC-SHA256 of the identity number under ID_NUMBER_HMAC_KEY: enough to stop one person
    # verifying many accounts, useless to anyone who reads the table without the key.
    id_number_hmac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    realname_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
