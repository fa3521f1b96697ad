"""Who may do what: every API operation that takes an id, called by every kind of caller.

The table names, for each operation, the callers it serves; everyone else is refused (401, 403
or 404) and changes nothing. Owner-only fields (the exact spot, the contact number, the address
hint) reach nobody but the owner, except through the audited contact reveal. A test walks the
url map so that a new id-taking route cannot go without a row.
"""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.service import ban_user
from app.extensions import db
from app.moderation.models import ModerationCase
from app.partners import service as partners
from app.posts.models import Post
from tests.conftest import bearer
from tests.moderation.items import SALE_NOTE
from tests.posts.conftest import offer_body
from tests.staff.conftest import signed_in_browser

OWNER_PHONE = "13912345678"
ADDRESS_HINT = "人民广场地铁站 1 号口"
OWNER_ONLY_FIELDS = ("location", "contact_phone", "address_hint")
PARTNER_ORIGIN = "https://health.authz.example"
USERS = ("owner", "other", "unverified")
STAFF = ("moderator", "admin")
CALLERS = (*USERS, "banned", *STAFF, "partner_public", "partner_secret", "nobody")
REFUSED = frozenset({401, 403, 404})
MODERATION = "/api/v1/moderation"


@dataclass(frozen=True)
class Operation:
    """One id-taking operation: what it acts on, its body, who it serves and how they are
    answered (a state conflict such as renewing too early is still being served)."""

    target: str
    allowed: frozenset
    served: frozenset = frozenset({200})
    body: dict | None = None
    refused: frozenset = REFUSED


def anyone_but(*refused: str) -> frozenset:
    return frozenset(CALLERS) - set(refused)


SIGNED_IN_USERS = frozenset({"owner", "other", "unverified"})
# (method, url map rule) -> Operation. A reader who gives a revoked or banned account's token is
# refused even where nobody at all is served: a bad token is never taken for no token.
OPERATIONS = {
    ("GET", "/api/v1/posts/<int:post_id>"): Operation("post", anyone_but("banned")),
    ("PATCH", "/api/v1/posts/<int:post_id>"): Operation(
        "post", frozenset({"owner"}), body={"note": "改一下留言"}
    ),
    ("DELETE", "/api/v1/posts/<int:post_id>"): Operation(
        "post", frozenset({"owner"}), served=frozenset({204})
    ),
    ("POST", "/api/v1/posts/<int:post_id>/resolve"): Operation("post", frozenset({"owner"})),
    ("POST", "/api/v1/posts/<int:post_id>/renew"): Operation(
        "post", frozenset({"owner"}), served=frozenset({200, 409})
    ),
    # Revealing needs the identity level; the owner is pointed to their own post (409).
    ("POST", "/api/v1/posts/<int:post_id>/contact"): Operation(
        "post", frozenset({"other"}), refused=REFUSED | {409}
    ),
    ("GET", "/api/v1/posts/<int:post_id>/contact-reveals"): Operation("post", frozenset({"owner"})),
    ("GET", "/api/v1/posts/<int:post_id>/matches"): Operation("post", frozenset({"owner"})),
    # Anyone signed in may report a post; its owner is pointed to their own post (409).
    ("POST", "/api/v1/posts/<int:post_id>/reports"): Operation(
        "post",
        frozenset({"other", "unverified"}),
        served=frozenset({201}),
        body={"reason": "fake", "note": ""},
        refused=REFUSED | {409},
    ),
    # Only the owner of a post a moderator acted on may appeal; the table's post was held by
    # screening and decided on by nobody yet, so the owner is told so (409).
    ("POST", "/api/v1/posts/<int:post_id>/appeal"): Operation(
        "held", frozenset({"owner"}), served=frozenset({201, 409}), body={"note": "没有出售"}
    ),
    # A user's own consent; nobody can name another's.
    ("DELETE", "/api/v1/me/consents/<string:purpose>"): Operation(
        "purpose", SIGNED_IN_USERS, served=frozenset({204, 404})
    ),
    # Public data, read without looking at any token.
    ("GET", "/api/v1/districts/<string:code>"): Operation("district", frozenset(CALLERS)),
    ("GET", "/api/v1/moderation/cases/<int:case_id>"): Operation("case", frozenset(STAFF)),
    ("GET", "/api/v1/moderation/cases/<int:case_id>/audit"): Operation("case", frozenset(STAFF)),
    ("POST", "/api/v1/moderation/cases/<int:case_id>/claim"): Operation("case", frozenset(STAFF)),
    ("POST", "/api/v1/moderation/cases/<int:case_id>/release"): Operation(
        "case", frozenset(STAFF), served=frozenset({200, 409})
    ),
    ("POST", "/api/v1/moderation/cases/<int:case_id>/decision"): Operation(
        "case",
        frozenset(STAFF),
        served=frozenset({200, 409}),
        body={"decision": "approve", "reason": "核实无误", "version": 1},
    ),
}
CONVERTER = re.compile(r"<[^>]+>")


