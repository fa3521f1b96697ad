"""China's administrative divisions (GB/T 2260) with their boundaries, for narrowing by area."""

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from geo.districts import LEVELS
from geo.points import WGS84_SRID

AREA_NAME_MAX_LENGTH = 40


class District(db.Model):
    """A province (level 1), prefecture (2) or county-level division (3), loaded from
    geo/data/districts.geojson.gz by `flask medshare load-districts`."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    # A county directly under a province or a municipality hangs from the province.
    parent_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("districts.code"), index=True
    )
    level: Mapped[int] = mapped_column(SmallInteger)
    name_zh: Mapped[str] = mapped_column(String(AREA_NAME_MAX_LENGTH))
    # The GiST index finds the divisions around a point without testing every boundary.
    boundary: Mapped[WKBElement] = mapped_column(
        Geometry("MULTIPOLYGON", srid=WGS84_SRID, spatial_index=True, nullable=False)
    )

    __table_args__ = (
        CheckConstraint(f"level IN {LEVELS!r}", name="level_known"),
        CheckConstraint("code ~ '^[0-9]{6}$'", name="code_six_digits"),
        CheckConstraint("(level = 1) = (parent_code IS NULL)", name="only_provinces_are_roots"),
    )
