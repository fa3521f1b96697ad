"""The square's read outside a transaction (app/sql_cache.py)."""

from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import text

from app.extensions import db
from app.sql_cache import _lone_read


def test_a_lone_read_opens_no_transaction_and_leaves_the_connection_as_it_found_it(app):
    with app.app_context(), db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        rows = _lone_read(connection, lambda: connection.execute(text("SELECT 1")).all())
        assert rows == [(1,)]
        assert raw.get_transaction_status() == TRANSACTION_STATUS_IDLE
        assert raw.autocommit is False
