"""GET /me shows the caller only masked fields; DELETE /me clears the account and its tokens."""

from sqlalchemy import select

from app.auth.lookup import lookup_digest
from app.auth.models import User, UserVerification
from app.auth.service import bind_mobile
from app.me.models import Consent, VerificationAttempt
from tests.conftest import bearer
from tests.me.conftest import make_post
from tests.me.numbers import resident_id

ME = "/api/v1/me"
PROFILE_FIELDS = {"id", "display_name", "mobile", "levels", "wechat_bound", "created_at"}


def test_a_new_account_has_a_default_name_and_nothing_verified(client, sign_in):
    user, pair = sign_in()
    response = client.get(ME, headers=bearer(pair.access_token))
    assert response.status_code == 200
    assert set(response.json) == PROFILE_FIELDS
    assert response.json["id"] == user.id
    assert response.json["display_name"] == "邻居"
    assert response.json["mobile"] is None
    assert response.json["levels"] == []
    assert response.json["wechat_bound"] is False


def test_the_profile_shows_masked_fields_and_levels_with_provider_and_time(
    app, client, consenting, verify, db_session
):
    user, pair = consenting("identity_verification")
    user.wechat_openid_hmac = lookup_digest("openid", "o-fake-openid", "key")
    bind_mobile(user, "13800138000", "sms")
    db_session.commit()
    verify(pair, "诸葛亮明", resident_id(birth="19881111"))
    profile = client.get(ME, headers=bearer(pair.access_token)).json
    assert set(profile) == PROFILE_FIELDS
    assert profile["display_name"] == "诸葛**"
    assert profile["mobile"] == "138****8000"
    assert profile["wechat_bound"] is True
    assert [(level["level"], level["provider"]) for level in profile["levels"]] == [
        ("identity", "checksum-only"),
        ("phone", "sms"),
    ]
    assert all(level["verified_at"] for level in profile["levels"])
    text = str(profile)
    for clear in ("13800138000", "19881111", "诸葛亮明", resident_id(birth="19881111")):
        assert clear not in text


def test_the_profile_needs_sign_in(client):
    assert client.get(ME).status_code == 401


def test_deleting_the_account_clears_it_and_every_token_stops_at_once(
    client, consenting, verify, db_session
):
    user, phone = consenting("identity_verification", "location", "contact")
    _, laptop = consenting(user=user)
    bind_mobile(user, "13800138000", "sms")
    user.wechat_openid_hmac = lookup_digest("openid", "o-fake-openid", "key")
    user.wechat_web_openid_hmac = lookup_digest("oa-openid", "o-fake-web-openid", "key")
    user.wechat_unionid_hmac = lookup_digest("unionid", "o-fake-unionid", "key")
    verify(phone, "司马相如", resident_id(birth="19791212"))
    post, resolved = make_post(db_session, user), make_post(db_session, user, "resolved")
    db_session.commit()

    assert client.delete(ME, headers=bearer(phone.access_token)).status_code == 204

    for pair in (phone, laptop):
        refused = client.get(ME, headers=bearer(pair.access_token))
        assert (refused.status_code, refused.json["code"]) == (401, "account_unavailable")
        assert (
            client.post("/api/v1/auth/refresh", headers=bearer(pair.refresh_token)).status_code
            == 401
        )
    db_session.refresh(user)
    assert user.status == "deleted"
    assert user.display_name == "邻居"
    assert (user.id_number_hmac, user.phone_hmac, user.wechat_openid_hmac) == (None, None, None)
    assert (user.wechat_web_openid_hmac, user.wechat_unionid_hmac) == (None, None)
    assert user.phone_masked is None
    assert not db_session.scalars(select(UserVerification).filter_by(user_id=user.id)).all()
    assert not db_session.scalars(select(VerificationAttempt).filter_by(user_id=user.id)).all()
    consents = db_session.scalars(select(Consent).filter_by(user_id=user.id)).all()
    assert consents and all(consent.withdrawn_at for consent in consents)
    db_session.refresh(post)
    db_session.refresh(resolved)
    assert (post.status, resolved.status) == ("withdrawn", "resolved")


def test_a_deleted_accounts_document_and_mobile_are_free_again(
    client, consenting, verify, db_session
):
    number = resident_id(birth="19850505")
    user, pair = consenting("identity_verification")
    bind_mobile(user, "13800138000", "sms")
    db_session.commit()
    verify(pair, "皇甫嵩远", number)
    client.delete(ME, headers=bearer(pair.access_token))
    newcomer, pair = consenting("identity_verification")
    assert verify(pair, "皇甫嵩远", number).status_code == 200
    bind_mobile(newcomer, "13800138000", "sms")
    db_session.commit()
    assert db_session.scalar(select(User.id).where(User.phone_hmac.is_not(None))) == newcomer.id
