"""The official account's calls to WeChat, for the H5 page: web authorisation (the authorize page
the browser is sent to, and trading its code at sns/oauth2/access_token) and the JS-SDK's
jsapi_ticket. Credentials, access token and errcodes work as in app.auth.wechat.
"""

from urllib.parse import urlencode

from flask import Flask, current_app

from app.auth.wechat import (
    RenewedBeforeExpiry,
    WeChatClient,
    WeChatIdentity,
    identity_in,
    unusable_answer,
)
from app.errors import DomainError

AUTHORIZE = "connect/oauth2/authorize"
OAUTH2_ACCESS_TOKEN = "sns/oauth2/access_token"  # noqa: S105 - an API path, not a secret
GET_TICKET = "cgi-bin/ticket/getticket"
# Silent: the openid (and unionid) without asking the user anything.
SILENT_SCOPE = "snsapi_base"
# WeChat's browser reads the authorisation from this fragment; without it some versions refuse.
WECHAT_REDIRECT = "#wechat_redirect"
SNAPSHOT_USER = 1
EXTENSION = "medshare.wechat.official_account"


class WeChatWebNotConfigured(DomainError):
    """No official account app id or secret: a development server started without them
    (production refuses to start so). Nothing is sent to WeChat."""

    code = "wechat_web_not_configured"


class WeChatSnapshotUser(DomainError):
    """is_snapshotuser=1: the page is read in the moments' snapshot mode, whose openid is a
    stand-in for no real user. Treated as not signed in."""

    code = "wechat_snapshot_user"


class OfficialAccountClient(WeChatClient):
    """One per process, like the mini program's: its own access token, and the JS-SDK ticket."""

    app_id_setting = "WECHAT_OA_APP_ID"
    app_secret_setting = "WECHAT_OA_APP_SECRET"  # noqa: S105 - a setting's name
    not_configured = WeChatWebNotConfigured

    def __init__(self):
        super().__init__()
        self._ticket = RenewedBeforeExpiry()

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """Where to send the browser for a silent web authorisation that comes back to
        redirect_uri with ?code=...&state=...

        Raises:
            WeChatWebNotConfigured: no app id is set.
        """
        if not self.app_id:
            raise self.not_configured
        # WeChat checks the parameters in this order.
        query = urlencode(
            [
                ("appid", self.app_id),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", SILENT_SCOPE),
                ("state", state),
            ]
        )
        base = current_app.config["WECHAT_OPEN_BASE_URL"].rstrip("/")
        return f"{base}/{AUTHORIZE}?{query}{WECHAT_REDIRECT}"

    def web_identity(self, code: str) -> WeChatIdentity:
        """The openid and unionid of the user whose web authorisation gave this code.

        WeChat also sends the user's own web access and refresh tokens; nothing here acts as
        the user, so they are dropped unread.

        Raises:
            WeChatSnapshotUser: the reader is in snapshot mode.
            WeChatCodeInvalid, WeChatCodeUsed, WeChatRateLimited, WeChatBusy,
            WeChatUnavailable, WeChatTimeout, WeChatWebNotConfigured.
        """
        answer = self._call(
            "GET",
            OAUTH2_ACCESS_TOKEN,
            params={
                "appid": self.app_id,
                "secret": self.app_secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        if answer.get("is_snapshotuser") == SNAPSHOT_USER:
            raise WeChatSnapshotUser
        return identity_in(OAUTH2_ACCESS_TOKEN, answer)

    def jsapi_ticket(self) -> str:
        """The JS-SDK's jsapi_ticket, cached and renewed before it expires as the access token
        is (WeChat rations getticket calls).

        Raises:
            WeChatUnavailable, WeChatTimeout, WeChatBusy, WeChatWebNotConfigured.
        """

        def fetch(_force: bool) -> tuple[str, int]:
            answer = self._call_with_token("GET", GET_TICKET, params={"type": "jsapi"})
            ticket, expires_in = answer.get("ticket"), answer.get("expires_in")
            if not isinstance(ticket, str) or not ticket or not isinstance(expires_in, int):
                raise unusable_answer(GET_TICKET, "no ticket")
            return ticket, expires_in

        return self._ticket.get(fetch)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = OfficialAccountClient()


def official_account() -> OfficialAccountClient:
    """The current app's client of the official account."""
    return current_app.extensions[EXTENSION]
