"""Mini program sign-in and phone binding, against a local fake of WeChat's server API."""

import json
import time

import pytest
from sqlalchemy import select, text

from app.auth.lookup import lookup_digest
from app.auth.models import User
from app.extensions import db
from tests.auth.conftest import (
    APP_ID,
    APP_SECRET,
    BIND_PHONE,
    MOBILE,
    OPENID,
    SIGN_IN,
    TIMEOUT_SECONDS,
    bind,
    sign_in_with,
)
from tests.conftest import bearer
from tests.fakes.server import serve
from tests.fakes.wechat import (
    GET_PHONE_NUMBER,
    HTTP_ERROR,
    JSCODE2SESSION,
    NO_PAYLOAD,
    NOT_AN_OBJECT,
    NOT_JSON,
    SLOW,
    STABLE_TOKEN,
    FakeWeChat,
)

WHOAMI = "/api/v1/_probe/signed-in"


# Sign-in


def test_the_first_sign_in_makes_an_account_and_the_next_finds_it(client, wechat, db_session):
    first = sign_in_with(client, wechat, "first-code")
    assert first.status_code == 200
    assert set(first.json) == {"access_token", "refresh_token", "token_type", "expires_in"}
    user_id = client.get(WHOAMI, headers=bearer(first.json["access_token"])).json["user_id"]
    again = sign_in_with(client, wechat, "second-code")
    assert client.get(WHOAMI, headers=bearer(again.json["access_token"])).json == {
        "user_id": user_id
    }
    assert db_session.scalar(select(db.func.count()).select_from(User)) == 1
    sessions = db_session.execute(text("SELECT client FROM auth_sessions")).scalars().all()
    assert sessions == ["wechat", "wechat"]


def test_sign_in_asks_jscode2session_with_the_apps_credentials(client, wechat):
    sign_in_with(client, wechat, "the-code")
    (seen,) = wechat.calls(JSCODE2SESSION)
    assert seen.method == "GET"
    assert seen.query == {
        "appid": APP_ID,
        "secret": APP_SECRET,
        "js_code": "the-code",
        "grant_type": "authorization_code",
    }


def test_the_openid_is_kept_only_as_a_keyed_hash(app, client, wechat, db_session):
    sign_in_with(client, wechat)
    user = db_session.scalars(select(User)).one()
    assert user.wechat_openid_hmac == lookup_digest("openid", OPENID, app.config["LOOKUP_HMAC_KEY"])
    for table in db.metadata.sorted_tables:
        for row in db_session.execute(select(table)).all():
            assert OPENID not in repr(row), table.name


def test_a_banned_account_cannot_sign_in_again(client, wechat, db_session):
    sign_in_with(client, wechat, "first-code")
    db_session.scalars(select(User)).one().status = "banned"
    db_session.commit()
    response = sign_in_with(client, wechat, "second-code")
    assert response.status_code == 401
    assert response.json["code"] == "account_unavailable"


