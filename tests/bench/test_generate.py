"""What bench/generate.py loads is what the app itself would have written, and the real API
reads it back: the square shows it, a post's page shows it, a contact reveal decrypts it.

The generator commits (COPY, index rebuilds), so these tests load once into the test database
outside any test's transaction and empty it again afterwards.
"""

import math
from datetime import date, timedelta

import psycopg
import pytest
from flask import current_app
from sqlalchemy import select

from app.areas.service import district_code_at, district_name
from app.auth.identity import check_character, id_number_digest
from app.auth.models import User, UserVerification
from app.catalog.service import load_edition
from app.extensions import db
from app.posts.models import Post, PostItem
from app.posts.public import public_note_of
from app.posts.service import lifetime, public_point
from bench import cpu
from bench.generate import LOADED_TABLES, foreign_keys, index_definitions, libpq_url, load
from bench.plan import PHONE_PREFIX, PROVIDER
from geo.cities import busiest_cities, cities
from geo.mercator import to_mercator
from geo.points import LonLat
from geo.privacy import snap_to_grid
from moderation.masking import MASKING_VERSION
from tests.conftest import bearer

POSTS = 2000
# public_position_of's jitter is under half a metre on each axis.
MOST_JITTER_M = math.sqrt(2) * 0.5


@pytest.fixture(scope="module")
def loaded(app):
    """POSTS generated posts, committed; yields the indexes before and after and the outcome."""
    owner_url = libpq_url(app.config["DATABASE_OWNER_URL"])
    with app.app_context():
        load_edition()
        db.session.commit()
        with psycopg.connect(owner_url) as connection:
            before = index_definitions(connection)
            keys_before = foreign_keys(connection)
        try:
            outcome = load(POSTS, fresh=True, seed=5, owner_url=owner_url)
            with psycopg.connect(owner_url) as connection:
                after = index_definitions(connection)
                keys_after = foreign_keys(connection)
            yield {
                "before": before,
                "after": after,
                "keys_before": keys_before,
                "keys_after": keys_after,
                "outcome": outcome,
            }
        finally:
            db.session.remove()
            # DELETE, not TRUNCATE ... CASCADE, which would reach tables that refuse it (the
            # moderators' append-only audit trail); only these tables hold committed rows.
            with psycopg.connect(owner_url, autocommit=True) as connection:
                for table in (*LOADED_TABLES, "medicines", "catalog_editions"):
                    connection.execute(f"DELETE FROM {table}")  # noqa: S608 - our names


def generated_posts(session) -> list[Post]:
    return list(session.scalars(select(Post).order_by(Post.id)))


def test_the_load_puts_the_indexes_back_as_the_migrations_made_them(loaded):
    assert loaded["outcome"]["posts"] == POSTS and not loaded["outcome"]["skipped"]
    assert "ix_posts_open_kind_position_created" in loaded["before"]
    assert loaded["after"] == loaded["before"]


def test_the_load_puts_the_foreign_keys_back_as_the_migrations_made_them(loaded):
    assert "fk_post_items_post_id_posts" in loaded["keys_before"]
    assert loaded["keys_after"] == loaded["keys_before"]
    assert loaded["outcome"]["foreign_keys_rebuilt"] == sorted(loaded["keys_before"])


@pytest.mark.usefixtures("loaded")
def test_posts_have_the_shape_issue_7_asks_for(db_session):
    posts = generated_posts(db_session)
    assert len(posts) == POSTS
    needs = sum(post.kind == "need" for post in posts) / POSTS
    opened = sum(post.status == "open" for post in posts) / POSTS
    assert 0.55 < needs < 0.65 and 0.75 < opened < 0.85
    assert {len(post.items) for post in posts} == {1, 2, 3}
    codes = [item.medicine.code for post in posts for item in post.items]
    top = {code: codes.count(code) for code in ("antigen-test", "ibuprofen", "acetaminophen")}
    assert min(top.values()) > max(codes.count(code) for code in set(codes) - set(top))
    shenzhen = busiest_cities()[0].area_code
    assert sum((post.area_code or "").startswith(shenzhen[:4]) for post in posts) > POSTS * 0.05


