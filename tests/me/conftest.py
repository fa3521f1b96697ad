"""Fixtures for the caller's own account: consents given, a local FaceID, posts to withdraw."""

import pytest

from app.auth.models import User
from app.me.service import grant_consent, policies
from app.posts.models import Post
from tests import factories
from tests.conftest import bearer
from tests.fakes import tencentcloud_faceid
from tests.fakes.server import serve

VERIFY = "/api/v1/me/verification"


@pytest.fixture(scope="session")
def faceid_server():
    """One local FaceID for the session: stopping a server takes half a second."""
    fake = tencentcloud_faceid.FakeFaceId()
    with serve(fake) as base_url:
        yield fake, base_url


@pytest.fixture
def faceid(app, monkeypatch, faceid_server):
    """Identity checks go to the local FaceID, emptied; returns it, to fill and to read."""
    fake, base_url = faceid_server
    fake.people.clear()
    fake.script.clear()
    fake.requests.clear()
    for name, value in {
        "IDENTITY_PROVIDER": "tencentcloud-faceid",
        "IDENTITY_ENDPOINT": base_url,
        "TENCENTCLOUD_SECRET_ID": tencentcloud_faceid.SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": tencentcloud_faceid.SECRET_KEY,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    return fake


@pytest.fixture
def consenting(sign_in):
    """Sign a new user in who consented to the given purposes; returns (user, TokenPair)."""

    def consenting(*purposes: str, user: User | None = None):
        user, pair = sign_in(user)
        for purpose in purposes:
            grant_consent(user, purpose, policies()[purpose]["current"])
        return user, pair

    return consenting


@pytest.fixture
def verify(client):
    """POST a verification for a token; returns the response."""

    def verify(pair, name, number, document_type="resident_id", **headers):
        return client.post(
            VERIFY,
            json={"name": name, "document_type": document_type, "document_number": number},
            headers={**bearer(pair.access_token), **headers},
        )

    return verify


def make_post(db_session, user: User, status: str = "open") -> Post:
    return factories.make_post(user, status=status)
