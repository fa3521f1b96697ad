"""WeChat's server API, as the mini program's sign-in needs it: a login code's openid, the phone
number a user shares through the getPhoneNumber button, and the access token that call needs.

WeChat answers most failures with HTTP 200 and {"errcode", "errmsg"}. The errcodes a user can act
on become problems of their own; any other, and any broken or missing answer, reads as WeChat
being unavailable. The log hears the API and the errcode only: requests' exceptions quote the URL,
whose query carries the app secret and the user's code, so they are never logged or chained.
"""

import logging
import threading
import time
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
    45011: WeChatRateLimited,
    40226: WeChatUserBlocked,
    -1: WeChatBusy,
}


@dataclass(frozen=True)
class _AccessToken:
    value: str
    renew_at: float  # on time.monotonic()'s clock


class WeChatClient:
    """One per process: it keeps its connections and WeChat's access token between requests.

    Settings are read from the app's config on each call.
    """

    def __init__(self):
        self._http = requests.Session()
        self._token_lock = threading.Lock()
        self._token: _AccessToken | None = None

    def close(self) -> None:
        self._http.close()

    def openid(self, js_code: str) -> str:
        """The openid of the user whose wx.login gave this code.

        WeChat also sends the session_key; it is dropped unread, since nothing here decrypts
        the mini program's data with it.

        Raises:
            WeChatCodeInvalid, WeChatRateLimited, WeChatUserBlocked, WeChatBusy,
            WeChatUnavailable, WeChatTimeout.
        """
        config = current_app.config
        answer = self._call(
            "GET",
            JSCODE2SESSION,
            params={
                "appid": config["WECHAT_APP_ID"],
                "secret": config["WECHAT_APP_SECRET"],
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )
        openid = answer.get("openid")
        if not isinstance(openid, str) or not openid:
            raise _unusable(JSCODE2SESSION, "no openid")
        return openid

    def mainland_mobile(self, code: str) -> str:
        """The 11-digit mainland mobile number a user shared through the getPhoneNumber button.

        Raises:
            PhoneNotMainland: the number has another country code, or is not a mobile.
            WeChatCodeInvalid, WeChatRateLimited, WeChatBusy, WeChatUnavailable, WeChatTimeout.
        """
        answer = self._call_with_token(GET_PHONE_NUMBER, {"code": code})
        info = answer.get("phone_info")
        watermark = info.get("watermark") if isinstance(info, dict) else None
        if not isinstance(watermark, dict) or not isinstance(info.get("purePhoneNumber"), str):
            raise _unusable(GET_PHONE_NUMBER, "no phone_info")
        if watermark.get("appid") != current_app.config["WECHAT_APP_ID"]:
            # A number vouched for another mini program proves nothing to us.
            raise _unusable(GET_PHONE_NUMBER, "watermark names another app")
        if str(info.get("countryCode")) != MAINLAND_COUNTRY_CODE:
            raise PhoneNotMainland
        try:
            return normalise_mainland_mobile(info["purePhoneNumber"])
        except NotAMainlandMobile:
            raise PhoneNotMainland from None

    def _call_with_token(self, path: str, body: dict) -> dict:
        token = self._access_token()
        answer = self._request("POST", path, params={"access_token": token}, json=body)
        if answer.get("errcode") in TOKEN_REJECTED:
            # Renew and retry once. A fresh token refused again is not a stale cache, and
            # forced renewals are rationed (20 a day), so the second refusal is an error.
            token = self._access_token(rejected=token)
            answer = self._request("POST", path, params={"access_token": token}, json=body)
        return _checked(path, answer)

    def _access_token(self, rejected: str | None = None) -> str:
        """The cached access token, renewed shortly before it expires or after WeChat refused it.

        The lock makes threads that need a new token wait for one renewal instead of each
        asking; a thread whose refused token another thread has already replaced takes the
        replacement instead of forcing yet another one.
        """
        config = current_app.config
        with self._token_lock:
            cached = self._token
            if cached and cached.value != rejected and time.monotonic() < cached.renew_at:
                return cached.value
            answer = self._call(
                "POST",
                STABLE_TOKEN,
                json={
                    "grant_type": "client_credential",
                    "appid": config["WECHAT_APP_ID"],
                    "secret": config["WECHAT_APP_SECRET"],
                    # Normal mode would hand the refused token back until it expires.
                    "force_refresh": cached is not None and cached.value == rejected,
                },
            )
            value, expires_in = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(value, str) or not value or not isinstance(expires_in, int):
                raise _unusable(STABLE_TOKEN, "no access_token")
            renew_at = time.monotonic() + expires_in - config["WECHAT_TOKEN_RENEW_SECONDS"]
            self._token = _AccessToken(value, renew_at)
            return value

    def _call(self, method: str, path: str, **kwargs) -> dict:
        return _checked(path, self._request(method, path, **kwargs))

    def _request(self, method: str, path: str, **kwargs) -> dict:
        """WeChat's JSON answer, whatever its errcode; transport failures raise."""
        config = current_app.config
        if not (config["WECHAT_APP_ID"] and config["WECHAT_APP_SECRET"]):
            raise WeChatNotConfigured
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
            raise _unusable(path, "answer is not an object")
        return answer


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = WeChatClient()


def wechat_client() -> WeChatClient:
    """The current app's WeChat client."""
    return current_app.extensions[EXTENSION]


def _checked(path: str, answer: dict) -> dict:
    errcode = answer.get("errcode", 0)
    if errcode == 0:
        return answer
    # errmsg is left out: WeChat's texts are free-form and not ours to vouch for.
    log.warning("wechat refused", extra={"fields": {"api": path, "errcode": errcode}})
    raise ERRCODE_PROBLEMS.get(errcode, WeChatUnavailable)()


def _unusable(path: str, reason: str) -> WeChatUnavailable:
    log.error("wechat answer unusable", extra={"fields": {"api": path, "reason": reason}})
    return WeChatUnavailable()