def test_a_used_code_is_a_field_error_on_code_in_the_users_language(client, wechat):
    sign_in_with(client, wechat, "once")
    response = client.post(SIGN_IN, json={"code": "once"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "wechat_code_invalid"
    assert response.json["errors"] == {"code": ["授权码无效、已过期或已使用。"]}
    english = client.post(SIGN_IN, json={"code": "once"}, headers={"Accept-Language": "en"})
    assert english.json["errors"] == {"code": ["The code is invalid, expired or already used."]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Missing data for required field."),
        ({"code": ""}, "Length must be between 1 and 128."),
        ({"code": "x" * 129}, "Length must be between 1 and 128."),
        ({"code": None}, "Field may not be null."),
    ],
)
@pytest.mark.parametrize("route", [SIGN_IN, BIND_PHONE])
def test_a_missing_empty_or_overlong_code_is_refused_before_asking_wechat(
    client, wechat, sign_in, route, body, message
):
    _, pair = sign_in(client="wechat")
    response = client.post(
        route, json=body, headers={**bearer(pair.access_token), "Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert response.json["errors"] == {"code": [message]}
    assert wechat.seen == []


# WeChat's errcodes, for each call that can meet them.
ERRCODE_ANSWERS = [
    pytest.param(40029, 422, "wechat_code_invalid", None, id="40029-invalid-code"),
    pytest.param(45011, 429, "wechat_rate_limited", "60", id="45011-rate-limited"),
    pytest.param(40226, 403, "wechat_user_blocked", None, id="40226-risky-user"),
    pytest.param(-1, 503, "wechat_busy", "5", id="minus-1-system-busy"),
    pytest.param(40163, 422, "wechat_code_used", None, id="40163-code-used"),
    pytest.param(48001, 502, "wechat_unavailable", None, id="other-errcode"),
]


@pytest.mark.parametrize(("errcode", "status", "code", "retry_after"), ERRCODE_ANSWERS)
def test_each_jscode2session_errcode_has_its_answer(
    client, wechat, db_session, errcode, status, code, retry_after
):
    wechat.script(JSCODE2SESSION, errcode)
    response = sign_in_with(client, wechat)
    assert (response.status_code, response.json["code"]) == (status, code)
    assert response.headers.get("Retry-After") == retry_after
    assert db_session.scalar(select(db.func.count()).select_from(User)) == 0


@pytest.mark.parametrize(("errcode", "status", "code", "retry_after"), ERRCODE_ANSWERS)
def test_each_getuserphonenumber_errcode_has_its_answer(
    client, wechat, sign_in, errcode, status, code, retry_after
):
    user, pair = sign_in(client="wechat")
    wechat.script(GET_PHONE_NUMBER, errcode)
    response = bind(client, wechat, pair.access_token)
    assert (response.status_code, response.json["code"]) == (status, code)
    assert response.headers.get("Retry-After") == retry_after
    assert user.phone_hmac is None and user.verification("phone") is None


def test_an_invalid_phone_code_names_the_code_field(client, wechat, sign_in):
    _, pair = sign_in(client="wechat")
    response = client.post(BIND_PHONE, json={"code": "unknown"}, headers=bearer(pair.access_token))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"code"}


@pytest.mark.parametrize("broken", [NOT_JSON, HTTP_ERROR, NOT_AN_OBJECT, NO_PAYLOAD])
def test_a_broken_answer_reads_as_wechat_unavailable(client, wechat, broken):
    wechat.script(JSCODE2SESSION, broken)
    response = sign_in_with(client, wechat)
    assert response.status_code == 502
    assert response.json["code"] == "wechat_unavailable"


@pytest.mark.parametrize("broken", [NOT_JSON, NO_PAYLOAD])
def test_a_broken_token_or_phone_answer_reads_as_wechat_unavailable(
    client, wechat, sign_in, broken
):
    _, pair = sign_in(client="wechat")
    wechat.script(STABLE_TOKEN, broken)
    assert bind(client, wechat, pair.access_token, "first").json["code"] == "wechat_unavailable"
    wechat.script(GET_PHONE_NUMBER, broken)
    assert bind(client, wechat, pair.access_token, "second").json["code"] == "wechat_unavailable"


def test_a_slow_answer_times_out(client, wechat):
    wechat.script(JSCODE2SESSION, SLOW)
    started = time.monotonic()
    response = sign_in_with(client, wechat)
    assert response.status_code == 504
    assert response.json["code"] == "wechat_timeout"
    assert time.monotonic() - started < TIMEOUT_SECONDS + 1


def test_an_unreachable_wechat_is_unavailable(app, client, wechat, monkeypatch):
    with serve(FakeWeChat(APP_ID, APP_SECRET)) as closed_soon:
        pass
    monkeypatch.setitem(app.config, "WECHAT_API_BASE_URL", closed_soon)
    response = sign_in_with(client, wechat)
    assert response.status_code == 502
    assert response.json["code"] == "wechat_unavailable"


def test_a_wrong_app_secret_is_wechat_unavailable_not_the_users_fault(
    app, client, wechat, monkeypatch
):
    monkeypatch.setitem(app.config, "WECHAT_APP_SECRET", "not-the-secret")
    response = sign_in_with(client, wechat)
    assert response.status_code == 502
    assert response.json["code"] == "wechat_unavailable"


# Phone binding


def test_binding_a_phone_reaches_the_phone_level_through_wechat(client, wechat, sign_in, app):
    user, pair = sign_in(client="wechat")
    response = bind(client, wechat, pair.access_token)
    assert response.status_code == 200
    assert response.json["phone_masked"] == "139****5678"
    (level,) = response.json["levels"]
    assert (level["level"], level["provider"]) == ("phone", "wechat")
    assert user.phone_hmac == lookup_digest("mobile", MOBILE, app.config["LOOKUP_HMAC_KEY"])
    assert user.verification("phone").provider == "wechat"
    (seen,) = wechat.calls(GET_PHONE_NUMBER)
    assert seen.body == {"code": "phone-code"}


def test_binding_a_phone_needs_a_signed_in_caller(client, wechat):
    response = client.post(BIND_PHONE, json={"code": "phone-code"})
    assert response.status_code == 401
    assert wechat.seen == []


def test_a_number_another_account_holds_is_refused(client, wechat, sign_in):
    holder, holder_pair = sign_in(client="wechat")
    bind(client, wechat, holder_pair.access_token, "holder-code")
    other, other_pair = sign_in(client="wechat")
    response = bind(client, wechat, other_pair.access_token, "other-code")
    assert response.status_code == 409
    assert response.json["code"] == "mobile_in_use"
    assert other.phone_hmac is None and other.verification("phone") is None
    assert holder.verification("phone") is not None


@pytest.mark.parametrize(
    ("number", "country_code"),
    [
        ("91234567", "852"),
        # A Santos mobile: 11 digits from 13, the shape of a mainland one; the country code tells.
        ("13987654321", "55"),
        ("02112345678", "86"),
    ],
    ids=["hong-kong", "brazil", "mainland-landline"],
)
def test_only_a_mainland_mobile_is_bound(client, wechat, sign_in, number, country_code):
    user, pair = sign_in(client="wechat")
    response = bind(client, wechat, pair.access_token, number=number, country_code=country_code)
    assert response.status_code == 422
    assert response.json["code"] == "wechat_phone_not_mainland"
    assert user.phone_hmac is None and user.verification("phone") is None


def test_a_number_watermarked_for_another_app_is_not_trusted(client, wechat, sign_in):
    user, pair = sign_in(client="wechat")
    response = bind(client, wechat, pair.access_token, app_id="wx-someone-else")
    assert response.status_code == 502
    assert user.phone_hmac is None


# The log


def test_nothing_secret_reaches_the_log(app, client, wechat, sign_in, monkeypatch, log_records):
    _, pair = sign_in(client="wechat")
    sign_in_with(client, wechat, "login-code-in-clear")
    bind(client, wechat, pair.access_token, "phone-code-in-clear")
    wechat.script(JSCODE2SESSION, 40029)
    sign_in_with(client, wechat, "refused-code-in-clear")
    wechat.expire_token()
    wechat.script(GET_PHONE_NUMBER, 42001, 42001)
    bind(client, wechat, pair.access_token, "phone-code-refused", "13812345678")
    with serve(FakeWeChat(APP_ID, APP_SECRET)) as closed_soon:
        pass
    monkeypatch.setitem(app.config, "WECHAT_API_BASE_URL", closed_soon)
    sign_in_with(client, wechat, "unreachable-code-in-clear")

    records = log_records()
    logged = json.dumps(records, ensure_ascii=False)
    tokens = [seen.query["access_token"] for seen in wechat.calls(GET_PHONE_NUMBER)]
    for secret in (
        APP_SECRET,
        OPENID,
        "code-in-clear",
        "phone-code",
        MOBILE,
        "13812345678",
        *tokens,
    ):
        assert secret not in logged
    refusals = [record for record in records if record["message"] == "wechat refused"]
    assert {(record["api"], record["errcode"]) for record in refusals} == {
        (JSCODE2SESSION, 40029),
        (GET_PHONE_NUMBER, 42001),
    }
    failed = [record for record in records if record["message"] == "wechat request failed"]
    assert [(record["api"], record["error"]) for record in failed] == [
        (JSCODE2SESSION, "ConnectionError")
    ]


def test_a_server_without_wechat_credentials_says_so_and_calls_nobody(client, wechat, monkeypatch):
    monkeypatch.setitem(client.application.config, "WECHAT_APP_SECRET", "")
    response = sign_in_with(client, wechat)
    assert response.status_code == 503
    assert response.json["code"] == "wechat_not_configured"
    assert wechat.seen == []
