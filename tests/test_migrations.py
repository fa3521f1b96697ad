"""Migrations build the whole schema from nothing, tear it down again, and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db
from app.migration_options import context_options

ROLE_POWERS = (
    "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
)
# Every table the models define: all of them must go on downgrade and come back on upgrade.
OUR_TABLES = set(db.metadata.tables)


@pytest.fixture(scope="module")
def migration_app(app):
    """An app whose owner connection points at the database kept empty for this test."""
    url = app.config["MIGRATION_TEST_DATABASE_URL"]
    return create_app("test", DATABASE_OWNER_URL=url, SQLALCHEMY_DATABASE_URI=url)


def public_tables(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names()), {
                row.indexname
                for row in connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
                )
            }
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head_and_back_to_base(migration_app):
    url = migration_app.config["DATABASE_OWNER_URL"]
    with migration_app.app_context():
        downgrade(revision="base")
        tables, _ = public_tables(url)
        assert not tables & OUR_TABLES

        upgrade()
        tables, indexes = public_tables(url)
        assert tables >= OUR_TABLES | {"alembic_version"}
        assert {
            "ix_posts_open_kind_position_created",
            "ix_post_items_open_kind_medicine_band",
        } <= indexes
        ready = migration_app.test_client().get("/readyz").get_json()
        assert ready["checks"]["migrations"] is True

        downgrade(revision="base")
        tables, _ = public_tables(url)
        assert not tables & OUR_TABLES
        ready = migration_app.test_client().get("/readyz").get_json(force=True)
        assert ready["status"] == 503 and "migrations" in ready["detail"]


def test_models_and_migrations_do_not_drift(app):
    with app.app_context():
        engine = create_engine(app.config["DATABASE_OWNER_URL"])
        try:
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts=context_options())
                differences = compare_metadata(context, db.metadata)
        finally:
            engine.dispose()
    assert differences == []


def test_runtime_role_cannot_change_the_schema(db_session):
    with pytest.raises(Exception, match="permission denied"):
        db_session.execute(text("CREATE TABLE intruder (id int)"))
    db_session.rollback()
    with pytest.raises(Exception, match="must be owner"):
        db_session.execute(text("DROP TABLE posts"))


def test_neither_role_is_a_superuser_or_can_create_roles_or_databases(app, db_session):
    owner = create_engine(app.config["DATABASE_OWNER_URL"])
    try:
        with owner.connect() as connection:
            owner_row = connection.execute(text(ROLE_POWERS)).one()
    finally:
        owner.dispose()
    runtime_row = db_session.execute(text(ROLE_POWERS)).one()
    assert owner_row == runtime_row == (False, False, False)


def test_runtime_role_reads_and_writes_rows_of_every_table(db_session):
    for table in sorted(OUR_TABLES):
        allowed = db_session.execute(
            text(
                "SELECT has_table_privilege(current_user, :table,"
                " 'SELECT, INSERT, UPDATE, DELETE'),"
                " has_table_privilege(current_user, :table, 'TRUNCATE')"
            ),
            {"table": table},
        ).one()
        assert allowed == (True, False), table


def test_0015_moves_audit_entries_already_written_to_pseudonyms_and_back(migration_app):
    url = migration_app.config["DATABASE_OWNER_URL"]
    engine = create_engine(url)
    entries = "SELECT action, {actor} FROM moderation_audit ORDER BY id"
    try:
        with migration_app.app_context():
            downgrade(revision="base")
            upgrade(revision="0014")
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO users (id) VALUES (901), (902);"
                        " INSERT INTO moderation_audit (actor_kind, user_id, action) VALUES"
                        " ('user', 901, 'report'), ('user', 901, 'appeal'),"
                        " ('user', 902, 'report'), ('system', NULL, 'hold')"
                    )
                )
            upgrade()
            with engine.connect() as connection:
                moved = connection.execute(
                    text(
                        entries.format(
                            actor="(SELECT user_id FROM audit_pseudonyms"
                            " WHERE pseudonym = user_pseudonym)"
                        )
                    )
                ).all()
                pseudonyms = connection.execute(
                    text("SELECT count(DISTINCT user_pseudonym) FROM moderation_audit")
                ).scalar()
            downgrade(revision="0014")
            with engine.connect() as connection:
                back = connection.execute(text(entries.format(actor="user_id"))).all()
            downgrade(revision="base")
    finally:
        engine.dispose()
    expected = [("report", 901), ("appeal", 901), ("report", 902), ("hold", None)]
    assert [tuple(row) for row in moved] == expected
    assert pseudonyms == 2
    assert [tuple(row) for row in back] == expected
