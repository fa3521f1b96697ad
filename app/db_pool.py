"""Pooled connections are checked before use only when they have idled long enough to be stale.

pool_pre_ping sends SELECT 1 before every request's first statement: on the square, one round
trip in three, for connections used a few milliseconds earlier. A connection that idled past
DATABASE_PING_AFTER_IDLE_SECONDS (a database restart, a proxy's idle timeout) is still pinged,
and replaced if dead, before a request sees it. One that breaks within that window fails its
request, which SQLAlchemy then drops from the pool.
"""

import logging
import time

import orjson
from flask import Flask
from psycopg2.extras import register_default_json
from sqlalchemy import Engine, event, exc

from app.extensions import db

IDLE_SINCE = "medshare_idle_since"
log = logging.getLogger("medshare.db_pool")


def init_app(app: Flask) -> None:
    idle_seconds = app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
    with app.app_context():
        engine = db.engine

    def checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get(IDLE_SINCE)
        if idle_since is not None and time.monotonic() - idle_since < idle_seconds:
            return
        _ping(engine, dbapi_connection)

    def checkin(_dbapi_connection, record) -> None:
        record.info[IDLE_SINCE] = time.monotonic()

    # Registered after Flask-SQLAlchemy's, so it runs first (teardowns run last to first).
    app.teardown_appcontext(_close_session)
    event.listen(engine, "connect", _json_with_orjson)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


def _close_session(_error) -> None:
    """Close the request's session; a connection the server dropped after the answer was made
    (a restart) fails its rollback here, which would turn that answer into a 500. The pool
    has already invalidated it."""
    try:
        db.session.remove()
    except exc.DBAPIError as error:
        fields = {"event": "database.close_failed", "error": type(error.orig).__name__}
        log.warning("closing a session on a dropped connection failed", extra={"fields": fields})
        db.session.registry.clear()


def _ping(engine: Engine, dbapi_connection) -> None:
    try:
        engine.dialect.do_ping(dbapi_connection)
    except engine.dialect.loaded_dbapi.Error as error:
        # The pool retries the checkout with a new connection.
        raise exc.DisconnectionError() from error


def _json_with_orjson(dbapi_connection, _record) -> None:
    # The square's items arrive as json (json_agg), twenty arrays a page: orjson reads them
    # several times faster than the json module. jsonb columns keep psycopg2's default reader.
    register_default_json(dbapi_connection, loads=orjson.loads)
