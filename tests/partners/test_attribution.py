"""Calls with a key are the partner's: posts carry its channel, the request log names the key's
public id (never its secret), and the square defaults to the partner's preset region."""

import pytest
from sqlalchemy import select

from app.partners import service
from app.partners.keys import read_key
from app.partners.models import Partner
from app.posts.models import Post
from geo.points import LonLat
from tests.factories import make_post
from tests.partners.conftest import PARTNER_ORIGIN, SHENZHEN, key_headers
from tests.posts.conftest import offer_body

SQUARE = "/api/v1/posts"
NANSHAN = LonLat(113.9305, 22.5333)
FUTIAN = LonLat(114.0550, 22.5410)


def partner_id(db_session, code: str) -> int:
    return db_session.scalar(select(Partner.id).where(Partner.code == code))


def test_a_post_made_through_a_partner_carries_its_channel(
    client, db_session, poster, partner, issue
):
    _, headers = poster()
    made = client.post(
        SQUARE, json=offer_body(), headers={**headers, **key_headers(issue("secret"))}
    )
    assert made.status_code == 201, made.get_json()
    assert db_session.get(Post, made.json["id"]).partner_id == partner_id(db_session, partner)
    direct = client.post(SQUARE, json=offer_body(note="第二盒"), headers=headers)
    assert db_session.get(Post, direct.json["id"]).partner_id is None


def test_the_request_log_names_the_keys_public_id(client, issue, log_records):
    key = issue("public")
    client.get(SQUARE, headers=key_headers(key, PARTNER_ORIGIN))
    client.get(SQUARE)
    with_key, without = [line for line in log_records() if line["logger"] == "medshare.request"]
    assert with_key["partner"] == read_key(key).public_id
    assert "partner" not in without


def test_no_log_line_ever_holds_a_secret(app, client, partner, issue, log_records, monkeypatch):
    one_a_minute = {"reads": "1 per minute", "writes": "1 per minute"}
    monkeypatch.setitem(app.config, "RATE_LIMIT_TIERS", {"standard": one_a_minute})
    secret, public, revoked = issue("secret"), issue("public"), issue("secret")
    rotated = service.rotate_key(read_key(issue("secret")).public_id).text
    service.revoke_key(read_key(revoked).public_id, "test")
    for key in (secret, public, revoked, rotated):
        for origin in (None, PARTNER_ORIGIN, "https://evil.example"):
            for _ in range(2):  # the second is past the tier's limit
                client.get(SQUARE, headers=key_headers(key, origin))
                client.post("/api/v1/auth/refresh", headers=key_headers(key, origin))
        client.get("/api/v1/_probe/crash", headers=key_headers(key))
    logged = str(log_records())
    assert "partner.issue_key" in logged and "partner.revoke_key" in logged
    for key in (secret, public, revoked, rotated):
        assert read_key(key).secret not in logged


@pytest.fixture
def shenzhen_partner(db_session, catalog):
    service.register_partner(
        "sz-gov", {"name": "深圳市政务", "contact": "办公室", "region_codes": [SHENZHEN]}
    )
    return service.issue_key("sz-gov", "secret").text


def test_the_square_defaults_to_the_partners_region_and_the_callers_area_wins(
    client, sign_in, shenzhen_partner
):
    user, _ = sign_in()
    in_shenzhen = {make_post(user, at=NANSHAN).id, make_post(user, at=FUTIAN).id}
    in_shanghai = make_post(user).id
    headers = key_headers(shenzhen_partner)

    preset = client.get(SQUARE, headers=headers).json["posts"]
    assert {post["id"] for post in preset} == in_shenzhen
    asked = client.get(f"{SQUARE}?district=310000", headers=headers).json["posts"]
    assert [post["id"] for post in asked] == [in_shanghai]
    everywhere = client.get(SQUARE).json["posts"]
    assert {post["id"] for post in everywhere} == in_shenzhen | {in_shanghai}


def test_a_cursor_of_the_preset_region_is_not_read_as_another_query(
    client, sign_in, shenzhen_partner
):
    user, _ = sign_in()
    make_post(user, at=NANSHAN)
    make_post(user, at=FUTIAN)
    first = client.get(f"{SQUARE}?limit=1", headers=key_headers(shenzhen_partner)).json
    again = client.get(
        f"{SQUARE}?limit=1&cursor={first['next_cursor']}", headers=key_headers(shenzhen_partner)
    )
    assert again.status_code == 200
    without_key = client.get(f"{SQUARE}?limit=1&cursor={first['next_cursor']}")
    assert without_key.status_code == 422
    assert without_key.json["code"] == "cursor_invalid"
