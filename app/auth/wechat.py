"""WeChat's server API: the client both of our WeChat apps share (credentials, the access token,
errcodes), and the mini program's calls: a login code's openid and unionid, and the phone number
a user shares through the getPhoneNumber button. The official account's calls (web authorisation,
the JS-SDK's ticket) are in app.auth.wechat_web.

WeChat answers most failures with HTTP 200 and {"errcode", "errmsg"}. The errcodes a user can act
on become problems of their own; any other, and any broken or missing answer, reads as WeChat
being unavailable. The log hears the API and the errcode only: requests' exceptions quote the URL,
whose query carries the app secret and the user's code, so they are never logged or chained.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from flask import Flask, current_app

from app.auth.lookup import NotAMainlandMobile, normalise_mainland_mobile
from app.errors import DomainError, TryAgainLater

log = logging.getLogger("medshare.wechat")

JSCODE2SESSION = "sns/jscode2session"
STABLE_TOKEN = "cgi-bin/stable_token"  # noqa: S105 - an API path, not a secret
GET_PHONE_NUMBER = "wxa/business/getuserphonenumber"
# 42001: the access token expired; 40001: it is no longer valid (force-refreshed elsewhere).
TOKEN_REJECTED = frozenset({42001, 40001})
MAINLAND_COUNTRY_CODE = "86"
EXTENSION = "medshare.wechat"


class WeChatCodeInvalid(DomainError):
    """40029: the code is unknown, expired (5 minutes) or already used."""

    code = "wechat_code_invalid"

    def __init__(self):
        super().__init__(errors={"code": ["The code is invalid, expired or already used."]})


class WeChatCodeUsed(DomainError):
    """40163: the code was already traded once (a reload, or a second tab, sent it again)."""

    code = "wechat_code_used"

    def __init__(self):
        super().__init__(errors={"code": ["This code has already been used."]})


class _ComeBackLater(TryAgainLater):
    """WeChat says when, only by its errcode; the wait is a setting."""

    retry_setting = ""

    def __init__(self):
        super().__init__(current_app.config[self.retry_setting])


class WeChatRateLimited(_ComeBackLater):
    """45011: too many logins for this user this minute."""

    code = "wechat_rate_limited"
    retry_setting = "WECHAT_RATE_LIMITED_RETRY_SECONDS"


class WeChatNotConfigured(DomainError):
    """No app id or secret: a development server started without the mini program's credentials
    (production refuses to start so). Nothing is sent to WeChat."""

    code = "wechat_not_configured"


class WeChatBusy(_ComeBackLater):
    """-1: WeChat's own systems are busy."""

    code = "wechat_busy"
    retry_setting = "WECHAT_BUSY_RETRY_SECONDS"


class WeChatUserBlocked(DomainError):
    """40226: WeChat's risk control blocks this user's mini program logins."""

    code = "wechat_user_blocked"


class WeChatUnavailable(DomainError):
    """WeChat could not be reached, or answered with something we cannot use."""

    code = "wechat_unavailable"


class WeChatTimeout(DomainError):
    code = "wechat_timeout"


class PhoneNotMainland(DomainError):
    """The WeChat account's number is not a mainland mobile, so it proves no real name here."""

    code = "wechat_phone_not_mainland"


# Errcodes with a problem of their own; any other errcode is WeChatUnavailable.
ERRCODE_PROBLEMS = {
    40029: WeChatCodeInvalid,
    40163: WeChatCodeUsed,
    45011: WeChatRateLimited,
    40226: WeChatUserBlocked,
    -1: WeChatBusy,
}


@dataclass(frozen=True)
class WeChatIdentity:
    """Who a WeChat user is to one of our apps: the app's own openid, and the unionid that is the
    same across every app of our open platform account (absent when WeChat does not send it)."""

    openid: str
    unionid: str | None = None


@dataclass(frozen=True)
class _Expiring:
    value: str
    renew_at: float  # on time.monotonic()'s clock


