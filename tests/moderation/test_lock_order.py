"""Whoever changes a poster, a post and its case locks them in that order, so two requests
never deadlock (tests/races drives the same races with parallel requests)."""

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.moderation.items import case_of
from tests.posts.conftest import offer_body

LOCKED_TABLE = re.compile(r"FROM (\w+).*FOR UPDATE", re.S)


@pytest.fixture
def locks():
    """The tables of each SELECT ... FOR UPDATE the session runs, in order."""
    tables: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        match = LOCKED_TABLE.search(statement)
        if match:
            tables.append(match.group(1))

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield tables
    finally:
        event.remove(engine, "before_cursor_execute", record)


def first_locks(tables: list[str], of=("posts", "moderation_cases")) -> list[str]:
    return list(dict.fromkeys(table for table in tables if table in of))


def test_a_report_and_a_decision_lock_the_post_before_its_case(moderator, reported, report, locks):
    post, _ = reported()
    case_id = case_of(post["id"]).id
    assert moderator.claim(case_id).status_code == 200

    locks.clear()
    assert report(post["id"]).status_code == 201
    assert first_locks(locks) == ["posts", "moderation_cases"]

    version = case_of(post["id"]).version
    locks.clear()
    assert moderator.decide(case_id, "hide", version).status_code == 200
    assert first_locks(locks) == ["posts", "moderation_cases"]


def test_a_decision_locks_the_poster_before_the_post(moderator, reported, locks):
    # A ban bars every post of the poster: two bans of one poster from two items, each holding
    # its post first, waited for each other's post.
    post, _ = reported()
    case_id = case_of(post["id"]).id
    version = moderator.claim(case_id).get_json()["version"]
    locks.clear()
    assert moderator.decide(case_id, "ban", version).status_code == 200
    assert first_locks(locks, of=("users", "posts", "moderation_cases")) == [
        "users",
        "posts",
        "moderation_cases",
    ]


def test_a_renewal_locks_the_poster_before_the_post(client, poster, create, locks):
    _user, headers = poster()
    made = create(headers, offer_body())
    locks.clear()
    assert client.post(f"/api/v1/posts/{made.json['id']}/renew", headers=headers).status_code == 200
    assert first_locks(locks, of=("users", "posts")) == ["users", "posts"]
