"""What owners do with their posts (resolve, renew, edit the note, delete), and what everyone
else gets when they try."""

from datetime import UTC, datetime, timedelta

import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import delete, func, select

from app.auth.models import UserVerification
from app.me.models import Consent
from app.posts.models import Post, PostItem
from tests.factories import make_post
from tests.posts.conftest import LONG_AGO, POSTS, need_body, offer_body, past_its_time

# Every owner action: (method, path after /posts/<id>, JSON body).
OWNER_ACTIONS = [
    ("post", "/resolve", None),
    ("post", "/renew", None),
    ("patch", "", {"note": "改一下"}),
    ("delete", "", None),
    ("get", "/matches", None),
    ("get", "/contact-reveals", None),
]
ACTION_IDS = ["resolve", "renew", "edit note", "delete", "matches", "contact reveals"]


def act(client, method, post_id, path="", body=None, headers=None):
    return getattr(client, method)(f"{POSTS}/{post_id}{path}", json=body, headers=headers or {})


def square_ids(client) -> set[int]:
    by_time = client.get(POSTS).json["posts"]
    by_distance = client.get(POSTS, query_string={"lat": 31.23, "lng": 121.47}).json["posts"]
    return {post["id"] for post in by_time + by_distance}


def item_statuses(db_session, post_id) -> set[str]:
    return set(db_session.scalars(select(PostItem.post_status).where(PostItem.post_id == post_id)))


@pytest.fixture
def owned(poster, create):
    """A post made through the API; returns (owner, owner's headers, post id)."""
    user, headers = poster()
    response = create(headers, offer_body())
    return user, headers, response.json["id"]


# Resolve