def id_taking_api_operations(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and CONVERTER.search(rule.rule)
        and not rule.rule.startswith("/api/v1/docs/")
        and not rule.rule.startswith("/api/v1/_probe")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_table_has_a_row_for_every_api_operation_that_takes_an_id(app):
    assert id_taking_api_operations(app) == set(OPERATIONS)


class World:
    """An open offer and a held post of the owner's, its moderation case, and a way to call
    any operation as any caller."""

    def __init__(self, app, client, poster, sign_in, create):
        self.app = app
        self.client = client
        owner, self.owner_headers = poster("刘*")
        self.owner = owner
        made = create(
            self.owner_headers, offer_body(contact_phone=OWNER_PHONE, address_hint=ADDRESS_HINT)
        )
        assert made.status_code == 201, made.get_json()
        self.post_id = made.get_json()["id"]
        held = create(self.owner_headers, offer_body(note=SALE_NOTE))
        assert held.get_json()["status"] == "held", held.get_json()
        self.held_id = held.get_json()["id"]
        self.case_id = db.session.scalar(
            select(ModerationCase.id).where(ModerationCase.post_id == self.held_id)
        )
        _other, self.other_headers = poster("王*")
        _unverified, pair = sign_in(User(display_name="张*"))
        self.unverified_headers = bearer(pair.access_token)
        banned, banned_headers = poster("赵*")
        ban_user(banned, "test")
        self.banned_headers = banned_headers
        partners.register_partner(
            "authz-partner", {"name": "测试渠道", "contact": "联络人", "origins": [PARTNER_ORIGIN]}
        )
        self.public_key = partners.issue_key("authz-partner", "public").text
        self.secret_key = partners.issue_key("authz-partner", "secret").text
        self.staff = {}

    def url(self, rule: str, target: str) -> str:
        values = {
            "post": self.post_id,
            "held": self.held_id,
            "case": self.case_id,
            "purpose": "contact",
            "district": "310101",
        }
        return CONVERTER.sub(str(values[target]), rule, count=1)

    def call(self, caller: str, method: str, url: str, body):
        kwargs = {"json": body} if body is not None else {}
        if caller in STAFF:
            browser, token = self._staff(caller)
            return browser.open(url, method=method, headers={"X-CSRFToken": token}, **kwargs)
        headers = {
            "owner": self.owner_headers,
            "other": self.other_headers,
            "unverified": self.unverified_headers,
            "banned": self.banned_headers,
            "partner_public": {"X-Api-Key": self.public_key, "Origin": PARTNER_ORIGIN},
            "partner_secret": {"X-Api-Key": self.secret_key},
            "nobody": {},
        }[caller]
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def _staff(self, role: str):
        if role not in self.staff:
            browser = signed_in_browser(self.app, f"authz.{role}", role)
            token = browser.get(f"{MODERATION}/session").get_json()["csrf_token"]
            self.staff[role] = (browser, token)
        return self.staff[role]


def post_state(post_id: int) -> tuple:
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    return (post.status, post.note, post.expires_at, post.resolved_at, post.contact_phone_masked)


@pytest.fixture
def world(app, client, poster, sign_in, create):
    return World(app, client, poster, sign_in, create)


def owner_only_values_in(answer) -> list[str]:
    text = answer.get_data(as_text=True)
    found = [value for value in (OWNER_PHONE, ADDRESS_HINT) if value in text]
    body = answer.get_json(silent=True)
    if isinstance(body, dict):
        found += [field for field in OWNER_ONLY_FIELDS if body.get(field) is not None]
    return found


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("method", "rule"), sorted(OPERATIONS), ids=[f"{m} {r}" for m, r in sorted(OPERATIONS)]
)
def test_each_operation_serves_exactly_its_callers_and_refused_ones_change_nothing(
    world, method, rule, caller
):
    operation = OPERATIONS[(method, rule)]
    url = world.url(rule, operation.target)
    watched = world.held_id if operation.target == "held" else world.post_id
    before = post_state(watched)
    answer = world.call(caller, method, url, operation.body)
    if caller in operation.allowed:
        assert answer.status_code in operation.served, (caller, answer.get_json())
    else:
        assert answer.status_code in operation.refused, (caller, answer.get_json())
        assert answer.content_type == "application/problem+json"
        assert post_state(watched) == before, f"{caller} changed the post"
    revealed_through_contact = rule.endswith("/contact") and caller in operation.allowed
    if caller != "owner" and not revealed_through_contact:
        assert owner_only_values_in(answer) == [], (caller, answer.get_json())


