"""WeChat's server API, as the mini program's sign-in needs it: a login code's openid.

WeChat answers most failures with HTTP 200 and {"errcode", "errmsg"}. The errcodes a user can act
on become problems of their own; any other, and any broken or missing answer, reads as WeChat
being unavailable. The log hears the API and the errcode only: requests' exceptions quote the URL,
whose query carries the app secret and the user's code, so they are never logged or chained.
"""

import logging

import requests
from flask import Flask, current_app

from app.errors import DomainError

log = logging.getLogger("medshare.wechat")

JSCODE2SESSION = "sns/jscode2session"
EXTENSION = "medshare.wechat"


class WeChatCodeInvalid(DomainError):
    """40029: the code is unknown, expired (5 minutes) or already used."""

    code = "wechat_code_invalid"

    def __init__(self):
        super().__init__(errors={"code": ["The code is invalid, expired or already used."]})


class _ComeBackLater(DomainError):
    """A problem whose answer says, through Retry-After, when asking again may succeed."""

    retry_setting = ""

    def __init__(self):
        super().__init__(headers={"Retry-After": str(current_app.config[self.retry_setting])})


class WeChatRateLimited(_ComeBackLater):
    """45011: too many logins for this user this minute."""

    code = "wechat_rate_limited"
    retry_setting = "WECHAT_RATE_LIMITED_RETRY_SECONDS"


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


# Errcodes with a problem of their own; any other errcode is WeChatUnavailable.
ERRCODE_PROBLEMS = {
    40029: WeChatCodeInvalid,
    45011: WeChatRateLimited,
    40226: WeChatUserBlocked,
    -1: WeChatBusy,
}


class WeChatClient:
    """One per process: it keeps its connections between requests.

    Settings are read from the app's config on each call.
    """

    def __init__(self):
        self._http = requests.Session()

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

    def _call(self, method: str, path: str, **kwargs) -> dict:
        return _checked(path, self._request(method, path, **kwargs))

    def _request(self, method: str, path: str, **kwargs) -> dict:
        """WeChat's JSON answer, whatever its errcode; transport failures raise."""
        config = current_app.config
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
            log.error("wechat unreachable", extra={"fields": fields})
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
