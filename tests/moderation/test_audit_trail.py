"""The audit trail only grows: the database refuses to change or empty it, whoever asks; and each
read of an item's original note is in it."""

import pytest
from psycopg2 import errors as pg_errors
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from app.moderation.models import AuditEntry
from tests.moderation.items import SALE_NOTE, audit_entries, case_of

REWRITES = (
    "UPDATE moderation_audit SET reason = 'rewritten'",
    "DELETE FROM moderation_audit",
    "TRUNCATE moderation_audit",
)


def refusal(session_or_connection, statement: str) -> DBAPIError:
    """Run statement in a savepoint that the refusal rolls back; return the refusal."""
    with pytest.raises(DBAPIError) as refused, session_or_connection.begin_nested():
        session_or_connection.execute(text(statement))
    return refused.value


@pytest.mark.parametrize("statement", REWRITES)
def test_the_apps_role_is_refused_rewriting_the_audit_trail_by_its_privileges(
    db_session, moderator, held, statement
):
    post, _ = held()
    moderator.get(f"/cases/{case_of(post['id']).id}")
    entries = db_session.scalar(select(func.count()).select_from(AuditEntry))
    assert entries >= 2

    refused = refusal(db_session, statement)

    assert isinstance(refused.orig, pg_errors.InsufficientPrivilege)
    # The grant refused it, before any trigger could: the role simply lacks the privilege.
    assert "permission denied for table moderation_audit" in str(refused.orig)
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert db_session.scalar(select(func.count()).where(AuditEntry.reason == "rewritten")) == 0


def test_the_apps_role_may_append_to_the_audit_trail(db_session):
    db_session.execute(
        text("INSERT INTO moderation_audit (actor_kind, action) VALUES ('system', 'x')")
    )
    assert db_session.scalar(select(func.count()).where(AuditEntry.action == "x")) == 1


@pytest.mark.parametrize("statement", REWRITES)
def test_even_the_owner_role_is_refused_rewriting_the_audit_trail_by_the_trigger(app, statement):
    engine = create_engine(app.config["DATABASE_OWNER_URL"])
    try:
        # Never committed: closing the connection rolls the test's row back.
        with engine.connect() as owner:
            # TRUNCATE waits for every other transaction touching the table; fail, not hang.
            owner.execute(text("SET LOCAL lock_timeout = '5s'"))
            owner.execute(
                text(
                    "INSERT INTO moderation_audit (actor_kind, action, reason) "
                    "VALUES ('system', 'test.owner', 'as written')"
                )
            )
            refused = refusal(owner, statement)
            assert isinstance(refused.orig, pg_errors.InsufficientPrivilege)
            assert "moderation_audit is append-only" in str(refused.orig)
            kept = owner.scalar(
                text("SELECT reason FROM moderation_audit WHERE action = 'test.owner'")
            )
            assert kept == "as written"
    finally:
        engine.dispose()


def test_each_read_of_an_item_is_audited_as_a_view_of_the_original(moderator, held):
    post, _ = held(SALE_NOTE)
    case_id = case_of(post["id"]).id
    for _ in range(2):
        read = moderator.get(f"/cases/{case_id}")
        assert read.status_code == 200, read.get_json()
        assert read.get_json()["original_note"] == SALE_NOTE
    views = audit_entries(case_id, "view_original")
    assert len(views) == 2
    assert {(entry.staff.username, entry.post_id) for entry in views} == {("mod.zhao", post["id"])}
    trail = moderator.get(f"/cases/{case_id}/audit").get_json()
    assert [entry["action"] for entry in trail].count("view_original") == 2
