"""Signing in from the mini program with WeChat, and binding the number WeChat vouches for."""

from app.auth.models import User
from app.auth.service import MINI_PROGRAM, bind_mobile, user_for_wechat
from app.auth.tokens import TokenPair, start_session
from app.auth.wechat import wechat_client
from app.extensions import db


def sign_in(js_code: str) -> TokenPair:
    """Sign in with the code from wx.login; an openid's first sign-in makes its account, or
    finds the account of the same unionid (see app.auth.service.user_for_wechat).

    Raises:
        AccountUnavailable: the account is banned or deleted.
        DomainError: the WeChat problems of app.auth.wechat.
    """
    user = user_for_wechat(wechat_client().identity(js_code), MINI_PROGRAM)
    tokens = start_session(user, "wechat")
    db.session.commit()
    return tokens


def bind_phone(user: User, code: str) -> User:
    """Bind the mainland mobile number shared through the getPhoneNumber button.

    The account reaches the "phone" level with provider "wechat"; only the number's keyed hash
    and masked form are kept.

    Raises:
        MobileInUse: another account already signs in with this number.
        PhoneNotMainland: WeChat's number is not a mainland mobile.
        DomainError: the other WeChat problems of app.auth.wechat.
    """
    bind_mobile(user, wechat_client().mainland_mobile(code), provider="wechat")
    db.session.commit()
    return user
