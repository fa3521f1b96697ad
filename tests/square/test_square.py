"""The square as readers use it: order, filters, areas, paging, and what it says about distance."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from geo.coordinates import GCJ02, from_wgs84
from geo.points import LonLat
from geo.privacy import snap_to_grid
from tests.factories import make_post

SQUARE = "/api/v1/posts"
SHANGHAI = LonLat(121.4737, 31.2304)
BEIJING = LonLat(116.4074, 39.9042)


@pytest.fixture
def someone(db_session, catalog):
    user = User()
    db_session.add(user)
    db_session.flush()
    return user


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [post["id"] for post in response.get_json()["posts"]]


def pages(client, params: dict):
    """The square's answers for params, one page after another, following next_cursor."""
    cursor = None
    while True:
        answer = client.get(
            SQUARE, query_string={**params, **({"cursor": cursor} if cursor else {})}
        )
        yield answer
        cursor = answer.get_json()["next_cursor"]
        if cursor is None:
            return


def near(point: LonLat, **params) -> dict:
    return {"lat": point.lat, "lng": point.lon, **params}


def test_nearest_first_ranks_by_ground_distance_in_every_direction(client, someone):
    # Beijing: a degree of longitude is 0.77 of a degree of latitude. From a cell centre, the
    # cell 1 km east is 1,001 m away and the one 1 km north 1,020 m, but by degrees the north
    # one (0.0093) looks nearer than the east one (0.0117).
    centre = snap_to_grid(BEIJING, 500)
    north = make_post(someone, at=centre.offset(0, 1000))
    east = make_post(someone, at=centre.offset(1000, 0))
    far_west = make_post(someone, at=centre.offset(-4000, 0))
    answer = client.get(SQUARE, query_string=near(centre))
    assert ids(answer) == [east.id, north.id, far_west.id]
    distances = [post["distance"]["metres"] for post in answer.get_json()["posts"]]
    assert distances == sorted(distances)


def test_distances_are_rounded_and_nearby_is_said_below_500_m(client, someone):
    make_post(someone, at=SHANGHAI.offset(100, 0))
    make_post(someone, at=SHANGHAI.offset(0, 3260))
    posts = client.get(
        SQUARE, query_string=near(SHANGHAI), headers={"Accept-Language": "en"}
    ).get_json()["posts"]
    assert posts[0]["distance"] == {"metres": None, "nearby": True, "text": "< 500 m"}
    assert posts[1]["distance"]["metres"] % 100 == 0
    assert abs(posts[1]["distance"]["metres"] - 3260) <= 400  # the cell moves it at most 354 m
    assert posts[1]["distance"]["text"] == f"{posts[1]['distance']['metres'] / 1000:.1f} km"


def test_far_distances_are_told_in_whole_kilometres(client, someone):
    make_post(someone, at=SHANGHAI.offset(0, 23_450))
    shown = client.get(SQUARE, query_string=near(SHANGHAI)).get_json()["posts"][0]["distance"]
    assert shown["text"] == f"{round(shown['metres'] / 1000)} 公里"


def test_distances_across_china_are_measured_over_the_globe(client, someone, db_session):
    chengdu, harbin = LonLat(104.0665, 30.5723), LonLat(126.6424, 45.7567)
    make_post(someone, at=harbin)
    shown = client.get(SQUARE, query_string=near(chengdu)).get_json()["posts"][0]["distance"]
    true_metres = db_session.scalar(
        select(
            func.ST_Distance(
                func.ST_GeogFromText(chengdu.to_ewkt()), func.ST_GeogFromText(harbin.to_ewkt())
            )
        )
    )
    assert shown["metres"] == pytest.approx(true_metres, rel=0.01)


def test_the_point_shown_is_the_grid_cell_not_the_spot(client, someone):
    spot = SHANGHAI.offset(123, 77)
    make_post(someone, at=spot)
    shown = client.get(SQUARE, query_string=near(SHANGHAI)).get_json()["posts"][0]
    place = shown["approximate_location"]
    assert (place["lat"], place["lng"]) != (round(spot.lat, 6), round(spot.lon, 6))
    assert abs(place["lat"] - spot.lat) < 0.005 and abs(place["lng"] - spot.lon) < 0.005


def test_moving_the_asking_point_cannot_pin_a_poster_below_the_cell(client, someone):
    spot = SHANGHAI.offset(2000, 1000)
    make_post(someone, at=spot)
    seen = set()
    for east in range(-3000, 3001, 250):
        asker = SHANGHAI.offset(east, 0)
        post = client.get(SQUARE, query_string=near(asker)).get_json()["posts"][0]
        seen.add((post["approximate_location"]["lat"], post["approximate_location"]["lng"]))
    assert len(seen) == 1


