"""Withdrawing the location or contact consent, or deleting the account, takes the user's posts
off the square and erases what points at them: numbers, meeting hints, exact spots."""

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import func

from app.auth.service import ban_user
from app.me.service import grant_consent, policies
from app.posts.models import Post
from tests.factories import make_post
from tests.posts.conftest import LONG_AGO, POSTS, past_its_time


@pytest.fixture
def posts_in_every_state(poster, db_session):
    """A user's open, past-its-time, expired, resolved, held and hidden posts with hints, and
    someone else's open one; returns (user, headers, {state: post}, other's post)."""
    user, headers = poster()
    posts = {
        "open": make_post(user),
        "past its time": past_its_time(user),
        "expired": make_post(user, status="expired", created_at=LONG_AGO),
        "resolved": make_post(user, status="resolved"),
        "held": make_post(user, status="held"),
        "hidden": make_post(user, status="hidden"),
    }
    for post in posts.values():
        post.address_hint = "东门"
    other, _ = poster()
    others = make_post(other)
    others.address_hint = "西门"
    db_session.commit()
    return user, headers, posts, others


def withdraw(client, headers, purpose):
    response = client.delete(f"/api/v1/me/consents/{purpose}", headers=headers)
    assert response.status_code == 204


def reload(db_session, posts) -> dict[str, Post]:
    db_session.expire_all()
    return {state: db_session.get(Post, post.id) for state, post in posts.items()}


def at_grid_point(db_session, post) -> bool:
    grid_point = db_session.scalar(func.ST_Transform(post.public_position, 4326))
    return to_shape(post.location).equals_exact(to_shape(grid_point), 1e-9)


def assert_off_the_square(db_session, posts):
    statuses = {state: post.status for state, post in reload(db_session, posts).items()}
    assert statuses == {
        "open": "withdrawn",
        "past its time": "withdrawn",
        "expired": "withdrawn",
        "resolved": "resolved",
        # A moderator's approval would otherwise put these back on the square.
        "held": "withdrawn",
        "hidden": "withdrawn",
    }


def test_withdrawing_contact_erases_every_posts_number_and_hint(
    client, posts_in_every_state, db_session
):
    _, headers, posts, others = posts_in_every_state
    withdraw(client, headers, "contact")
    for post in reload(db_session, posts).values():
        assert (post.contact_phone_encrypted, post.contact_phone_masked) == (None, None)
        assert post.address_hint is None
    assert_off_the_square(db_session, posts)
    others = reload(db_session, {"others": others})["others"]
    assert others.contact_phone_encrypted is not None
    assert (others.address_hint, others.status) == ("西门", "open")


def test_withdrawing_location_keeps_every_post_at_its_grid_point_only(
    client, posts_in_every_state, db_session
):
    _, headers, posts, others = posts_in_every_state
    withdraw(client, headers, "location")
    for post in reload(db_session, posts).values():
        assert at_grid_point(db_session, post)
    assert_off_the_square(db_session, posts)
    assert not at_grid_point(db_session, reload(db_session, {"others": others})["others"])


def test_deleting_the_account_erases_numbers_hints_and_spots(
    client, posts_in_every_state, db_session
):
    _, headers, posts, _ = posts_in_every_state
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    for post in reload(db_session, posts).values():
        assert post.contact_phone_encrypted is None
        assert post.address_hint is None
        assert at_grid_point(db_session, post)
    assert_off_the_square(db_session, posts)


@pytest.mark.parametrize("purpose", ["location", "contact"])
def test_consenting_again_does_not_bring_an_erased_post_back(
    client, posts_in_every_state, db_session, purpose
):
    user, headers, posts, _ = posts_in_every_state
    withdraw(client, headers, purpose)
    grant_consent(user, purpose, policies()[purpose]["current"])
    for post in posts.values():
        renewed = client.post(f"{POSTS}/{post.id}/renew", headers=headers)
        assert (renewed.status_code, renewed.json["code"]) == (409, "post_closed")
    square = {post["id"] for post in client.get(POSTS).json["posts"]}
    assert not square & {post.id for post in posts.values()}


def test_losing_the_identity_level_takes_the_users_posts_off_the_square(
    client, posts_in_every_state, db_session
):
    _, headers, posts, others = posts_in_every_state
    withdraw(client, headers, "identity_verification")
    assert_live_posts_became("withdrawn", db_session, posts, others)


def assert_live_posts_became(status, db_session, posts, others):
    statuses = {state: post.status for state, post in reload(db_session, posts).items()}
    assert statuses == {
        "open": status,
        "past its time": status,
        "expired": status,
        "resolved": "resolved",
        "held": status,
        "hidden": status,
    }
    assert db_session.get(Post, others.id).status == "open"


def test_a_banned_users_live_posts_are_removed_and_the_ban_is_audited(
    posts_in_every_state, db_session, log_records
):
    user, _, posts, others = posts_in_every_state
    ban_user(user, "trading")
    assert_live_posts_became("removed", db_session, posts, others)
    assert any(record.get("event") == "user_banned" for record in log_records())
