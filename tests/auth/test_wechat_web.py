"""Signing in on the H5 page inside WeChat: silent web authorisation through the official
account, against the fake WeChat's authorize page and code exchange; accounts link on unionid."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from app.auth.lookup import lookup_digest
from app.auth.models import User, WeChatWebState
from app.auth.wechat_web_service import start_authorization
from app.extensions import db
from tests.auth.conftest import H5_ORIGIN, OA_APP_ID, OA_APP_SECRET, sign_in_with
from tests.conftest import bearer
from tests.fakes.wechat import OAUTH2_ACCESS_TOKEN

AUTHORIZATIONS = "/api/v1/auth/wechat/web/authorizations"
WEB_SIGN_IN = "/api/v1/auth/wechat/web"
WHOAMI = "/api/v1/_probe/signed-in"
PAGE = f"{H5_ORIGIN}/h5/?lang=en&region=440305"
WEB_OPENID = "oWebOpenid_0123456789abcdefgh"
UNIONID = "oUnionid_0123456789abcdefghij"


def start(client, return_to=PAGE):
    return client.post(AUTHORIZATIONS, json={"return_to": return_to})


def come_back(authorize_url: str) -> dict:
    """Open the authorize page as WeChat's browser would; the code and state WeChat sends it
    back with."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{H5_ORIGIN}/h5/"
    query = parse_qs(location.query)
    return {name: query[name][0] for name in ("code", "state")}


def signed_in_user_id(client, pair: dict) -> int:
    return client.get(WHOAMI, headers=bearer(pair["access_token"])).json["user_id"]


def web_sign_in(client, wechat, openid=WEB_OPENID, unionid=UNIONID, snapshot=False, code="web"):
    """A whole web authorisation with a code the fake gives this user; the sign-in's answer."""
    state = state_of(start(client).json["authorize_url"])
    wechat.add_web_code(code, openid, unionid, snapshot)
    return client.post(WEB_SIGN_IN, json={"code": code, "state": state})


