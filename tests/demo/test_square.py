"""The demo square looks alive wherever in mainland China a user opens it."""

from datetime import UTC, datetime, timedelta

import pytest

from app.demo import DEFAULT_POSTS
from app.demo.seed import seed_demo_posts
from geo.cities import busiest_cities, cities
from geo.coordinates import GCJ02, from_wgs84

POSTS = "/api/v1/posts"
# The first poster of a city lives within 700 m along each axis of its seat, and the square
# shows a post at its ~500 m cell's centre: at most 1.4 km away.
NEAR_SEAT_M = 1400


@pytest.fixture
def seeded(catalog):
    """What `make run` seeds."""
    seed_demo_posts(DEFAULT_POSTS, seed=2022)


def square_at(client, city, **args):
    """The square as the mini program asks for it at the city's seat, in GCJ-02."""
    seat = from_wgs84(city.center, GCJ02)
    response = client.get(
        POSTS,
        query_string={"lat": seat.lat, "lng": seat.lon, "coordinate_system": GCJ02, **args},
    )
    assert response.status_code == 200, response.json
    return response.json["posts"]


def shown_metres(post) -> int:
    return 0 if post["distance"]["nearby"] else post["distance"]["metres"]


@pytest.mark.usefixtures("seeded")
def test_every_city_has_an_open_post_near_its_seat(client):
    for city in cities():
        nearest = square_at(client, city, limit=1)
        assert nearest, city.name_zh
        assert nearest[0]["status"] == "open"
        assert shown_metres(nearest[0]) <= NEAR_SEAT_M, city.name_zh


@pytest.mark.usefixtures("seeded")
def test_a_busy_city_fills_the_first_page_with_posts_within_a_few_kilometres(client):
    for city in busiest_cities():
        page = square_at(client, city, limit=20)
        assert len(page) == 20
        assert max(shown_metres(post) for post in page) <= 8000, city.name_zh
        assert {post["kind"] for post in page} == {"need", "offer"}


def test_the_newest_posts_anywhere_are_from_the_last_hours(client, catalog):
    seed_demo_posts(1000, seed=2022)
    response = client.get(POSTS, query_string={"sort": "time", "limit": 20})
    newest = [datetime.fromisoformat(post["created_at"]) for post in response.json["posts"]]
    assert len(newest) == 20
    assert min(newest) > datetime.now(UTC) - timedelta(hours=3)


def test_medicine_and_kind_filters_find_posts_in_a_capital(client, catalog):
    seed_demo_posts(1000, seed=2022)
    chengdu = next(city for city in cities() if city.name_zh == "成都市")
    offers = square_at(client, chengdu, kind="offer", medicine="antigen-test,ibuprofen")
    assert offers
    for post in offers:
        assert post["kind"] == "offer"
        assert {"antigen-test", "ibuprofen"} & {item["medicine"]["code"] for item in post["items"]}
