"""A partner's calls count against its tier, shared by all its keys; its server's calls (secret
key) do not count against the one address they share, its pages' calls (public key) do."""

import pytest

from app.partners import service
from tests.partners.conftest import PARTNER_ORIGIN, key_headers

SQUARE = "/api/v1/posts"


@pytest.fixture
def tiers(app, monkeypatch):
    monkeypatch.setitem(
        app.config,
        "RATE_LIMIT_TIERS",
        {
            "standard": {"reads": "2 per minute", "writes": "1 per minute"},
            "large": {"reads": "4 per minute", "writes": "1 per minute"},
        },
    )


def statuses(client, headers, times: int) -> list[int]:
    return [client.get(SQUARE, headers=headers).status_code for _ in range(times)]


def test_a_partner_is_limited_by_its_tier_across_its_keys(client, issue, tiers):
    first, second = issue("secret"), issue("secret")
    assert statuses(client, key_headers(first), 2) == [200, 200]
    refused = client.get(SQUARE, headers=key_headers(second))
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Limit"] == "2"
    assert "Retry-After" in refused.headers
    # Calls without the key are the address's, not the partner's.
    assert client.get(SQUARE).status_code == 200


def test_a_larger_tier_allows_more(client, partner, issue, tiers):
    service.update_partner(partner, {"tier": "large"})
    assert statuses(client, key_headers(issue("secret")), 5) == [200] * 4 + [429]


def test_a_partners_server_is_not_limited_as_one_address(client, issue, tiers, limits):
    limits("address", "reads", "1 per minute")
    assert statuses(client, key_headers(issue("secret")), 2) == [200, 200]


def test_a_partners_pages_are_limited_per_address_too(client, issue, tiers, limits):
    limits("address", "reads", "1 per minute")
    headers = key_headers(issue("public"), PARTNER_ORIGIN)
    assert statuses(client, headers, 2) == [200, 429]