class RenewedBeforeExpiry:
    """A value WeChat hands out for a while (an access token, a JS-SDK ticket), kept until
    WECHAT_TOKEN_RENEW_SECONDS before it expires, or until WeChat refuses it.

    The lock makes threads that need a new value wait for one renewal instead of each asking; a
    thread whose refused value another thread has already replaced takes the replacement
    instead of forcing yet another one.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._held: _Expiring | None = None

    def get(self, fetch: Callable[[bool], tuple[str, int]], rejected: str | None = None) -> str:
        """The value held, or a new one from fetch(force), which answers (value, expires_in);
        force is True when the value held is the one WeChat just refused."""
        with self._lock:
            held = self._held
            if held and held.value != rejected and time.monotonic() < held.renew_at:
                return held.value
            value, expires_in = fetch(held is not None and held.value == rejected)
            early = current_app.config["WECHAT_TOKEN_RENEW_SECONDS"]
            self._held = _Expiring(value, time.monotonic() + expires_in - early)
            return value


class WeChatClient:
    """The part of WeChat's server API every app of ours uses. One per app and process: it keeps
    its connections and its app's access token between requests.

    Subclasses name the settings that hold their app's credentials; settings are read from the
    app's config on each call.
    """

    app_id_setting = ""
    app_secret_setting = ""
    not_configured: type[DomainError] = WeChatNotConfigured

    def __init__(self):
        self._http = requests.Session()
        self._token = RenewedBeforeExpiry()

    def close(self) -> None:
        self._http.close()

    @property
    def app_id(self) -> str:
        return current_app.config[self.app_id_setting]

    @property
    def app_secret(self) -> str:
        return current_app.config[self.app_secret_setting]

    def _call_with_token(self, method: str, path: str, **kwargs) -> dict:
        """Call an API that takes the access token, renewing it once if WeChat refuses it."""
        token = self._access_token()
        params = kwargs.pop("params", {})
        answer = self._request(method, path, params={**params, "access_token": token}, **kwargs)
        if answer.get("errcode") in TOKEN_REJECTED:
            # Renew and retry once. A fresh token refused again is not a stale cache, and
            # forced renewals are rationed (20 a day), so the second refusal is an error.
            token = self._access_token(rejected=token)
            answer = self._request(method, path, params={**params, "access_token": token}, **kwargs)
        return _checked(path, answer)

    def _access_token(self, rejected: str | None = None) -> str:
        """The app's access token from stable_token, renewed shortly before it expires or after
        WeChat refused it."""

        def fetch(force: bool) -> tuple[str, int]:
            answer = self._call(
                "POST",
                STABLE_TOKEN,
                json={
                    "grant_type": "client_credential",
                    "appid": self.app_id,
                    "secret": self.app_secret,
                    # Normal mode would hand the refused token back until it expires.
                    "force_refresh": force,
                },
            )
            value, expires_in = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(value, str) or not value or not isinstance(expires_in, int):
                raise unusable_answer(STABLE_TOKEN, "no access_token")
            return value, expires_in

        return self._token.get(fetch, rejected)

    def _call(self, method: str, path: str, **kwargs) -> dict:
        return _checked(path, self._request(method, path, **kwargs))

    def _request(self, method: str, path: str, **kwargs) -> dict:
        """WeChat's JSON answer, whatever its errcode; transport failures raise."""
        config = current_app.config
        if not (self.app_id and self.app_secret):
            raise self.not_configured
        url = f"{config['WECHAT_API_BASE_URL'].rstrip('/')}/{path}"
        try:
            response = self._http.request(
                method, url, timeout=config["WECHAT_TIMEOUT_SECONDS"], **kwargs
            )
            response.raise_for_status()
            # WeChat labels some JSON answers text/plain, so the body is parsed whatever its type.
            answer = response.json()
        except requests.Timeout:
            log.error("wechat timed out", extra={"fields": {"api": path}})
            raise WeChatTimeout from None
        except requests.RequestException as error:
            # The class alone: the message would quote the URL, secret and code included.
            fields = {"api": path, "error": type(error).__name__}
            log.error("wechat request failed", extra={"fields": fields})
            raise WeChatUnavailable from None
        if not isinstance(answer, dict):
            raise unusable_answer(path, "answer is not an object")
        return answer


