"""Partners' pages on other origins can call the API; the review page stays same-origin."""

PARTNER = "https://gov-service.example"


def test_a_partner_page_may_read_the_square_without_credentials(client, catalog):
    answer = client.get("/api/v1/posts", headers={"Origin": PARTNER})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] in ("*", PARTNER)
    assert "Access-Control-Allow-Credentials" not in answer.headers
    assert "X-Request-ID" in answer.headers["Access-Control-Expose-Headers"]


def test_a_preflight_for_creating_a_post_allows_the_token_and_idempotency_headers(client):
    answer = client.options(
        "/api/v1/posts",
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert answer.status_code == 200
    allowed = answer.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= {
        header.strip() for header in allowed.split(",")
    }


def test_the_review_page_sends_no_cors_headers(client):
    answer = client.get("/moderation/sign-in", headers={"Origin": PARTNER})
    assert "Access-Control-Allow-Origin" not in answer.headers
