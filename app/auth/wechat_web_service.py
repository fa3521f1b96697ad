"""Signing in on the H5 page inside WeChat: silent web authorisation through the official account.

The page asks for an authorisation (start_authorization) and sends the browser to WeChat, which
sends it back to the same page with ?code=...&state=...; the page hands both to sign_in. The
state is random, kept only as a keyed hash, and works once: a page that did not start the
authorisation cannot finish one (login CSRF), and a copied URL cannot be replayed.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app
from sqlalchemy import delete

from app.auth.lookup import lookup_digest
from app.auth.models import WeChatWebState
from app.auth.service import OFFICIAL_ACCOUNT, user_for_wechat
from app.auth.tokens import TokenPair, start_session
from app.auth.wechat_web import official_account
from app.errors import DomainError
from app.extensions import db
from app.h5_origin import NotAnH5Page, page_url

SIGN_IN_CLIENT = "h5"
STATE_BYTES = 24
# Parameters WeChat adds on the way back; a page that starts again must not carry old ones.
RETURN_PARAMETERS = ("code", "state")


@dataclass(frozen=True)
class WebAuthorization:
    authorize_url: str
    expires_in: int


class WeChatWebDomainMismatch(DomainError):
    """WeChat's 10003: the page is not on the domain registered with the official account, so
    WeChat would stop the user on its own error page. Answered here instead, before sending
    anyone there."""

    code = "wechat_web_domain_mismatch"

    def __init__(self):
        super().__init__(origin=current_app.config["H5_ORIGIN"])


class WeChatStateInvalid(DomainError):
    """The state is unknown, expired or already used: start the authorisation again."""

    code = "wechat_state_invalid"

    def __init__(self):
        super().__init__(errors={"state": ["This authorisation is unknown, expired or used."]})


def start_authorization(return_to: str, now: datetime | None = None) -> WebAuthorization:
    """Keep a new state and say where to send the browser; WeChat brings it back to return_to.

    Args:
        return_to: the page's own URL (without ?code= and ?state=, which are dropped if there).

    Raises:
        WeChatWebDomainMismatch: return_to is not on H5_ORIGIN (WeChat's 10003).
        NotAnH5Page: it is, but not a page of the H5 square.
        WeChatWebNotConfigured: the server has no official account app id.
    """
    checked = page_url(return_to)
    if not checked.on_our_origin:
        raise WeChatWebDomainMismatch
    if not checked.is_h5_page:
        raise NotAnH5Page("return_to")
    now = now or datetime.now(UTC)
    lifetime = timedelta(seconds=current_app.config["WECHAT_WEB_STATE_SECONDS"])
    state = secrets.token_urlsafe(STATE_BYTES)
    authorize_url = official_account().authorize_url(_without_return_parameters(return_to), state)
    db.session.execute(delete(WeChatWebState).where(WeChatWebState.expires_at <= now))
    db.session.add(
        WeChatWebState(state_hmac=_digest(state), created_at=now, expires_at=now + lifetime)
    )
    db.session.commit()
    return WebAuthorization(authorize_url, int(lifetime.total_seconds()))


def sign_in(code: str, state: str, now: datetime | None = None) -> TokenPair:
    """Finish a web authorisation: use up its state, trade WeChat's code for the user's openid
    and unionid, and sign in to their account (made on first sign-in, or linked on unionid).

    The state is used up before WeChat is asked, and stays used if WeChat then fails: the page
    starts a new authorisation, which is silent.

    Raises:
        WeChatStateInvalid: no live state matches.
        WeChatSnapshotUser: the reader is in snapshot mode; nobody is signed in.
        AccountUnavailable: the account is banned.
        DomainError: the WeChat problems of app.auth.wechat (WeChatCodeInvalid, WeChatCodeUsed...).
    """
    now = now or datetime.now(UTC)
    used = db.session.execute(
        delete(WeChatWebState)
        .where(WeChatWebState.state_hmac == _digest(state), WeChatWebState.expires_at > now)
        .returning(WeChatWebState.state_hmac)
    ).first()
    db.session.commit()
    if used is None:
        raise WeChatStateInvalid
    identity = official_account().web_identity(code)
    pair = start_session(user_for_wechat(identity, OFFICIAL_ACCOUNT), SIGN_IN_CLIENT)
    db.session.commit()
    return pair


def _without_return_parameters(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in RETURN_PARAMETERS
    ]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def _digest(state: str) -> bytes:
    return lookup_digest("wechat-state", state, current_app.config["LOOKUP_HMAC_KEY"])
