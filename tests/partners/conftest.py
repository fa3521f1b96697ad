"""Fixtures for partners: one registered partner, its keys as partners send them, and the
public ids the H5 page's ?partner= may carry."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.partners import service
from app.partners.keys import new_key, read_key
from app.partners.models import PartnerKey
from tests.limits.conftest import limits  # noqa: F401
from tests.posts.conftest import poster  # noqa: F401
from tests.staff.conftest import admin, staff  # noqa: F401

PARTNER_ORIGIN = "https://health.shenzhen.example"
OTHER_ORIGIN = "https://elsewhere.example"
H5_ORIGIN = "http://127.0.0.1:8000"
SHENZHEN = "440300"
# Ways a ?partner= (X-Partner) may fail to name a working public embed key.
UNUSABLE_LINKS = (
    "unknown",
    "not an id",
    "a whole key",
    "a secret key's",
    "revoked",
    "expired",
    "another deployment's",
    "a suspended partner's",
)


@pytest.fixture
def partner(db_session, catalog):
    """An active partner with one registered origin and no preset region; returns its code."""
    service.register_partner(
        "sz-health",
        {"name": "深圳健康服务号", "contact": "联络人 王先生", "origins": [PARTNER_ORIGIN]},
    )
    return "sz-health"


@pytest.fixture
def issue(partner):
    """Issue a key of the partner's (or another's); returns the key's text."""

    def issue(kind: str, code: str = partner) -> str:
        return service.issue_key(code, kind).text

    return issue


def key_headers(key: str, origin: str | None = None, **more) -> dict:
    headers = {"X-Api-Key": key, **more}
    if origin is not None:
        headers["Origin"] = origin
    return headers


def public_id(key: str) -> str:
    return read_key(key).public_id


@pytest.fixture
def linked(partner, issue):
    """The public id of a fresh public embed key of the partner's: what ?partner= carries."""
    return public_id(issue("public"))


@pytest.fixture
def unusable_link(db_session, partner, issue):
    """A ?partner= that names no working public embed key, in one of UNUSABLE_LINKS' ways."""

    def unusable(how: str) -> str:
        if how == "unknown":
            return new_key("test").public_id
        if how == "not an id":
            return "pk_live_anything"
        if how == "a whole key":
            return issue("public")
        if how == "a secret key's":
            return public_id(issue("secret"))
        linked = public_id(issue("public"))
        row = db_session.scalar(select(PartnerKey).where(PartnerKey.public_id == linked))
        if how == "revoked":
            service.revoke_key(linked, "leaked")
        elif how == "expired":
            service.rotate_key(linked)
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        elif how == "another deployment's":
            row.environment = "live"
        elif how == "a suspended partner's":
            service.update_partner(partner, {"status": "suspended"})
        else:
            raise ValueError(how)
        db_session.commit()
        return linked

    return unusable
