"""A fake of WeChat's server API: jscode2session, stable_token and getuserphonenumber.

It speaks WeChat's protocol, failures included: HTTP 200 with {"errcode", "errmsg"}, codes that
work once, an access token that normal mode hands back until it expires and force_refresh
replaces. Tests teach it codes, script the next answers of an API (an errcode, or one of the
broken answers below) and read back the requests it saw.
"""

import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

JSCODE2SESSION = "sns/jscode2session"
STABLE_TOKEN = "cgi-bin/stable_token"
GET_PHONE_NUMBER = "wxa/business/getuserphonenumber"

# Scripted answers besides errcodes.
SLOW = "slow"  # answers only once released, long after any client's timeout
NOT_JSON = "not json"  # an HTML error page with status 200, as a misbehaving proxy sends
HTTP_ERROR = "http error"  # a gateway's 502
NOT_AN_OBJECT = "not an object"  # JSON, but a list
NO_PAYLOAD = "no payload"  # errcode 0 and nothing else

ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40013: "invalid appid",
    40029: "invalid code",
    40125: "invalid appsecret",
    40226: "code blocked",
    42001: "access_token expired",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
}
SLOW_ANSWER_LIMIT_SECONDS = 10


@dataclass(frozen=True)
class Seen:
    method: str
    api: str
    query: dict
    body: dict | None


@dataclass(frozen=True)
class Phone:
    pure_number: str
    country_code: str
    app_id: str


class FakeWeChat:
    def __init__(self, app_id: str, app_secret: str, token_lifetime: int = 7200):
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_lifetime = token_lifetime
        # Seconds stable_token takes to answer, to make concurrent callers overlap.
        self.token_delay = 0.0
        self.seen: list[Seen] = []
        self._logins: dict[str, str] = {}
        self._phones: dict[str, Phone] = {}
        self._scripts: dict[str, deque] = defaultdict(deque)
        self._token: str | None = None
        self._expired: set[str] = set()
        self._lock = threading.Lock()
        self._released = threading.Event()

    def add_login(self, code: str, openid: str) -> None:
        """A wx.login code that jscode2session will trade, once, for this openid."""
        self._logins[code] = openid

    def add_phone(
        self, code: str, pure_number: str, country_code: str = "86", app_id: str | None = None
    ) -> None:
        """A getPhoneNumber code that getuserphonenumber will trade, once, for this number."""
        self._phones[code] = Phone(pure_number, country_code, app_id or self.app_id)

    def script(self, api: str, *answers) -> None:
        """Answer the next calls of an API with these, in order: errcodes or SLOW, NOT_JSON..."""
        self._scripts[api].extend(answers)

    def expire_token(self) -> None:
        """The current access token expires: calls with it get 42001 until one is fetched."""
        with self._lock:
            self._expired.add(self._token)
            self._token = None

    def replace_token(self) -> None:
        """Someone else force-refreshed: the token in use gets 40001, invalid credential."""
        with self._lock:
            self._token = self._new_token()

    def calls(self, api: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.api == api]

    def release(self) -> None:
        """Let SLOW answers finish, so no thread outlives the test."""
        self._released.set()

    @Request.application
    def __call__(self, request: Request) -> Response:
        api = request.path.lstrip("/")
        body = request.get_json(silent=True) if request.method == "POST" else None
        self.seen.append(Seen(request.method, api, dict(request.args), body))
        scripted = self._scripts[api].popleft() if self._scripts[api] else None
        if scripted == SLOW:
            self._released.wait(SLOW_ANSWER_LIMIT_SECONDS)
        elif scripted == NOT_JSON:
            return Response("<html><body>upstream error</body></html>", mimetype="text/html")
        elif scripted == HTTP_ERROR:
            return Response("Bad Gateway", status=502, mimetype="text/plain")
        elif scripted == NOT_AN_OBJECT:
            return Response("[]", mimetype="application/json")
        elif scripted == NO_PAYLOAD:
            return _answer({"errcode": 0, "errmsg": "ok"})
        elif scripted is not None:
            return _error(scripted)
        handlers = {
            ("GET", JSCODE2SESSION): self._jscode2session,
            ("POST", STABLE_TOKEN): self._stable_token,
            ("POST", GET_PHONE_NUMBER): self._phone_number,
        }
        handler = handlers.get((request.method, api))
        return handler(request, body or {}) if handler else Response("Not Found", status=404)

    def _jscode2session(self, request: Request, _body: dict) -> Response:
        credentials = self._refuse_credentials(request.args)
        if credentials:
            return credentials
        openid = self._logins.pop(request.args.get("js_code", ""), None)
        if openid is None:
            return _error(40029)
        answer = {"openid": openid, "session_key": secrets.token_urlsafe(16)}
        # WeChat labels this JSON text/plain.
        return _answer(answer, mimetype="text/plain")

    def _stable_token(self, _request: Request, body: dict) -> Response:
        if body.get("grant_type") != "client_credential":
            return _error(40002)
        credentials = self._refuse_credentials(body)
        if credentials:
            return credentials
        time.sleep(self.token_delay)
        with self._lock:
            if body.get("force_refresh") is True or self._token is None:
                self._token = self._new_token()
            token = self._token
        return _answer({"access_token": token, "expires_in": self.token_lifetime})

    def _phone_number(self, request: Request, body: dict) -> Response:
        token = request.args.get("access_token")
        if token in self._expired:
            return _error(42001)
        if token is None or token != self._token:
            return _error(40001)
        phone = self._phones.pop(body.get("code", ""), None)
        if phone is None:
            return _error(40029)
        prefix = "" if phone.country_code == "86" else f"+{phone.country_code}"
        info = {
            "phoneNumber": prefix + phone.pure_number,
            "purePhoneNumber": phone.pure_number,
            "countryCode": phone.country_code,
            "watermark": {"timestamp": int(time.time()), "appid": phone.app_id},
        }
        return _answer({"errcode": 0, "errmsg": "ok", "phone_info": info})

    def _refuse_credentials(self, given) -> Response | None:
        if given.get("appid") != self.app_id:
            return _error(40013)
        if given.get("secret") != self.app_secret:
            return _error(40125)
        return None

    @staticmethod
    def _new_token() -> str:
        return secrets.token_urlsafe(48)


def _answer(payload: dict, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(payload), mimetype=mimetype)


def _error(errcode: int) -> Response:
    errmsg = ERRMSGS.get(errcode, "unknown error")
    return _answer({"errcode": errcode, "errmsg": f"{errmsg}, rid: {secrets.token_hex(4)}"})
