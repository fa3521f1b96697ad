"""Who may post: verified users who consented to location and contact, a few open posts each."""

import pytest
from sqlalchemy import delete, event, insert, text
from sqlalchemy.exc import OperationalError

from app.auth.models import User, UserVerification
from app.extensions import db
from app.me.service import grant_consent, policies
from tests.conftest import bearer
from tests.factories import make_post
from tests.posts.conftest import NO_ROWS, committed_rows, need_body, offer_body, past_its_time


def test_signed_out_callers_get_401(create, catalog, db_session):
    response = create({}, need_body())
    assert (response.status_code, response.json["code"]) == (401, "unauthorized")
    assert committed_rows(db_session) == NO_ROWS


def test_phone_verified_users_must_verify_their_identity_first(
    create, sign_in, catalog, db_session
):
    user, pair = sign_in(User(verifications=[UserVerification(level="phone", provider="sms")]))
    for purpose, policy in policies().items():
        grant_consent(user, purpose, policy["current"])
    response = create(bearer(pair.access_token), need_body(), **{"Idempotency-Key": "k"})
    assert (response.status_code, response.json["code"]) == (403, "identity_verification_required")
    assert committed_rows(db_session) == NO_ROWS


@pytest.mark.parametrize("missing", ["location", "contact"])
def test_posting_needs_consent_to_location_and_contact(
    create, sign_in, catalog, db_session, missing
):
    user, pair = sign_in(User(verifications=[UserVerification(level="identity", provider="t")]))
    for purpose in {"identity_verification", "location", "contact"} - {missing}:
        grant_consent(user, purpose, policies()[purpose]["current"])
    response = create(bearer(pair.access_token), need_body(), **{"Accept-Language": "en"})
    assert (response.status_code, response.json["code"]) == (403, "consent_required")
    assert missing in response.json["detail"].lower()
    assert committed_rows(db_session) == NO_ROWS


def test_a_fourth_open_post_is_refused(create, poster, db_session):
    _, headers = poster()
    for _ in range(3):
        assert create(headers, need_body()).status_code == 201
    response = create(headers, offer_body(), **{"Accept-Language": "en"})
    assert (response.status_code, response.json["code"]) == (409, "too_many_open_posts")
    assert "at most 3 open posts" in response.json["detail"]
    assert committed_rows(db_session)["posts"] == 3


def test_the_limit_comes_from_the_settings(app, create, poster, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_POSTS_PER_USER", 1)
    _, headers = poster()
    assert create(headers, need_body()).status_code == 201
    assert create(headers, need_body()).status_code == 409


def test_closed_and_expired_posts_do_not_count_against_the_limit(create, poster, db_session):
    user, headers = poster()
    for status in ("resolved", "expired", "removed", "withdrawn", "deleted"):
        make_post(user, status=status)
    # Open but past its time: the sweep has not marked it yet.
    past_its_time(user)
    make_post(user)
    db_session.commit()
    assert create(headers, need_body()).status_code == 201
    assert create(headers, need_body()).status_code == 201
    assert create(headers, need_body()).status_code == 409


def test_other_users_posts_do_not_count(create, poster, db_session):
    other, _ = poster()
    for _ in range(3):
        make_post(other)
    _, headers = poster()
    assert create(headers, need_body()).status_code == 201


@pytest.fixture
def committed_user(app):
    """A user row committed outside the test's transaction, so that a second connection sees
    it (and its locks); deleted after the test's own work is rolled back."""
    with app.app_context(), db.engine.begin() as connection:
        user_id = connection.scalar(insert(User).values(display_name="张*").returning(User.id))
    yield user_id
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(delete(User).where(User.id == user_id))


def test_creating_locks_the_posters_row_so_two_creates_cannot_both_pass_the_limit(
    committed_user, app, create, poster, db_session
):
    user = db_session.get(User, committed_user)
    user.verifications.append(UserVerification(level="identity", provider="test"))
    poster_user, headers = poster(user=user)
    assert poster_user.id == committed_user

    def row_is_free() -> bool:
        with db.engine.connect() as other:
            try:
                other.execute(
                    text("SELECT id FROM users WHERE id = :id FOR SHARE NOWAIT"),
                    {"id": committed_user},
                )
            except OperationalError:
                return False
            return True

    assert row_is_free()
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert create(headers, need_body()).status_code == 201
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # The test's transaction is still open, as a create's is until it commits: a second
    # create (here, a second connection) waits until the first one's post is there to count.
    assert not row_is_free()
    lock = next(i for i, sql in enumerate(statements) if "FOR UPDATE OF users" in sql)
    count = next(i for i, sql in enumerate(statements) if "count(*)" in sql and "FROM posts" in sql)
    assert "FROM users" in statements[lock]
    assert lock < count, "the open posts must be counted under the lock"
