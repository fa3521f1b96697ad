"""`flask medshare purge`: what is past its period goes, what is inside it stays, and running it
again changes nothing. Rows are aged by moving their timestamps back, then the command is run
through Flask's CLI runner, as cron runs it."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import func, inspect, select, text

from app.auth.models import AuthSession, User, WeChatWebState
from app.auth.sms.models import SmsChallenge
from app.auth.tokens import start_session
from app.me.models import VerificationAttempt
from app.posts.lifecycle import ENDED
from app.posts.models import ContactReveal, IdempotencyKey, Post
from app.rights.models import DataExport
from tests.factories import make_post


def days_ago(days: float) -> datetime:
    # Read at each call: a module-level "now" is minutes old by the time a long run gets here.
    return datetime.now(UTC) - timedelta(days=days)


def run_purge(app, *args) -> dict[str, int]:
    result = app.test_cli_runner().invoke(args=["medshare", "purge", *args])
    assert result.exit_code == 0, result.output
    counts = {}
    for line in result.output.splitlines():
        name, _, rest = line.rpartition(": ")
        counts[name] = int(rest.split()[0])
    return counts


def age(db_session, table: str, column: str, when: datetime, ids) -> None:
    db_session.execute(
        text(f"UPDATE {table} SET {column} = :when WHERE id = ANY(:ids)"),  # noqa: S608 - test's own names
        {"when": when, "ids": list(ids)},
    )
    db_session.commit()


@pytest.fixture
def user(sign_in, catalog):
    return sign_in(User(display_name="周*"))[0]


def spot_of(post: Post) -> tuple[float, float]:
    point = to_shape(post.location)
    return round(point.x, 7), round(point.y, 7)


def grid_of(db_session, post: Post) -> tuple[float, float]:
    point = to_shape(
        db_session.scalar(
            select(func.ST_Transform(Post.public_position, 4326)).where(Post.id == post.id)
        )
    )
    return round(point.x, 7), round(point.y, 7)


def test_ended_posts_lose_contact_and_exact_spot_after_the_period_and_others_keep_them(
    app, user, db_session
):
    period = app.config["RETENTION_POST_DAYS"]
    old_ended = [make_post(user, status=status) for status in ENDED]
    recent_ended = [make_post(user, status=status) for status in ENDED]
    old_open = make_post(user)
    old_held = make_post(user, status="held")
    db_session.execute(
        text("UPDATE posts SET address_hint = '北门' WHERE user_id = :id"), {"id": user.id}
    )
    age(db_session, "posts", "updated_at", days_ago(period + 1), [p.id for p in old_ended])
    age(db_session, "posts", "updated_at", days_ago(period - 1), [p.id for p in recent_ended])
    age(db_session, "posts", "updated_at", days_ago(period * 3), [old_open.id, old_held.id])
    kept_spots = {post.id: spot_of(post) for post in [*recent_ended, old_open, old_held]}

    counts = run_purge(app)
    assert counts["post contacts and exact spots"] == len(ENDED)
    db_session.expire_all()
    for post in old_ended:
        assert (post.contact_phone_encrypted, post.contact_phone_masked, post.address_hint) == (
            None,
            None,
            None,
        )
        assert spot_of(post) == grid_of(db_session, post)
    for post in [*recent_ended, old_open, old_held]:
        assert post.contact_phone_encrypted is not None and post.address_hint == "北门"
        assert spot_of(post) == kept_spots[post.id] != grid_of(db_session, post)

    assert run_purge(app)["post contacts and exact spots"] == 0


def _sms(created_at: datetime) -> SmsChallenge:
    return SmsChallenge(
        id=uuid.uuid4(),
        mobile_hmac=os.urandom(32),
        client_hmac=os.urandom(32),
        code_hmac=os.urandom(32),
        created_at=created_at,
        expires_at=created_at + timedelta(minutes=5),
        consumed_at=created_at + timedelta(minutes=1),
    )


def test_records_past_their_periods_are_deleted_and_those_inside_stay(app, user, db_session):
    config = app.config
    now = datetime.now(UTC)
    # Whatever another test's server committed and left behind goes first, so the counts below
    # are this test's rows.
    run_purge(app)
    post = make_post(user)
    kept, gone = [], []

    def pair(model_rows, period_setting, *, margin=1):
        """Rows made just past and just inside a period."""
        period = config[period_setting]
        old, new = model_rows(days_ago(period + margin)), model_rows(days_ago(period - margin))
        db_session.add_all([old, new])
        gone.append(old)
        kept.append(new)

    pair(_sms, "RETENTION_SMS_CHALLENGE_DAYS", margin=0.5)
    pair(
        lambda at: ContactReveal(post_id=post.id, viewer_id=user.id, revealed_at=at),
        "RETENTION_REVEAL_DAYS",
    )
    pair(
        lambda at: DataExport(user_id=user.id, exported_at=at), "RETENTION_EXPORT_DAYS", margin=0.5
    )
    pair(
        lambda at: VerificationAttempt(user_id=user.id, attempted_at=at, outcome="match"),
        "RETENTION_VERIFICATION_ATTEMPT_DAYS",
    )
    hours = config["IDEMPOTENCY_KEY_HOURS"]
    for key, at, bucket in (("old", now - timedelta(hours=hours + 1), gone), ("new", now, kept)):
        row = IdempotencyKey(
            user_id=user.id, key=key, fingerprint="0" * 64, post_id=post.id, created_at=at
        )
        db_session.add(row)
        bucket.append(row)
    for at, bucket in ((now - timedelta(minutes=1), gone), (now + timedelta(hours=1), kept)):
        row = WeChatWebState(
            state_hmac=os.urandom(32), created_at=at - timedelta(minutes=10), expires_at=at
        )
        db_session.add(row)
        bucket.append(row)
    db_session.commit()

    counts = run_purge(app)
    for name in (
        "sms challenges",
        "contact reveals",
        "data exports",
        "identity check attempts",
        "idempotency keys",
        "wechat web states",
    ):
        assert counts[name] == 1, (name, counts)
    assert [still_there(db_session, row) for row in kept] == [True] * len(kept)
    assert [still_there(db_session, row) for row in gone] == [False] * len(gone)
    assert set(run_purge(app).values()) == {0}


def still_there(db_session, row) -> bool:
    """Whether the row is in the database now, read afresh."""
    key = inspect(row).identity
    if row in db_session:
        db_session.expunge(row)
    return db_session.get(type(row), key) is not None


def test_sessions_go_a_period_after_they_were_revoked_or_their_refresh_token_ran_out(
    app, user, db_session
):
    period = timedelta(days=app.config["RETENTION_SESSION_DAYS"])
    lifetime = app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    NOW = datetime.now(UTC)  # the instant every case below is measured from
    cases = {
        "revoked long ago": (NOW - period * 2, NOW - period - timedelta(days=1), True),
        "revoked lately": (NOW - period, NOW - period + timedelta(days=1), False),
        "ran out long ago": (NOW - lifetime - period - timedelta(days=1), None, True),
        "ran out lately": (NOW - lifetime - period + timedelta(days=1), None, False),
        "in use": (NOW, None, False),
    }
    sessions = {}
    for name, (last_used, revoked_at, _) in cases.items():
        start_session(user, "h5")
        session = db_session.scalars(select(AuthSession).order_by(AuthSession.id.desc())).first()
        session.created_at, session.refreshed_at, session.revoked_at = last_used, None, revoked_at
        sessions[name] = session.id
    db_session.commit()

    assert run_purge(app)["sessions"] == sum(gone for *_, gone in cases.values())
    db_session.expire_all()
    for name, (*_, should_go) in cases.items():
        assert (db_session.get(AuthSession, sessions[name]) is None) is should_go, name


def test_the_purge_works_in_batches_of_the_size_asked_and_misses_nothing(app, user, db_session):
    run_purge(app)
    db_session.add_all([_sms(days_ago(30)) for _ in range(7)])
    db_session.commit()
    assert run_purge(app, "--batch", "2")["sms challenges"] == 7
    old = SmsChallenge.created_at < days_ago(app.config["RETENTION_SMS_CHALLENGE_DAYS"])
    assert db_session.scalar(select(func.count()).where(old)) == 0
