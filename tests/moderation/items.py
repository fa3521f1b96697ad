"""Queue items made the way users make them: a held post, a reported post; and reading them back.

tests/moderation/conftest.py imports the fixtures, so every test here can use them.
"""

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.moderation.models import AuditEntry, ModerationCase
from tests.posts.conftest import offer_body

POSTS = "/api/v1/posts"
# Hits sale_words (severity 3) and price_amount (severity 2).
SALE_NOTE = "出售布洛芬 10 片，价格 20 元"
# Hits paying_request only (severity 1): the mildest rule.
MILD_NOTE = "求一盒退烧药，必有重金酬谢"
CLEAN_NOTE = "多买了一盒，送给需要的邻居"


@pytest.fixture
def held(poster, create):
    """A post screening held, by a poster of its own; returns (post json, poster headers)."""

    def held(note: str = SALE_NOTE, body=offer_body, **changes):
        _user, headers = poster()
        made = create(headers, body(note=note, **changes))
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["status"] == "held"
        return made.get_json(), headers

    return held


@pytest.fixture
def report(client, poster):
    """Report a post as a new user of its own (or as `headers`); returns the response."""

    def report(post_id: int, reason: str = "fake", headers: dict | None = None):
        if headers is None:
            _user, headers = poster("举报人")
        return client.post(
            f"{POSTS}/{post_id}/reports", json={"reason": reason, "note": ""}, headers=headers
        )

    return report


@pytest.fixture
def reported(poster, create, report):
    """An open post reported by `reporters` different people; returns (post json, headers)."""

    def reported(reporters: int = 1, reason: str = "fake", body=offer_body, **changes):
        _user, headers = poster()
        made = create(headers, body(note=CLEAN_NOTE, **changes))
        assert made.status_code == 201, made.get_json()
        for _ in range(reporters):
            answer = report(made.get_json()["id"], reason)
            assert answer.status_code == 201, answer.get_json()
        return made.get_json(), headers

    return reported


def case_of(post_id: int) -> ModerationCase:
    """The post's open case, or its latest one."""
    return db.session.scalar(
        select(ModerationCase)
        .where(ModerationCase.post_id == post_id)
        .order_by((ModerationCase.state == "open").desc(), ModerationCase.id.desc())
        .limit(1)
    )


def lapse_lease(case_id: int) -> None:
    """Make the item's lease run out, measured by the database's clock as the queue does."""
    db.session.execute(
        text(
            "UPDATE moderation_cases SET lease_expires_at = now() - interval '1 second' "
            "WHERE id = :id"
        ),
        {"id": case_id},
    )
    db.session.commit()
    db.session.expire_all()


def audit_entries(case_id: int, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def square_notes(client) -> dict[int, str]:
    """The notes of the posts on the square near People's Square, by post id, as anyone sees it."""
    page = client.get(POSTS, query_string={"lat": 31.2304, "lng": 121.4737})
    assert page.status_code == 200, page.get_json()
    return {post["id"]: post["note"] for post in page.get_json()["posts"]}
