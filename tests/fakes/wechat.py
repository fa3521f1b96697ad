"""A fake of WeChat for two apps of ours, the mini program and the official account.

The mini program's server API: jscode2session, stable_token and getuserphonenumber. The official
account's: stable_token, web authorisation (the browser's connect/oauth2/authorize page, then
sns/oauth2/access_token) and the JS-SDK's cgi-bin/ticket/getticket.

It speaks WeChat's protocol, failures included: HTTP 200 with {"errcode", "errmsg"}, codes that
work once, an access token per app that normal mode hands back until it expires and
force_refresh replaces, and the authorize page's own error pages (10003 for a redirect_uri on a
domain the account has not registered). Tests teach it codes, script the next answers of an API
(an errcode, or one of the broken answers below) and read back the requests it saw.
"""

import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Request, Response

JSCODE2SESSION = "sns/jscode2session"
STABLE_TOKEN = "cgi-bin/stable_token"
GET_PHONE_NUMBER = "wxa/business/getuserphonenumber"
AUTHORIZE = "connect/oauth2/authorize"
OAUTH2_ACCESS_TOKEN = "sns/oauth2/access_token"
GET_TICKET = "cgi-bin/ticket/getticket"

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
    40097: "invalid args",
    40125: "invalid appsecret",
    40163: "code been used",
    40226: "code blocked",
    42001: "access_token expired",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    48001: "api unauthorized",
}
# What the authorize page shows instead of redirecting, by its error code.
AUTHORIZE_ERRORS = {
    10003: "redirect_uri域名与后台配置不一致",
    10005: "此公众号并没有这些scope的权限",
    10010: "scope不能为空",
    10011: "redirect_uri不能为空",
    10012: "appid不能为空",
    10016: "不支持微信开放平台的Appid，请使用公众号Appid",
}
WEB_SCOPES = ("snsapi_base", "snsapi_userinfo")
# A web authorisation code lives five minutes, as WeChat's do.
WEB_CODE_SECONDS = 300
# The browser's WeChat user, kept on the fake's own origin as WeChat keeps it in its app.
USER_COOKIE = "fake_wechat_user"
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


@dataclass(frozen=True)
class Person:
    openid: str
    unionid: str | None
    snapshot: bool = False


@dataclass
class WebCode:
    person: Person
    issued_at: float
    used: bool = False


