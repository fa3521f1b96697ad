"""Browsers may call the API from MedShare's H5 origin and from active partners' registered
origins, read from the database; from nowhere else, never with credentials; the review page
never. Nothing may frame a page unless it says who may."""

import pytest

from app import cors
from app.partners import service

PARTNER = "https://gov-service.example"
H5 = "http://127.0.0.1:8000"
SQUARE = "/api/v1/posts"


@pytest.fixture
def partner(db_session, catalog):
    service.register_partner(
        "gov-service", {"name": "政务服务", "contact": "办公室", "origins": [PARTNER]}
    )
    return "gov-service"


def cors_headers(answer) -> dict:
    return {name: value for name, value in answer.headers if name.startswith("Access-Control-")}


def test_a_request_without_origin_gets_no_cors_headers(client, partner):
    answer = client.get(SQUARE)
    assert answer.status_code == 200
    assert cors_headers(answer) == {}
    assert "Origin" in answer.headers["Vary"]


@pytest.mark.parametrize("origin", [PARTNER, H5])
def test_a_partners_page_and_the_h5_page_may_read_without_credentials(client, partner, origin):
    answer = client.get(SQUARE, headers={"Origin": origin})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in answer.headers
    exposed = answer.headers["Access-Control-Expose-Headers"]
    assert {"X-Request-ID", "Retry-After", "RateLimit-Remaining"} <= set(exposed.split(", "))
    assert "Origin" in answer.headers["Vary"]


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "null", PARTNER + ":444"])
def test_other_origins_get_no_cors_headers(client, partner, origin):
    assert cors_headers(client.get(SQUARE, headers={"Origin": origin})) == {}


def test_a_new_partner_works_without_a_restart_and_a_suspended_one_stops(client, partner):
    newcomer = "https://newcomer.example"
    assert cors_headers(client.get(SQUARE, headers={"Origin": newcomer})) == {}
    service.register_partner("newcomer", {"name": "新", "contact": "x", "origins": [newcomer]})
    assert (
        client.get(SQUARE, headers={"Origin": newcomer}).headers["Access-Control-Allow-Origin"]
        == newcomer
    )
    service.update_partner("newcomer", {"status": "suspended"})
    assert cors_headers(client.get(SQUARE, headers={"Origin": newcomer})) == {}


def test_each_worker_trusts_its_copy_of_the_origins_for_the_cache_seconds(
    app, client, partner, monkeypatch
):
    monkeypatch.setitem(app.config, "CORS_ORIGINS_CACHE_SECONDS", 30)
    clock = [1000.0]
    monkeypatch.setattr(cors.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(app.extensions[cors.EXTENSION], "until", 0.0)
    assert cors_headers(client.get(SQUARE, headers={"Origin": PARTNER}))
    service.update_partner(partner, {"origins": []})
    clock[0] += 29
    assert cors_headers(client.get(SQUARE, headers={"Origin": PARTNER}))
    clock[0] += 2
    assert cors_headers(client.get(SQUARE, headers={"Origin": PARTNER})) == {}


def test_a_preflight_allows_the_token_key_and_idempotency_headers_not_x_partner(client, partner):
    answer = client.options(
        SQUARE,
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert answer.status_code == 200
    allowed = {
        header.strip().lower()
        for header in answer.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "content-type", "idempotency-key", "x-api-key"} <= allowed
    # X-Partner is MedShare's own H5 page's, which calls its own origin: no other page sends it.
    assert "x-partner" not in allowed
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert int(answer.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in answer.headers


def test_a_preflight_from_an_unregistered_origin_is_answered_without_cors_headers(client):
    answer = client.options(
        SQUARE,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert cors_headers(answer) == {}


def test_the_review_page_sends_no_cors_headers(client, partner):
    answer = client.get("/moderation/sign-in", headers={"Origin": PARTNER})
    assert cors_headers(answer) == {}


@pytest.mark.parametrize(
    "path", [SQUARE, "/api/v1/no-such-thing", "/healthz", "/api/v1/docs", "/moderation/sign-in"]
)
def test_every_response_forbids_framing(client, catalog, path):
    answer = client.get(path)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"
