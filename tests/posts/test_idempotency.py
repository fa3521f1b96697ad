"""Idempotency-Key: a retried create gets the first answer and creates nothing more."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.posts import idempotency
from app.posts.models import IdempotencyKey
from tests.posts.conftest import committed_rows, need_body, offer_body

KEY = {"Idempotency-Key": "6f1c2a0e-0b7e-4f43-9d55-2c1f3b0b1a77"}


def test_a_retry_gets_the_first_answer_and_creates_nothing(create, poster, db_session):
    _, headers = poster()
    first = create(headers, offer_body(), **KEY)
    again = create(headers, offer_body(), **KEY)
    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert committed_rows(db_session) == {
        "posts": 1,
        "post_items": 1,
        "idempotency_keys": 1,
        "contact_reveals": 0,
    }


def test_the_same_body_written_in_another_key_order_is_the_same_request(create, poster):
    _, headers = poster()
    body = need_body()
    reordered = dict(reversed(list(body.items())))
    first = create(headers, body, **KEY)
    again = create(headers, reordered, **KEY)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]


def test_a_retry_is_answered_even_once_the_open_post_limit_is_reached(create, poster):
    _, headers = poster()
    create(headers, need_body())
    create(headers, need_body())
    third = create(headers, need_body(), **KEY)
    again = create(headers, need_body(), **KEY)
    assert (again.status_code, again.json["id"]) == (201, third.json["id"])


def test_the_same_key_with_another_body_is_refused(create, poster, db_session):
    _, headers = poster()
    first = create(headers, need_body(), **KEY)
    reused = create(headers, need_body(note="另一条"), **{**KEY, "Accept-Language": "en"})
    assert (reused.status_code, reused.json["code"]) == (422, "idempotency_key_reused")
    assert committed_rows(db_session)["posts"] == 1
    again = create(headers, need_body(), **KEY)
    assert again.json["id"] == first.json["id"]


def test_a_key_in_flight_answers_409_and_creates_nothing(create, poster, db_session):
    user, headers = poster()
    lock = func.pg_advisory_xact_lock(
        func.hashtextextended(f"{user.id}:{KEY['Idempotency-Key']}", 0)
    )
    with db.engine.connect() as first_request, first_request.begin():
        first_request.execute(select(lock))
        response = create(headers, need_body(), **KEY)
    assert (response.status_code, response.json["code"]) == (409, "idempotency_key_in_flight")
    assert committed_rows(db_session)["posts"] == 0
    # Once the first request is over, the key works.
    assert create(headers, need_body(), **KEY).status_code == 201


def test_a_failed_create_leaves_the_key_free_for_the_corrected_retry(create, poster, db_session):
    _, headers = poster()
    refused = create(headers, need_body(contact_phone="12345"), **KEY)
    assert refused.status_code == 422
    assert committed_rows(db_session)["idempotency_keys"] == 0
    corrected = create(headers, need_body(), **KEY)
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected.headers


def test_a_create_refused_by_the_limit_leaves_the_key_free(app, create, poster, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_POSTS_PER_USER", 1)
    _, headers = poster()
    first = create(headers, need_body())
    assert create(headers, offer_body(), **KEY).status_code == 409
    monkeypatch.setitem(app.config, "OPEN_POSTS_PER_USER", 2)
    retried = create(headers, offer_body(), **KEY)
    assert retried.status_code == 201
    assert retried.json["id"] != first.json["id"]


def test_users_have_keys_of_their_own(create, poster, db_session):
    _, mine = poster()
    _, theirs = poster()
    one = create(mine, need_body(), **KEY)
    other = create(theirs, need_body(), **KEY)
    assert (one.status_code, other.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in other.headers
    assert one.json["id"] != other.json["id"]
    assert committed_rows(db_session)["idempotency_keys"] == 2


def age_keys(db_session, hours: float) -> None:
    db_session.execute(
        update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=hours))
    )
    db_session.commit()


def test_a_key_older_than_its_hours_is_a_new_request(app, create, poster, db_session):
    _, headers = poster()
    first = create(headers, need_body(), **KEY)
    age_keys(db_session, app.config["IDEMPOTENCY_KEY_HOURS"] + 0.1)
    again = create(headers, need_body(), **KEY)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json["id"] != first.json["id"]
    # The key now stands for the new post.
    assert create(headers, need_body(), **KEY).json["id"] == again.json["id"]


def test_forgetting_removes_only_keys_past_their_hours(app, create, poster, db_session):
    _, headers = poster()
    create(headers, need_body(), **{"Idempotency-Key": "old"})
    age_keys(db_session, app.config["IDEMPOTENCY_KEY_HOURS"] + 0.1)
    create(headers, need_body(), **{"Idempotency-Key": "new"})
    assert idempotency.forget_expired() == 1
    assert db_session.scalars(select(IdempotencyKey.key)).all() == ["new"]


def test_housekeeping_forgets_old_keys_from_the_command_line(app, create, poster, db_session):
    _, headers = poster()
    create(headers, need_body(), **KEY)
    age_keys(db_session, app.config["IDEMPOTENCY_KEY_HOURS"] + 0.1)
    result = app.test_cli_runner().invoke(args=["medshare", "expire-posts"])
    assert result.exit_code == 0, result.output
    assert "idempotency keys: 1 forgotten" in result.output
    assert committed_rows(db_session)["idempotency_keys"] == 0


def test_an_empty_or_overlong_key_is_a_field_error(create, poster, db_session):
    _, headers = poster()
    for key in ("", "k" * 256):
        response = create(headers, need_body(), **{"Idempotency-Key": key})
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["Idempotency-Key"]
    assert committed_rows(db_session)["posts"] == 0