def test_resolving_marks_the_time_and_takes_the_post_off_the_square(client, owned, db_session):
    _, headers, post_id = owned
    assert post_id in square_ids(client)
    response = act(client, "post", post_id, "/resolve", headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "resolved"
    assert response.json["resolved_at"] is not None
    assert post_id not in square_ids(client)
    assert item_statuses(db_session, post_id) == {"resolved"}
    # Anyone with the link still sees it, resolved.
    assert client.get(f"{POSTS}/{post_id}").json["status"] == "resolved"


def test_resolving_again_changes_nothing(client, owned):
    _, headers, post_id = owned
    first = act(client, "post", post_id, "/resolve", headers=headers).json
    again = act(client, "post", post_id, "/resolve", headers=headers)
    assert again.status_code == 200
    assert again.json["resolved_at"] == first["resolved_at"]


def test_a_post_past_its_time_can_still_be_resolved(client, poster, db_session):
    user, headers = poster()
    post = past_its_time(user)
    db_session.commit()
    response = act(client, "post", post.id, "/resolve", headers=headers)
    assert (response.status_code, response.json["status"]) == (200, "resolved")


# Renew


def test_renewing_gives_a_fresh_lifetime_from_now(client, poster, db_session):
    user, headers = poster()
    post = make_post(user, kind="need", created_at=datetime.now(UTC) - timedelta(days=2))
    db_session.commit()
    old_expiry = post.expires_at
    before = datetime.now(UTC)
    response = act(client, "post", post.id, "/renew", headers=headers)
    assert response.status_code == 200
    expires_at = datetime.fromisoformat(response.json["expires_at"])
    assert expires_at > old_expiry
    assert expires_at >= before + timedelta(days=3) - timedelta(seconds=1)
    assert datetime.fromisoformat(response.json["renewed_at"]) >= before - timedelta(seconds=1)
    db_session.expire_all()
    assert set(
        db_session.scalars(select(PostItem.post_expires_at).where(PostItem.post_id == post.id))
    ) == {expires_at}


@pytest.mark.parametrize("swept", [False, True], ids=["not yet swept", "swept"])
def test_renewing_an_expired_post_puts_it_back_on_the_square(client, poster, db_session, swept):
    user, headers = poster()
    post = past_its_time(user, status="expired" if swept else "open")
    db_session.commit()
    assert post.id not in square_ids(client)
    response = act(client, "post", post.id, "/renew", headers=headers)
    assert (response.status_code, response.json["status"]) == (200, "open")
    assert post.id in square_ids(client)
    assert item_statuses(db_session, post.id) == {"open"}


def test_renewing_an_expired_post_at_the_open_post_limit_is_refused(client, poster, db_session):
    user, headers = poster()
    expired = past_its_time(user, status="expired")
    for _ in range(3):
        make_post(user)
    db_session.commit()
    response = act(client, "post", expired.id, "/renew", headers=headers)
    assert (response.status_code, response.json["code"]) == (409, "too_many_open_posts")
    db_session.refresh(expired)
    assert expired.status == "expired"


def test_renewing_an_open_post_at_the_limit_is_fine(client, poster, db_session):
    user, headers = poster()
    posts = [make_post(user) for _ in range(3)]
    db_session.commit()
    assert act(client, "post", posts[0].id, "/renew", headers=headers).status_code == 200


@pytest.mark.parametrize("status", ["resolved", "removed", "withdrawn", "deleted"])
def test_a_closed_post_cannot_be_renewed(client, poster, db_session, status):
    user, headers = poster()
    post = make_post(user, status=status)
    db_session.commit()
    response = act(client, "post", post.id, "/renew", headers=headers)
    assert (response.status_code, response.json["code"]) == (409, "post_closed")
    db_session.refresh(post)
    assert post.status == status


@pytest.mark.parametrize("purpose", ["location", "contact"])
def test_renewing_needs_the_consents_posting_needs(client, poster, db_session, purpose):
    user, headers = poster()
    post = make_post(user, status="expired", created_at=LONG_AGO)
    # Ended without its effects on posts, as for consents recorded before posts existed.
    consent = db_session.scalars(
        select(Consent).where(Consent.user_id == user.id, Consent.purpose == purpose)
    ).one()
    consent.withdrawn_at = datetime.now(UTC)
    db_session.commit()
    response = client.post(f"{POSTS}/{post.id}/renew", headers=headers)
    assert (response.status_code, response.json["code"]) == (403, "consent_required")
    db_session.refresh(post)
    assert post.status == "expired"


def test_renewing_needs_the_level_posting_needs(client, poster, db_session):
    user, headers = poster()
    post = make_post(user, status="expired", created_at=LONG_AGO)
    db_session.execute(delete(UserVerification).where(UserVerification.user_id == user.id))
    db_session.commit()
    db_session.expire(user, ["verifications"])
    response = client.post(f"{POSTS}/{post.id}/renew", headers=headers)
    assert (response.status_code, response.json["code"]) == (403, "identity_verification_required")
    db_session.refresh(post)
    assert post.status == "expired"


# Edit the note


def test_the_note_of_a_post_past_its_time_can_be_edited_before_renewing(client, poster, db_session):
    user, headers = poster()
    post = past_its_time(user, status="expired")
    db_session.commit()
    response = act(client, "patch", post.id, body={"note": "还有"}, headers=headers)
    assert (response.status_code, response.json["note"]) == (200, "还有")


def test_the_owner_edits_the_note_and_others_see_it_masked(client, owned):
    _, headers, post_id = owned
    note = "还剩一盒，电话 13900001111"
    response = act(client, "patch", post_id, body={"note": note}, headers=headers)
    assert (response.status_code, response.json["note"]) == (200, note)
    assert client.get(f"{POSTS}/{post_id}").json["note"] == "还剩一盒，电话 139****1111"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"note": "药" * 501}, "note"), ({}, "note"), ({"note": "x", "kind": "need"}, "kind")],
)
def test_a_bad_note_edit_names_the_field(client, owned, body, field):
    _, headers, post_id = owned
    response = act(client, "patch", post_id, body=body, headers=headers)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


@pytest.mark.parametrize("status", ["resolved", "removed", "withdrawn", "deleted"])
def test_a_closed_posts_note_cannot_be_edited(client, poster, db_session, status):
    user, headers = poster()
    post = make_post(user, status=status, note="原来的")
    db_session.commit()
    response = act(client, "patch", post.id, body={"note": "新的"}, headers=headers)
    assert (response.status_code, response.json["code"]) == (409, "post_closed")
    db_session.refresh(post)
    assert post.note == "原来的"


# Delete


def test_deleting_erases_the_number_hint_and_exact_spot(client, owned, db_session):
    _, headers, post_id = owned
    assert act(client, "delete", post_id, headers=headers).status_code == 204
    db_session.expire_all()
    post = db_session.get(Post, post_id)
    assert post.status == "deleted"
    assert (post.contact_phone_encrypted, post.contact_phone_masked) == (None, None)
    assert post.address_hint is None
    grid_point = db_session.scalar(func.ST_Transform(post.public_position, 4326))
    assert to_shape(post.location).equals_exact(to_shape(grid_point), 1e-9)
    assert post_id not in square_ids(client)
    assert item_statuses(db_session, post_id) == {"deleted"}


