"""Demo data looks like the December 2022 square and is created once."""

from sqlalchemy import func, select

from app.catalog.models import Medicine
from app.demo.seed import seed_demo_posts
from app.posts.models import Post, PostItem
from geo.cities import busiest_cities


def test_demo_posts_cluster_around_the_busiest_cities(catalog):
    assert seed_demo_posts(200, seed=7) == 200
    for city in busiest_cities():
        far = catalog.scalar(
            select(func.count())
            .select_from(Post)
            .where(Post.area_code == city.area_code)
            .where(
                ~func.ST_DWithin(
                    func.Geography(Post.location),
                    func.ST_GeogFromText(city.center.to_ewkt()),
                    60_000,
                )
            )
        )
        assert far == 0, city.code
    counts = dict(
        catalog.execute(select(Post.area_code, func.count()).group_by(Post.area_code)).all()
    )
    assert counts[busiest_cities()[0].area_code] > counts[busiest_cities()[-1].area_code]


def test_demo_items_are_postable_and_within_caps(catalog):
    seed_demo_posts(200, seed=8)
    rows = catalog.execute(select(PostItem, Medicine).join(Medicine)).all()
    assert rows
    for item, medicine in rows:
        assert medicine.enabled
        assert 0 < item.quantity <= medicine.unit_caps[item.unit]
    most_common = catalog.scalar(
        select(Medicine.code)
        .join(PostItem)
        .group_by(Medicine.code)
        .order_by(func.count().desc())
        .limit(1)
    )
    assert most_common == "antigen-test"


def test_resolved_posts_have_a_resolution_time_after_creation(catalog):
    seed_demo_posts(100, seed=9)
    resolved = catalog.scalars(select(Post).where(Post.status == "resolved")).all()
    assert resolved and all(post.resolved_at >= post.created_at for post in resolved)


def test_seeding_twice_changes_nothing(catalog):
    seed_demo_posts(50, seed=1)
    assert seed_demo_posts(50, seed=1) == 0
    assert catalog.scalar(select(func.count()).select_from(Post)) == 50
