"""A public embed key works only from its partner's pages, and only to read; MedShare's own H5
page may write with it. A secret key is refused whenever a browser sends it."""

import pytest

from tests.partners.conftest import H5_ORIGIN, OTHER_ORIGIN, PARTNER_ORIGIN, key_headers

SQUARE = "/api/v1/posts"


def test_a_public_key_reads_from_a_registered_origin(client, issue):
    answer = client.get(SQUARE, headers=key_headers(issue("public"), PARTNER_ORIGIN))
    assert answer.status_code == 200
    # The square's search is a read, though a POST.
    search = client.post(
        f"{SQUARE}/search", json={}, headers=key_headers(issue("public"), PARTNER_ORIGIN)
    )
    assert search.status_code == 200


@pytest.mark.parametrize("origin", [OTHER_ORIGIN, "null", PARTNER_ORIGIN + ":8443", None])
def test_a_public_key_is_refused_from_any_other_page_or_from_none(client, issue, origin):
    answer = client.get(SQUARE, headers=key_headers(issue("public"), origin))
    assert answer.status_code == 403
    assert answer.json["code"] == "origin_not_allowed"


def test_a_public_key_may_not_write_from_the_partners_pages(client, issue):
    answer = client.post(
        "/api/v1/auth/refresh", headers=key_headers(issue("public"), PARTNER_ORIGIN)
    )
    assert answer.status_code == 403
    assert answer.json["code"] == "public_key_read_only"


def test_medshares_own_h5_page_reads_and_writes_with_a_public_key(app, client, issue):
    assert app.config["H5_ORIGIN"] == H5_ORIGIN
    key = issue("public")
    write = client.post("/api/v1/auth/refresh", headers=key_headers(key, H5_ORIGIN))
    # Past the key: the token is what the refresh then asks for.
    assert write.json["code"] == "unauthorized"
    # A same-origin read: no Origin header, Sec-Fetch-Site says where the page is.
    same_origin = client.get(
        SQUARE,
        headers=key_headers(key, **{"Sec-Fetch-Site": "same-origin"}),
        base_url=H5_ORIGIN,
    )
    assert same_origin.status_code == 200
    elsewhere = client.get(
        SQUARE,
        headers=key_headers(key, **{"Sec-Fetch-Site": "same-origin"}),
        base_url="http://partner-proxy.example",
    )
    assert elsewhere.json["code"] == "origin_not_allowed"


@pytest.mark.parametrize("origin", [PARTNER_ORIGIN, H5_ORIGIN, "null"])
def test_a_secret_key_is_refused_when_a_browser_sends_it(client, issue, origin):
    answer = client.get(SQUARE, headers=key_headers(issue("secret"), origin))
    assert answer.status_code == 403
    assert answer.json["code"] == "secret_key_from_browser"


def test_a_secret_key_from_a_server_reads_and_writes(client, issue):
    key = issue("secret")
    assert client.get(SQUARE, headers=key_headers(key)).status_code == 200
    assert client.post("/api/v1/auth/refresh", headers=key_headers(key)).json["code"] == (
        "unauthorized"
    )
