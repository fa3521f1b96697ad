"""Pooled connections are pinged before use only after idling (app/db_pool.py)."""

from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db


def _pings_counted(engine) -> list:
    pings = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection):
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = counting_ping
    return pings


def test_a_connection_used_moments_ago_is_not_pinged_again():
    app = create_app("test", DATABASE_PING_AFTER_IDLE_SECONDS=60)
    with app.app_context():
        pings = _pings_counted(db.engine)
        for _ in range(3):
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        # Only the new connection's first checkout is checked.
        assert len(pings) == 1
        db.engine.dispose()


def test_a_connection_that_died_while_idle_is_replaced_before_a_request_sees_it():
    app = create_app("test", DATABASE_PING_AFTER_IDLE_SECONDS=0)
    with app.app_context():
        with db.engine.connect() as connection:
            dead_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        replaced = []
        event.listen(db.engine, "connect", lambda *_: replaced.append(True))
        outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        with outside.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead_pid})
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != dead_pid
        assert replaced
        db.engine.dispose()


def test_the_apps_connections_never_jit_compile_a_plan(db_session):
    # The square's KNN plans carry the whole walk's cost, past jit_above_cost: compiling them
    # cost 130 ms of a 6 ms query at 1M posts (config.py's engine options).
    assert db_session.execute(text("SHOW jit")).scalar() == "off"