def state_of(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["state"][0]


def test_an_authorisation_sends_the_browser_to_wechat_silently_and_back_to_the_page(
    client, wechat, db_session
):
    answer = start(client, PAGE + "&code=old&state=stale#top")
    assert answer.status_code == 201
    assert answer.json["expires_in"] == 600
    url = answer.json["authorize_url"]
    assert url.startswith(f"{client.application.config['WECHAT_OPEN_BASE_URL']}/")
    parts = urlsplit(url)
    assert parts.path == "/connect/oauth2/authorize"
    assert parts.fragment == "wechat_redirect"
    query = parse_qs(parts.query)
    # WeChat reads its parameters in this order.
    assert list(query) == ["appid", "redirect_uri", "response_type", "scope", "state"]
    assert query["appid"] == [OA_APP_ID]
    assert query["redirect_uri"] == [PAGE]
    assert (query["response_type"], query["scope"]) == (["code"], ["snsapi_base"])
    page = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    back = parse_qs(urlsplit(page).query)
    assert set(back) == {"lang", "region", "code", "state"}
    assert back["state"] == query["state"]
    assert (back["lang"], back["region"]) == (["en"], ["440305"])


def test_the_state_is_kept_only_as_a_keyed_hash(client, wechat, db_session):
    state = state_of(start(client).json["authorize_url"])
    (kept,) = db_session.scalars(select(WeChatWebState)).all()
    key = client.application.config["LOOKUP_HMAC_KEY"]
    assert kept.state_hmac == lookup_digest("wechat-state", state, key)
    assert state not in repr(db_session.execute(select(WeChatWebState.__table__)).all())


def test_the_round_trip_signs_in_and_makes_an_account_with_hashes_only(client, wechat, db_session):
    back = come_back(start(client).json["authorize_url"])
    answer = client.post(WEB_SIGN_IN, json=back)
    assert answer.status_code == 200
    assert set(answer.json) == {"access_token", "refresh_token", "token_type", "expires_in"}
    user = db_session.get(User, signed_in_user_id(client, answer.json))
    assert user.wechat_web_openid_hmac is not None and user.wechat_unionid_hmac is not None
    assert user.wechat_openid_hmac is None
    (seen,) = wechat.calls(OAUTH2_ACCESS_TOKEN)
    assert seen.query == {
        "appid": OA_APP_ID,
        "secret": OA_APP_SECRET,
        "code": back["code"],
        "grant_type": "authorization_code",
    }
    profile = client.get("/api/v1/me", headers=bearer(answer.json["access_token"])).json
    assert profile["wechat_bound"] is True


def test_a_second_web_sign_in_finds_the_same_account(client, wechat, db_session):
    first = web_sign_in(client, wechat, code="first")
    again = web_sign_in(client, wechat, code="again")
    assert signed_in_user_id(client, first.json) == signed_in_user_id(client, again.json)
    assert db_session.scalar(select(db.func.count()).select_from(User)) == 1


@pytest.mark.parametrize("mini_program_first", [True, False], ids=["mini-first", "h5-first"])
def test_the_mini_program_and_the_h5_page_are_one_account_through_the_unionid(
    client, wechat, db_session, mini_program_first
):
    def mini_program():
        return sign_in_with(client, wechat, openid="oMiniOpenid_01234567", unionid=UNIONID)

    def h5_page():
        return web_sign_in(client, wechat)

    first, second = (mini_program, h5_page) if mini_program_first else (h5_page, mini_program)
    first_id = signed_in_user_id(client, first().json)
    assert signed_in_user_id(client, second().json) == first_id
    user = db_session.get(User, first_id)
    assert user.wechat_openid_hmac is not None and user.wechat_web_openid_hmac is not None


def test_without_a_unionid_the_two_apps_make_two_accounts(client, wechat, db_session):
    mini = sign_in_with(client, wechat, openid="oMiniOpenid_01234567")
    web = web_sign_in(client, wechat, unionid=None)
    assert signed_in_user_id(client, mini.json) != signed_in_user_id(client, web.json)


def test_a_state_works_once(client, wechat):
    back = come_back(start(client).json["authorize_url"])
    assert client.post(WEB_SIGN_IN, json=back).status_code == 200
    wechat.add_web_code("another", WEB_OPENID)
    again = client.post(WEB_SIGN_IN, json={"code": "another", "state": back["state"]})
    assert again.status_code == 422
    assert again.json["code"] == "wechat_state_invalid"
    assert set(again.json["errors"]) == {"state"}


def test_a_state_this_server_never_gave_is_refused_before_asking_wechat(client, wechat):
    wechat.add_web_code("code", WEB_OPENID)
    answer = client.post(WEB_SIGN_IN, json={"code": "code", "state": "made-up-by-a-third-party"})
    assert answer.json["code"] == "wechat_state_invalid"
    assert wechat.calls(OAUTH2_ACCESS_TOKEN) == []


def test_an_expired_state_is_refused(client, wechat, db_session):
    with client.application.test_request_context():
        started = start_authorization(PAGE, now=datetime.now(UTC) - timedelta(seconds=601))
    wechat.add_web_code("code", WEB_OPENID)
    state = state_of(started.authorize_url)
    answer = client.post(WEB_SIGN_IN, json={"code": "code", "state": state})
    assert answer.json["code"] == "wechat_state_invalid"


def test_a_code_used_twice_is_its_own_problem(client, wechat):
    back = come_back(start(client).json["authorize_url"])
    assert client.post(WEB_SIGN_IN, json=back).status_code == 200
    state = state_of(start(client).json["authorize_url"])
    answer = client.post(WEB_SIGN_IN, json={"code": back["code"], "state": state})
    assert (answer.status_code, answer.json["code"]) == (422, "wechat_code_used")
    assert answer.json["errors"] == {"code": ["授权码已使用。"]}


def test_an_unknown_code_is_its_own_problem(client, wechat):
    state = state_of(start(client).json["authorize_url"])
    answer = client.post(WEB_SIGN_IN, json={"code": "never-issued", "state": state})
    assert (answer.status_code, answer.json["code"]) == (422, "wechat_code_invalid")


def test_a_snapshot_reader_is_not_signed_in(client, wechat, db_session):
    answer = web_sign_in(client, wechat, snapshot=True)
    assert (answer.status_code, answer.json["code"]) == (403, "wechat_snapshot_user")
    assert db_session.scalar(select(db.func.count()).select_from(User)) == 0


def test_a_page_on_another_domain_is_told_so_instead_of_meeting_wechats_10003(client, wechat):
    answer = start(client, "https://copy.example.com/h5/")
    assert (answer.status_code, answer.json["code"]) == (422, "wechat_web_domain_mismatch")
    assert H5_ORIGIN in answer.json["detail"]


def test_wechat_itself_stops_a_redirect_to_an_unregistered_domain(client, wechat):
    url = start(client).json["authorize_url"].replace("h5.medshare.test", "copy.example.com")
    page = requests.get(url, allow_redirects=False, timeout=5)
    assert page.status_code == 200
    assert "10003" in page.text


@pytest.mark.parametrize(
    "return_to",
    [f"{H5_ORIGIN}/moderation/", f"{H5_ORIGIN}/api/v1/posts", "/h5/", "javascript:alert(1)"],
)
def test_only_pages_of_the_h5_square_may_be_returned_to(client, wechat, return_to):
    answer = start(client, return_to)
    assert answer.status_code == 422
    if return_to.startswith(H5_ORIGIN):
        assert answer.json["errors"] == {"return_to": ["不是信息广场 H5 页面的地址。"]}


def test_a_banned_account_cannot_sign_in_on_the_page(client, wechat, db_session):
    first = web_sign_in(client, wechat, code="first")
    db_session.get(User, signed_in_user_id(client, first.json)).status = "banned"
    db_session.commit()
    answer = web_sign_in(client, wechat, code="again")
    assert (answer.status_code, answer.json["code"]) == (401, "account_unavailable")


def test_a_server_without_the_official_account_says_so_and_calls_nobody(
    client, wechat, monkeypatch
):
    monkeypatch.setitem(client.application.config, "WECHAT_OA_APP_ID", "")
    answer = start(client)
    assert (answer.status_code, answer.json["code"]) == (503, "wechat_web_not_configured")
    assert wechat.seen == []


def test_nothing_secret_reaches_the_log(client, wechat, log_records):
    back = come_back(start(client).json["authorize_url"])
    client.post(WEB_SIGN_IN, json=back)
    wechat.script(OAUTH2_ACCESS_TOKEN, 40029)
    web_sign_in(client, wechat, code="refused-code")
    logged = json.dumps(log_records(), ensure_ascii=False)
    for secret in (back["code"], back["state"], OA_APP_SECRET, "refused-code", UNIONID):
        assert secret not in logged


def test_expired_states_are_cleared_by_the_next_authorisation(client, wechat, db_session):
    with client.application.test_request_context():
        start_authorization(PAGE, now=datetime.now(UTC) - timedelta(seconds=601))
    fresh = state_of(start(client).json["authorize_url"])
    key = client.application.config["LOOKUP_HMAC_KEY"]
    kept = db_session.scalars(select(WeChatWebState.state_hmac)).all()
    assert kept == [lookup_digest("wechat-state", fresh, key)]