def test_a_gcj02_asking_point_is_converted_and_answers_come_back_in_gcj02(client, someone):
    make_post(someone, at=SHANGHAI.offset(800, 0))
    near_post = make_post(someone, at=SHANGHAI)
    gcj = from_wgs84(SHANGHAI, GCJ02)
    answer = client.get(SQUARE, query_string=near(gcj, coordinate_system="gcj02"))
    posts = answer.get_json()["posts"]
    assert posts[0]["id"] == near_post.id
    assert posts[0]["distance"]["nearby"] is True
    place = posts[0]["approximate_location"]
    assert place["coordinate_system"] == "gcj02"
    assert abs(place["lat"] - gcj.lat) < 0.005 and abs(place["lng"] - gcj.lon) < 0.005


def test_only_open_unexpired_posts_are_on_the_square(client, someone):
    shown = make_post(someone)
    make_post(someone, status="resolved")
    make_post(someone, status="withdrawn")
    past = datetime.now(UTC) - timedelta(days=10)
    make_post(someone, created_at=past, expires_at=past + timedelta(days=3))
    assert ids(client.get(SQUARE, query_string=near(SHANGHAI))) == [shown.id]
    assert ids(client.get(SQUARE, query_string={"sort": "time"})) == [shown.id]


def test_newest_first_is_the_default_without_a_point(client, someone):
    now = datetime.now(UTC)
    old = make_post(someone, created_at=now - timedelta(hours=5))
    new = make_post(someone, created_at=now - timedelta(hours=1))
    answer = client.get(SQUARE)
    assert ids(answer) == [new.id, old.id]
    assert answer.get_json()["sort"] == "time"
    assert "distance" not in answer.get_json()["posts"][0]


def test_filters_by_kind_medicine_group_and_urgency(client, someone):
    offer = make_post(someone, kind="offer", medicines=("ibuprofen", "loratadine"))
    need = make_post(someone, kind="need", medicines=("antigen-test",), urgency=("infant",))
    other_need = make_post(someone, kind="need", medicines=("ibuprofen",))
    point = near(SHANGHAI)
    assert set(ids(client.get(SQUARE, query_string={**point, "kind": "need"}))) == {
        need.id,
        other_need.id,
    }
    by_medicine = client.get(SQUARE, query_string={**point, "medicine": "loratadine"})
    assert ids(by_medicine) == [offer.id]
    either = client.get(SQUARE, query_string={**point, "medicine": "loratadine,antigen-test"})
    assert set(ids(either)) == {offer.id, need.id}
    one_each = client.get(SQUARE, query_string={**point, "medicine": "ibuprofen,loratadine"})
    assert sorted(ids(one_each)) == sorted({offer.id, other_need.id})
    by_group = client.get(SQUARE, query_string={**point, "group": "testing"})
    assert ids(by_group) == [need.id]
    urgent = client.get(SQUARE, query_string={**point, "urgency": "infant,elderly"})
    assert ids(urgent) == [need.id]
    urgent_medicine = client.get(
        SQUARE, query_string={**point, "urgency": "infant", "medicine": "antigen-test"}
    )
    assert ids(urgent_medicine) == [need.id]


def test_areas_narrow_the_square(client, someone):
    inside = make_post(someone, at=SHANGHAI.offset(1000, 0))
    outside = make_post(someone, at=SHANGHAI.offset(9000, 0))
    point = near(SHANGHAI)
    assert ids(client.get(SQUARE, query_string={**point, "radius_m": 3000})) == [inside.id]
    assert ids(client.get(SQUARE, query_string={**point, "radius_m": 12_000})) == [
        inside.id,
        outside.id,
    ]
    box, polygon = areas_around_shanghai()
    assert ids(client.get(SQUARE, query_string={**point, "bbox": box})) == [inside.id]
    answer = client.get(SQUARE, query_string={**point, "polygon": json.dumps(polygon)})
    assert ids(answer) == [inside.id]
    searched = client.post(f"{SQUARE}/search", json={**point, "polygon": polygon, "kind": "offer"})
    assert ids(searched) == [inside.id]
    assert ids(client.get(SQUARE, query_string={"sort": "time", "bbox": box})) == [inside.id]


