"""A post by its link: the public view for everyone, all of it for its owner, and nowhere a
phone number or an exact spot for anyone else."""

import json
import re

import pytest
from geoalchemy2.shape import to_shape

from app.posts.models import Post
from geo.coordinates import GCJ02, from_wgs84, to_wgs84
from geo.points import LonLat, great_circle_metres
from tests.posts.conftest import POSTS, need_body, offer_body

OWNER_ONLY = {
    "location",
    "contact_phone",
    "address_hint",
    "catalog_edition",
    "renewed_at",
    "updated_at",
}
# A known pair from eviltransform's tests (an implementation independent of ours).
SHANGHAI_WGS84 = LonLat(121.5272106, 31.1774276)
SHANGHAI_GCJ02 = LonLat(121.531541859215, 31.17530398364597)


def test_anyone_signed_out_sees_the_public_view(client, poster, create):
    _, headers = poster()
    post_id = create(headers, offer_body()).json["id"]
    response = client.get(f"{POSTS}/{post_id}")
    assert response.status_code == 200
    assert response.json["is_own"] is False
    assert not OWNER_ONLY & set(response.json)


def test_another_signed_in_user_sees_the_public_view(client, poster, create):
    _, headers = poster()
    _, stranger = poster()
    post_id = create(headers, offer_body()).json["id"]
    response = client.get(f"{POSTS}/{post_id}", headers=stranger)
    assert response.json["is_own"] is False
    assert not OWNER_ONLY & set(response.json)
    assert response.json["approximate_location"] != {
        "lat": 31.2304,
        "lng": 121.4737,
        "coordinate_system": "wgs84",
    }


def test_the_owner_sees_everything_they_gave(client, poster, create):
    _, headers = poster()
    post_id = create(headers, offer_body()).json["id"]
    response = client.get(f"{POSTS}/{post_id}", headers=headers)
    assert response.json["is_own"] is True
    assert set(response.json) >= OWNER_ONLY
    assert response.json["contact_phone"] == "13912345678"
    assert response.json["address_hint"] == "人民广场地铁站 1 号口"
    assert response.json["location"] == {
        "lat": 31.2304,
        "lng": 121.4737,
        "coordinate_system": "wgs84",
    }


def test_a_reader_who_gives_a_point_sees_a_rounded_distance(client, poster, create):
    _, headers = poster()
    post_id = create(headers, offer_body()).json["id"]
    far = client.get(f"{POSTS}/{post_id}", query_string={"lat": 31.2504, "lng": 121.4737}).json
    assert far["distance"]["metres"] % 100 == 0
    assert far["distance"]["nearby"] is False
    near = client.get(f"{POSTS}/{post_id}", query_string={"lat": 31.2305, "lng": 121.4737}).json
    assert near["distance"] == {"metres": None, "nearby": True, "text": "< 500 米"}
    assert "distance" not in client.get(f"{POSTS}/{post_id}").json


def test_a_gcj02_location_is_stored_as_its_wgs84_point(create, poster, db_session):
    _, headers = poster()
    given = {"lat": SHANGHAI_GCJ02.lat, "lng": SHANGHAI_GCJ02.lon, "coordinate_system": "gcj02"}
    response = create(headers, need_body(location=given))
    assert response.status_code == 201, response.json
    db_session.expire_all()
    shape = to_shape(db_session.get(Post, response.json["id"]).location)
    stored = LonLat(shape.x, shape.y)
    assert stored == to_wgs84(SHANGHAI_GCJ02, GCJ02)
    assert great_circle_metres(stored, SHANGHAI_WGS84) < 1.0
    # Stored as given it would be the GCJ-02 point, some 500 m off.
    assert great_circle_metres(stored, SHANGHAI_GCJ02) > 400
    # The answer speaks the system the poster used.
    assert response.json["location"] == {
        "lat": round(SHANGHAI_GCJ02.lat, 6),
        "lng": round(SHANGHAI_GCJ02.lon, 6),
        "coordinate_system": "gcj02",
    }


def test_the_owners_view_answers_in_the_coordinate_system_asked(client, create, poster):
    _, headers = poster()
    given = {"lat": SHANGHAI_WGS84.lat, "lng": SHANGHAI_WGS84.lon}
    post_id = create(headers, need_body(location=given)).json["id"]
    url = f"{POSTS}/{post_id}"
    gcj = client.get(url, headers=headers, query_string={"coordinate_system": "gcj02"}).json
    assert gcj["location"]["coordinate_system"] == "gcj02"
    assert (gcj["location"]["lng"], gcj["location"]["lat"]) == pytest.approx(
        (SHANGHAI_GCJ02.lon, SHANGHAI_GCJ02.lat), abs=1e-6
    )
    wgs = client.get(url, headers=headers).json
    assert (wgs["location"]["lng"], wgs["location"]["lat"]) == pytest.approx(
        (SHANGHAI_WGS84.lon, SHANGHAI_WGS84.lat), abs=1e-6
    )
    # The public point moves with the system too: it is the same cell centre.
    public = wgs["approximate_location"]
    shifted = from_wgs84(LonLat(public["lng"], public["lat"]), GCJ02)
    assert (gcj["approximate_location"]["lng"], gcj["approximate_location"]["lat"]) == (
        pytest.approx((shifted.lon, shifted.lat), abs=2e-6)
    )


