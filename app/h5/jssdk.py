"""wx.config's answer for a page of the H5 square: the official account's appId, a timestamp, a
nonce and the signature WeChat's JS-SDK checks.

The signature is SHA-1 over `jsapi_ticket=...&noncestr=...&timestamp=...&url=...` (keys in ASCII
order, values raw, not escaped), for the page's URL without its fragment; it is made only for
pages on H5_ORIGIN, since it vouches for the page to WeChat in our official account's name.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from app.auth.wechat_web import official_account
from app.h5_origin import NotAnH5Page, page_url

NONCE_BYTES = 12


@dataclass(frozen=True)
class JsSdkConfig:
    app_id: str
    timestamp: int
    nonce_str: str
    signature: str


def signature(jsapi_ticket: str, nonce_str: str, timestamp: int, url: str) -> str:
    """WeChat's JS-SDK signature: SHA-1 of the four values joined in their keys' ASCII order."""
    signed = f"jsapi_ticket={jsapi_ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(signed.encode("utf-8"), usedforsecurity=False).hexdigest()


def jssdk_config(url: str) -> JsSdkConfig:
    """What the page at url passes to wx.config.

    Raises:
        NotAnH5Page: url is not a page of the square on H5_ORIGIN (field `url`).
        WeChatWebNotConfigured, WeChatUnavailable, WeChatTimeout, WeChatBusy: the ticket could
            not be had.
    """
    page = url.split("#", 1)[0]
    if not page_url(page).is_h5_page:
        raise NotAnH5Page("url")
    client = official_account()
    ticket = client.jsapi_ticket()
    timestamp = int(time.time())
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return JsSdkConfig(client.app_id, timestamp, nonce, signature(ticket, nonce, timestamp, page))
