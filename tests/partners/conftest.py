"""Fixtures for partners: one registered partner, and its keys as partners send them."""

import pytest

from app.partners import service
from tests.limits.conftest import limits  # noqa: F401
from tests.posts.conftest import poster  # noqa: F401
from tests.staff.conftest import admin, staff  # noqa: F401

PARTNER_ORIGIN = "https://health.shenzhen.example"
OTHER_ORIGIN = "https://elsewhere.example"
H5_ORIGIN = "http://127.0.0.1:8000"
SHENZHEN = "440300"


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
