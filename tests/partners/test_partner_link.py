"""X-Partner: MedShare's own H5 page names the partner of its link (?partner=, a public embed
key's public id) and the partner is then the call's, as with the key: its channel on posts, its
preset region, its tier, the log. Only from a page of H5_ORIGIN, only while the key works, and
never together with X-Api-Key."""

import pytest
from sqlalchemy import select

from app.partners import service
from app.partners.models import Partner, PartnerKey
from app.posts.models import Post
from geo.points import LonLat
from tests.factories import make_post
from tests.partners.conftest import (
    H5_ORIGIN,
    OTHER_ORIGIN,
    PARTNER_ORIGIN,
    SHENZHEN,
    UNUSABLE_LINKS,
    key_headers,
)
from tests.posts.conftest import offer_body

SQUARE = "/api/v1/posts"
CURRENT = "/api/v1/partners/current"
NANSHAN = LonLat(113.9305, 22.5333)


def from_h5(public_id: str, **more) -> dict:
    return {"X-Partner": public_id, "Origin": H5_ORIGIN, **more}


def test_a_post_made_on_the_h5_page_of_a_partners_link_carries_its_channel(
    client, db_session, poster, partner, linked
):
    _, headers = poster()
    made = client.post(SQUARE, json=offer_body(), headers={**headers, **from_h5(linked)})
    assert made.status_code == 201, made.get_json()
    channel = db_session.scalar(select(Partner.id).where(Partner.code == partner))
    assert db_session.get(Post, made.json["id"]).partner_id == channel


def test_the_h5_pages_same_origin_reads_name_the_partner_by_sec_fetch_site(client, linked):
    same_origin = {"X-Partner": linked, "Sec-Fetch-Site": "same-origin"}
    assert client.get(CURRENT, headers=same_origin, base_url=H5_ORIGIN).status_code == 200
    elsewhere = client.get(CURRENT, headers=same_origin, base_url="http://partner-proxy.example")
    assert elsewhere.status_code == 403
    assert elsewhere.json["code"] == "partner_link_not_from_h5"


@pytest.fixture
def shenzhen_link(db_session, catalog):
    service.register_partner(
        "sz-gov", {"name": "深圳市政务", "contact": "办公室", "region_codes": [SHENZHEN]}
    )
    return service.issue_key("sz-gov", "public").key.public_id


def test_the_square_of_a_partners_link_defaults_to_its_region(client, sign_in, shenzhen_link):
    user, _ = sign_in()
    in_shenzhen = make_post(user, at=NANSHAN).id
    in_shanghai = make_post(user).id
    preset = client.get(SQUARE, headers=from_h5(shenzhen_link)).json["posts"]
    assert [post["id"] for post in preset] == [in_shenzhen]
    asked = client.get(f"{SQUARE}?district=310000", headers=from_h5(shenzhen_link)).json["posts"]
    assert [post["id"] for post in asked] == [in_shanghai]


def test_the_page_reads_the_name_and_region_of_its_links_partner(client, shenzhen_link):
    answer = client.get(CURRENT, headers=from_h5(shenzhen_link, **{"Accept-Language": "en"}))
    assert answer.status_code == 200
    assert answer.json == {
        "code": "sz-gov",
        "name": "深圳市政务",
        "region": [{"code": SHENZHEN, "name": "深圳市"}],
    }


def test_a_partners_own_key_reads_the_same_public_profile(client, partner, issue):
    answer = client.get(CURRENT, headers=key_headers(issue("public"), PARTNER_ORIGIN))
    assert answer.json == {"code": partner, "name": "深圳健康服务号", "region": []}


def test_a_call_naming_no_partner_has_no_current_partner(client, catalog):
    answer = client.get(CURRENT)
    assert answer.status_code == 404
    assert answer.json["code"] == "no_partner_named"


def test_the_request_log_names_the_links_public_id(client, linked, log_records):
    client.get(SQUARE, headers=from_h5(linked))
    (line,) = [line for line in log_records() if line["logger"] == "medshare.request"]
    assert line["partner"] == linked


def test_a_links_use_is_kept_as_its_keys_last_use(client, db_session, linked):
    key = db_session.scalar(select(PartnerKey).where(PartnerKey.public_id == linked))
    assert key.last_used_at is None
    client.get(SQUARE, headers=from_h5(linked))
    db_session.refresh(key)
    assert key.last_used_at is not None


def test_a_links_calls_count_against_the_partners_tier(app, client, linked, monkeypatch):
    two_a_minute = {"reads": "2 per minute", "writes": "1 per minute"}
    monkeypatch.setitem(app.config, "RATE_LIMIT_TIERS", {"standard": two_a_minute})
    answers = [client.get(SQUARE, headers=from_h5(linked)) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].headers["RateLimit-Limit"] == "2"
    assert client.get(SQUARE, headers={"Origin": H5_ORIGIN}).status_code == 200


@pytest.mark.parametrize("how", UNUSABLE_LINKS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_link_naming_no_working_public_key_is_refused(client, unusable_link, how, method):
    answer = client.open(SQUARE, method=method, json={}, headers=from_h5(unusable_link(how)))
    assert answer.status_code == 422
    assert answer.json["code"] == "partner_link_invalid"


@pytest.mark.parametrize("value", ["", " " * 3, "ab" * 5000, "某合作方", "a\x00b", "'; --"])
def test_any_text_in_x_partner_is_refused_cleanly(client, catalog, value):
    answer = client.get(SQUARE, headers=from_h5(value))
    assert answer.status_code == 422
    assert answer.json["code"] == "partner_link_invalid"


@pytest.mark.parametrize("origin", [PARTNER_ORIGIN, OTHER_ORIGIN, "null", None])
def test_x_partner_is_refused_from_any_page_but_the_h5_pages(client, linked, origin):
    headers = {"X-Partner": linked} | ({"Origin": origin} if origin else {})
    answer = client.get(SQUARE, headers=headers)
    assert answer.status_code == 403
    assert answer.json["code"] == "partner_link_not_from_h5"


def test_a_call_naming_its_partner_both_ways_is_refused(client, issue, linked):
    answer = client.get(
        SQUARE, headers=from_h5(linked, **key_headers(issue("public")), **{"Accept-Language": "en"})
    )
    assert answer.status_code == 400
    assert answer.json["code"] == "partner_named_twice"
    assert answer.json["errors"] == {"X-Partner": ["Send X-Api-Key or X-Partner, not both."]}


def test_the_openapi_document_describes_x_partner(client):
    document = client.get("/api/v1/openapi.json").get_json()
    scheme = document["components"]["securitySchemes"]["partnerLink"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Partner")
    assert "never the secret" in scheme["description"]
    operation = document["paths"][CURRENT]["get"]
    assert operation["security"] == [{"partnerLink": []}, {"apiKeyAuth": []}]
    assert {"400", "403", "404", "422"} <= set(operation["responses"])
