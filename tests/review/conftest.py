"""Fixtures for the review page's queue: held posts, and moderators at their own browsers."""

import re

import pytest

from app.moderation.cases import open_case_of
from tests.posts.conftest import create, need_body, offer_body, poster  # noqa: F401
from tests.staff.conftest import csrf_token, page_text, signed_in_browser

QUEUE = "/moderation/queue"
# A sale with a mobile number in it: a rule hit and a personal-data finding in one note.
SALE_NOTE = "布洛芬 10 片，价格 20 元，电话 13912345678"
VERSION_FIELD = re.compile(r'name="version" type="hidden" value="(\d+)"')


def case_path(case_id: int, action: str = "") -> str:
    return f"/moderation/cases/{case_id}" + (f"/{action}" if action else "")


class Moderator:
    """A signed-in staff member's browser on the review page, filling its forms."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def press(self, path: str, form_path: str, fields: dict | None = None, **kwargs):
        """Post a form of form_path's page to path, with that page's CSRF token."""
        token = csrf_token(self.client, form_path, **kwargs)
        return self.client.post(path, data={**(fields or {}), "csrf_token": token}, **kwargs)

    def claim(self, case_id: int):
        return self.press(case_path(case_id, "claim"), case_path(case_id))

    def version(self, case_id: int) -> int:
        return int(VERSION_FIELD.search(page_text(self.get(case_path(case_id)))).group(1))

    def decide(self, case_id: int, decision: str, reason: str = "出售药品", version=None, **more):
        fields = {
            "decision": decision,
            "reason": reason,
            "version": self.version(case_id) if version is None else version,
            **more,
        }
        return self.press(case_path(case_id, "decision"), case_path(case_id), fields)


@pytest.fixture
def moderator_at(app, db_session):
    """Make a staff member of a role and sign them in on a browser of their own."""

    def moderator_at(username: str = "mod.zhao", role: str = "moderator") -> Moderator:
        return Moderator(signed_in_browser(app, username, role))

    return moderator_at


@pytest.fixture
def held_post(poster, create):  # noqa: F811
    """Post an offer with a price and a phone number in its note; screening holds it."""

    def held_post(note: str = SALE_NOTE, **changes) -> dict:
        _user, headers = poster()
        made = create(headers, offer_body(note=note, **changes))
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["status"] == "held"
        return made.get_json()

    return held_post


@pytest.fixture
def case_id(held_post, db_session) -> int:
    """The queue item of a freshly held post."""
    return open_case_of(held_post()["id"]).id
