"""The square's lean JSON writer (app/square/output.py) cannot drift from what the OpenAPI
document and PublicPostSchema say: for many varied posts, its answer validates against the
documented schema and equals marshmallow's dump of the same posts."""

import itertools

import pytest
from openapi_schema_validator import OAS30Validator

from app.auth.models import User
from app.posts.models import Post
from app.posts.public import write_note
from app.posts.schemas import PublicPostSchema
from app.posts.views import PostView, Reader
from geo.coordinates import GCJ02, WGS84, from_wgs84, to_wgs84
from geo.points import LonLat
from tests.factories import make_post

SQUARE = "/api/v1/posts"
SHANGHAI = LonLat(121.4737, 31.2304)
MEDICINE_SETS = (
    ("ibuprofen",),
    ("antigen-test", "acetaminophen"),
    ("acetaminophen", "ibuprofen", "antigen-test"),
)
NOTES = ("", "急需，谢谢", "电话 13912345678 微信 abc_def123", "3号楼2单元 1502室 north gate")
URGENCIES = ((), ("elderly",), ("infant", "pregnant"))
MODERATED_NOTE = "电话 *********** 微信 **********"


@pytest.fixture
def varied_posts(db_session, catalog):
    user = User()
    db_session.add(user)
    db_session.flush()
    combinations = itertools.product(("need", "offer"), MEDICINE_SETS, NOTES)
    posts = []
    for index, (kind, medicines, note) in enumerate(combinations):
        posts.append(
            make_post(
                user,
                kind=kind,
                medicines=medicines,
                note=note,
                urgency=URGENCIES[index % 3] if kind == "need" else (),
                # From beside the asker to 40 km away, every direction; some in the sea off
                # Shanghai, where no county claims them.
                at=SHANGHAI.offset((index % 7 - 3) * 5_000, (index % 5 - 2) * 9_000 + index),
            )
        )
    # A moderator's masking replaces the automatic one.
    write_note(posts[2], posts[2].note, hand_masked_note=MODERATED_NOTE)
    db_session.flush()
    # What the database holds, as the square reads it, not what this session was given.
    db_session.expire_all()
    return posts


def _resolved(schema: dict, document: dict) -> dict:
    """A schema with its #/components/... references replaced by what they point at."""
    if isinstance(schema, list):
        return [_resolved(part, document) for part in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = document
        for key in schema["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        return _resolved(target, document)
    return {key: _resolved(value, document) for key, value in schema.items()}


def _documented_page_schema(client) -> dict:
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"][SQUARE]["get"]["responses"]["200"]
    return _resolved(answer["content"]["application/json"]["schema"], document)


def _marshmallow_dump(app, db_session, post_ids, reader, language) -> list[dict]:
    posts = [db_session.get(Post, post_id) for post_id in post_ids]
    with app.test_request_context(headers={"Accept-Language": language}):
        return PublicPostSchema(many=True).dump([PostView(post, reader) for post in posts])


@pytest.mark.parametrize(
    ("system", "language", "sort"),
    [(WGS84, "zh-CN", "distance"), (GCJ02, "en", "distance"), (WGS84, "en", "time")],
)
def test_the_square_answers_exactly_what_its_schema_documents(
    app, client, db_session, varied_posts, system, language, sort
):
    asked = from_wgs84(SHANGHAI, system)
    params = {"lat": asked.lat, "lng": asked.lon, "coordinate_system": system}
    params |= {"sort": sort, "limit": 50}
    answer = client.get(SQUARE, query_string=params, headers={"Accept-Language": language})
    assert answer.status_code == 200
    page = answer.get_json()
    assert len(page["posts"]) == len(varied_posts)

    validator = OAS30Validator(_documented_page_schema(client))
    errors = [error.message for error in validator.iter_errors(page)]
    assert errors == []

    reader = Reader(to_wgs84(asked, system), system)
    ids = [post["id"] for post in page["posts"]]
    expected = _marshmallow_dump(app, db_session, ids, reader, language)
    assert page["posts"] == expected


def test_without_an_asking_point_no_distance_is_written(app, client, db_session, varied_posts):
    answer = client.get(SQUARE, query_string={"sort": "time"})
    posts = answer.get_json()["posts"]
    assert posts and all("distance" not in post for post in posts)
    ids = [post["id"] for post in posts]
    expected = _marshmallow_dump(app, db_session, ids, Reader(), "zh-CN")
    assert posts == expected


def test_the_square_shows_a_moderators_masking_instead_of_the_automatic_one(client, varied_posts):
    answer = client.get(SQUARE, query_string={"sort": "time", "limit": 50})
    notes = {post["id"]: post["note"] for post in answer.get_json()["posts"]}
    assert notes[varied_posts[2].id] == MODERATED_NOTE
    assert notes[varied_posts[6].id] != varied_posts[6].note
