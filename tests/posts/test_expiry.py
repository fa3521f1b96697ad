"""Posts expire: past their time they leave the square at once, and the sweep marks them."""

import pytest
from sqlalchemy import select

from app.posts.models import Post, PostItem
from app.posts.service import expire_posts
from tests.factories import make_post
from tests.posts.conftest import POSTS, past_its_time

SQUARE_SHAPES = [
    {},
    {"sort": "time"},
    {"lat": 31.23, "lng": 121.47},
    {"lat": 31.23, "lng": 121.47, "sort": "time"},
    {"medicine": "ibuprofen"},
    {"medicine": "ibuprofen", "lat": 31.23, "lng": 121.47},
    {"kind": "offer", "lat": 31.23, "lng": 121.47},
]


@pytest.fixture
def two_posts(poster, db_session):
    """One post past its time (not yet swept) and one still open; returns (expired, open, owner
    headers)."""
    user, headers = poster()
    expired, still_open = past_its_time(user), make_post(user)
    db_session.commit()
    return expired, still_open, headers


@pytest.mark.parametrize("query", SQUARE_SHAPES)
def test_a_post_past_its_time_is_gone_from_the_square_before_any_sweep(client, two_posts, query):
    expired, still_open, _ = two_posts
    listed = [post["id"] for post in client.get(POSTS, query_string=query).json["posts"]]
    assert still_open.id in listed
    assert expired.id not in listed


def test_its_page_says_expired_to_everyone(client, two_posts):
    expired, still_open, headers = two_posts
    assert client.get(f"{POSTS}/{expired.id}").json["status"] == "expired"
    assert client.get(f"{POSTS}/{expired.id}", headers=headers).json["status"] == "expired"
    assert client.get(f"{POSTS}/{still_open.id}").json["status"] == "open"
    mine = {
        post["id"]: post["status"] for post in client.get(f"{POSTS}/mine", headers=headers).json
    }
    assert mine == {expired.id: "expired", still_open.id: "open"}


def test_the_sweep_marks_posts_past_their_time_and_their_items_follow(two_posts, db_session):
    expired, still_open, _ = two_posts
    resolved = past_its_time(expired.user, status="resolved")
    db_session.commit()
    assert expire_posts() == 1
    db_session.expire_all()
    statuses = dict(db_session.execute(select(Post.id, Post.status)).all())
    assert (statuses[expired.id], statuses[still_open.id], statuses[resolved.id]) == (
        "expired",
        "open",
        "resolved",
    )
    items = dict(db_session.execute(select(PostItem.post_id, PostItem.post_status)).all())
    assert (items[expired.id], items[still_open.id]) == ("expired", "open")
    assert expire_posts() == 0


def test_the_sweep_runs_from_the_command_line(app, two_posts, db_session):
    expired, _, _ = two_posts
    result = app.test_cli_runner().invoke(args=["medshare", "expire-posts"])
    assert result.exit_code == 0, result.output
    assert "posts: 1 expired" in result.output
    db_session.expire_all()
    assert db_session.get(Post, expired.id).status == "expired"
