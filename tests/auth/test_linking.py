"""One person, two accounts: binding a number another account holds is no longer a dead end;
proving it by SMS folds the account that holds nothing into the other."""

import json
from uuid import UUID

import pytest
from sqlalchemy import select

from app.auth.lookup import lookup_digest
from app.auth.models import User
from app.auth.pseudonyms import AuditPseudonym, pseudonym_of
from app.auth.service import record_verification, user_for_mobile
from tests.auth.conftest import MOBILE, bind, sign_in_with
from tests.conftest import bearer, logged_code
from tests.factories import make_post

CODES = "/api/v1/auth/sms/codes"
SMS_SIGN_IN = "/api/v1/auth/sms/sign-in"
LINK = "/api/v1/auth/sms/link"
WHOAMI = "/api/v1/_probe/signed-in"


def sms_account(client, log_records) -> tuple[User, dict]:
    """The account that signs in with MOBILE by SMS, and its tokens."""
    client.post(CODES, json={"mobile": MOBILE})
    pair = client.post(SMS_SIGN_IN, json={"mobile": MOBILE, "code": logged_code(log_records)})
    user_id = client.get(WHOAMI, headers=bearer(pair.json["access_token"])).json["user_id"]
    return user_id, pair.json


def mini_program_account(client, wechat, code="login", openid="oMini_0123456789"):
    pair = sign_in_with(client, wechat, code, openid).json
    return client.get(WHOAMI, headers=bearer(pair["access_token"])).json["user_id"], pair


def prove(client, log_records, pair: dict, mobile=MOBILE, wrong=False):
    client.post(CODES, json={"mobile": mobile})
    code = logged_code(log_records)
    if wrong:
        code = f"{(int(code) + 1) % 10**6:06d}"
    return client.post(
        LINK, json={"mobile": mobile, "code": code}, headers=bearer(pair["access_token"])
    )


def verify(db_session, user_id: int) -> None:
    record_verification(db_session.get(User, user_id), "identity", "checksum-only")
    db_session.commit()


def test_a_mini_program_account_refused_the_number_proves_it_and_becomes_the_sms_account(
    client, wechat, db_session, log_records, monkeypatch
):
    # Sends to one number are limited to one a minute; this test sends three.
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    sms_id, _ = sms_account(client, log_records)
    verify(db_session, sms_id)
    make_post(db_session.get(User, sms_id))
    db_session.commit()
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    assert bind(client, wechat, wechat_pair["access_token"]).json["code"] == "mobile_in_use"

    linked = prove(client, log_records, wechat_pair)
    assert linked.status_code == 200
    assert client.get(WHOAMI, headers=bearer(linked.json["access_token"])).json == {
        "user_id": sms_id
    }
    stale = client.get(WHOAMI, headers=bearer(wechat_pair["access_token"]))
    assert stale.status_code == 401
    assert db_session.get(User, wechat_id).status == "deleted"
    # The mini program now signs in to the number's account.
    again, _ = mini_program_account(client, wechat, code="login-again")
    assert again == sms_id


def test_an_sms_account_with_nothing_yet_is_folded_into_the_wechat_account_that_has_posts(
    client, wechat, db_session, log_records, monkeypatch
):
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    sms_id, _ = sms_account(client, log_records)
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    verify(db_session, wechat_id)
    linked = prove(client, log_records, wechat_pair)
    assert linked.status_code == 200
    assert client.get(WHOAMI, headers=bearer(linked.json["access_token"])).json == {
        "user_id": wechat_id
    }
    kept = db_session.get(User, wechat_id)
    assert kept.phone_masked == "139****5678"
    assert kept.verification("phone").provider == "sms"
    assert db_session.get(User, sms_id).status == "deleted"
    assert sms_account(client, log_records)[0] == wechat_id