UNKNOWN_FIELD = "is_admin"
PLACEHOLDER = re.compile(r"\{([^}]+)\}")
PATH_TARGETS = {"post_id": "post", "case_id": "case", "purpose": "purpose", "code": "district"}


def body_operations(document: dict) -> list[tuple[str, str, dict]]:
    """(method, path, operation) of every documented operation that takes a JSON body."""
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method != "parameters" and "requestBody" in operation
    ]


def schema_properties(document: dict, schema: dict | None) -> set[str]:
    if not schema:
        return set()
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return schema_properties(document, schema.get("items"))
    return set(schema.get("properties", {}))


def read_only_fields(document: dict, operation: dict) -> set[str]:
    """What the operation's answers carry that its body may not set (id, status, ...)."""
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    answered = set()
    for status, response in operation["responses"].items():
        if status.startswith("2") and "content" in response:
            answered |= schema_properties(
                document, response["content"]["application/json"]["schema"]
            )
    return answered - schema_properties(document, body)


def test_every_body_refuses_unknown_and_read_only_fields_naming_each(world, client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = body_operations(document)
    assert len(operations) > 15
    for method, path, operation in operations:
        fields = {UNKNOWN_FIELD, *read_only_fields(document, operation)}
        url = PLACEHOLDER.sub(
            lambda m: world.url(f"<{m.group(1)}>", PATH_TARGETS[m.group(1)]), path
        )
        caller = "moderator" if path.startswith(MODERATION) else "other"
        answer = world.call(caller, method, url, dict.fromkeys(fields, 1))
        assert answer.status_code == 422, (method, path, answer.status_code, answer.get_json())
        errors = answer.get_json()["errors"]
        assert fields <= set(errors), (method, path, fields - set(errors))


REVIEW_PAGE = "/moderation/"
# The review page's own way in, open to everyone by design.
SIGN_IN_PAGES = ("/moderation/sign-in", "/moderation/sign-in/code", "/moderation/static/")
PARTNERS_ADMIN = "/moderation/partners/"
SAMPLE = {"medicine_id": "1", "case_id": "1", "code": "authz-partner", "public_id": "x"}


def review_page_operations(app) -> list[tuple[str, str]]:
    """(method, sample URL) of every review page and admin route but the sign-in ones."""
    return sorted(
        (method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: SAMPLE[m.group(1)], rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(REVIEW_PAGE) and not rule.rule.startswith(SIGN_IN_PAGES)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.mark.parametrize("caller", ["owner", "unverified", "partner_secret", "nobody"])
def test_every_review_page_and_admin_operation_refuses_users_and_partners(app, world, caller):
    operations = review_page_operations(app)
    assert len(operations) > 15
    for method, url in operations:
        answer = world.call(caller, method, url, None)
        # Pages send them to sign in; forms without the session's CSRF token are refused.
        assert answer.status_code in {302, 400, 401, 403}, (caller, method, url)
        if answer.status_code == 302:
            assert answer.headers["Location"].endswith("/moderation/sign-in")


def test_partner_administration_refuses_moderators(app, world):
    browser, token = world._staff("moderator")
    for method, url in review_page_operations(app):
        if url.startswith(PARTNERS_ADMIN):
            answer = browser.open(url, method=method, data={"csrf_token": token})
            assert answer.status_code == 403, (method, url, answer.status_code)
