"""The fake WeChat the auth tests sign in against, and the calls they make to it."""

import pytest

from app.auth.wechat import EXTENSION, WeChatClient
from tests.conftest import bearer
from tests.fakes.server import serve
from tests.fakes.wechat import STABLE_TOKEN, FakeWeChat

SIGN_IN = "/api/v1/auth/wechat"
BIND_PHONE = "/api/v1/auth/wechat/phone"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
MOBILE = "13912345678"
TIMEOUT_SECONDS = 0.5


@pytest.fixture
def wechat(app, monkeypatch):
    """A fake WeChat the app talks to, with a client of its own so no access token carries over."""
    fake = FakeWeChat(APP_ID, APP_SECRET)
    client = WeChatClient()
    with serve(fake) as base_url:
        for name, value in {
            "WECHAT_API_BASE_URL": base_url,
            "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_TIMEOUT_SECONDS": TIMEOUT_SECONDS,
        }.items():
            monkeypatch.setitem(app.config, name, value)
        monkeypatch.setitem(app.extensions, EXTENSION, client)
        try:
            yield fake
        finally:
            fake.release()
            client.close()


def sign_in_with(client, fake, code="login-code", openid=OPENID):
    fake.add_login(code, openid)
    return client.post(SIGN_IN, json={"code": code})


def bind(client, fake, access_token, code="phone-code", number=MOBILE, **phone):
    fake.add_phone(code, number, **phone)
    return client.post(BIND_PHONE, json={"code": code}, headers=bearer(access_token))


def force_refreshes(fake) -> list:
    return [seen.body["force_refresh"] for seen in fake.calls(STABLE_TOKEN)]
