"""POST /api/v1/posts: what a good post stores and what its owner gets back."""

from datetime import UTC, datetime, timedelta

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.posts.contact import decrypt_phone
from app.posts.models import Post, PostItem
from app.posts.service import PUBLIC_JITTER_M
from geo.coordinates import GCJ02, from_wgs84
from geo.mercator import to_mercator
from geo.points import LonLat
from geo.privacy import snap_to_grid
from tests.posts.conftest import POSTS, need_body, offer_body

SECOND = timedelta(seconds=1)


def stored(db_session, post_id: int) -> Post:
    db_session.expire_all()
    return db_session.get(Post, post_id)


def test_an_offer_is_stored_and_its_owner_sees_all_of_it(create, poster, db_session):
    user, headers = poster()
    before = datetime.now(UTC)
    response = create(headers, offer_body())
    assert response.status_code == 201, response.json
    answer = response.json
    assert answer["is_own"] is True
    assert (answer["kind"], answer["status"]) == ("offer", "open")
    assert answer["contact_phone"] == "13912345678"
    assert answer["address_hint"] == "人民广场地铁站 1 号口"
    assert answer["location"] == {"lat": 31.2304, "lng": 121.4737, "coordinate_system": "wgs84"}
    assert answer["note"] == "多买了一盒，送给需要的邻居"
    assert answer["catalog_edition"] == "cn-home-care-2022-12-08"
    [item] = answer["items"]
    assert item == {
        "medicine": {"code": "ibuprofen", "name": "布洛芬"},
        "quantity": 10,
        "unit": "tablet",
        "unit_label": "片",
        "pack_expires_on": offer_body()["items"][0]["pack_expires_on"],
        "sealed": True,
    }
    expires_at = datetime.fromisoformat(answer["expires_at"])
    assert (
        before + timedelta(days=7) - SECOND <= expires_at <= datetime.now(UTC) + timedelta(days=7)
    )

    post = stored(db_session, answer["id"])
    assert post.user_id == user.id
    assert (to_shape(post.location).x, to_shape(post.location).y) == (121.4737, 31.2304)
    assert post.urgency == []


def test_a_need_keeps_its_urgency_tags_once_each_and_lives_three_days(create, poster):
    _, headers = poster()
    before = datetime.now(UTC)
    body = need_body(urgency=["infant", "elderly", "infant"], note="")
    response = create(headers, body, **{"Accept-Language": "en"})
    assert response.status_code == 201, response.json
    assert sorted(response.json["urgency"]) == ["elderly", "infant"]
    assert response.json["items"][0]["unit_label"] == "test"
    assert response.json["items"][0]["medicine"]["name"] == "COVID-19 antigen test kit"
    assert response.json["items"][0]["pack_expires_on"] is None
    expires_at = datetime.fromisoformat(response.json["expires_at"])
    assert (
        before + timedelta(days=3) - SECOND <= expires_at <= datetime.now(UTC) + timedelta(days=3)
    )


@pytest.mark.parametrize(
    ("kind", "setting"), [("need", "NEED_LIFETIME_DAYS"), ("offer", "OFFER_LIFETIME_DAYS")]
)
def test_lifetimes_come_from_the_settings(app, create, poster, monkeypatch, kind, setting):
    monkeypatch.setitem(app.config, setting, 1)
    _, headers = poster()
    body = need_body() if kind == "need" else offer_body()
    response = create(headers, body)
    expires_at = datetime.fromisoformat(response.json["expires_at"])
    assert expires_at - datetime.now(UTC) < timedelta(days=1)


def test_the_number_is_kept_encrypted_and_masked(create, poster, db_session):
    _, headers = poster()
    response = create(headers, need_body(contact_phone="+86 138-1234-5678"))
    post = stored(db_session, response.json["id"])
    assert b"13812345678" not in post.contact_phone_encrypted
    assert decrypt_phone(post.contact_phone_encrypted) == "13812345678"
    assert post.contact_phone_masked == "138****5678"


def test_the_public_position_is_the_centre_of_the_spots_grid_cell(app, create, poster, db_session):
    _, headers = poster()
    response = create(headers, need_body(location={"lat": 39.9087, "lng": 116.3975}))
    post = stored(db_session, response.json["id"])
    centre = snap_to_grid(LonLat(116.3975, 39.9087), app.config["PUBLIC_GRID_METRES"])
    public = to_shape(post.public_position)
    # Within the sub-metre jitter that keeps posts of one cell from sharing a distance.
    assert (public.x, public.y) == pytest.approx(to_mercator(centre), abs=PUBLIC_JITTER_M)
    shown = response.json["approximate_location"]
    assert shown["coordinate_system"] == "wgs84"
    assert (shown["lat"], shown["lng"]) == pytest.approx((centre.lat, centre.lon), abs=1e-5)


def test_items_keep_the_posters_order_and_carry_their_posts_place_and_times(
    create, poster, db_session
):
    _, headers = poster()
    items = [
        {"medicine": "antigen-test", "quantity": 2, "unit": "test"},
        {"medicine": "acetaminophen", "quantity": 6, "unit": "tablet"},
        {"medicine": "ibuprofen", "quantity": 1, "unit": "box"},
    ]
    response = create(headers, need_body(items=items))
    assert [item["medicine"]["code"] for item in response.json["items"]] == [
        "antigen-test",
        "acetaminophen",
        "ibuprofen",
    ]
    post = stored(db_session, response.json["id"])
    rows = db_session.scalars(select(PostItem).where(PostItem.post_id == post.id)).all()
    assert sorted(row.position for row in rows) == [0, 1, 2]
    for row in rows:
        assert (row.kind, row.post_status) == ("need", "open")
        assert (row.post_created_at, row.post_expires_at) == (post.created_at, post.expires_at)
        assert to_shape(row.public_position).equals(to_shape(post.public_position))


def test_the_square_finds_needs_by_their_urgency_tags(client, create, poster):
    _, headers = poster()
    infant = create(headers, need_body(urgency=["infant"])).json["id"]
    elderly = create(headers, need_body(urgency=["elderly", "chronic_illness"])).json["id"]
    for query in ({"urgency": "infant"}, {"urgency": "infant", "lat": 31.23, "lng": 121.47}):
        response = client.get(POSTS, query_string=query)
        assert response.status_code == 200, response.json
        assert [post["id"] for post in response.json["posts"]] == [infant]
    both = client.get(POSTS, query_string={"urgency": "infant,chronic_illness"}).json["posts"]
    assert {post["id"] for post in both} == {infant, elderly}


def test_an_empty_address_hint_is_no_hint(create, poster):
    _, headers = poster()
    response = create(headers, offer_body(address_hint=""))
    assert response.json["address_hint"] is None


def test_a_created_post_says_where_it_lives_and_chinese_is_sent_as_utf8(create, poster, client):
    _, headers = poster()
    response = create(headers, offer_body())
    assert response.headers["Location"] == f"{POSTS}/{response.json['id']}"
    assert "多买了一盒".encode() in response.data
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_post_is_filed_under_the_county_its_spot_lies_in(create, poster):
    _, headers = poster()
    # Chengdu's Wuhou district, given in GCJ-02 as the mini program sends it.
    gcj = from_wgs84(LonLat(104.0432, 30.6420), GCJ02)
    location = {"lat": gcj.lat, "lng": gcj.lon, "coordinate_system": "gcj02"}
    response = create(headers, need_body(location=location))
    assert (response.json["area_code"], response.json["area_name"]) == ("510107", "武侯区")
