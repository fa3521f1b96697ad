"""Posts' areas in bulk: their county code and name for loads (the demo data, the bench), and
their names again after the districts were reloaded."""

from sqlalchemy import update

from app.areas.models import District
from app.areas.service import finest_district_code
from app.extensions import db
from app.posts.models import Post


def fill_area_codes(post_ids: list[int]) -> None:
    """Set each of these posts' area_code as district_code_at would, and its area_name, in one
    statement each."""
    db.session.execute(
        update(Post)
        .where(Post.id.in_(post_ids))
        .values(area_code=finest_district_code(Post.location).scalar_subquery())
    )
    db.session.execute(
        update(Post)
        .where(Post.id.in_(post_ids), Post.area_code == District.code)
        .values(area_name=District.name_zh)
    )


def rename_areas() -> int:
    """Posts store their area's name: give them the names the districts table has now; returns
    how many changed (load-districts runs it when the table changed)."""
    result = db.session.execute(
        update(Post)
        .where(Post.area_code == District.code, Post.area_name.is_distinct_from(District.name_zh))
        .values(area_name=District.name_zh)
    )
    db.session.commit()
    return result.rowcount
