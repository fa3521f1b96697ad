"""SQL compiled once per query shape and run with each query's values.

Building a square page's SQLAlchemy statement and deriving its cache key cost more Python time
than PostgreSQL takes to answer it (measured in the commit that made this module), and a
create's insert of post, items and key even more. Such SQL depends only on its shape (sort,
which filters, how many medicines; how many items); its values travel as named bind
parameters. So each worker builds and compiles a shape once and then only sends values.
"""

from collections.abc import Callable, Hashable

from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import Connection, Executable, Row

from app.extensions import db

# Shapes are a handful of flags and a count of medicines (at most MAX_ITEMS_PER_POST): a few
# hundred at most, so the cache needs no eviction.


class ShapeCache:
    """Compiled SQL by shape, for one family of statements built with named bind parameters.

    Args:
        lone_read: a statement of the family may be a request's only one, and run outside a
            transaction when none is open (see _lone_read); False for locks and writes, which
            always run in the request's transaction.
    """

    def __init__(self, *, lone_read: bool = True):
        self._compiled: dict[Hashable, tuple[str, dict]] = {}
        self._read = _lone_read if lone_read else _in_transaction

    def rows(
        self, shape: Hashable | None, build: Callable[[], Executable], values: dict
    ) -> list[Row]:
        """The statement's rows on the session's connection.

        Args:
            shape: what the SQL depends on besides `values`; None runs `build()` uncached.
            build: makes the statement for this query, with `values` as named bind parameters.
            values: this query's bind parameters by name.

        Raises:
            RuntimeError: `build()` does not bind every name in `values` (a programming error).
        """
        connection = db.session.connection()
        if shape is None:
            return self._read(connection, lambda: connection.execute(build()).all())
        if shape not in self._compiled:
            self._compiled[shape] = self._compile(build(), connection, values)
        sql, constants = self._compiled[shape]
        return self._read(
            connection, lambda: connection.exec_driver_sql(sql, {**constants, **values}).all()
        )

    @staticmethod
    def _compile(statement: Executable, connection, values: dict) -> tuple[str, dict]:
        compiled = statement.compile(dialect=connection.dialect)
        unbound = values.keys() - compiled.params.keys()
        if unbound:
            raise RuntimeError(f"the statement binds no {sorted(unbound)}")
        # What is left are constants of the shape itself, such as status = 'open'.
        constants = {name: value for name, value in compiled.params.items() if name not in values}
        return str(compiled), constants


def _in_transaction(_connection: Connection, read: Callable[[], list[Row]]) -> list[Row]:
    return read()


def _lone_read(connection: Connection, read: Callable[[], list[Row]]) -> list[Row]:
    """Run a request's only statement outside a transaction when none is open yet.

    One statement sees one snapshot by itself. psycopg2 would send BEGIN before it and the pool
    ROLLBACK after it: two round trips of four, each a wait for a busy server (measured in the
    commit that made this). Inside an open transaction (a test's, or a request that wrote
    first) the read joins it as before.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.autocommit or (
        dbapi_connection.get_transaction_status() != TRANSACTION_STATUS_IDLE
    ):
        return read()
    dbapi_connection.autocommit = True
    try:
        return read()
    finally:
        # A connection the server dropped under the read cannot be set back (psycopg2 would
        # raise over the read's own error); the pool discards it.
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False
