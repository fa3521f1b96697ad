"""The square's fast query-string path (app/square/fast_args.py) loads exactly what
SquareQuerySchema loads through webargs, and leaves everything it is unsure of to the schema."""

import pytest
from werkzeug.datastructures import MultiDict

from app.posts.routes import bp
from app.square.fast_args import square_args
from app.square.schemas import SquareQuerySchema

PLAIN = (
    "",
    "lat=31.2304&lng=121.4737",
    "lat=-90&lng=180&coordinate_system=gcj02",
    "lat=22.5&lng=114.05&sort=time&kind=need&medicine=antigen-test,ibuprofen",
    "lat=22.5&lng=114.05&urgency=infant,elderly&limit=50&radius_m=50000",
    "sort=time&group=fever&kind=offer&limit=1",
    "district=440305&sort=time",
    "lat=01.50&lng=-0&cursor=abc.def-ghi_1",
)
# Each is left to the schema: what it accepts the fast path might read differently, and what
# it refuses needs its 422 naming the field.
UNSURE = (
    "lat=1e1&lng=2",
    "lat=nan&lng=2",
    "lat=91&lng=2",
    "lat=31.2",
    "sort=distance",
    "lat=1&lng=2&lat=3",
    "limit=0",
    "limit=51",
    "limit=007",
    "radius_m=50001&lat=1&lng=2",
    "medicine=a,,b",
    "medicine=" + ",".join(["x"] * 11),
    "group=",
    "urgency=infant,bored",
    "district=440305%0A",
    "bbox=121.40,31.18,121.55,31.28",
    "district=440305&radius_m=10&lat=1&lng=2",
    "kind=needs",
    "unknown=1",
)


def _schema_answer(app, query: str):
    with app.test_request_context(f"/api/v1/posts?{query}"):
        return bp.ARGUMENTS_PARSER.parse(SquareQuerySchema(), location="query")


def _multidict(app, query: str) -> MultiDict:
    with app.test_request_context(f"/api/v1/posts?{query}") as context:
        return context.request.args


@pytest.mark.parametrize("query", PLAIN)
def test_plain_queries_load_on_the_fast_path_exactly_as_the_schema_loads_them(app, query):
    fast = square_args(_multidict(app, query))
    assert fast is not None
    assert fast == _schema_answer(app, query)
    schema_types = {key: type(value) for key, value in _schema_answer(app, query).items()}
    assert {key: type(value) for key, value in fast.items()} == schema_types


@pytest.mark.parametrize("query", UNSURE)
def test_unusual_or_invalid_queries_are_left_to_the_schema(app, query):
    assert square_args(_multidict(app, query)) is None


def test_a_refused_query_still_gets_the_schemas_422_naming_the_field(client):
    response = client.get("/api/v1/posts?lat=31.2&lng=121.4&limit=51")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "limit" in response.get_data(as_text=True)
