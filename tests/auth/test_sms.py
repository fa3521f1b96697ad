"""H5 sign-in by SMS code: a code lives 5 minutes, works once, allows 5 tries; sends are limited."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.lookup import lookup_digest
from app.auth.models import User
from app.auth.service import user_for_mobile
from app.auth.sms import service
from app.auth.sms.models import SmsChallenge
from app.auth.sms.senders import SmsLimitReached
from tests.conftest import bearer, logged_code

CODES = "/api/v1/auth/sms/codes"
SIGN_IN = "/api/v1/auth/sms/sign-in"
WHOAMI = "/api/v1/_probe/signed-in"
MOBILE = "13912345678"
OTHER_MOBILE = "13800138000"
ADDRESS = "203.0.113.7"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refusal(call) -> SmsLimitReached:
    with pytest.raises(SmsLimitReached) as raised:
        call()
    return raised.value


def test_signing_in_with_the_code_from_the_log(client, db_session, log_records):
    sent = client.post(CODES, json={"mobile": "+86 139-1234-5678"})
    assert sent.status_code == 202
    assert sent.json == {"expires_in": 300, "resend_after": 60}
    line = [line for line in log_records() if line["logger"] == "medshare.sms"][-1]
    assert line["mobile"] == "139****5678"
    assert len(line["code"]) == 6 and line["code"].isdigit()

    signed_in = client.post(SIGN_IN, json={"mobile": MOBILE, "code": line["code"]})
    assert signed_in.status_code == 200
    assert signed_in.json["token_type"] == "Bearer"
    who = client.get(WHOAMI, headers=bearer(signed_in.json["access_token"])).json
    user = db_session.get(User, who["user_id"])
    assert user.phone_masked == "139****5678"
    assert user.verification("phone").provider == "sms"


def test_a_code_works_once(client, log_records):
    client.post(CODES, json={"mobile": MOBILE})
    code = logged_code(log_records)
    assert client.post(SIGN_IN, json={"mobile": MOBILE, "code": code}).status_code == 200
    again = client.post(SIGN_IN, json={"mobile": MOBILE, "code": code})
    assert again.status_code == 422
    assert again.json["code"] == "sms_code_invalid"
    assert again.json["errors"] == {"code": ["验证码已失效，请重新获取。"]}


def test_a_code_expires_after_five_minutes(db_session, log_records):
    service.request_code(MOBILE, ADDRESS, now=T0)
    code = logged_code(log_records)
    with pytest.raises(service.CodeNotValid):
        service.sign_in(MOBILE, code, now=T0 + timedelta(minutes=5))
    assert service.sign_in(MOBILE, code, now=T0 + timedelta(minutes=5) - timedelta(seconds=1))


def test_an_expired_code_is_refused_over_http(client, db_session, log_records):
    client.post(CODES, json={"mobile": MOBILE})
    five_minutes = timedelta(minutes=5)
    for challenge in db_session.scalars(select(SmsChallenge)):
        challenge.created_at -= five_minutes
        challenge.expires_at -= five_minutes
    db_session.commit()
    response = client.post(SIGN_IN, json={"mobile": MOBILE, "code": logged_code(log_records)})
    assert response.status_code == 422
    assert response.json["code"] == "sms_code_invalid"


def test_each_wrong_try_says_how_many_are_left_and_the_fifth_ends_the_code(client, log_records):
    client.post(CODES, json={"mobile": MOBILE})
    code = logged_code(log_records)
    wrong = {"mobile": MOBILE, "code": other_code(code)}
    for left in (4, 3, 2, 1):
        response = client.post(SIGN_IN, json=wrong, headers={"Accept-Language": "en"})
        assert response.status_code == 422
        assert response.json["code"] == "sms_code_incorrect"
        assert response.json["errors"] == {"code": [f"Wrong code; tries left: {left}."]}
    last = client.post(SIGN_IN, json=wrong)
    assert last.json["errors"] == {"code": ["验证码不正确，尝试次数已用完，请重新获取。"]}
    right_too_late = client.post(SIGN_IN, json={"mobile": MOBILE, "code": code})
    assert right_too_late.json["code"] == "sms_code_invalid"


def test_a_new_code_replaces_the_old_one(db_session, log_records):
    service.request_code(MOBILE, ADDRESS, now=T0)
    old = logged_code(log_records)
    service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(minutes=1))
    new = logged_code(log_records)
    later = T0 + timedelta(minutes=2)
    if old != new:  # one time in a million the two codes are the same
        with pytest.raises(service.CodeNotAccepted):
            service.sign_in(MOBILE, old, now=later)
    assert service.sign_in(MOBILE, new, now=later)
    open_challenges = db_session.scalars(select(SmsChallenge).filter_by(consumed_at=None)).all()
    assert open_challenges == []


def test_no_code_answers_alike_for_numbers_with_and_without_an_account(client, sign_in):
    sign_in(service.user_for_mobile(MOBILE, provider="sms"))
    with_account = client.post(SIGN_IN, json={"mobile": MOBILE, "code": "123456"})
    without = client.post(SIGN_IN, json={"mobile": OTHER_MOBILE, "code": "123456"})
    assert with_account.status_code == without.status_code == 422
    assert {key: value for key, value in with_account.json.items() if key != "request_id"} == {
        key: value for key, value in without.json.items() if key != "request_id"
    }


@pytest.mark.parametrize("path", [CODES, SIGN_IN])
def test_a_number_that_is_not_a_mainland_mobile_is_a_field_error(client, path):
    body = {"mobile": "+852 9123 4567"} | ({"code": "123456"} if path == SIGN_IN else {})
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert response.json["errors"] == {"mobile": ["不是中国大陆手机号码。"]}


def test_a_number_gets_one_code_a_minute(db_session):
    service.request_code(MOBILE, ADDRESS, now=T0)
    limited = refusal(lambda: service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(seconds=20)))
    assert limited.headers == {"Retry-After": "40"}
    assert service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(seconds=60))


def test_too_soon_is_a_429_problem_with_retry_after(client):
    assert client.post(CODES, json={"mobile": MOBILE}).status_code == 202
    response = client.post(CODES, json={"mobile": MOBILE})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "sms_limit_reached"
    assert response.headers["Retry-After"] == "60"
    assert "1 分钟" in response.json["detail"]


def test_a_number_gets_ten_codes_a_day(db_session):
    sends = [T0 + timedelta(seconds=61 * index) for index in range(10)]
    for moment in sends:
        sent = service.request_code(MOBILE, ADDRESS, now=moment)
    assert sent.resend_after == 24 * 3600 - 61 * 9
    eleventh = T0 + timedelta(minutes=30)
    limited = refusal(lambda: service.request_code(MOBILE, ADDRESS, now=eleventh))
    # Room comes back when the first send of the ten leaves the 24-hour window.
    assert limited.headers == {"Retry-After": str(24 * 3600 - 30 * 60)}
    assert service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(days=1))


def test_an_address_gets_twenty_codes_an_hour(db_session):
    for index in range(20):
        service.request_code(f"1380013{index:04d}", ADDRESS, now=T0 + timedelta(seconds=index))
    later = T0 + timedelta(minutes=10)
    limited = refusal(lambda: service.request_code("13700137000", ADDRESS, now=later))
    assert limited.headers == {"Retry-After": str(3600 - 600)}
    assert service.request_code("13700137000", "198.51.100.1", now=later)


def test_the_limits_come_from_settings(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_MOBILE_SENDS_PER_MINUTE", 2)
    service.request_code(MOBILE, ADDRESS, now=T0)
    assert service.request_code(MOBILE, ADDRESS, now=T0 + timedelta(seconds=1)).resend_after == 59


def test_the_stored_row_holds_neither_the_number_nor_the_code(db_session, log_records):
    service.request_code(MOBILE, ADDRESS, now=T0)
    code = logged_code(log_records)
    row = db_session.scalars(select(SmsChallenge)).one()
    stored = repr([getattr(row, column.key) for column in SmsChallenge.__table__.columns])
    for secret in (MOBILE, code, ADDRESS):
        assert secret not in stored
        assert secret.encode() not in row.mobile_hmac + row.client_hmac + row.code_hmac


def test_a_code_hash_copied_to_another_challenge_does_not_match(app, db_session, log_records):
    service.request_code(MOBILE, ADDRESS, now=T0)
    code = logged_code(log_records)
    service.request_code(OTHER_MOBILE, ADDRESS, now=T0)
    rows = {row.mobile_hmac: row for row in db_session.scalars(select(SmsChallenge))}
    key = app.config["LOOKUP_HMAC_KEY"]
    theirs = rows[lookup_digest("mobile", OTHER_MOBILE, key)]
    theirs.code_hmac = rows[lookup_digest("mobile", MOBILE, key)].code_hmac
    db_session.commit()
    with pytest.raises(service.CodeNotAccepted):
        service.sign_in(OTHER_MOBILE, code, now=T0)


def test_a_banned_number_gets_no_tokens(client, db_session, log_records):
    user = user_for_mobile(MOBILE, provider="sms")
    user.status = "banned"
    db_session.commit()
    client.post(CODES, json={"mobile": MOBILE})
    refused = client.post(SIGN_IN, json={"mobile": MOBILE, "code": logged_code(log_records)})
    assert refused.status_code == 401
    assert refused.json["code"] == "account_unavailable"


@pytest.mark.parametrize("typo", ["abc", "12345", "1234567", "12 345"])
def test_a_malformed_code_is_a_field_error_that_costs_no_try(client, db_session, typo):
    client.post(CODES, json={"mobile": MOBILE})
    response = client.post(SIGN_IN, json={"mobile": MOBILE, "code": typo})
    assert response.status_code == 422
    assert response.json["errors"] == {"code": ["验证码是 6 位数字。"]}
    assert db_session.scalars(select(SmsChallenge.tries)).one() == 0
