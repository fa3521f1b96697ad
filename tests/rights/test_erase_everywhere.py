"""Deleting an account erases it everywhere, through the one erase path: every table is read
(information_schema finds the columns, so a table added later is read too) for what the user
wrote, gave or was known by, and the audit trail, which cannot change, is left naming no one."""

import json

from sqlalchemy import func, select, text

from app.auth.models import SIGN_IN_COLUMNS, User
from app.auth.pseudonyms import AuditPseudonym
from app.moderation.models import AuditEntry, ModerationCase, Report
from app.posts.models import ContactReveal, Post
from app.rights.models import DataExport
from tests.me.test_no_clear_personal_data import every_value
from tests.rights.conftest import CLEAR, IN_CLEAR_BEFORE, SPOT, WORDS

# Where the account's own words may stay, masked: the note as everyone saw it on the square
# (a deleted post keeps its public note), and the audit's masked copies of it.
SEEN_BY_EVERYONE = {
    ("posts", "note"),
    ("posts", "public_note"),
    ("moderation_audit", "before"),
    ("moderation_audit", "after"),
}


def _holding(db_session, needles) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any scanned column of any table."""
    db_session.flush()
    return {
        (table_name, column_name, needle)
        for table_name, column_name, value in every_value(db_session)
        for needle in needles
        if needle in value
    }


def _points_near_the_spot(db_session) -> list[str]:
    """Every point column of any table holding a point within 5 m of the exact spot (areas'
    outlines contain it, and are nobody's)."""
    columns = db_session.execute(
        text(
            "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns "
            "WHERE f_table_schema = 'public' AND type = 'POINT'"
        )
    ).all()
    found = []
    for table_name, column_name, srid in columns:
        near = db_session.scalar(
            text(
                f'SELECT count(*) FROM "{table_name}" WHERE ST_DWithin('  # noqa: S608 - names from the catalog
                f'ST_Transform("{column_name}", 4326)::geography, '
                "ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography, 5)"
            ),
            SPOT,
        )
        if near:
            found.append(f"{table_name}.{column_name} (srid {srid})")
    return found


def _columns_referencing_users(db_session, table_name: str) -> list[str]:
    return list(
        db_session.scalars(
            text(
                "SELECT kcu.column_name FROM information_schema.referential_constraints rc "
                "JOIN information_schema.key_column_usage kcu "
                "  ON kcu.constraint_name = rc.constraint_name "
                "JOIN information_schema.constraint_column_usage ccu "
                "  ON ccu.constraint_name = rc.unique_constraint_name "
                "WHERE kcu.table_name = :table AND ccu.table_name = 'users'"
            ),
            {"table": table_name},
        )
    )


def test_a_deleted_account_leaves_nothing_of_the_person_in_any_table(
    client, log_records, busy_account, db_session
):
    user = busy_account.user
    assert client.get("/api/v1/me/export", headers=busy_account.headers).status_code == 200
    db_session.expire_all()
    user = db_session.get(User, user.id)
    known_by = [getattr(user, column) for column in SIGN_IN_COLUMNS if getattr(user, column)]
    known_by.append(user.id_number_hmac)
    digests = [digest.decode("latin-1") for digest in known_by if digest]
    pseudonym = db_session.scalar(
        select(AuditPseudonym.pseudonym).where(AuditPseudonym.user_id == user.id)
    )
    entries = db_session.scalars(
        select(AuditEntry.id).where(AuditEntry.user_pseudonym == pseudonym)
    ).all()
    # The account really did leave all of this behind before it was deleted.
    assert {needle for _t, _c, needle in _holding(db_session, CLEAR)} == set(IN_CLEAR_BEFORE)
    assert _points_near_the_spot(db_session)
    assert len(entries) >= 3  # the edit, the report, the appeal
    assert db_session.scalar(select(func.count()).where(DataExport.user_id == user.id)) == 1

    assert client.delete("/api/v1/me", headers=busy_account.headers).status_code == 204
    db_session.expire_all()

    held = _holding(db_session, [needle for needle in CLEAR if needle != WORDS] + digests)
    assert held == set()
    words = {
        (table_name, column_name) for table_name, column_name, _ in _holding(db_session, [WORDS])
    }
    assert words <= SEEN_BY_EVERYONE
    assert _points_near_the_spot(db_session) == []
    # What only moderators read goes whole: report notes, appeal notes.
    assert db_session.scalars(select(Report.note).where(Report.reporter_id == user.id)).all() == [
        ""
    ]
    assert db_session.scalars(
        select(ModerationCase.appeal_note).where(
            ModerationCase.post_id.in_(busy_account.posts), ModerationCase.kind == "appeal"
        )
    ).all() == [""]
    assert (
        db_session.scalar(
            select(func.count()).where(
                (ContactReveal.viewer_id == user.id) | ContactReveal.post_id.in_(busy_account.posts)
            )
        )
        == 0
    )
    assert db_session.scalar(select(func.count()).where(DataExport.user_id == user.id)) == 0
    for post in db_session.scalars(select(Post).where(Post.id.in_(busy_account.posts))):
        assert (post.contact_phone_encrypted, post.contact_phone_masked, post.address_hint) == (
            None,
            None,
            None,
        )

    # The audit trail keeps every entry, under a pseudonym that nothing ties to the account.
    kept = db_session.scalars(
        select(AuditEntry.id).where(AuditEntry.user_pseudonym == pseudonym)
    ).all()
    assert kept == entries
    assert (
        db_session.scalar(
            select(func.count()).where(
                (AuditPseudonym.user_id == user.id) | (AuditPseudonym.pseudonym == pseudonym)
            )
        )
        == 0
    )
    assert _columns_referencing_users(db_session, "moderation_audit") == []
    assert "user_pseudonym" in {column.name for column in AuditEntry.__table__.columns}
    # The audit log's lines, written before the erase, name the pseudonym, never the account.
    audited = [line for line in log_records() if line["logger"] == "medshare.audit"]
    assert {line.get("user") or line.get("viewer") for line in audited} >= {str(pseudonym)}
    for line in audited:
        assert user.id not in (line.get("user_id"), line.get("viewer_id"))
    logged = json.dumps(log_records(), ensure_ascii=False)
    for needle in CLEAR:
        assert needle not in logged
    # The account cannot come back: its tokens are dead.
    assert client.get("/api/v1/me", headers=busy_account.headers).status_code == 401


def test_the_account_erase_leaves_other_peoples_data_alone(client, busy_account, db_session):
    other_post = db_session.get(Post, busy_account.other_post)
    before = (other_post.contact_phone_encrypted, other_post.note, other_post.address_hint)
    assert client.delete("/api/v1/me", headers=busy_account.headers).status_code == 204
    db_session.expire_all()
    other_post = db_session.get(Post, busy_account.other_post)
    assert (other_post.contact_phone_encrypted, other_post.note, other_post.address_hint) == before
    assert client.get("/api/v1/me", headers=busy_account.other_headers).status_code == 200
