"""Every API call is counted in Redis against its caller's address and user; past the limit the
answer is 429 with Retry-After, and every counted answer says where its caller stands."""

import pytest

from app.limits.callers import client_network
from app.limits.limiter import RATE_LIMIT_HEADERS
from tests.conftest import bearer

SQUARE = "/api/v1/posts"


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_every_api_answer_carries_the_rate_limit_headers(client, catalog):
    for answer in (
        client.get(SQUARE),
        client.get("/api/v1/medicines?include_unpostable=maybe"),
        client.get("/api/v1/no-such-thing"),
        client.post("/api/v1/auth/refresh"),
    ):
        assert set(RATE_LIMIT_HEADERS) <= set(answer.headers.keys()), answer.status_code
    answer = client.get(SQUARE)
    assert answer.headers["RateLimit-Policy"] == "1200;w=60"
    # Three reads before this one; the refresh counted among the writes.
    assert int(answer.headers["RateLimit-Remaining"]) == 1200 - 4
    assert 0 <= int(answer.headers["RateLimit-Reset"]) <= 60


def test_probes_the_document_and_the_review_page_are_not_counted(client):
    for path in ("/healthz", "/readyz", "/api/v1/openapi.json", "/moderation/sign-in"):
        assert "RateLimit-Limit" not in client.get(path).headers, path


def test_past_the_address_limit_the_answer_is_429_problem_with_retry_after(client, catalog, limits):
    limits("address", "reads", "2 per minute")
    assert [client.get(SQUARE).status_code for _ in range(2)] == [200, 200]
    refused = client.get(SQUARE, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit-Limit"] == "2"


def test_reads_and_writes_are_counted_apart(client, catalog, limits):
    limits("address", "writes", "1 per minute")
    assert client.post("/api/v1/auth/refresh").status_code == 401
    assert client.post("/api/v1/auth/refresh").status_code == 429
    assert client.get(SQUARE).status_code == 200
    # The square's search is a POST that only reads.
    assert client.post(f"{SQUARE}/search", json={}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "category"),
    [
        ("GET", SQUARE, "reads"),
        ("POST", f"{SQUARE}/search", "reads"),
        ("GET", "/api/v1/medicines", "reads"),
        ("POST", f"{SQUARE}/1/reports", "writes"),
        ("POST", "/api/v1/auth/refresh", "writes"),
        ("POST", "/api/v1/auth/wechat", "writes"),
        ("POST", "/api/v1/auth/sms/codes", "writes"),
    ],
)
def test_the_square_search_reports_refresh_and_sign_in_are_limited(
    client, catalog, limits, method, path, category
):
    limits("address", category, "1 per minute")
    first = client.open(path, method=method, json={})
    second = client.open(path, method=method, json={})
    assert first.status_code != 429
    assert second.status_code == 429


def test_each_signed_in_user_has_an_allowance_of_their_own(client, catalog, sign_in, limits):
    limits("user", "reads", "2 per minute")
    _, first = sign_in()
    _, second = sign_in()
    for _ in range(2):
        assert client.get("/api/v1/me", headers=bearer(first.access_token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(first.access_token)).status_code == 429
    # Same address, another user: their own allowance; signed out: the address's.
    assert client.get("/api/v1/me", headers=bearer(second.access_token)).status_code == 200
    assert client.get(SQUARE).status_code == 200


def test_a_forged_token_is_counted_by_address_alone(client, catalog, limits):
    limits("user", "reads", "1 per minute")
    forged = {"Authorization": "Bearer not.a.token"}
    assert [client.get(SQUARE, headers=forged).status_code for _ in range(3)] == [200] * 3


def test_addresses_are_counted_apart_and_ipv6_by_its_slash_64(client, catalog, limits):
    limits("address", "reads", "1 per minute")
    assert client.get(SQUARE, **from_address("2001:db8:1:2::10")).status_code == 200
    # Another address of the same /64: the same household or phone.
    assert client.get(SQUARE, **from_address("2001:db8:1:2:ffff::1")).status_code == 429
    assert client.get(SQUARE, **from_address("2001:db8:1:3::10")).status_code == 200
    assert client.get(SQUARE, **from_address("203.0.113.7")).status_code == 200
    assert client.get(SQUARE, **from_address("203.0.113.8")).status_code == 200
    # An IPv4-mapped IPv6 address is the IPv4 address it maps.
    assert client.get(SQUARE, **from_address("::ffff:203.0.113.7")).status_code == 429


@pytest.mark.parametrize(
    ("remote_addr", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        ("not an address", "not an address"),
    ],
)
def test_client_network(remote_addr, counted_as):
    assert client_network(remote_addr) == counted_as


def test_the_openapi_document_describes_the_limits_on_every_operation(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert app.config["RATE_LIMIT_ADDRESS_READS"] in document["info"]["description"]
    assert app.config["RATE_LIMIT_USER_WRITES"] in document["info"]["description"]
    api_operations = [
        (path, method, operation)
        for path, operations in document["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        if method != "parameters"
    ]
    assert api_operations
    for path, method, operation in api_operations:
        responses = operation["responses"]
        assert responses["429"] == {"$ref": "#/components/responses/TOO_MANY_REQUESTS"}, path
        if method != "get":
            assert "503" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith("2"):
                assert set(RATE_LIMIT_HEADERS) <= set(response["headers"]), (method, path)
    too_many = document["components"]["responses"]["TOO_MANY_REQUESTS"]
    assert "Retry-After" in too_many["headers"]