class FakeWeChat:
    """WSGI app. `web_domains` are the hosts registered for web authorisation (port ignored, as
    WeChat registers domains); redirect_uris elsewhere get the 10003 page."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        token_lifetime: int = 7200,
        oa_app_id: str | None = None,
        oa_app_secret: str | None = None,
        web_domains: tuple[str, ...] = (),
    ):
        self.app_id = app_id
        self.oa_app_id = oa_app_id
        self._secrets = {app_id: app_secret, **({oa_app_id: oa_app_secret} if oa_app_id else {})}
        self.web_domains = web_domains
        self.token_lifetime = token_lifetime
        self.ticket_lifetime = 7200
        # Seconds stable_token takes to answer, to make concurrent callers overlap.
        self.token_delay = 0.0
        self.seen: list[Seen] = []
        self.ticket: str | None = None
        self._logins: dict[str, Person] = {}
        self._phones: dict[str, Phone] = {}
        self._web_codes: dict[str, WebCode] = {}
        self._browser_people: dict[str, Person] = {}
        self._scripts: dict[str, deque] = defaultdict(deque)
        self._tokens: dict[str, str] = {}
        self._expired: set[str] = set()
        self._ticket_expires_at = 0.0
        self._lock = threading.Lock()
        self._released = threading.Event()

    def add_login(self, code: str, openid: str, unionid: str | None = None) -> None:
        """A wx.login code that jscode2session will trade, once, for this openid."""
        self._logins[code] = Person(openid, unionid)

    def add_phone(
        self, code: str, pure_number: str, country_code: str = "86", app_id: str | None = None
    ) -> None:
        """A getPhoneNumber code that getuserphonenumber will trade, once, for this number."""
        self._phones[code] = Phone(pure_number, country_code, app_id or self.app_id)

    def add_web_code(
        self, code: str, openid: str, unionid: str | None = None, snapshot: bool = False
    ) -> None:
        """A web authorisation code that sns/oauth2/access_token will trade for this user;
        snapshot: the user reads the page in the moments' snapshot mode (is_snapshotuser)."""
        self._web_codes[code] = WebCode(Person(openid, unionid, snapshot), time.time())

    def script(self, api: str, *answers) -> None:
        """Answer the next calls of an API with these, in order: errcodes or SLOW, NOT_JSON..."""
        self._scripts[api].extend(answers)

    def expire_token(self, app_id: str | None = None) -> None:
        """The app's current access token expires: calls with it get 42001 until one is
        fetched. The mini program's unless another app is named."""
        with self._lock:
            self._expired.add(self._tokens.pop(app_id or self.app_id, None))

    def replace_token(self, app_id: str | None = None) -> None:
        """Someone else force-refreshed: the token in use gets 40001, invalid credential."""
        with self._lock:
            self._tokens[app_id or self.app_id] = _new_secret()

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
            ("GET", AUTHORIZE): self._authorize,
            ("GET", OAUTH2_ACCESS_TOKEN): self._web_access_token,
            ("GET", GET_TICKET): self._ticket,
        }
        handler = handlers.get((request.method, api))
        return handler(request, body or {}) if handler else Response("Not Found", status=404)

    def _jscode2session(self, request: Request, _body: dict) -> Response:
        credentials = self._refuse_credentials(request.args, self.app_id)
        if credentials:
            return credentials
        person = self._logins.pop(request.args.get("js_code", ""), None)
        if person is None:
            return _error(40029)
        answer = {"openid": person.openid, "session_key": _new_secret()}
        if person.unionid:
            answer["unionid"] = person.unionid
        # WeChat labels this JSON text/plain.
        return _answer(answer, mimetype="text/plain")

    def _stable_token(self, _request: Request, body: dict) -> Response:
        if body.get("grant_type") != "client_credential":
            return _error(40002)
        app_id = body.get("appid")
        credentials = self._refuse_credentials(body, app_id)
        if credentials:
            return credentials
        time.sleep(self.token_delay)
        with self._lock:
            if body.get("force_refresh") is True or app_id not in self._tokens:
                self._tokens[app_id] = _new_secret()
            token = self._tokens[app_id]
        return _answer({"access_token": token, "expires_in": self.token_lifetime})

    def _phone_number(self, request: Request, body: dict) -> Response:
        refused = self._refuse_token(request, self.app_id)
        if refused:
            return refused
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

    def _authorize(self, request: Request, _body: dict) -> Response:
        """The page WeChat's browser opens: it redirects back with a code for the browser's
        WeChat user, silently for snsapi_base, or shows an error page."""
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if not args.get("appid"):
            return _authorize_error(10012)
        if args["appid"] != self.oa_app_id:
            return _authorize_error(10016)
        if not redirect_uri:
            return _authorize_error(10011)
        if not args.get("scope"):
            return _authorize_error(10010)
        if args["scope"] not in WEB_SCOPES or args.get("response_type") != "code":
            return _authorize_error(10005)
        if urlsplit(redirect_uri).hostname not in self.web_domains:
            return _authorize_error(10003)
        person, cookie = self._browser_person(request)
        code = _new_secret()
        self._web_codes[code] = WebCode(person, time.time())
        query = {"code": code, **({"state": args["state"]} if "state" in args else {})}
        response = Response(status=302, headers={"Location": _with_query(redirect_uri, query)})
        response.set_cookie(USER_COOKIE, cookie, httponly=True, samesite="Lax")
        return response

    def _web_access_token(self, request: Request, _body: dict) -> Response:
        credentials = self._refuse_credentials(request.args, self.oa_app_id)
        if credentials:
            return credentials
        if request.args.get("grant_type") != "authorization_code":
            return _error(40002)
        with self._lock:
            issued = self._web_codes.get(request.args.get("code", ""))
            if issued is None or time.time() - issued.issued_at > WEB_CODE_SECONDS:
                return _error(40029)
            if issued.used:
                return _error(40163)
            issued.used = True
        person = issued.person
        answer = {
            "access_token": _new_secret(),
            "expires_in": 7200,
            "refresh_token": _new_secret(),
            "openid": person.openid,
            "scope": "snsapi_base",
        }
        if person.unionid:
            answer["unionid"] = person.unionid
        if person.snapshot:
            answer["is_snapshotuser"] = 1
        return _answer(answer)

    def _ticket(self, request: Request, _body: dict) -> Response:
        refused = self._refuse_token(request, self.oa_app_id)
        if refused:
            return refused
        if request.args.get("type") != "jsapi":
            return _error(40097)
        with self._lock:
            if self.ticket is None or time.time() >= self._ticket_expires_at:
                self.ticket = _new_secret()
                self._ticket_expires_at = time.time() + self.ticket_lifetime
            ticket = self.ticket
        lifetime = self.ticket_lifetime
        return _answer({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": lifetime})

    def _browser_person(self, request: Request) -> tuple[Person, str]:
        """The WeChat user of this browser: one per cookie, made on its first visit."""
        cookie = request.cookies.get(USER_COOKIE) or secrets.token_hex(8)
        with self._lock:
            person = self._browser_people.setdefault(
                cookie, Person(f"o-web-{cookie}", f"u-{cookie}")
            )
        return person, cookie

    def _refuse_token(self, request: Request, app_id: str | None) -> Response | None:
        token = request.args.get("access_token")
        if token in self._expired:
            return _error(42001)
        if token is None or token not in self._tokens.values():
            return _error(40001)
        if token != self._tokens.get(app_id):
            # The other app's token: this app's API is not that app's to call.
            return _error(48001)
        return None

    def _refuse_credentials(self, given, app_id: str | None) -> Response | None:
        if given.get("appid") != app_id or app_id not in self._secrets:
            return _error(40013)
        if given.get("secret") != self._secrets[app_id]:
            return _error(40125)
        return None


def _with_query(url: str, added: dict) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *added.items()])
    return urlunsplit(parts._replace(query=query))


def _authorize_error(code: int) -> Response:
    page = (
        "<!doctype html><title>微信网页授权</title>"
        f"<h1>Oops! Something went wrong:(</h1><p>错误码：{code}</p><p>{AUTHORIZE_ERRORS[code]}</p>"
    )
    return Response(page, mimetype="text/html")


def _new_secret() -> str:
    return secrets.token_urlsafe(48)


def _answer(payload: dict, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(payload), mimetype=mimetype)


def _error(errcode: int) -> Response:
    errmsg = ERRMSGS.get(errcode, "unknown error")
    return _answer({"errcode": errcode, "errmsg": f"{errmsg}, rid: {secrets.token_hex(4)}"})
