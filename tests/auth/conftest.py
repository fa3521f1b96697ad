"""The calls the auth tests make to the fake WeChat (tests/conftest.py serves it)."""

from app.auth.service import MINI_PROGRAM, user_for_wechat
from app.auth.wechat import WeChatIdentity
from tests.conftest import (  # noqa: F401 - the fake WeChat's settings, as the auth tests use them
    APP_ID,
    APP_SECRET,
    H5_ORIGIN,
    OA_APP_ID,
    OA_APP_SECRET,
    OPENID,
    TIMEOUT_SECONDS,
    bearer,
)
from tests.fakes.wechat import STABLE_TOKEN

SIGN_IN = "/api/v1/auth/wechat"
BIND_PHONE = "/api/v1/auth/wechat/phone"
MOBILE = "13912345678"


def sign_in_with(client, fake, code="login-code", openid=OPENID, unionid=None):
    fake.add_login(code, openid, unionid)
    return client.post(SIGN_IN, json={"code": code})


def bind(client, fake, access_token, code="phone-code", number=MOBILE, **phone):
    fake.add_phone(code, number, **phone)
    return client.post(BIND_PHONE, json={"code": code}, headers=bearer(access_token))


def force_refreshes(fake, app_id=APP_ID) -> list:
    return [
        seen.body["force_refresh"]
        for seen in fake.calls(STABLE_TOKEN)
        if seen.body["appid"] == app_id
    ]


def wechat_user(openid=OPENID):
    """The account of a mini program user, made as their first sign-in makes it."""
    return user_for_wechat(WeChatIdentity(openid), MINI_PROGRAM)
