"""Signing in from the mini program with WeChat."""

from app.auth.service import user_for_openid
from app.auth.tokens import TokenPair, start_session
from app.auth.wechat import wechat_client
from app.errors import DomainError
from app.extensions import db


class AccountUnavailable(DomainError):
    """The account was banned or deleted; signing in again does not reopen it."""

    code = "account_unavailable"


def sign_in(js_code: str) -> TokenPair:
    """Sign in with the code from wx.login; an openid's first sign-in makes its account.

    Only a keyed hash of the openid is kept (see app.auth.service.user_for_openid).

    Raises:
        AccountUnavailable: the account is banned or deleted.
        DomainError: the WeChat problems of app.auth.wechat.
    """
    user = user_for_openid(wechat_client().openid(js_code))
    if user.status != "active":
        raise AccountUnavailable
    tokens = start_session(user, "wechat")
    db.session.commit()
    return tokens
