"""Whoever changes a post and its case locks the post first, so two requests never deadlock."""

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.moderation.items import case_of

LOCKED_TABLE = re.compile(r"FROM (\w+).*FOR UPDATE", re.S)


@pytest.fixture
def locks():
    """The tables of each SELECT ... FOR UPDATE the session runs, in order."""
    tables: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        match = LOCKED_TABLE.search(statement)
        if match and match.group(1) in ("posts", "moderation_cases"):
            tables.append(match.group(1))

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield tables
    finally:
        event.remove(engine, "before_cursor_execute", record)


def first_locks(tables: list[str]) -> list[str]:
    return list(dict.fromkeys(tables))


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
