"""The daily snapshot: `flask --app wsgi medshare snapshot-stats`, from cron once a day or more.

A snapshot counts the posts made on each of the STATS_DAYS days up to yesterday (days in China:
today is not over), as they stand when it is taken (resolved since, or not), at the finest cut,
district x day. Every figure the service publishes comes from the latest snapshot, so figures
change once a day, never between two queries, and a post made now counts from tomorrow's.

Taking it is idempotent: one snapshot per day (a unique as_of, under an advisory lock, so two
cron runs at once make one). The new snapshot replaces the old ones in the same transaction.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, cast, delete, exists, func, insert, select
from sqlalchemy.orm import aliased

from app.areas.models import District
from app.catalog.models import Medicine
from app.china_time import CHINA_TIME, today_in_china
from app.extensions import db
from app.posts.models import Post, PostItem
from app.stats.models import StatsCell, StatsMedicineCell, StatsSnapshot

# Statuses of posts that were on the square as posted: those held, hidden or removed by
# moderators, withdrawn with a consent, or deleted by their owners are not counted.
COUNTED_STATUSES = ("open", "expired", "resolved")
# pg_advisory_xact_lock's key: "STAT" in ASCII.
SNAPSHOT_LOCK = 0x53544154
SECONDS_A_MINUTE = 60
# PostgreSQL's name of China's zone (UTC+8 all year, as app.china_time says).
CHINA_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class SnapshotReport:
    as_of: date
    taken: bool
    cells: int = 0
    medicine_cells: int = 0


def take_snapshot(now: datetime | None = None) -> SnapshotReport:
    """Take the snapshot of the day before now (in China) if nobody has, and commit.

    Returns:
        What was taken; taken is False when the day's snapshot existed already.
    """
    now = now or datetime.now(UTC)
    as_of = today_in_china(now) - timedelta(days=1)
    db.session.execute(select(func.pg_advisory_xact_lock(SNAPSHOT_LOCK)))
    if db.session.scalar(select(StatsSnapshot.id).where(StatsSnapshot.as_of == as_of)):
        db.session.rollback()
        return SnapshotReport(as_of, taken=False)
    first_day = as_of - timedelta(days=current_app.config["STATS_DAYS"] - 1)
    snapshot = StatsSnapshot(as_of=as_of, first_day=first_day)
    db.session.add(snapshot)
    db.session.flush()
    places = _places()
    cells = [
        _cell(snapshot.id, places, row)
        for row in db.session.execute(_post_counts(first_day, as_of))
    ]
    medicine_cells = [
        _cell(snapshot.id, places, row)
        for row in db.session.execute(_medicine_counts(first_day, as_of))
    ]
    if cells:
        db.session.execute(insert(StatsCell), cells)
    if medicine_cells:
        db.session.execute(insert(StatsMedicineCell), medicine_cells)
    db.session.execute(delete(StatsSnapshot).where(StatsSnapshot.id != snapshot.id))
    db.session.commit()
    return SnapshotReport(as_of, taken=True, cells=len(cells), medicine_cells=len(medicine_cells))


def latest_snapshot() -> StatsSnapshot | None:
    return db.session.scalar(select(StatsSnapshot).order_by(StatsSnapshot.as_of.desc()).limit(1))


def _cell_columns() -> list:
    """What tells cells apart: the day (in China) a post was made, its district, its channel
    and its kind."""
    day = func.date(func.timezone(CHINA_ZONE, Post.created_at)).label("day")
    return [day, Post.area_code, Post.partner_id, Post.kind]


def _counted(first_day: date, as_of: date):
    china_midnight = datetime.combine(first_day, datetime.min.time(), CHINA_TIME)
    day_after = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), CHINA_TIME)
    return (
        Post.status.in_(COUNTED_STATUSES),
        Post.created_at >= china_midnight,
        Post.created_at < day_after,
    )


def _post_counts(first_day: date, as_of: date):
    resolved = Post.status == "resolved"
    minutes = cast(
        func.ceil(func.extract("epoch", Post.resolved_at - Post.created_at) / SECONDS_A_MINUTE),
        Integer,
    )
    cell = _cell_columns()
    return (
        select(
            *cell,
            func.count().label("posts"),
            func.count().filter(resolved).label("resolved"),
            func.coalesce(func.array_agg(minutes).filter(resolved), "{}").label(
                "resolution_minutes"
            ),
        )
        .where(*_counted(first_day, as_of))
        .group_by(*cell)
    )


def _medicine_counts(first_day: date, as_of: date):
    cell = _cell_columns()
    return (
        select(
            *cell,
            Medicine.code.label("medicine_code"),
            func.count(func.distinct(Post.id)).label("posts"),
        )
        .join(PostItem, PostItem.post_id == Post.id)
        .join(Medicine, Medicine.id == PostItem.medicine_id)
        .where(*_counted(first_day, as_of))
        .group_by(*cell, Medicine.code)
    )


def _cell(snapshot_id: int, places: dict, row) -> dict:
    province_code, city_code = places.get(row.area_code, (None, None))
    return {
        "snapshot_id": snapshot_id,
        "province_code": province_code,
        "city_code": city_code,
        **row._asdict(),
    }


def _places() -> dict[str, tuple[str, str | None]]:
    """Each division's province and city, as the statistics cut them.

    A city is a prefecture (深圳市), a municipality (北京市: its districts hang from it as from a
    province), or a county-level city directly under a province (仙桃市), which is its own city.
    """
    parent = aliased(District)
    prefecture_below = aliased(District)
    municipality = ~exists().where(
        prefecture_below.parent_code == parent.code, prefecture_below.level == 2
    )
    rows = db.session.execute(
        select(
            District.code, District.level, District.parent_code, parent.level, municipality
        ).outerjoin(parent, parent.code == District.parent_code)
    )
    places = {}
    for code, level, parent_code, parent_level, parent_is_municipality in rows:
        if level == 1:
            places[code] = (code, None)
        elif level == 2:
            places[code] = (parent_code, code)
        elif parent_level == 2:
            places[code] = (code[:2] + "0000", parent_code)
        else:
            places[code] = (parent_code, parent_code if parent_is_municipality else code)
    return places