class MiniProgramClient(WeChatClient):
    """The mini program's calls: signing in with wx.login's code, and the shared phone number."""

    app_id_setting = "WECHAT_APP_ID"
    app_secret_setting = "WECHAT_APP_SECRET"  # noqa: S105 - a setting's name, not a secret

    def identity(self, js_code: str) -> WeChatIdentity:
        """The openid (and unionid, when WeChat sends one) of the user whose wx.login gave this
        code.

        WeChat also sends the session_key; it is dropped unread, since nothing here decrypts
        the mini program's data with it.

        Raises:
            WeChatCodeInvalid, WeChatCodeUsed, WeChatRateLimited, WeChatUserBlocked, WeChatBusy,
            WeChatUnavailable, WeChatTimeout.
        """
        answer = self._call(
            "GET",
            JSCODE2SESSION,
            params={
                "appid": self.app_id,
                "secret": self.app_secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )
        return identity_in(JSCODE2SESSION, answer)

    def mainland_mobile(self, code: str) -> str:
        """The 11-digit mainland mobile number a user shared through the getPhoneNumber button.

        Raises:
            PhoneNotMainland: the number has another country code, or is not a mobile.
            WeChatCodeInvalid, WeChatRateLimited, WeChatBusy, WeChatUnavailable, WeChatTimeout.
        """
        answer = self._call_with_token("POST", GET_PHONE_NUMBER, json={"code": code})
        info = answer.get("phone_info")
        watermark = info.get("watermark") if isinstance(info, dict) else None
        if not isinstance(watermark, dict) or not isinstance(info.get("purePhoneNumber"), str):
            raise unusable_answer(GET_PHONE_NUMBER, "no phone_info")
        if watermark.get("appid") != self.app_id:
            # A number vouched for another mini program proves nothing to us.
            raise unusable_answer(GET_PHONE_NUMBER, "watermark names another app")
        if str(info.get("countryCode")) != MAINLAND_COUNTRY_CODE:
            raise PhoneNotMainland
        try:
            return normalise_mainland_mobile(info["purePhoneNumber"])
        except NotAMainlandMobile:
            raise PhoneNotMainland from None


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = MiniProgramClient()


def wechat_client() -> MiniProgramClient:
    """The current app's client of the mini program."""
    return current_app.extensions[EXTENSION]


def identity_in(path: str, answer: dict) -> WeChatIdentity:
    """The openid and unionid of an answer that must name a user.

    Raises:
        WeChatUnavailable: the answer has no openid.
    """
    openid, unionid = answer.get("openid"), answer.get("unionid")
    if not isinstance(openid, str) or not openid:
        raise unusable_answer(path, "no openid")
    return WeChatIdentity(openid, unionid if isinstance(unionid, str) and unionid else None)


def _checked(path: str, answer: dict) -> dict:
    """The answer, if WeChat's errcode says it succeeded; else its problem."""
    errcode = answer.get("errcode", 0)
    if errcode == 0:
        return answer
    # errmsg is left out: WeChat's texts are free-form and not ours to vouch for.
    log.warning("wechat refused", extra={"fields": {"api": path, "errcode": errcode}})
    raise ERRCODE_PROBLEMS.get(errcode, WeChatUnavailable)()


def unusable_answer(path: str, reason: str) -> WeChatUnavailable:
    """The error for an answer we cannot use, logged with why (never with the answer)."""
    log.error("wechat answer unusable", extra={"fields": {"api": path, "reason": reason}})
    return WeChatUnavailable()
