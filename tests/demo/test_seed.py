"""Demo data looks like the December 2022 square and is created once."""

from sqlalchemy import delete, func, select

from app.auth.models import User
from app.catalog.models import Medicine
from app.demo.seed import demo_shape, seed_demo_posts
from app.me.models import CONSENT_PURPOSES, Consent
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


def demo_people(session) -> list[tuple[str, list[str], list[str]]]:
    """Each demo user's display name, levels and consented purposes, in creation order."""
    users = session.scalars(select(User).order_by(User.id)).all()
    return [
        (
            user.display_name,
            [level.level for level in user.verifications],
            sorted(session.scalars(select(Consent.purpose).where(Consent.user_id == user.id))),
        )
        for user in users
    ]


def test_demo_users_are_verified_consenting_people_shown_by_masked_names(catalog):
    seed_demo_posts(60, seed=4)
    people = demo_people(catalog)
    family_names = demo_shape()["family_names"]
    assert people
    for display_name, levels, purposes in people:
        family = display_name.rstrip("*")
        assert family in family_names and 1 <= len(display_name) - len(family) <= 2
        assert levels == ["identity"]
        assert purposes == sorted(CONSENT_PURPOSES)
    assert any(len(name.rstrip("*")) == 2 for name, _, _ in people), "a compound surname"


def test_demo_people_are_the_same_for_the_same_seed(catalog):
    seed_demo_posts(60, seed=4)
    first = demo_people(catalog)
    for model in (PostItem, Post, Consent, User):
        catalog.execute(delete(model))
    seed_demo_posts(60, seed=4)
    assert demo_people(catalog) == first