def areas_around_shanghai() -> tuple[str, dict]:
    """A bbox and a GeoJSON triangle, each reaching 3 km from People's Square."""
    south_west, north_east = SHANGHAI.offset(-3000, -3000), SHANGHAI.offset(3000, 3000)
    box = f"{south_west.lon},{south_west.lat},{north_east.lon},{north_east.lat}"
    ring = [SHANGHAI.offset(e, n) for e, n in [(-3000, -3000), (3000, -3000), (0, 3000)]]
    polygon = {"type": "Polygon", "coordinates": [[[p.lon, p.lat] for p in [*ring, ring[0]]]]}
    return box, polygon


def test_areas_narrow_one_medicines_square_as_they_narrow_the_whole(client, someone):
    # A medicine's nearest first reads its own band of the item index (app/posts/models.py,
    # MEDICINE_BAND_METRES): each area is shifted into that band with it.
    inside = make_post(someone, at=SHANGHAI.offset(1000, 0))
    make_post(someone, at=SHANGHAI.offset(9000, 0))
    make_post(someone, at=SHANGHAI.offset(500, 0), medicines=("loratadine",))
    point = {**near(SHANGHAI), "medicine": "ibuprofen"}
    box, polygon = areas_around_shanghai()
    for area in ({"radius_m": 3000}, {"bbox": box}, {"polygon": json.dumps(polygon)}):
        assert ids(client.get(SQUARE, query_string={**point, **area})) == [inside.id], area
    body = {**point, "medicine": ["ibuprofen"], "polygon": polygon, "kind": "offer"}
    assert ids(client.post(f"{SQUARE}/search", json=body)) == [inside.id]


def test_a_district_narrows_the_square_to_its_posts_and_names_them(client, someone):
    bund = make_post(someone, at=SHANGHAI)  # People's Square, 黄浦区 310101
    lujiazui = make_post(someone, at=LonLat(121.5440, 31.2210))  # Century Park, 浦东新区 310115
    make_post(someone, at=LonLat(114.0553, 22.5217))  # 福田区 440304
    point = near(SHANGHAI)
    huangpu = client.get(SQUARE, query_string={**point, "district": "310101"})
    assert ids(huangpu) == [bund.id]
    assert huangpu.get_json()["posts"][0]["area_name"] == "黄浦区"
    assert set(ids(client.get(SQUARE, query_string={**point, "district": "310000"}))) == {
        bund.id,
        lujiazui.id,
    }
    timed = client.get(SQUARE, query_string={"sort": "time", "district": "310115"})
    assert ids(timed) == [lujiazui.id]
    medicine = client.get(
        SQUARE, query_string={**point, "district": "310115", "medicine": "ibuprofen"}
    )
    assert ids(medicine) == [lujiazui.id]
    unknown = client.get(SQUARE, query_string={**point, "district": "310199"})
    assert unknown.status_code == 422
    assert list(unknown.get_json()["errors"]) == ["district"]


@pytest.mark.parametrize("sort", ["distance", "time"])
def test_paging_has_no_duplicates_or_gaps_while_posts_are_added(client, someone, sort):
    rng_offsets = [(i * 137 % 5000 - 2500, i * 89 % 5000 - 2500) for i in range(23)]
    base = datetime.now(UTC) - timedelta(hours=10)
    posts = [
        make_post(someone, at=SHANGHAI.offset(e, n), created_at=base + timedelta(minutes=i))
        for i, (e, n) in enumerate(rng_offsets)
    ]
    # Several posts share one grid cell: their order must still be total.
    posts += [
        make_post(someone, at=SHANGHAI.offset(1, 1), created_at=base + timedelta(minutes=40))
        for _ in range(4)
    ]
    params = {**near(SHANGHAI), "sort": sort, "limit": 5}
    seen: list[int] = []
    added = 0
    for answer in pages(client, params):
        seen += ids(answer)
        if answer.get_json()["next_cursor"] is None:
            break
        # A newcomer nearest to the reader and newest of all: it belongs before every page
        # already read, so it must not push anything twice onto a later page.
        make_post(someone, at=SHANGHAI, created_at=datetime.now(UTC))
        added += 1
    assert len(seen) == len(set(seen))
    assert set(seen) == {post.id for post in posts}
    assert added > 0


def test_paging_stops_at_the_documented_depth(app, client, someone):
    for i in range(7):
        make_post(someone, at=SHANGHAI.offset(i * 100, 0))
    depth = app.config["SQUARE_MAX_DEPTH"]
    app.config["SQUARE_MAX_DEPTH"] = 4
    try:
        first = client.get(SQUARE, query_string={**near(SHANGHAI), "limit": 3}).get_json()
        second = client.get(
            SQUARE, query_string={**near(SHANGHAI), "limit": 3, "cursor": first["next_cursor"]}
        ).get_json()
    finally:
        app.config["SQUARE_MAX_DEPTH"] = depth
    assert len(first["posts"]) == 3 and len(second["posts"]) == 1
    assert second["next_cursor"] is None


