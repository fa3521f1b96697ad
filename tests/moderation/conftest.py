"""Fixtures for moderation: signed-in moderators driving the JSON API, and posts to moderate."""

import pytest

from tests.moderation.items import held, report, reported  # noqa: F401
from tests.posts.conftest import create, need_body, offer_body, poster  # noqa: F401
from tests.staff.conftest import signed_in_browser

MODERATION = "/api/v1/moderation"


class StaffApi:
    """A moderator's browser: the review page's session cookie, and its CSRF token on POSTs."""

    def __init__(self, client, username: str):
        self.client = client
        self.username = username
        self._csrf = None

    def get(self, path: str, **kwargs):
        return self.client.get(MODERATION + path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        if self._csrf is None:
            self._csrf = self.get("/session").get_json()["csrf_token"]
        headers = {"X-CSRFToken": self._csrf, **kwargs.pop("headers", {})}
        return self.client.post(MODERATION + path, json=json or {}, headers=headers, **kwargs)

    def claim(self, case_id: int):
        return self.post(f"/cases/{case_id}/claim")

    def decide(self, case_id: int, decision: str, version: int, reason="理由", **more):
        body = {"decision": decision, "reason": reason, "version": version, **more}
        return self.post(f"/cases/{case_id}/decision", json=body)

    def claim_and_decide(self, case_id: int, decision: str, **more):
        claimed = self.claim(case_id)
        assert claimed.status_code == 200, claimed.get_json()
        return self.decide(case_id, decision, claimed.get_json()["version"], **more)


@pytest.fixture
def staff_api(app, db_session):
    """Make a staff member of a role and sign them in on a browser of their own."""

    def staff_api(username: str = "mod.zhao", role: str = "moderator") -> StaffApi:
        return StaffApi(signed_in_browser(app, username, role), username)

    return staff_api


@pytest.fixture
def moderator(staff_api) -> StaffApi:
    return staff_api()
