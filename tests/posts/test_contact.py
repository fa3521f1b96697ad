"""Revealing a post's contact number: verified users only, each reveal recorded and audited,
a few posts a day."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth import daily_quota
from app.auth.models import User, UserVerification
from app.auth.pseudonyms import pseudonym_of
from app.china_time import until_midnight_in_china
from app.posts.models import ContactReveal
from tests.conftest import bearer
from tests.factories import make_post
from tests.posts.conftest import LONG_AGO, POSTS, FrozenClock, committed_rows

PHONE = "13712345678"


def reveal(client, post_id, headers):
    return client.post(f"{POSTS}/{post_id}/contact", headers=headers)


def reveals(db_session) -> list[tuple[int, int]]:
    return db_session.execute(
        select(ContactReveal.post_id, ContactReveal.viewer_id).order_by(ContactReveal.id)
    ).all()


@pytest.fixture
def owners_post(poster, db_session):
    """An open offer by 刘*; returns (post, owner's headers)."""
    owner, headers = poster("刘*")
    post = make_post(owner, phone=PHONE)
    post.address_hint = "北门"
    db_session.commit()
    return post, headers


def test_a_verified_user_gets_the_number_and_the_reveal_is_recorded_and_audited(
    client, poster, owners_post, db_session, log_records
):
    post, _ = owners_post
    viewer, headers = poster("王*")
    before = datetime.now(UTC)
    response = reveal(client, post.id, headers)
    assert response.status_code == 200
    assert response.json["phone"] == PHONE
    assert response.json["address_hint"] == "北门"
    assert response.json["poster_name"] == "刘*"
    assert response.json["post_id"] == post.id
    assert datetime.fromisoformat(response.json["revealed_at"]) >= before - timedelta(minutes=5)
    assert reveals(db_session) == [(post.id, viewer.id)]

    audited = [line for line in log_records() if line["logger"] == "medshare.audit"]
    assert audited == [
        {
            **audited[0],
            "message": "contact revealed",
            "event": "contact_revealed",
            "post_id": post.id,
            "viewer": str(pseudonym_of(viewer.id)),
        }
    ]
    assert not [line for line in log_records() if PHONE in str(line) or "1371234" in str(line)]


def test_the_owner_sees_who_revealed_their_number_newest_first(
    client, poster, owners_post, db_session
):
    post, owner = owners_post
    for name in ("王*", "赵*"):
        _, headers = poster(name)
        reveal(client, post.id, headers)
    response = client.get(f"{POSTS}/{post.id}/contact-reveals", headers=owner)
    assert response.status_code == 200
    assert [entry["viewer_name"] for entry in response.json] == ["赵*", "王*"]
    assert set(response.json[0]) == {"viewer_name", "revealed_at"}
    assert PHONE not in response.get_data(as_text=True)


def test_nobody_else_sees_who_revealed_a_number(client, poster, owners_post):
    post, _ = owners_post
    _, stranger = poster()
    reveal(client, post.id, stranger)
    response = client.get(f"{POSTS}/{post.id}/contact-reveals", headers=stranger)
    assert (response.status_code, response.json["code"]) == (403, "not_post_owner")
    assert client.get(f"{POSTS}/{post.id}/contact-reveals").status_code == 401


def test_an_unverified_user_cannot_reveal(client, sign_in, owners_post, db_session):
    post, _ = owners_post
    _, pair = sign_in(User(verifications=[UserVerification(level="phone", provider="sms")]))
    response = reveal(client, post.id, bearer(pair.access_token))
    assert (response.status_code, response.json["code"]) == (403, "identity_verification_required")
    assert committed_rows(db_session)["contact_reveals"] == 0


def test_signed_out_callers_cannot_reveal(client, owners_post):
    post, _ = owners_post
    assert reveal(client, post.id, {}).status_code == 401


def test_ones_own_number_is_in_ones_own_view(client, owners_post, db_session):
    post, owner = owners_post
    response = reveal(client, post.id, owner)
    assert (response.status_code, response.json["code"]) == (409, "own_post_contact")
    assert committed_rows(db_session)["contact_reveals"] == 0


@pytest.mark.parametrize(
    "shape",
    [
        {"status": "resolved"},
        {"status": "expired", "created_at": LONG_AGO},
        {"created_at": LONG_AGO, "expires_at": LONG_AGO + timedelta(days=3)},
    ],
    ids=["resolved", "expired", "past its time, not yet swept"],
)
def test_a_post_off_the_square_reveals_nothing(client, poster, db_session, shape):
    owner, _ = poster()
    post = make_post(owner, **shape)
    db_session.commit()
    _, viewer = poster()
    response = reveal(client, post.id, viewer)
    assert (response.status_code, response.json["code"]) == (409, "post_not_open")
    assert committed_rows(db_session)["contact_reveals"] == 0


@pytest.mark.parametrize("status", ["removed", "withdrawn", "deleted"])
def test_a_post_taken_down_is_not_found(client, poster, db_session, status):
    owner, _ = poster()
    post = make_post(owner, status=status)
    db_session.commit()
    _, viewer = poster()
    response = reveal(client, post.id, viewer)
    assert (response.status_code, response.json["code"]) == (404, "post_not_found")


@pytest.fixture
def two_a_day(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_REVEALS_PER_DAY", 2)


def test_the_daily_limit_answers_429_until_midnight_in_china(client, poster, db_session, two_a_day):
    owner, _ = poster()
    posts = [make_post(owner, phone=f"1380000000{n}") for n in range(3)]
    db_session.commit()
    _, headers = poster()
    assert reveal(client, posts[0].id, headers).status_code == 200
    assert reveal(client, posts[1].id, headers).status_code == 200
    refused = reveal(client, posts[2].id, {**headers, "Accept-Language": "en"})
    assert (refused.status_code, refused.json["code"]) == (429, "contact_reveal_limit")
    assert "at most 2 posts a day" in refused.json["detail"]
    expected = until_midnight_in_china(datetime.now(UTC)).total_seconds()
    assert expected - 5 <= int(refused.headers["Retry-After"]) <= expected + 1
    assert "1380000000" not in refused.get_data(as_text=True)
    assert len(reveals(db_session)) == 2


def test_revealing_the_same_post_again_today_costs_nothing(client, poster, db_session, two_a_day):
    owner, _ = poster()
    posts = [make_post(owner) for _ in range(2)]
    db_session.commit()
    _, headers = poster()
    for post in (posts[0], posts[0], posts[0], posts[1], posts[0]):
        assert reveal(client, post.id, headers).status_code == 200
    # Each reveal is still on the record.
    assert len(reveals(db_session)) == 5


def test_other_viewers_reveals_do_not_count(client, poster, db_session, two_a_day):
    owner, _ = poster()
    posts = [make_post(owner) for _ in range(3)]
    db_session.commit()
    _, busy = poster()
    reveal(client, posts[0].id, busy)
    reveal(client, posts[1].id, busy)
    _, other = poster()
    assert reveal(client, posts[2].id, other).status_code == 200


def test_the_day_is_chinas_day(client, poster, db_session, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_REVEALS_PER_DAY", 1)
    monkeypatch.setattr(daily_quota, "datetime", FrozenClock)
    owner, _ = poster()
    seen_yesterday, seen_today, first, second = (make_post(owner) for _ in range(4))
    viewer, headers = poster()

    def seen(post, hour, minute):
        db_session.add(
            ContactReveal(
                post_id=post.id,
                viewer_id=viewer.id,
                revealed_at=datetime(2030, 3, 1, hour, minute, tzinfo=UTC),
            )
        )
        db_session.commit()

    # 15:59 UTC is the same day in UTC, but the day before in China: it does not count.
    seen(seen_yesterday, 15, 59)
    assert reveal(client, first.id, headers).status_code == 200
    # 16:01 UTC is 00:01 in China: today.
    seen(seen_today, 16, 1)
    refused = reveal(client, second.id, headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(23 * 3600)
