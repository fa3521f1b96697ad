"""A database that is restarting, stopped or dropped a connection answers 503 with Retry-After,
never 500, and the next request after it is back is served (app/errors.py)."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db
from tests.test_errors import assert_problem

EN = {"Accept-Language": "en"}
# Any post id: the answer is 404 when the database answers.
A_POST = "/api/v1/posts/987654321"


def test_a_request_the_database_cannot_answer_gets_503_with_retry_after():
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://nobody:x@127.0.0.1:1/none",
        DATABASE_RETRY_AFTER_SECONDS=3,
    )
    response = app.test_client().get(A_POST, headers=EN)
    body = assert_problem(response, 503, "database_unavailable")
    assert response.headers["Retry-After"] == "3"
    assert "3 seconds" in body["detail"]
    with app.app_context():
        db.engine.dispose()


@pytest.mark.usefixtures("app")  # the test database, migrated
def test_a_connection_dropped_under_a_request_answers_503_and_the_next_request_is_served():
    # Used moments ago, the pooled connection is not pinged: the request itself finds it dead.
    app = create_app("test", DATABASE_PING_AFTER_IDLE_SECONDS=60)
    client = app.test_client()
    assert client.get(A_POST).status_code == 404
    with app.app_context():
        with db.engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        with outside.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        outside.dispose()

    response = client.get(A_POST, headers=EN)
    assert_problem(response, 503, "database_unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert client.get(A_POST).status_code == 404
    with app.app_context():
        db.engine.dispose()


@pytest.mark.usefixtures("app")
def test_an_answer_made_before_the_connection_dropped_is_not_turned_into_a_500():
    app = create_app("test")

    def answered_then_dropped():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        # The server goes away after the answer is made, before the session is closed.
        outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        with outside.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        outside.dispose()
        return {"answered": True}

    app.add_url_rule("/answered-then-dropped", view_func=answered_then_dropped)
    client = app.test_client()
    response = client.get("/answered-then-dropped")
    assert (response.status_code, response.json) == (200, {"answered": True})
    assert client.get(A_POST).status_code == 404
    with app.app_context():
        db.engine.dispose()