@pytest.mark.usefixtures("loaded")
def test_each_post_is_what_create_post_would_have_written(db_session):
    grid = current_app.config["PUBLIC_GRID_METRES"]
    for post in generated_posts(db_session):
        spot = db_session.scalar(select(Post.location.ST_AsText()).where(Post.id == post.id))
        lon, lat = (float(part) for part in spot.removeprefix("POINT(").rstrip(")").split())
        cell = to_mercator(snap_to_grid(LonLat(lon, lat), grid))
        shown = to_mercator(public_point(post))
        assert math.dist(cell, shown) < MOST_JITTER_M + 1e-6, post.id
        assert post.area_code == district_code_at(LonLat(lon, lat)), post.id
        assert post.area_name == district_name(post.area_code), post.id
        assert post.public_note == public_note_of(post.note), post.id
        assert post.masking_version == MASKING_VERSION
        assert post.urgency == sorted(set(post.urgency))
        assert post.expires_at - (post.renewed_at or post.created_at) == lifetime(post.kind)
        for item in post.items:
            offer_fields = (item.pack_expires_on is not None, item.sealed is not None)
            assert offer_fields == ((True, True) if post.kind == "offer" else (False, False))
            assert item.quantity <= item.medicine.unit_caps[item.unit]


@pytest.mark.usefixtures("loaded")
def test_items_carry_their_posts_fields_as_the_trigger_copies_them(db_session):
    rows = db_session.execute(
        select(PostItem.post_id)
        .join(Post, Post.id == PostItem.post_id)
        .where(
            (PostItem.kind != Post.kind)
            | (PostItem.post_status != Post.status)
            | (PostItem.post_created_at != Post.created_at)
            | (PostItem.post_expires_at != Post.expires_at)
            | ~PostItem.public_position.ST_Equals(Post.public_position)
        )
    ).all()
    assert rows == []
    assert db_session.scalar(select(db.func.count()).select_from(PostItem)) > POSTS


@pytest.mark.usefixtures("loaded")
def test_the_square_shows_generated_posts_nearest_first_in_a_busy_city(client):
    seat = busiest_cities()[0].center
    response = client.get("/api/v1/posts", query_string={"lat": seat.lat, "lng": seat.lon})
    assert response.status_code == 200, response.json
    page = response.json["posts"]
    assert len(page) == 20
    assert {post["status"] for post in page} == {"open"}
    metres = [post["distance"]["metres"] or 0 for post in page]
    assert metres == sorted(metres) and metres[-1] < 5000


@pytest.mark.usefixtures("loaded")
def test_a_generated_post_reads_back_in_full_by_its_link(client, db_session):
    post = db_session.scalar(select(Post).where(Post.status == "open").limit(1))
    response = client.get(f"/api/v1/posts/{post.id}")
    assert response.status_code == 200, response.json
    shown = response.json
    assert (shown["id"], shown["kind"], shown["area_code"]) == (post.id, post.kind, post.area_code)
    assert [(item["medicine"]["code"], item["quantity"]) for item in shown["items"]] == [
        (item.medicine.code, item.quantity) for item in post.items
    ]


@pytest.mark.usefixtures("loaded")
def test_a_contact_reveal_decrypts_the_posters_number(client, db_session, sign_in):
    viewer, tokens = sign_in()
    db_session.add(UserVerification(user_id=viewer.id, level="identity", provider="test"))
    db_session.commit()
    post = db_session.scalar(
        select(Post)
        .join(UserVerification, UserVerification.user_id == Post.user_id)
        .where(Post.status == "open", UserVerification.provider == PROVIDER)
        .limit(1)
    )
    response = client.post(f"/api/v1/posts/{post.id}/contact", headers=bearer(tokens.access_token))
    assert response.status_code == 200, response.json
    assert response.json["phone"] == f"{PHONE_PREFIX}{post.user_id:08d}"
    assert post.contact_phone_masked == f"{PHONE_PREFIX}****{post.user_id % 10000:04d}"
    poster = db_session.get(User, post.user_id)
    assert poster.display_name.endswith("*")
    # A bench identity number: the home city's code, a birthday and a sequence from the id.
    born = date(1950, 1, 1) + timedelta(days=(poster.id // 1000) % (365 * 55))
    numbers = [f"{city.area_code}{born:%Y%m%d}{poster.id % 1000:03d}" for city in cities()]
    key = current_app.config["ID_NUMBER_HMAC_KEY"]
    assert poster.id_number_hmac in {
        id_number_digest(number + check_character(number), key) for number in numbers
    }


@pytest.mark.usefixtures("loaded")
def test_the_cpu_figures_time_each_kind_of_request_and_leave_no_post_behind(
    app, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "OPEN_POSTS_PER_USER", 1_000_000)
    before = db_session.scalar(select(db.func.count()).select_from(Post))
    figures = cpu.measure(app, requests=3)
    assert set(figures) == {"square", "detail", "create"}
    for figure in figures.values():
        assert figure["requests"] == 3
        assert figure["cpu_ms"] > 0 and figure["statements"] >= 1
    assert db_session.scalar(select(db.func.count()).select_from(Post)) == before
