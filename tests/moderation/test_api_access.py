"""Only signed-in moderators and admins reach /api/v1/moderation, every endpoint of it, and their
POSTs need the session's CSRF token.

The endpoints are read from the app's url_map, so one added later without the guard fails here.
"""

import pytest

from app.extensions import db
from app.moderation.models import ModerationCase
from app.staff import service
from tests.conftest import bearer
from tests.moderation.conftest import MODERATION
from tests.moderation.items import case_of
from tests.staff.conftest import PASSWORD, enter_password, sign_out

# Flask answers OPTIONS itself (the Allow header) without calling the view.
AUTOMATIC_METHODS = frozenset({"OPTIONS"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What the API had when this test was written: the walk must find at least these.
KNOWN = {
    ("GET", "/session"),
    ("GET", "/queue"),
    ("POST", "/queue/claim"),
    ("GET", "/cases/<int:case_id>"),
    ("POST", "/cases/<int:case_id>/claim"),
    ("POST", "/cases/<int:case_id>/release"),
    ("POST", "/cases/<int:case_id>/decision"),
    ("GET", "/cases/<int:case_id>/audit"),
}


def moderation_endpoints(app, case_id: int) -> list[tuple[str, str, str]]:
    """(method, rule, path) for every method of every rule under the moderation API."""
    urls = app.url_map.bind("localhost")
    endpoints = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(MODERATION + "/"):
            continue
        values = dict.fromkeys(rule.arguments, case_id)
        for method in sorted(rule.methods - AUTOMATIC_METHODS):
            path = urls.build(rule.endpoint, values, method=method)
            endpoints.append((method, rule.rule.removeprefix(MODERATION), path))
    found = {(method, rule) for method, rule, _path in endpoints}
    assert found >= KNOWN, KNOWN - found
    return endpoints


def call(client, method: str, path: str, headers=None):
    body = {} if method in UNSAFE_METHODS else None
    return client.open(path, method=method, json=body, headers=headers or {})


@pytest.fixture
def an_item(held) -> int:
    post, _ = held()
    return case_of(post["id"]).id


def assert_every_endpoint_refuses(app, client, an_item, headers=None, allowed=(401,)):
    for method, rule, path in moderation_endpoints(app, an_item):
        answer = call(client, method, path, headers)
        assert answer.status_code in allowed, (method, rule, answer.status_code)
        if method != "HEAD":
            assert answer.mimetype == "application/problem+json", (method, rule)
            assert answer.get_json()["code"] == "staff_sign_in_required", (method, rule)
    assert item(an_item).claimed_by is None


def item(case_id: int) -> ModerationCase:
    """The item as committed: a refused request's leftovers are dropped, as teardown would."""
    db.session.rollback()
    return db.session.get(ModerationCase, case_id)


def test_anonymous_callers_get_401_on_every_moderation_endpoint(app, client, an_item):
    assert_every_endpoint_refuses(app, client, an_item)


def test_signed_in_users_with_a_bearer_token_get_401_on_every_moderation_endpoint(
    app, client, sign_in, an_item
):
    _user, pair = sign_in()
    assert_every_endpoint_refuses(app, client, an_item, bearer(pair.access_token))


def test_a_disabled_staff_members_session_gets_401_on_every_moderation_endpoint(
    app, staff_api, an_item
):
    moderator = staff_api("mod.off")
    service.disable_staff("mod.off")
    assert_every_endpoint_refuses(app, moderator.client, an_item)


def test_a_signed_out_staff_session_cookie_gets_401_on_every_moderation_endpoint(
    app, staff_api, an_item
):
    moderator = staff_api("mod.out")
    copy = moderator.client.get_cookie("session").value
    assert sign_out(moderator.client).status_code == 302
    moderator.client.set_cookie("session", copy)
    assert_every_endpoint_refuses(app, moderator.client, an_item)


def test_a_session_past_the_password_but_not_the_code_gets_401_on_every_moderation_endpoint(
    app, client, an_item
):
    service.create_staff("mod.half", "moderator", PASSWORD)
    assert enter_password(client, "mod.half").status_code == 302
    assert_every_endpoint_refuses(app, client, an_item)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_get_through_every_moderation_endpoint(app, staff_api, an_item, role):
    staff = staff_api(f"{role}.zhou", role)
    token = staff.get("/session").get_json()["csrf_token"]
    for method, rule, path in moderation_endpoints(app, an_item):
        answer = call(staff.client, method, path, {"X-CSRFToken": token})
        assert answer.status_code not in (400, 401, 403, 405, 500), (
            method,
            rule,
            answer.status_code,
            answer.get_json(),
        )


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/cases/{case_id}/claim", {}),
        ("/cases/{case_id}/claim", {"X-CSRFToken": "forged"}),
        ("/queue/claim", {}),
    ],
)
def test_a_moderators_post_without_the_csrf_token_is_refused_and_changes_nothing(
    moderator, an_item, path, headers
):
    answer = moderator.client.post(
        MODERATION + path.format(case_id=an_item), json={}, headers=headers
    )
    assert answer.status_code == 400
    assert answer.get_json()["code"] == "csrf_failed"
    assert item(an_item).claimed_by is None


def test_a_decision_without_the_csrf_token_is_refused_and_changes_nothing(moderator, an_item):
    version = moderator.claim(an_item).get_json()["version"]
    answer = moderator.client.post(
        f"{MODERATION}/cases/{an_item}/decision",
        json={"decision": "approve", "reason": "理由", "version": version},
    )
    assert answer.status_code == 400 and answer.get_json()["code"] == "csrf_failed"
    case = item(an_item)
    assert case.state == "open" and case.post.status == "held"


def test_the_openapi_document_asks_every_moderation_post_for_its_csrf_header(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    posts = [
        operation
        for path, item in paths.items()
        if path.startswith("/api/v1/moderation")
        for method, operation in item.items()
        if method == "post"
    ]
    assert posts
    for operation in posts:
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "X-CSRFToken" in headers
