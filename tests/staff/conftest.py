"""Staff fixtures, and a driver for the review page's forms as a browser would fill them."""

import re
import time

import pyotp
import pytest

from app.staff import service
from tests.conftest import FreshGlobalsClient

PASSWORD = "correct horse battery staple"
SIGN_IN = "/moderation/sign-in"
CODE = "/moderation/sign-in/code"
HOME = "/moderation/"
SIGN_OUT = "/moderation/sign-out"
EN = {"Accept-Language": "en"}
FAILED = "用户名、密码或验证码不正确。"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def staff(db_session):
    """A moderator with a known password; their credentials carry the TOTP secret."""
    return service.create_staff("mod.li", "moderator", PASSWORD)


@pytest.fixture
def admin(db_session):
    return service.create_staff("admin.wang", "admin", PASSWORD)


def csrf_token(client, path, **kwargs) -> str:
    page = client.get(path, **kwargs)
    assert page.status_code == 200, page.status_code
    return CSRF_FIELD.search(page.get_data(as_text=True)).group(1)


def submit(client, path, fields=None, *, form_path=None, **kwargs):
    """Fetch the page holding the form (path, or form_path), then post it with its CSRF token."""
    token = csrf_token(client, form_path or path, **kwargs)
    return client.post(path, data={**(fields or {}), "csrf_token": token}, **kwargs)


def enter_password(client, username, password=PASSWORD, **kwargs):
    return submit(client, SIGN_IN, {"username": username, "password": password}, **kwargs)


def enter_code(client, code, **kwargs):
    return submit(client, CODE, {"code": code}, **kwargs)


def sign_in(client, credentials, code=None, **kwargs):
    """Both steps; returns the answer to the code form (a redirect home when it worked)."""
    entered = enter_password(client, credentials.username, **kwargs)
    assert entered.status_code == 302, entered.get_data(as_text=True)
    return enter_code(client, code or current_code(credentials.totp_secret), **kwargs)


def signed_in_browser(app, username: str, role: str):
    """A new staff member of role, signed in on a browser (test client) of their own."""
    credentials = service.create_staff(username, role, PASSWORD)
    app.test_client_class = FreshGlobalsClient
    browser = app.test_client()
    signed_in = sign_in(browser, credentials)
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    return browser


def sign_out(client, **kwargs):
    return submit(client, SIGN_OUT, form_path=HOME, **kwargs)


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def code_for_step(secret: str, offset: int) -> str:
    """The code offset 30-second steps away from now."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(time.time()) + offset)


def wrong_code(secret: str) -> str:
    """A code no authenticator shows for this secret anywhere near now."""
    near = {code_for_step(secret, offset) for offset in range(-3, 4)}
    return next(code for code in (f"{digit}" * 6 for digit in range(10)) if code not in near)


def forget_session(client) -> None:
    """Drop the browser's cookie, as a new browser (or someone without the cookie) would be."""
    client.delete_cookie("session")


def page_text(response) -> str:
    return response.get_data(as_text=True)
