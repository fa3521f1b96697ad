"""Fixtures for posts and the square: verified posters who consented, and request bodies."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User, UserVerification
from app.me.service import grant_consent, policies
from app.posts.models import ContactReveal, IdempotencyKey, Post, PostItem
from tests.conftest import bearer
from tests.factories import make_post

POSTS = "/api/v1/posts"
# Well before the test's transaction began, whose start is the database's now() inside it.
LONG_AGO = datetime.now(UTC) - timedelta(days=10)
NO_ROWS = {"posts": 0, "post_items": 0, "idempotency_keys": 0, "contact_reveals": 0}


@pytest.fixture
def poster(sign_in, catalog):
    """A signed-in user verified to the identity level with every consent; returns
    (user, headers)."""

    def poster(name: str = "刘*", user: User | None = None):
        user = user or User(
            display_name=name,
            verifications=[UserVerification(level="identity", provider="test")],
        )
        user, pair = sign_in(user)
        for purpose, policy in policies().items():
            grant_consent(user, purpose, policy["current"])
        return user, bearer(pair.access_token)

    return poster


def offer_body(**changes) -> dict:
    """A valid offer at People's Square, Shanghai (WGS 84)."""
    body = {
        "kind": "offer",
        "items": [
            {
                "medicine": "ibuprofen",
                "quantity": 10,
                "unit": "tablet",
                "pack_expires_on": (datetime.now(UTC) + timedelta(days=200)).date().isoformat(),
                "sealed": True,
            }
        ],
        "note": "多买了一盒，送给需要的邻居",
        "contact_phone": "13912345678",
        "location": {"lat": 31.2304, "lng": 121.4737},
        "address_hint": "人民广场地铁站 1 号口",
    }
    body.update(changes)
    return body


def need_body(**changes) -> dict:
    body = {
        "kind": "need",
        "items": [{"medicine": "antigen-test", "quantity": 2, "unit": "test"}],
        "note": "家里老人发烧，想要两支抗原",
        "contact_phone": "13812345678",
        "location": {"lat": 31.2304, "lng": 121.4737},
        "urgency": ["elderly"],
    }
    body.update(changes)
    return body


@pytest.fixture
def create(client):
    """POST a post with a poster's headers (and any more); returns the response."""

    def create(headers: dict, body: dict, **more_headers):
        return client.post(POSTS, json=body, headers={**headers, **more_headers})

    return create


def committed_rows(db_session) -> dict[str, int]:
    """Rows of each posts table as committed: what a request that failed left behind.

    Work a failed request did not commit is rolled back first, as the app's session teardown
    does when a request ends.
    """
    db_session.rollback()
    return {
        model.__tablename__: db_session.scalar(select(func.count()).select_from(model))
        for model in (Post, PostItem, IdempotencyKey, ContactReveal)
    }


def past_its_time(user, **kwargs) -> Post:
    """A post of user's (open unless told) whose time ran out long ago."""
    return make_post(user, created_at=LONG_AGO, expires_at=LONG_AGO + timedelta(days=3), **kwargs)


class FrozenClock(datetime):
    """datetime whose now() is 17:00 UTC, when it is already 01:00 the next day in China.

    Patched over a module's `datetime`, it shows whether the module counts days by China's
    calendar or by UTC's.
    """

    instant = datetime(2030, 3, 1, 17, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz)