def test_a_cursor_works_only_for_its_own_query(client, someone):
    for i in range(3):
        make_post(someone, at=SHANGHAI.offset(i * 700, 0))
    first = client.get(SQUARE, query_string={**near(SHANGHAI), "limit": 1}).get_json()
    other = client.get(
        SQUARE, query_string={**near(BEIJING), "limit": 1, "cursor": first["next_cursor"]}
    )
    forged = client.get(
        SQUARE, query_string={**near(SHANGHAI), "cursor": first["next_cursor"][:-3] + "abc"}
    )
    assert other.get_json()["errors"]["cursor"] == ["这个游标属于另一个查询，请从第一页开始。"]
    for answer in (other, forged):
        assert answer.status_code == 422
        assert answer.get_json()["code"] == "cursor_invalid"
        assert list(answer.get_json()["errors"]) == ["cursor"]
    # A different page size is the same query.
    same = client.get(
        SQUARE, query_string={**near(SHANGHAI), "limit": 2, "cursor": first["next_cursor"]}
    )
    assert same.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "distance"}, "sort"),
        ({"lat": 31.2}, "lng"),
        ({"lat": 91, "lng": 121}, "lat"),
        ({"radius_m": 1000}, "radius_m"),
        ({**near(SHANGHAI), "radius_m": 50_001}, "radius_m"),
        ({**near(SHANGHAI), "radius_m": 1000, "bbox": "121,31,122,32"}, "bbox"),
        ({"bbox": "121,31,122"}, "bbox"),
        ({"bbox": "122,31,121,32"}, "bbox"),
        ({"polygon": "{not json"}, "polygon"),
        ({"polygon": json.dumps({"type": "Point", "coordinates": [121, 31]})}, "polygon"),
        (
            {
                "polygon": json.dumps(
                    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
                )
            },
            "polygon",
        ),
        ({"kind": "swap"}, "kind"),
        ({"urgency": "teen"}, "urgency.0"),
        ({"medicine": "oxycodone"}, "medicine"),
        ({"group": "surgery"}, "group"),
        ({"limit": 51}, "limit"),
        ({"district": "31010"}, "district"),
        ({**near(SHANGHAI), "radius_m": 1000, "district": "310101"}, "district"),
        ({"limit": 0}, "limit"),
        ({"coordinate_system": "bd09"}, "coordinate_system"),
    ],
)
def test_bad_square_questions_name_the_field(client, catalog, params, field):
    answer = client.get(SQUARE, query_string=params)
    assert answer.status_code == 422, answer.get_json()
    assert answer.content_type == "application/problem+json"
    assert field in answer.get_json()["errors"]


def test_polygons_of_more_than_500_vertices_are_refused(client, catalog):
    ring = [SHANGHAI.offset(1000 * (i % 2), 10 * i) for i in range(501)]
    ring = [SHANGHAI.offset(-1000, 0), *ring, SHANGHAI.offset(-1000, 5020)]
    polygon = {"type": "Polygon", "coordinates": [[[p.lon, p.lat] for p in [*ring, ring[0]]]]}
    answer = client.post(f"{SQUARE}/search", json={"polygon": polygon})
    assert answer.status_code == 422
    assert "500" in answer.get_json()["errors"]["polygon"][0]


def test_the_square_needs_no_sign_in_but_a_bad_token_is_refused(client, someone):
    make_post(someone)
    assert client.get(SQUARE).status_code == 200
    refused = client.get(SQUARE + "/1", headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401


def test_newest_first_inside_an_area_pages_through_its_posts_newest_first(client, someone):
    # Newest first inside an area is a KNN on created_at (ix_posts_open_kind_position_created),
    # not the btree: the pages must still come out in (created_at, id) order, without gaps.
    base = datetime.now(UTC) - timedelta(hours=10)
    inside = [
        make_post(
            someone,
            at=SHANGHAI.offset(i * 97 % 3000, i * 61 % 3000),
            created_at=base + timedelta(minutes=i * 7 % 31),
        )
        for i in range(17)
    ]
    make_post(someone, at=SHANGHAI.offset(30_000, 0), created_at=base)  # outside the radius
    params = {**near(SHANGHAI), "sort": "time", "radius_m": 5000, "limit": 4}
    seen = [post_id for answer in pages(client, params) for post_id in ids(answer)]
    newest_first = sorted(inside, key=lambda post: (post.created_at, post.id), reverse=True)
    assert seen == [post.id for post in newest_first]