# The privacy scan: posts with distinct numbers and spots, then every public answer read.
# Each spot is a WGS 84 point and the system the poster sends it in. The spots are picked so
# that their grid cells' centres (which the square shows) share no four decimals with them.
SCANNED_POSTS = [
    (need_body, "13511112222", LonLat(121.481234, 31.233456), "wgs84", "急需，电话 13511112222"),
    (offer_body, "+86 136-2222-3333", LonLat(121.490321, 31.228765), "gcj02", "有两盒"),
    (offer_body, "18733334444", LonLat(121.465432, 31.221098), "wgs84", "联系 139 4444 5555"),
    (need_body, "15955556666", LonLat(121.503456, 31.242345), "gcj02", "我在 31.242345,121.503456"),
]
IBUPROFEN_NEED = {"medicine": "ibuprofen", "quantity": 4, "unit": "tablet"}
ANY_MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)")


def exact_strings(point: LonLat) -> set[str]:
    """The point's degrees to four decimals (cut and rounded), in WGS 84 and GCJ-02."""
    found = set()
    for shown in (point, from_wgs84(point, GCJ02)):
        for value in (shown.lat, shown.lon):
            found.add(f"{value:.4f}")
            found.add(f"{int(value * 10_000) / 10_000:.4f}")
    return found


def sent_location(point: LonLat, system: str) -> dict:
    shown = from_wgs84(point, system)
    return {"lat": shown.lat, "lng": shown.lon, "coordinate_system": system}


@pytest.fixture
def scanned(client, poster, create):
    """The posts above, each by its own user; returns [(post id, owner headers)]."""
    made = []
    for body, phone, point, system, note in SCANNED_POSTS:
        _, headers = poster()
        # Needs of ibuprofen, which the offers have: each post has matches to scan.
        items = {"items": [IBUPROFEN_NEED]} if body is need_body else {}
        response = create(
            headers,
            body(
                **items,
                contact_phone=phone,
                location=sent_location(point, system),
                note=note,
                address_hint="3 号楼 1201",
            ),
        )
        assert response.status_code == 201, response.json
        made.append((response.json["id"], headers))
    return made


def square_answers(client) -> list:
    point = {"lat": 31.23, "lng": 121.48}
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[121.40, 31.18], [121.56, 31.18], [121.56, 31.28], [121.40, 31.28], [121.40, 31.18]]
        ],
    }
    queries = [
        {},
        {"sort": "time"},
        point,
        {**point, "sort": "time"},
        {**point, "coordinate_system": "gcj02"},
        {"kind": "need"},
        {**point, "kind": "offer"},
        {"medicine": "ibuprofen,antigen-test"},
        {**point, "medicine": "ibuprofen"},
        {"group": "fever"},
        {"urgency": "elderly"},
        {**point, "radius_m": 5000},
        {"bbox": "121.40,31.18,121.56,31.28"},
        {"polygon": json.dumps(polygon)},
    ]
    answers = []
    for query in queries:
        page = client.get(POSTS, query_string={**query, "limit": 2})
        assert page.status_code == 200, (query, page.json)
        answers.append(page)
        while page.json["next_cursor"]:
            page = client.get(
                POSTS, query_string={**query, "limit": 2, "cursor": page.json["next_cursor"]}
            )
            answers.append(page)
    answers.append(client.post(f"{POSTS}/search", json={**point, "polygon": polygon}))
    return answers


def test_no_public_answer_or_log_line_holds_a_number_or_an_exact_spot(
    log_records, client, poster, scanned
):
    # log_records comes first, so the log of the creates is read too.
    _, stranger = poster()
    answers = square_answers(client)
    for post_id, owner in scanned:
        url = f"{POSTS}/{post_id}"
        answers += [
            client.get(url),
            client.get(url, headers=stranger),
            client.get(url, query_string={"lat": 31.23, "lng": 121.48}),
            client.get(url, query_string={"coordinate_system": "gcj02"}),
            client.get(f"{url}/matches", headers=owner),
            client.get(
                f"{url}/matches", headers=owner, query_string={"coordinate_system": "gcj02"}
            ),
        ]
    assert all(answer.status_code == 200 for answer in answers)
    # The scan reads what it should: every post on the square, and matches found.
    listed = {post["id"] for post in client.get(POSTS).json["posts"]}
    assert listed == {post_id for post_id, _ in scanned}
    assert any(answer.json for answer in answers if answer.request.path.endswith("/matches"))

    lines = log_records()
    assert [line["status"] for line in lines if line.get("method") == "POST"][:4] == [201] * 4
    texts = [answer.get_data(as_text=True) for answer in answers]
    texts += [json.dumps(line, ensure_ascii=False) for line in lines]
    forbidden = set()
    for _, phone, point, _, _ in SCANNED_POSTS:
        forbidden.add(re.sub(r"\D", "", phone)[-11:])
        forbidden |= exact_strings(point)
    for text in texts:
        assert not ANY_MOBILE.search(text), text
        assert not [string for string in forbidden if string in text], text
        assert "3 号楼" not in text
