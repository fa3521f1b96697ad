"""Few statements per request (issue 16) for the square, a post's page and a create, counted
with SQLAlchemy's events: every statement a request sends, the token's session check included.
Counting, not timing."""

import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.square import medicines as square_medicines
from tests.factories import make_post
from tests.posts.conftest import POSTS, offer_body

# The test's own transaction: each request's commit is a savepoint inside it here, where served
# it is a plain COMMIT (which SQLAlchemy sends without a cursor). Not the request's statements.
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
CREATE_MOST = 5
DETAIL_MOST = 2
SQUARE_MOST = 1
SALE_NOTE = "布洛芬 20 元一盒，出售"


@contextmanager
def statements():
    sent: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        if not statement.startswith(SAVEPOINTS):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _counted(request) -> tuple:
    with statements() as sent:
        response = request()
    return response, len(sent)


def test_a_square_page_is_one_statement(app, client, poster, monkeypatch):
    user, _ = poster()
    make_post(user)
    # The catalog's per-worker copy, loaded once as served (the suite's config reloads it on
    # every request so that tests see the catalog they write).
    monkeypatch.setitem(app.config, "SQUARE_CATALOG_SECONDS", 60)
    monkeypatch.setattr(square_medicines, "_snapshot", None)  # another test's catalog
    client.get(POSTS, query_string={"medicine": "ibuprofen"})
    # A district's envelope is read inside the page's statement, not by a lookup of its own.
    for query in (
        {"lat": 31.23, "lng": 121.47},
        {"sort": "time", "kind": "offer"},
        {"lat": 31.23, "lng": 121.47, "district": "310000"},
        {"sort": "time", "district": "310000", "medicine": "ibuprofen"},
    ):
        response, count = _counted(lambda query=query: client.get(POSTS, query_string=query))
        assert response.status_code == 200 and response.json["posts"]
        assert count <= SQUARE_MOST, query


@pytest.mark.parametrize("reader", ["nobody", "someone", "owner"])
def test_a_posts_page_is_at_most_two_statements(client, poster, db_session, reader):
    owner, owner_headers = poster()
    post_id = make_post(owner).id
    db_session.commit()
    headers = {"nobody": {}, "someone": poster()[1], "owner": owner_headers}[reader]
    response, count = _counted(lambda: client.get(f"{POSTS}/{post_id}", headers=headers))
    assert response.status_code == 200
    assert response.json["is_own"] == (reader == "owner")
    assert count <= DETAIL_MOST


@pytest.mark.parametrize(
    ("note", "status"), [("多买了一盒，送给需要的邻居", "open"), (SALE_NOTE, "held")]
)
def test_a_create_with_an_idempotency_key_is_at_most_five_statements(client, poster, note, status):
    _, headers = poster()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = offer_body(note=note)
    client.post(POSTS, json=offer_body(), headers=headers)  # the catalog's copy, loaded once
    response, count = _counted(lambda: client.post(POSTS, json=body, headers={**headers, **key}))
    assert (response.status_code, response.json["status"]) == (201, status)
    assert count <= CREATE_MOST
    replayed, count = _counted(lambda: client.post(POSTS, json=body, headers={**headers, **key}))
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == response.json
    assert count <= CREATE_MOST
