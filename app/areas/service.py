"""Divisions for the square: loading them from the data file, finding the one around a point,
and describing the area a caller narrows posts to."""

import hashlib
from dataclasses import dataclass

import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape
from sqlalchemy import bindparam, delete, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert

from app.areas.models import District
from app.errors import DomainError
from app.extensions import db
from geo.districts import CODE_PATTERN, PROVINCE, SLACK_DEGREES, all_districts, code_prefix
from geo.points import WGS84_SRID, LonLat

CODE_MALFORMED = "A district code is 6 digits."
CODE_UNKNOWN = "No district has this code."
UPSERTED = ("parent_code", "level", "name_zh", "boundary")


class UnknownDistrict(DomainError):
    """A district code that is not 6 digits or names no division in the table.

    Args:
        malformed: the code is not 6 digits (else: well-formed, but no division has it).
        field: the request field that carried the code.
    """

    code = "unknown_district"

    def __init__(self, malformed: bool, field: str = "district"):
        super().__init__(errors={field: [CODE_MALFORMED if malformed else CODE_UNKNOWN]})


@dataclass(frozen=True)
class DistrictLoadReport:
    added: int
    updated: int
    removed: int


@dataclass(frozen=True)
class DistrictArea:
    """The area posts are narrowed to.

    Attributes:
        prefix: what the area_code of every post inside starts with (see geo.districts.code_prefix).
        envelope: the division's bounding box, a geometry to use in SQL (ST_Intersects, &&).
    """

    code: str
    prefix: str
    level: int
    name_zh: str
    envelope: WKBElement


def load_districts() -> DistrictLoadReport:
    """Make the districts table match geo/data/districts.geojson.gz, and commit.

    When the table already matches (compared by fingerprint) nothing is sent or written, so
    running it again is quick; otherwise changed rows are rewritten and rows the file no longer
    has are removed.
    """
    districts = all_districts()
    if db.session.scalar(_table_fingerprint()) == _file_fingerprint(districts):
        return DistrictLoadReport(added=0, updated=0, removed=0)
    rows = [
        {
            "code": district.code,
            "parent_code": district.parent_code,
            "level": district.level,
            "name_zh": district.name_zh,
            "boundary": from_shape(district.boundary, srid=WGS84_SRID),
        }
        for district in districts
    ]
    codes = [row["code"] for row in rows]
    existing = set(db.session.scalars(select(District.code)))
    upsert = insert(District)
    upsert = upsert.on_conflict_do_update(
        index_elements=[District.code],
        set_={column: upsert.excluded[column] for column in UPSERTED},
        where=tuple_(*(District.__table__.c[column] for column in UPSERTED)).is_distinct_from(
            tuple_(*(upsert.excluded[column] for column in UPSERTED))
        ),
    )
    # The file lists parents before children, so each batch's foreign keys are already met.
    written = db.session.scalars(upsert.returning(District.code), rows).all()
    removed = db.session.execute(delete(District).where(District.code.not_in(codes))).rowcount
    db.session.commit()
    added = len(set(codes) - existing)
    return DistrictLoadReport(added=added, updated=len(written) - added, removed=removed)


def _file_fingerprint(districts) -> str:
    wkbs = shapely.to_wkb([district.boundary for district in districts])
    lines = {
        district.code: "|".join(
            (
                district.code,
                district.parent_code or "",
                str(district.level),
                district.name_zh,
                hashlib.md5(wkb, usedforsecurity=False).hexdigest(),
            )
        )
        for district, wkb in zip(districts, wkbs, strict=True)
    }
    joined = "\n".join(lines[code] for code in sorted(lines))
    return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


def _table_fingerprint():
    """The same digest over the table, computed by the database: ST_AsBinary gives the WKB
    shapely gives."""
    line = func.concat_ws(
        "|",
        District.code,
        func.coalesce(District.parent_code, ""),
        District.level,
        District.name_zh,
        func.md5(func.ST_AsBinary(District.boundary)),
    )
    return select(func.md5(func.string_agg(line, aggregate_order_by(literal("\n"), District.code))))


def finest_district_code(where, *also):
    """The code (and the `also` columns) of the finest division at a point: a select of one
    row or none, for district_code_at and for statements that fold the lookup in."""
    return (
        select(District.code, *also)
        .where(func.ST_DWithin(District.boundary, where, SLACK_DEGREES))
        .order_by(func.ST_Distance(District.boundary, where), District.level.desc())
        .limit(1)
    )


def district_name(code: str | None) -> str | None:
    """The Chinese name of a division, for a post's area_name; None for no or an unknown code."""
    if code is None:
        return None
    return db.session.scalar(select(District.name_zh).where(District.code == code))


def district_code_at(point: LonLat) -> str | None:
    """The code of the finest division at a WGS 84 point, for a post's area_code.

    A county-level code, or a prefecture's or province's where the data has nothing finer
    (东莞市 has no counties; a few special zones belong to no county). A point just outside
    every boundary, within SLACK_DEGREES (about a kilometre: coast and small islands the coarse
    boundaries leave out), gets the nearest division.

    Returns:
        The 6-digit code, or None for a point outside China (or well out at sea).
    """
    return db.session.scalar(finest_district_code(func.ST_GeomFromEWKT(point.to_ewkt())))


def district_area(code: str) -> DistrictArea:
    """The division a caller narrows posts to.

    Raises:
        UnknownDistrict: code is not 6 digits, or no division has it.
    """
    if not CODE_PATTERN.fullmatch(code):
        raise UnknownDistrict(malformed=True)
    row = db.session.execute(
        select(
            District.code, District.level, District.name_zh, func.ST_Envelope(District.boundary)
        ).where(District.code == code)
    ).one_or_none()
    if row is None:
        raise UnknownDistrict(malformed=False)
    found, level, name_zh, envelope = row
    return DistrictArea(found, code_prefix(found), level, name_zh, envelope)


def district_envelope(code: str):
    """The division's bounding box as a scalar subquery, for a statement that filters by it
    (NULL, so matching nothing, when no division has the code)."""
    return (
        select(func.ST_Envelope(District.boundary))
        .where(District.code == bindparam("district_code", code, unique=True))
        .scalar_subquery()
    )


def list_districts(parent: str | None = None, name_contains: str | None = None) -> list:
    """Divisions by code, without their boundaries: a parent's children, or the provinces.

    With name_contains and no parent, every level is searched.

    Raises:
        UnknownDistrict: the parent code names no division (the field is `parent`).
    """
    query = select(District.code, District.name_zh, District.level, District.parent_code)
    if parent is not None:
        if db.session.scalar(select(District.code).where(District.code == parent)) is None:
            raise UnknownDistrict(malformed=False, field="parent")
        query = query.where(District.parent_code == parent)
    elif name_contains is None:
        query = query.where(District.level == PROVINCE)
    if name_contains is not None:
        query = query.where(District.name_zh.contains(name_contains, autoescape=True))
    return list(db.session.execute(query.order_by(District.code)))


def district_names(codes: set[str]) -> dict[str, str]:
    """Chinese names of the given division codes, in one query; unknown codes are left out."""
    if not codes:
        return {}
    return dict(
        db.session.execute(
            select(District.code, District.name_zh).where(District.code.in_(sorted(codes)))
        ).all()
    )