def test_a_number_nobody_holds_is_simply_bound(client, wechat, db_session, log_records):
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    linked = prove(client, log_records, wechat_pair)
    assert linked.status_code == 200
    user = db_session.get(User, wechat_id)
    key = client.application.config["LOOKUP_HMAC_KEY"]
    assert user.phone_hmac == lookup_digest("mobile", MOBILE, key)
    assert user.verification("phone").provider == "sms"


def test_two_accounts_that_both_hold_something_are_not_merged_and_the_code_still_works(
    client, wechat, db_session, log_records, monkeypatch
):
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    sms_id, _ = sms_account(client, log_records)
    make_post(db_session.get(User, sms_id))
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    verify(db_session, wechat_id)
    refused = prove(client, log_records, wechat_pair)
    assert (refused.status_code, refused.json["code"]) == (409, "accounts_both_in_use")
    assert db_session.get(User, wechat_id).phone_hmac is None
    code = logged_code(log_records)
    assert client.post(SMS_SIGN_IN, json={"mobile": MOBILE, "code": code}).status_code == 200


def test_accounts_of_two_different_wechat_users_are_not_linked(
    client, wechat, db_session, log_records, monkeypatch
):
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    holder_id, holder_pair = mini_program_account(client, wechat, "one", "oMini_holder_00000")
    assert prove(client, log_records, holder_pair).status_code == 200
    _, other_pair = mini_program_account(client, wechat, "two", "oMini_other_000000")
    refused = prove(client, log_records, other_pair)
    assert (refused.status_code, refused.json["code"]) == (409, "link_conflict")
    assert db_session.get(User, holder_id).status == "active"


def test_a_banned_accounts_number_stays_refused(client, wechat, db_session, log_records):
    user_for_mobile(MOBILE, provider="sms").status = "banned"
    db_session.commit()
    _, wechat_pair = mini_program_account(client, wechat)
    refused = prove(client, log_records, wechat_pair)
    assert (refused.status_code, refused.json["code"]) == (409, "mobile_in_use")


def test_a_wrong_code_links_nothing(client, wechat, db_session, log_records, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    sms_account(client, log_records)
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    refused = prove(client, log_records, wechat_pair, wrong=True)
    assert (refused.status_code, refused.json["code"]) == (422, "sms_code_incorrect")
    assert db_session.get(User, wechat_id).status == "active"
    assert db_session.get(User, wechat_id).phone_hmac is None


def test_linking_needs_a_signed_in_caller(client):
    answer = client.post(LINK, json={"mobile": MOBILE, "code": "123456"})
    assert answer.status_code == 401


def test_the_link_is_audited_without_the_number(
    client, wechat, db_session, log_records, monkeypatch
):
    monkeypatch.setitem(client.application.config, "SMS_MOBILE_SENDS_PER_MINUTE", 10)
    sms_id, _ = sms_account(client, log_records)
    make_post(db_session.get(User, sms_id))
    wechat_id, wechat_pair = mini_program_account(client, wechat)
    prove(client, log_records, wechat_pair)
    (entry,) = [line for line in log_records() if line["message"] == "accounts_linked"]
    # By audit pseudonyms: the kept account's still names it, the folded one's names no one.
    assert entry["user"] == str(pseudonym_of(sms_id))
    assert str(pseudonym_of(wechat_id)) != entry["folded"]
    assert (
        db_session.scalar(
            select(AuditPseudonym.user_id).where(AuditPseudonym.pseudonym == UUID(entry["folded"]))
        )
        is None
    )
    # The development SMS provider's own lines carry a masked number; nothing carries it whole.
    assert MOBILE not in json.dumps(log_records())


@pytest.mark.parametrize("body", [{}, {"mobile": MOBILE}, {"mobile": MOBILE, "code": "12"}])
def test_a_malformed_link_request_names_the_field(client, wechat, body):
    _, pair = mini_program_account(client, wechat)
    answer = client.post(LINK, json=body, headers=bearer(pair["access_token"]))
    assert answer.status_code == 422
    assert "code" in answer.json["errors"]
