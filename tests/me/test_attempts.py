"""At most VERIFICATION_ATTEMPTS_PER_DAY calls to the provider per account in any 24 hours."""

from datetime import UTC, datetime, timedelta

from app.me.models import VerificationAttempt
from tests.me.numbers import resident_id

NUMBER = resident_id(region="320102", birth="19790305", sequence="218")


def add_attempts(db_session, user, ages_in_hours, outcome="mismatch"):
    now = datetime.now(UTC)
    db_session.add_all(
        VerificationAttempt(
            user_id=user.id, attempted_at=now - timedelta(hours=age), outcome=outcome
        )
        for age in ages_in_hours
    )
    db_session.commit()


def test_the_sixth_attempt_in_a_day_is_429_and_never_reaches_the_provider(
    faceid, consenting, verify
):
    faceid.people[NUMBER] = "张伟民"
    _, pair = consenting("identity_verification")
    for _ in range(5):
        assert verify(pair, "张伟明", NUMBER).json["code"] == "identity_mismatch"
    response = verify(pair, "张伟民", NUMBER)
    assert response.status_code == 429
    assert response.json["code"] == "verification_attempts_exhausted"
    assert "5" in response.json["detail"]
    assert 24 * 3600 - 10 <= int(response.headers["Retry-After"]) <= 24 * 3600
    assert len(faceid.requests) == 5


def test_retry_after_is_when_the_oldest_counted_attempt_leaves_the_24_hours(
    faceid, consenting, verify, db_session
):
    user, pair = consenting("identity_verification")
    add_attempts(db_session, user, [3, 2.5, 2, 1, 0.5])
    response = verify(pair, "张伟民", NUMBER)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) in {21 * 3600 - 1, 21 * 3600}
    assert faceid.requests == []


def test_attempts_older_than_a_day_and_outages_do_not_count(faceid, consenting, verify, db_session):
    faceid.people[NUMBER] = "张伟民"
    user, pair = consenting("identity_verification")
    add_attempts(db_session, user, [24.1, 30, 48])
    add_attempts(db_session, user, [1, 2, 3, 4, 5], outcome="unavailable")
    add_attempts(db_session, user, [1, 2, 3, 4])
    assert verify(pair, "张伟民", NUMBER).status_code == 200


def test_the_daily_cap_is_a_setting(app, monkeypatch, consenting, verify, db_session):
    monkeypatch.setitem(app.config, "VERIFICATION_ATTEMPTS_PER_DAY", 2)
    user, pair = consenting("identity_verification")
    add_attempts(db_session, user, [1, 2])
    response = verify(pair, "张伟民", NUMBER)
    assert response.status_code == 429
    assert "2" in response.json["detail"]


def test_the_cap_is_per_account(faceid, consenting, verify, db_session):
    faceid.people[NUMBER] = "张伟民"
    spent, _ = consenting("identity_verification")
    add_attempts(db_session, spent, [1, 2, 3, 4, 5])
    _, pair = consenting("identity_verification")
    assert verify(pair, "张伟民", NUMBER).status_code == 200


def test_an_attempt_records_only_who_when_and_how_it_ended(faceid, consenting, verify, db_session):
    faceid.people[NUMBER] = "张伟民"
    user, pair = consenting("identity_verification")
    verify(pair, "张伟明", NUMBER)
    [attempt] = db_session.query(VerificationAttempt).filter_by(user_id=user.id).all()
    assert attempt.outcome == "mismatch"
    assert set(VerificationAttempt.__table__.columns.keys()) == {
        "id",
        "user_id",
        "attempted_at",
        "outcome",
    }
