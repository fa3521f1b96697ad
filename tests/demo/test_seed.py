"""Demo data looks like the December 2022 square, in every city, and is created once."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from geoalchemy2.shape import to_shape
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from app.areas.service import district_code_at
from app.auth.models import User
from app.catalog.models import Medicine
from app.demo import DEFAULT_POSTS
from app.demo.seed import DEMO_PERIOD, MIN_TIME_LEFT, demo_shape, posts_per_city, seed_demo_posts
from app.me.models import CONSENT_PURPOSES, Consent
from app.posts.models import Post, PostItem
from app.posts.service import lifetime
from geo.cities import busiest_cities, cities
from geo.points import LonLat, great_circle_metres


def test_every_city_gets_posts_and_the_busiest_cities_the_most():
    counts = {city.area_code: how_many for city, how_many in posts_per_city(DEFAULT_POSTS)}
    assert sum(counts.values()) == DEFAULT_POSTS
    assert set(counts) == {city.area_code for city in cities()}
    assert min(counts.values()) >= 2
    busiest = [counts[city.area_code] for city in busiest_cities()]
    assert busiest == sorted(busiest, reverse=True)
    others = [counts[city.area_code] for city in cities()[len(busiest) :]]
    assert min(busiest) > 5 * max(others)


def test_any_count_of_posts_is_shared_out_whole_busiest_first():
    for count in (1, 50, 999):
        counts = posts_per_city(count)
        assert sum(how_many for _city, how_many in counts) == count
    assert [city for city, _ in posts_per_city(6)] == list(busiest_cities())


def spots_by_post(session) -> dict[int, LonLat]:
    return {
        post_id: LonLat(shape.x, shape.y)
        for post_id, shape in (
            (post_id, to_shape(location))
            for post_id, location in session.execute(select(Post.id, Post.location))
        )
    }


def test_demo_posts_lie_around_a_city_seat_in_the_county_they_name(catalog):
    seed_demo_posts(1000, seed=7)
    spots = spots_by_post(catalog)
    for post_id, area_code in catalog.execute(select(Post.id, Post.area_code)):
        # Six standard deviations: a Gaussian spot never lands further.
        assert any(
            great_circle_metres(city.center, spots[post_id]) < 6000 * city.spread_km
            for city in cities()
        )
        assert area_code == district_code_at(spots[post_id])


def test_demo_posts_have_the_shape_of_december_2022(catalog):
    seed_demo_posts(2000, seed=5)
    posts = catalog.scalars(select(Post).options(selectinload(Post.items))).all()
    kinds = Counter(post.kind for post in posts)
    assert 0.55 < kinds["need"] / len(posts) < 0.65
    items = catalog.scalars(select(PostItem)).all()
    by_medicine = Counter(item.medicine_id for item in items)
    codes = dict(catalog.execute(select(Medicine.id, Medicine.code)).all())
    top_three = [codes[medicine_id] for medicine_id, _ in by_medicine.most_common(3)]
    assert top_three == ["antigen-test", "ibuprofen", "acetaminophen"]
    assert {len(post.items) for post in posts} == {1, 2, 3}

    needs = [post for post in posts if post.kind == "need"]
    offers = [post for post in posts if post.kind == "offer"]
    assert 0.25 < sum(bool(post.urgency) for post in needs) / len(needs) < 0.45
    assert any(len(post.urgency) == 2 for post in needs)
    assert not any(post.urgency for post in offers)
    assert all(i.pack_expires_on is None and i.sealed is None for p in needs for i in p.items)
    offered = [item for post in offers for item in post.items]
    today = datetime.now(UTC).date()
    assert all(item.pack_expires_on >= today + timedelta(days=60) for item in offered)
    assert 0.6 < sum(item.sealed for item in offered) / len(offered) < 0.8

    statuses = Counter(post.status for post in posts)
    assert set(statuses) == {"open", "resolved", "expired"}
    # Rounded per city: small cities have only open posts.
    assert 0.04 < statuses["resolved"] / len(posts) < 0.08
    assert 0.01 < statuses["expired"] / len(posts) < 0.05
    notes = [post.note for post in posts]
    assert 0.07 < notes.count("") / len(notes) < 0.17
    assert not any("{" in note for note in notes)
    assert 0.6 < sum(post.address_hint is not None for post in posts) / len(posts) < 0.8


def test_open_posts_outlive_the_seeding_and_closed_ones_are_in_the_past(catalog):
    before = datetime.now(UTC)
    seed_demo_posts(1000, seed=11)
    for post in catalog.scalars(select(Post)):
        life = lifetime(post.kind)
        if post.status == "open":
            assert post.created_at >= before - DEMO_PERIOD
            assert post.expires_at >= before + MIN_TIME_LEFT
            assert post.expires_at == (post.renewed_at or post.created_at) + life
            assert post.renewed_at is None or post.created_at <= post.renewed_at <= before
        elif post.status == "expired":
            assert post.expires_at == post.created_at + life
            assert post.expires_at < before
        else:
            assert post.created_at <= post.resolved_at <= min(before, post.expires_at)


def test_items_carry_their_posts_fields_for_the_square(catalog):
    seed_demo_posts(300, seed=12)
    rows = catalog.execute(
        select(PostItem.post_status, Post.status, PostItem.post_expires_at, Post.expires_at)
        .join(Post)
        .where(PostItem.public_position.ST_Equals(Post.public_position))
    ).all()
    assert len(rows) == catalog.scalar(select(func.count()).select_from(PostItem))
    assert all(item_status == status for item_status, status, _, _ in rows)
    assert all(item_expiry == expiry for _, _, item_expiry, expiry in rows)


def test_each_demo_person_posts_from_home_within_the_open_post_limit(app, catalog):
    seed_demo_posts(1000, seed=13)
    spots = spots_by_post(catalog)
    homes = defaultdict(set)
    open_posts = Counter()
    first_post = {}
    for post in catalog.scalars(select(Post)):
        homes[post.user_id].add(spots[post.id])
        open_posts[post.user_id] += post.status == "open"
        first_post[post.user_id] = min(
            first_post.get(post.user_id, post.created_at), post.created_at
        )
    assert all(len(spots) == 1 for spots in homes.values())
    assert max(open_posts.values()) <= app.config["OPEN_POSTS_PER_USER"]
    assert max(Counter(post.user_id for post in catalog.scalars(select(Post))).values()) > 1
    for user in catalog.scalars(select(User)):
        assert user.created_at < first_post[user.id]
        assert user.verification("identity").verified_at == user.created_at


def test_demo_items_are_postable_and_within_caps(catalog):
    seed_demo_posts(200, seed=8)
    rows = catalog.execute(select(PostItem, Medicine).join(Medicine)).all()
    assert rows
    for item, medicine in rows:
        assert medicine.enabled
        assert 0 < item.quantity <= medicine.unit_caps[item.unit]


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
