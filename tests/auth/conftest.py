"""The fake WeChat the auth tests sign in against, and the calls they make to it."""

import pytest

from app.auth.service import MINI_PROGRAM, user_for_wechat
from app.auth.wechat import EXTENSION, MiniProgramClient, WeChatIdentity
from app.auth.wechat_web import EXTENSION as OA_EXTENSION
from app.auth.wechat_web import OfficialAccountClient
from tests.conftest import bearer
from tests.fakes.server import serve
from tests.fakes.wechat import STABLE_TOKEN, FakeWeChat

SIGN_IN = "/api/v1/auth/wechat"
BIND_PHONE = "/api/v1/auth/wechat/phone"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
OA_APP_ID = "wxfedcba9876543210"
OA_APP_SECRET = "fake-official-account-secret-000"
H5_ORIGIN = "https://h5.medshare.test"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
MOBILE = "13912345678"
TIMEOUT_SECONDS = 0.5


@pytest.fixture
def wechat(app, monkeypatch):
    """A fake WeChat (mini program and official account) the app talks to, with clients of its
    own so no access token or ticket carries over between tests."""
    fake = FakeWeChat(
        APP_ID,
        APP_SECRET,
        oa_app_id=OA_APP_ID,
        oa_app_secret=OA_APP_SECRET,
        web_domains=("h5.medshare.test",),
    )
    clients = {EXTENSION: MiniProgramClient(), OA_EXTENSION: OfficialAccountClient()}
    with serve(fake) as base_url:
        for name, value in {
            "WECHAT_API_BASE_URL": base_url,
            "WECHAT_OPEN_BASE_URL": base_url,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_OA_APP_ID": OA_APP_ID,
            "WECHAT_OA_APP_SECRET": OA_APP_SECRET,
            "WECHAT_TIMEOUT_SECONDS": TIMEOUT_SECONDS,
            "H5_ORIGIN": H5_ORIGIN,
        }.items():
            monkeypatch.setitem(app.config, name, value)
        for extension, client in clients.items():
            monkeypatch.setitem(app.extensions, extension, client)
        try:
            yield fake
        finally:
            fake.release()
            for client in clients.values():
                client.close()


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