def test_deleting_masks_personal_data_the_note_held(client, owned, db_session):
    _, headers, post_id = owned
    note = "电话 13912345678，身份证 510104199103051233"
    assert act(client, "patch", post_id, body={"note": note}, headers=headers).status_code == 200
    assert act(client, "delete", post_id, headers=headers).status_code == 204
    db_session.expire_all()
    kept = db_session.get(Post, post_id).note
    assert kept == "电话 139****5678，身份证 5101**********1233"


def test_deleting_again_is_a_no_op(client, owned):
    _, headers, post_id = owned
    assert act(client, "delete", post_id, headers=headers).status_code == 204
    assert act(client, "delete", post_id, headers=headers).status_code == 204


def test_a_resolved_post_can_be_deleted(client, poster, db_session):
    user, headers = poster()
    post = make_post(user, status="resolved")
    db_session.commit()
    assert act(client, "delete", post.id, headers=headers).status_code == 204
    db_session.refresh(post)
    assert (post.status, post.resolved_at) == ("deleted", None)


def test_after_deleting_others_find_nothing_and_the_owner_sees_what_is_left(client, owned):
    # The owner may check what was kept: no number, no hint, the spot only as its grid cell.
    _, headers, post_id = owned
    act(client, "delete", post_id, headers=headers)
    assert client.get(f"{POSTS}/{post_id}").status_code == 404
    own = client.get(f"{POSTS}/{post_id}", headers=headers)
    assert own.status_code == 200
    assert own.json["status"] == "deleted"
    assert (own.json["contact_phone"], own.json["address_hint"]) == (None, None)
    assert own.json["location"] == own.json["approximate_location"]
    assert post_id not in [post["id"] for post in client.get(f"{POSTS}/mine", headers=headers).json]


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ACTIONS[:3], ids=ACTION_IDS[:3])
def test_a_deleted_post_cannot_be_changed(client, owned, method, path, body):
    _, headers, post_id = owned
    act(client, "delete", post_id, headers=headers)
    response = act(client, method, post_id, path, body, headers)
    assert (response.status_code, response.json["code"]) == (409, "post_closed")


# Everyone else


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("status", ["open", "resolved", "expired"])
def test_someone_else_gets_403_on_a_post_anyone_may_see(
    client, poster, db_session, method, path, body, status
):
    owner, _ = poster()
    _, stranger = poster()
    post = make_post(owner, status=status, note="原来的")
    db_session.commit()
    response = act(client, method, post.id, path, body, stranger)
    assert (response.status_code, response.json["code"]) == (403, "not_post_owner")
    db_session.refresh(post)
    assert (post.status, post.note) == (status, "原来的")


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("status", ["removed", "withdrawn", "deleted"])
def test_someone_else_gets_404_on_a_post_taken_down(
    client, poster, db_session, method, path, body, status
):
    owner, _ = poster()
    _, stranger = poster()
    post = make_post(owner, status=status)
    db_session.commit()
    response = act(client, method, post.id, path, body, stranger)
    assert (response.status_code, response.json["code"]) == (404, "post_not_found")
    assert client.get(f"{POSTS}/{post.id}", headers=stranger).status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ACTIONS, ids=ACTION_IDS)
def test_a_post_that_does_not_exist_is_404(client, poster, method, path, body):
    _, headers = poster()
    response = act(client, method, 987654321, path, body, headers)
    assert (response.status_code, response.json["code"]) == (404, "post_not_found")


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ACTIONS, ids=ACTION_IDS)
def test_signed_out_callers_get_401(client, owned, db_session, method, path, body):
    _, _, post_id = owned
    response = act(client, method, post_id, path, body)
    assert response.status_code == 401
    db_session.expire_all()
    assert db_session.get(Post, post_id).status == "open"


def test_the_owners_list_has_every_post_but_deleted_newest_first(client, poster, db_session):
    user, headers = poster()
    made = [
        make_post(user, status=status, created_at=datetime.now(UTC) - timedelta(hours=hours))
        for hours, status in enumerate(["open", "resolved", "deleted", "withdrawn", "expired"])
    ]
    stranger, _ = poster()
    make_post(stranger)
    db_session.commit()
    listed = client.get(f"{POSTS}/mine", headers=headers).json
    assert [post["id"] for post in listed] == [made[i].id for i in (0, 1, 3, 4)]
    assert all(post["is_own"] and "contact_phone" in post for post in listed)


def test_a_need_post_renews_for_its_own_lifetime(client, poster, create):
    _, headers = poster()
    post_id = create(headers, need_body()).json["id"]
    response = act(client, "post", post_id, "/renew", headers=headers)
    expires_at = datetime.fromisoformat(response.json["expires_at"])
    assert timedelta(days=2, hours=23) < expires_at - datetime.now(UTC) <= timedelta(days=3)
